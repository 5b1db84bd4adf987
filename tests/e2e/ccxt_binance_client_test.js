// tests/e2e/ccxt_binance_client_test.js
//
// An independent Binance USD-M client against mmbot-local-venue --protocol binance: ccxt's
// binanceusdm (npm, pinned in tools/ccxt), its REST and WebSocket code unmodified, pointed at the
// venue by overriding only its URLs, TLS verification on (NODE_EXTRA_CA_CERTS). Each check is one
// line "ok   - ..." or "FAIL - ...":
//   loadMarkets (BTC/USDT:USDT, precision and limits from exchangeInfo's filters); fetchOrderBook
//   (numbers at the instrument's scale); watchOrderBook (ccxt syncs the diff stream onto the REST
//   snapshot by Binance's procedure) agreeing with a fresh fetchOrderBook's top; a post-only limit
//   order resting (createOrder, fetchOpenOrders, fetchOrder) and seen on the user data stream
//   (watchOrders, through a listenKey); cancelOrder and its update; cancelAllOrders; a post-only
//   order that would cross refused (-5022, ccxt's InvalidOrder); a duplicate client order id
//   refused (-4116, ExchangeError); a bad secret refused (-1022, AuthenticationError); a 429
//   injected through /admin/fault (-1003, DDoSProtection: ccxt's class for HTTP 429).
//
//   NODE_PATH=tools/ccxt/node_modules NODE_EXTRA_CA_CERTS=cert.pem node ccxt_binance_client_test.js PORT KEY SECRET
// tests/e2e/ccxt_client_test.sh starts the venue and runs this after the Bybit run. Exit status: the
// number of failures.
'use strict';

const https = require('https');
const ccxt = require('ccxt');

const [port, apiKey, secret] = process.argv.slice(2);
const SYMBOL = 'BTC/USDT:USDT';
let failures = 0;

function report(what, ok, detail) {
    console.log(`${ok ? 'ok  ' : 'FAIL'} - binance: ${what}${detail ? ` (${detail})` : ''}`);
    if (!ok) failures += 1;
}

async function check(what, body) {
    try {
        const [ok, detail] = await body();
        report(what, ok, detail);
    } catch (e) {
        report(what, false, `${e.constructor.name}: ${String(e.message).slice(0, 300)}`);
    }
}

/// `body` must throw an instance of `cls` whose message carries Binance's `code`.
async function expectError(what, cls, code, body) {
    try {
        await body();
        report(what, false, 'no error');
    } catch (e) {
        const ok = e instanceof cls && String(e.message).includes(`"code":${code},`);
        report(what, ok, `${e.constructor.name}: ${String(e.message).slice(0, 200)}`);
    }
}

/// How a user points ccxt's binanceusdm at the venue: the host of every REST and stream URL.
function venueClient(options = {}) {
    const ex = new ccxt.pro.binanceusdm({ apiKey, secret, ...options });
    const rewrite = (url) => url.replace(/^(https|wss):\/\/[^/]+/, (_, scheme) => `${scheme}://localhost:${port}`);
    for (const name of Object.keys(ex.urls.api)) {
        if (typeof ex.urls.api[name] === 'string') ex.urls.api[name] = rewrite(ex.urls.api[name]);
    }
    for (const name of Object.keys(ex.urls.api.ws)) {
        if (typeof ex.urls.api.ws[name] === 'string') ex.urls.api.ws[name] = rewrite(ex.urls.api.ws[name]);
    }
    return ex;
}

function adminFault(body) {
    return new Promise((resolve, reject) => {
        const req = https.request({ host: 'localhost', port, path: '/admin/fault', method: 'POST' }, (res) => {
            let text = '';
            res.on('data', (c) => { text += c; });
            res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`${res.statusCode} ${text}`))));
        });
        req.on('error', reject);
        req.end(JSON.stringify(body));
    });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

(async () => {
    const ex = venueClient();
    let market;
    await check('loadMarkets lists BTC/USDT:USDT with the filters', async () => {
        await ex.loadMarkets();
        market = ex.market(SYMBOL);
        const ok = market.linear && market.settle === 'USDT' && market.precision.price === 0.1 &&
                   market.precision.amount === 0.001 && market.limits.amount.min === 0.001 &&
                   market.limits.cost.min === 5;
        return [ok, `precision ${JSON.stringify(market.precision)}, limits ${JSON.stringify(market.limits.amount)} cost ${market.limits.cost.min}`];
    });
    let book;
    await check('fetchOrderBook: two sides, uncrossed, prices at the tick', async () => {
        book = await ex.fetchOrderBook(SYMBOL, 5);
        const raw = await ex.fapiPublicGetDepth({ symbol: 'BTCUSDT', limit: 5 });
        const ok = book.bids.length === 5 && book.asks.length === 5 && book.bids[0][0] < book.asks[0][0] &&
                   /^\d+\.\d{2}$/.test(raw.bids[0][0]) && /^\d+\.\d{3}$/.test(raw.bids[0][1]) && raw.lastUpdateId > 0;
        return [ok, `${raw.bids[0]} / ${raw.asks[0]}, lastUpdateId ${raw.lastUpdateId}`];
    });
    await check('watchOrderBook syncs the diff stream onto the snapshot', async () => {
        let ob = await ex.watchOrderBook(SYMBOL);
        for (let i = 0; i < 5; i++) ob = await ex.watchOrderBook(SYMBOL);
        const top = [ob.bids[0][0], ob.asks[0][0]];
        const ok = ob.nonce > 0 && top[0] < top[1];
        return [ok, `nonce ${ob.nonce}, ${top[0]} / ${top[1]}`];
    });

    const seen = [];  // [id, status] as each update arrived (ccxt updates its cached order in place)
    let watching = true;
    const watcher = (async () => {
        while (watching) {
            try {
                for (const o of await ex.watchOrders(SYMBOL)) seen.push([o.id, o.status]);
            } catch (e) { /* closed at the end */ }
        }
    })();
    await sleep(500);

    book = await ex.fetchOrderBook(SYMBOL, 5);
    const bid = book.bids[0][0];
    const ask = book.asks[0][0];
    const restPx = Number((bid - 100).toFixed(1));
    let order;
    await check('createOrder limit postOnly rests (GTX, NEW)', async () => {
        order = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.002, restPx, { postOnly: true, clientOrderId: 'ccxt-bn-1' });
        return [order.status === 'open' && order.clientOrderId === 'ccxt-bn-1' && order.info.timeInForce === 'GTX' &&
                order.info.status === 'NEW', `${order.id} ${order.info.status} ${order.info.timeInForce} ${order.price}`];
    });
    await check('fetchOpenOrders lists it', async () => {
        const open = await ex.fetchOpenOrders(SYMBOL);
        return [open.length === 1 && open[0].id === order.id, `${open.length} open`];
    });
    await check('fetchOrder by id', async () => {
        const o = await ex.fetchOrder(order.id, SYMBOL);
        return [o.id === order.id && o.status === 'open' && o.amount === 0.002 && o.price === restPx, `${o.status} ${o.amount}@${o.price}`];
    });
    await expectError('a duplicate clientOrderId of an open order is refused (-4116)', ccxt.ExchangeError, -4116, () =>
        ex.createOrder(SYMBOL, 'limit', 'buy', 0.002, restPx - 10, { postOnly: true, clientOrderId: 'ccxt-bn-1' }));
    await expectError('a post-only order that would cross is refused (-5022)', ccxt.InvalidOrder, -5022, () =>
        ex.createOrder(SYMBOL, 'limit', 'buy', 0.002, Number((ask + 50).toFixed(1)), { postOnly: true }));
    await check('cancelOrder', async () => {
        const c = await ex.cancelOrder(order.id, SYMBOL);
        return [c.status === 'canceled', c.status];
    });
    await check('the user data stream told NEW and CANCELED', async () => {
        for (let i = 0; i < 30 && !seen.some(([id, st]) => id === order.id && st === 'canceled'); i++) await sleep(100);
        const mine = seen.filter(([id]) => id === order.id).map(([, st]) => st);
        return [mine.includes('open') && mine.includes('canceled'), mine.join(',')];
    });
    await check('cancelAllOrders cancels every open order', async () => {
        await ex.createOrder(SYMBOL, 'limit', 'buy', 0.002, restPx, { postOnly: true });
        await ex.createOrder(SYMBOL, 'limit', 'sell', 0.002, Number((ask + 100).toFixed(1)), { postOnly: true });
        const r = await ex.cancelAllOrders(SYMBOL);
        const open = await ex.fetchOpenOrders(SYMBOL);
        return [open.length === 0, `${JSON.stringify(r).slice(0, 100)}, ${open.length} open after`];
    });
    const wrong = venueClient({ secret: 'WRONG' + secret });
    await expectError('a bad secret is refused (-1022)', ccxt.AuthenticationError, -1022, () => wrong.fetchOpenOrders(SYMBOL));
    await adminFault({ kind: 'rate_limit', count: 1 });
    await expectError('a 429 is refused (-1003)', ccxt.DDoSProtection, -1003, () => ex.fetchOpenOrders(SYMBOL));

    watching = false;
    process.on('unhandledRejection', () => {});  // the watches ccxt ends at close
    await ex.close().catch(() => {});
    console.log(`${failures} failure(s), ccxt ${ccxt.version}`);
    process.exit(failures === 0 ? 0 : 1);
})();
