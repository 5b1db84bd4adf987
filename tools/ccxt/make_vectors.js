// tools/ccxt/make_vectors.js
//
// Reference vectors for the C++ Bybit v5 signer and request builders, produced offline with an
// independent implementation: the npm package ccxt. Nothing here touches the network: the markets
// are set by hand (setMarkets), the nonce and clock are pinned, and ccxt's own request builders
// (createOrderRequest, cancelOrderRequest) and signer (sign) produce the bodies, query strings and
// X-BAPI-* headers. The WebSocket auth message is captured from ccxt.pro's authenticate() by
// replacing `watch` before anything connects.
//
//   ./mmw setup && cd tools/ccxt && node make_vectors.js ../../tests/venue/bybit/ccxt_vectors.json
//
// The C++ test (tests/venue/bybit/ccxt_vectors_test.cpp) rebuilds every request from `inputs` and
// compares body, query and signature byte for byte. The key and secret are test values, not real.
'use strict';

const fs = require('fs');
const ccxt = require('ccxt');
const { signedVector } = require('./signed_vector');

const API_KEY = 'XXXXXXXXXXXXXXXXXX';
const SECRET = 'YYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYY';
const TIMESTAMP_MS = 1700000000123;
const RECV_WINDOW = 5000;

// Minimal unified markets: what createOrderRequest reads (id, type flags, precision as tick sizes).
function market(symbol, id, spot, tick, step) {
    const [base, rest] = symbol.split('/');
    const [quote, settle] = rest.split(':');
    return {
        id, symbol, base, quote, settle: spot ? undefined : settle,
        baseId: base, quoteId: quote, settleId: spot ? undefined : settle,
        type: spot ? 'spot' : 'swap', spot, margin: false, swap: !spot, future: false,
        option: false, contract: !spot, linear: spot ? undefined : true,
        inverse: spot ? undefined : false, active: true,
        contractSize: spot ? undefined : 1,
        precision: { price: tick, amount: step },
        limits: { amount: {}, price: {}, cost: {}, leverage: {} },
        info: {},
    };
}

const MARKETS = [
    market('BTC/USDT:USDT', 'BTCUSDT', false, 0.1, 0.001),
    market('ETH/USDT:USDT', 'ETHUSDT', false, 0.01, 0.01),
    market('BTC/USDT', 'BTCUSDT', true, 0.01, 0.000001),
];

function exchange(Cls) {
    const ex = new Cls({ apiKey: API_KEY, secret: SECRET });
    ex.options.recvWindow = RECV_WINDOW;
    ex.nonce = () => TIMESTAMP_MS;
    ex.milliseconds = () => TIMESTAMP_MS;
    ex.setMarkets(MARKETS);
    return ex;
}

const ex = exchange(ccxt.bybit);

function signed(name, kind, inputs, path, method, params) {
    return signedVector(ex, 'private', name, kind, inputs, path, method, params);
}

// ------------------------------------------------------------------------------ order/create
const creates = [
    { symbol: 'BTC/USDT:USDT', category: 'linear', side: 'buy', qty: '0.001', price: '65000.1',
      link: 'mm-0001' },
    { symbol: 'BTC/USDT:USDT', category: 'linear', side: 'sell', qty: '0.123', price: '65123.4',
      link: 'mm-0002' },
    { symbol: 'ETH/USDT:USDT', category: 'linear', side: 'buy', qty: '1.25', price: '3012.57',
      link: 'mm-ETH-7f3a9c' },
    { symbol: 'BTC/USDT', category: 'spot', side: 'sell', qty: '0.000123', price: '64999.99',
      link: 'mm-spot-1' },
];

function createRequest(c) {
    return ex.createOrderRequest(c.symbol, 'limit', c.side, c.qty, c.price,
                                 { timeInForce: 'PostOnly', clientOrderId: c.link });
}

function inputsOf(c) {
    const m = ex.market(c.symbol);
    return { symbol: m.id, category: c.category, side: c.side === 'buy' ? 'Buy' : 'Sell',
             qty: c.qty, price: c.price, order_link_id: c.link };
}

const vectors = [];
for (const c of creates) {
    vectors.push(signed(`create ${c.link}`, 'create', inputsOf(c), 'v5/order/create', 'POST',
                        createRequest(c)));
}

// ------------------------------------------------------------------------ order/create-batch
// Same construction as ccxt's createOrders (which needs the network for isUnifiedEnabled).
{
    const batch = creates.slice(0, 2);
    const requests = batch.map((c) => {
        const r = createRequest(c);
        delete r.category;
        return r;
    });
    vectors.push(signed('create-batch linear', 'create_batch',
                        { category: 'linear', orders: batch.map(inputsOf) },
                        'v5/order/create-batch', 'POST',
                        { category: 'linear', request: requests }));
}

// ------------------------------------------------------------------------------ order/cancel
for (const [symbol, category, link] of [['BTC/USDT:USDT', 'linear', 'mm-0001'],
                                         ['BTC/USDT', 'spot', 'mm-spot-1']]) {
    const params = ex.cancelOrderRequest(undefined, symbol, { orderLinkId: link });
    vectors.push(signed(`cancel ${link}`, 'cancel',
                        { symbol: ex.market(symbol).id, category, order_link_id: link },
                        'v5/order/cancel', 'POST', params));
}

// -------------------------------------------------------------------------- order/cancel-all
// ccxt's cancelAllOrders(symbol) builds {symbol, category} (it needs the network first).
for (const [symbol, category] of [['BTC/USDT:USDT', 'linear'], ['BTC/USDT', 'spot']]) {
    const id = ex.market(symbol).id;
    vectors.push(signed(`cancel-all ${category}`, 'cancel_all', { symbol: id, category },
                        'v5/order/cancel-all', 'POST', { symbol: id, category }));
}

// ---------------------------------------------------------------------- order/realtime (GET)
// ccxt's fetchOpenOrders builds {symbol, category, limit} and paging adds {cursor}.
vectors.push(signed('realtime first page', 'realtime',
                    { symbol: 'BTCUSDT', category: 'linear', limit: '50', cursor: '' },
                    'v5/order/realtime', 'GET',
                    { symbol: 'BTCUSDT', category: 'linear', limit: 50 }));
vectors.push(signed('realtime next page', 'realtime',
                    { symbol: 'BTCUSDT', category: 'linear', limit: '50',
                      cursor: 'page_args%3Dfd4300ae-7847-404e-b947-b46980a4d140%26symbol%3D6%26' },
                    'v5/order/realtime', 'GET',
                    { symbol: 'BTCUSDT', category: 'linear', limit: 50,
                      cursor: 'page_args%3Dfd4300ae-7847-404e-b947-b46980a4d140%26symbol%3D6%26' }));
vectors.push(signed('realtime by orderLinkId', 'realtime_link',
                    { symbol: 'BTCUSDT', category: 'linear', order_link_id: 'mm-0001' },
                    'v5/order/realtime', 'GET',
                    { symbol: 'BTCUSDT', category: 'linear', orderLinkId: 'mm-0001' }));

// ------------------------------------------------------------------ private WebSocket auth
async function wsAuth() {
    const pro = exchange(ccxt.pro.bybit);
    let captured;
    pro.watch = (url, hash, message) => { captured = message; return new Promise(() => {}); };
    pro.authenticate('wss://stream.bybit.com/v5/private');  // never settles: nothing connects
    const expires = String(TIMESTAMP_MS + 10000);
    return { name: 'ws auth', kind: 'ws_auth', inputs: { expires },
             method: '', path: '', query: '', body: JSON.stringify(captured), headers: {} };
}

(async () => {
    vectors.push(await wsAuth());
    const out = {
        generator: `ccxt ${ccxt.version} (tools/ccxt/make_vectors.js)`,
        api_key: API_KEY, secret: SECRET, timestamp: String(TIMESTAMP_MS),
        recv_window: String(RECV_WINDOW), vectors,
    };
    const text = JSON.stringify(out, null, 2) + '\n';
    if (process.argv[2]) fs.writeFileSync(process.argv[2], text); else process.stdout.write(text);
    process.exit(0);
})();
