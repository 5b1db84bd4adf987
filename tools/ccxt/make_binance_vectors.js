// tools/ccxt/make_binance_vectors.js
//
// Reference vectors for the C++ Binance USD-M signer and request builders
// (include/mmbot/venue/binance/), produced offline with an independent implementation: ccxt's
// `binanceusdm`. Nothing here touches the network: markets are set by hand (setMarkets), the
// nonce and clock are pinned, and ccxt's own request builder (createOrderRequest) and signer
// (sign) produce the query strings, bodies and headers.
//
//   ./mmw setup && cd tools/ccxt && node make_binance_vectors.js ../../tests/venue/binance/ccxt_vectors.json
//
// The C++ test (tests/venue/binance/requests_test.cpp) rebuilds every request from `inputs` and
// compares method, path, query, body and signature byte for byte. The key and secret are test
// values, not real.
'use strict';

const fs = require('fs');
const ccxt = require('ccxt');
const { signedVector } = require('./signed_vector');

const API_KEY = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';
const SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
const TIMESTAMP_MS = 1700000000123;
const RECV_WINDOW = 5000;

function market(symbol, id, tick, step) {
    const [base, rest] = symbol.split('/');
    const [quote, settle] = rest.split(':');
    return {
        id, symbol, base, quote, settle, baseId: base, quoteId: quote, settleId: settle,
        type: 'swap', spot: false, margin: false, swap: true, future: false, option: false,
        contract: true, linear: true, inverse: false, active: true, contractSize: 1,
        precision: { price: tick, amount: step },
        limits: { amount: {}, price: {}, cost: {}, leverage: {} },
        // What exchangeInfo lists and createOrderRequest checks.
        info: { orderTypes: ['LIMIT', 'MARKET'], timeInForce: ['GTC', 'IOC', 'FOK', 'GTX'] },
    };
}

const ex = new ccxt.binanceusdm({ apiKey: API_KEY, secret: SECRET });
ex.options.recvWindow = RECV_WINDOW;
ex.nonce = () => TIMESTAMP_MS;
ex.milliseconds = () => TIMESTAMP_MS;
ex.setMarkets([
    market('BTC/USDT:USDT', 'BTCUSDT', 0.1, 0.001),
    market('ETH/USDT:USDT', 'ETHUSDT', 0.01, 0.001),
]);

function signed(name, kind, inputs, path, method, params) {
    return signedVector(ex, 'fapiPrivate', name, kind, inputs, path, method, params);
}

const vectors = [];

// ------------------------------------------------------------------- POST /fapi/v1/order (GTX)
const creates = [
    { symbol: 'BTC/USDT:USDT', side: 'buy', qty: '0.001', price: '65000.1', id: 'mm-0001' },
    { symbol: 'BTC/USDT:USDT', side: 'sell', qty: '0.123', price: '65123.4', id: 'mm-0002' },
    { symbol: 'ETH/USDT:USDT', side: 'buy', qty: '1.25', price: '3012.57', id: 'mm-ETH-7f3a9c' },
];
for (const c of creates) {
    const params = ex.createOrderRequest(c.symbol, 'limit', c.side, c.qty, c.price,
                                         { timeInForce: 'GTX', clientOrderId: c.id });
    const m = ex.market(c.symbol);
    vectors.push(signed(`create ${c.id}`, 'create',
                        { symbol: m.id, side: c.side.toUpperCase(), qty: c.qty, price: c.price,
                          client_order_id: c.id },
                        'order', 'POST', params));
}

// ----------------------------------------------------------------- DELETE /fapi/v1/order
for (const [symbol, id] of [['BTC/USDT:USDT', 'mm-0001'], ['ETH/USDT:USDT', 'mm-ETH-7f3a9c']]) {
    const m = ex.market(symbol);
    vectors.push(signed(`cancel ${id}`, 'cancel', { symbol: m.id, client_order_id: id },
                        'order', 'DELETE', { symbol: m.id, origClientOrderId: id }));
}

// -------------------------------------------------------- DELETE /fapi/v1/allOpenOrders
vectors.push(signed('cancel-all BTCUSDT', 'cancel_all', { symbol: 'BTCUSDT' }, 'allOpenOrders',
                    'DELETE', { symbol: 'BTCUSDT' }));

// --------------------------------------------------------------- GET /fapi/v1/openOrders
vectors.push(signed('open-orders BTCUSDT', 'open_orders', { symbol: 'BTCUSDT' }, 'openOrders', 'GET',
                    { symbol: 'BTCUSDT' }));

// ------------------------------------------------------- GET /fapi/v1/order by client id
vectors.push(signed('query mm-0002', 'query', { symbol: 'BTCUSDT', client_order_id: 'mm-0002' },
                    'order', 'GET', { symbol: 'BTCUSDT', origClientOrderId: 'mm-0002' }));

// ------------------------------------------------------------ the user data stream key
for (const method of ['POST', 'PUT', 'DELETE']) {
    vectors.push(signedVector(ex, 'fapiPrivate', `listenKey ${method}`, 'listen_key', {}, 'listenKey',
                              method, {}));
}

const out = {
    generator: `ccxt ${ccxt.version} (tools/ccxt/make_binance_vectors.js)`,
    api_key: API_KEY,
    secret: SECRET,
    timestamp: String(TIMESTAMP_MS),
    recv_window: String(RECV_WINDOW),
    vectors,
};
const text = JSON.stringify(out, null, 2) + '\n';
if (process.argv[2]) fs.writeFileSync(process.argv[2], text); else process.stdout.write(text);
