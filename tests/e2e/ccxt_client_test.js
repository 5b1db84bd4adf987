// tests/e2e/ccxt_client_test.js
//
// An independent Bybit client against mmbot-local-venue: ccxt (npm, pinned in tools/ccxt), its
// REST and WebSocket code unmodified, pointed at the venue by overriding only its URLs, TLS
// verification on (the venue's certificate trusted through NODE_EXTRA_CA_CERTS). What a user of
// ccxt does first, each check printed as one line "ok   - ..." or "FAIL - ...":
//   markets, order book (REST and stream), ticker and trades; a resting post-only order seen New on
//   the private stream, cancelled, seen Cancelled; a crossing post-only order cancelled with
//   EC_PostOnlyWillTakeLiquidity; a taker fill each way and the balance and position after them,
//   to the last digit; and ccxt's own exception classes for a bad secret, a stale timestamp and a
//   rate limit (injected through /admin/fault).
//
//   NODE_PATH=tools/ccxt/node_modules NODE_EXTRA_CA_CERTS=cert.pem node ccxt_client_test.js PORT KEY SECRET
// tests/e2e/ccxt_client_test.sh starts the venue and runs this. Exit status: the number of failures.
'use strict';

const https = require('https');
const ccxt = require('ccxt');
const { Precise } = ccxt;

const [port, apiKey, secret] = process.argv.slice(2);
const SYMBOL = 'BTC/USDT:USDT';
const TICK = '0.1';
let failures = 0;

function report(what, ok, detail) {
    console.log(`${ok ? 'ok  ' : 'FAIL'} - ${what}${detail ? ` (${detail})` : ''}`);
    if (!ok) failures += 1;
}

/// Runs one check: `body` returns [ok, detail]; an exception is a failure naming its class.
async function check(what, body) {
    try {
        const [ok, detail] = await body();
        report(what, ok, detail);
    } catch (e) {
        report(what, false, `${e.constructor.name}: ${String(e.message).slice(0, 300)}`);
    }
}

/// `body` must throw an instance of `cls`.
async function expectError(what, cls, body) {
    try {
        await body();
        report(what, false, 'no error');
    } catch (e) {
        report(what, e instanceof cls, `${e.constructor.name}: ${String(e.message).slice(0, 160)}`);
    }
}

/// How a user points ccxt at the venue: every REST base URL and every stream URL (docs/local-venue.md).
function venueClient(options = {}) {
    const ex = new ccxt.pro.bybit({ apiKey, secret, ...options });
    const rest = `https://localhost:${port}`;
    const ws = `wss://localhost:${port}`;
    for (const name of Object.keys(ex.urls.api)) {
        if (typeof ex.urls.api[name] === 'string') ex.urls.api[name] = rest;
    }
    const pub = (category) => `${ws}/v5/public/${category}`;
    ex.urls.api.ws = {
        public: { spot: pub('spot'), linear: pub('linear'), inverse: pub('inverse'), option: pub('option') },
        private: { spot: { unified: `${ws}/v5/private`, nonUnified: `${ws}/v5/private` },
                   contract: `${ws}/v5/private`, usdc: `${ws}/v5/private` },
    };
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
async function waitFor(what, predicate, ms = 10000) {
    for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) {
        const found = predicate();
        if (found) return found;
    }
    throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

/// Every order update the private stream delivers, in arrival order (copies).
function watchAllOrders(ex) {
    const seen = [];
    const state = { running: true, error: undefined };
    state.done = (async () => {
        while (state.running) {
            try {
                const updates = await ex.watchOrders(SYMBOL);
                for (const o of updates) seen.push({ ...o, info: { ...o.info } });
            } catch (e) {
                if (state.running) state.error = e;
                return;
            }
        }
    })();
    return { seen, state, update: (id, status) => seen.find((o) => o.id === id && o.status === status) };
}

const ticks = (price, n) => Precise.stringAdd(price, Precise.stringMul(TICK, String(n)));

async function marketData(ex) {
    await check('loadMarkets: BTC/USDT:USDT is a linear USDT perpetual with the venue\'s filters', async () => {
        const m = (await ex.loadMarkets())[SYMBOL];
        const ok = m !== undefined && m.linear && m.swap && m.settle === 'USDT' && m.active &&
            m.precision.price === 0.1 && m.precision.amount === 0.001 && m.limits.amount.min === 0.001 &&
            m.limits.amount.max === 1190 && m.limits.cost.min === 5;
        return [ok, m && `precision ${JSON.stringify(m.precision)}, limits ${JSON.stringify(m.limits.amount)}`];
    });
    await check('fetchOrderBook: 25 levels a side, bid below ask', async () => {
        const ob = await ex.fetchOrderBook(SYMBOL);
        return [ob.bids.length === 25 && ob.asks.length === 25 && ob.bids[0][0] < ob.asks[0][0],
            `bid ${ob.bids[0]}, ask ${ob.asks[0]}`];
    });
    await check('market/orderbook prints prices and sizes at the instrument\'s scale', async () => {
        const r = await ex.publicGetV5MarketOrderbook({ category: 'linear', symbol: 'BTCUSDT', limit: 3 });
        const [px, qty] = r.result.b[0];
        return [/^\d+\.\d\d$/.test(px) && /^\d+\.\d\d\d$/.test(qty), `b[0] ${px} ${qty}`];
    });
    await check('fetchTicker: bid, ask, last and mark', async () => {
        const t = await ex.fetchTicker(SYMBOL);
        return [t.bid > 0 && t.ask > t.bid && t.last > 0 && t.markPrice > 0, `bid ${t.bid} ask ${t.ask} last ${t.last} mark ${t.markPrice}`];
    });
    await check('fetchTrades: the replayed trades, stamped by the venue\'s clock', async () => {
        const trades = await ex.fetchTrades(SYMBOL, undefined, 10);
        const newest = trades[trades.length - 1];
        return [trades.length > 0 && Math.abs(Date.now() - newest.timestamp) < 60000,
            `${trades.length} trades, newest ${newest && newest.price} ${newest && newest.amount}`];
    });
    await check('watchOrderBook: a book from the public stream', async () => {
        const ob = await ex.watchOrderBook(SYMBOL);
        return [ob.bids.length > 0 && ob.asks.length > 0 && ob.bids[0][0] < ob.asks[0][0], `bid ${ob.bids[0]}, ask ${ob.asks[0]}`];
    });
    const deep = venueClient();
    await check('watchOrderBook at depth 1000 (Bybit\'s deepest linear stream)', async () => {
        const ob = await deep.watchOrderBook(SYMBOL, 1000);
        return [ob.bids.length > 0 && ob.asks.length > 0, `${ob.bids.length} bids, ${ob.asks.length} asks`];
    });
    await deep.close();
}

async function postOnlyOrders(ex, orders) {
    const book = await ex.fetchOrderBook(SYMBOL, 1);
    const bid = String(book.bids[0][0]);
    const ask = String(book.asks[0][0]);
    let resting;
    await check('createOrder post-only below the bid is accepted', async () => {
        resting = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.001, Number(ticks(bid, -200)), { postOnly: true });
        return [typeof resting.id === 'string' && resting.id.length > 0, `id ${resting.id}`];
    });
    await check('watchOrders: the order is New (open) on the private stream', async () => {
        const o = await waitFor('New', () => orders.update(resting.id, 'open'));
        return [o.info.orderStatus === 'New' && o.info.timeInForce === 'PostOnly' && o.price === Number(ticks(bid, -200)),
            `${o.info.orderStatus} ${o.info.timeInForce} ${o.info.price}`];
    });
    await check('fetchOpenOrders lists it', async () => {
        const open = await ex.fetchOpenOrders(SYMBOL);
        return [open.some((o) => o.id === resting.id), `${open.length} open`];
    });
    await check('cancelOrder', async () => {
        const c = await ex.cancelOrder(resting.id, SYMBOL);
        return [c.id === resting.id, `id ${c.id}`];
    });
    await check('watchOrders: the order is Cancelled (canceled)', async () => {
        const o = await waitFor('Cancelled', () => orders.update(resting.id, 'canceled'));
        return [o.info.orderStatus === 'Cancelled' && o.info.cancelType === 'CancelByUser', `${o.info.orderStatus} ${o.info.cancelType}`];
    });
    let crossing;
    await check('createOrder post-only at the ask: accepted, as Bybit accepts it', async () => {
        crossing = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.001, Number(ticks(ask, 5)), { timeInForce: 'PO' });
        return [typeof crossing.id === 'string', `id ${crossing.id}`];
    });
    await check('watchOrders: then cancelled with EC_PostOnlyWillTakeLiquidity', async () => {
        const o = await waitFor('the post-only cancel', () => orders.update(crossing.id, 'canceled'));
        return [o.info.rejectReason === 'EC_PostOnlyWillTakeLiquidity' && o.filled === 0,
            `${o.info.orderStatus} ${o.info.rejectReason} filled ${o.filled}`];
    });
}

/// A limit order through the touch (a taker fill at the best level); its final order update.
async function takerFill(ex, orders, side) {
    const book = await ex.fetchOrderBook(SYMBOL, 1);
    const price = side === 'buy' ? ticks(String(book.asks[0][0]), 50) : ticks(String(book.bids[0][0]), -50);
    const o = await ex.createOrder(SYMBOL, 'limit', side, 0.001, Number(price));
    return waitFor(`the ${side} fill`, () => orders.update(o.id, 'closed'));
}

function usdt(balance) {
    return balance.info.result.list[0].coin.find((c) => c.coin === 'USDT');
}

async function fills(ex, orders) {
    const before = usdt(await ex.fetchBalance()).walletBalance;
    let buy;
    await check('a buy through the touch fills (taker)', async () => {
        buy = await takerFill(ex, orders, 'buy');
        return [buy.filled === 0.001 && buy.info.orderStatus === 'Filled', `${buy.info.cumExecQty} @ ${buy.info.avgPrice}, fee ${buy.info.cumExecFee}`];
    });
    await check('fetchPositions: long 0.001 at the fill price', async () => {
        const [p] = await ex.fetchPositions([SYMBOL]);
        const entry = Precise.stringDiv(buy.info.cumExecValue, buy.info.cumExecQty);
        return [p.side === 'long' && p.contracts === 0.001 && Precise.stringEq(p.info.avgPrice, entry) &&
            Precise.stringEq(p.info.curRealisedPnl, Precise.stringNeg(buy.info.cumExecFee)),
            `${p.side} ${p.contracts} @ ${p.info.avgPrice}, realised ${p.info.curRealisedPnl}, upl ${p.info.unrealisedPnl}`];
    });
    await check('fetchBalance: USDT wallet balance less the fee, to the last digit', async () => {
        const c = usdt(await ex.fetchBalance());
        const want = Precise.stringSub(before, buy.info.cumExecFee);
        return [Precise.stringEq(c.walletBalance, want), `${c.walletBalance}, want ${want}; equity ${c.equity}`];
    });
    let sell;
    await check('a sell through the touch closes it', async () => {
        sell = await takerFill(ex, orders, 'sell');
        return [sell.filled === 0.001, `${sell.info.cumExecQty} @ ${sell.info.avgPrice}, fee ${sell.info.cumExecFee}`];
    });
    await check('fetchPositions: flat (no USDT position listed)', async () => {
        const open = await ex.fetchPositions();
        return [open.length === 0, `${open.length} open`];
    });
    await check('fetchBalance: wallet = start - fees + realised PnL, cumRealisedPnl the same', async () => {
        const c = usdt(await ex.fetchBalance());
        const pnl = Precise.stringSub(Precise.stringSub(Precise.stringSub(sell.info.cumExecValue, buy.info.cumExecValue),
            buy.info.cumExecFee), sell.info.cumExecFee);
        const want = Precise.stringAdd(before, pnl);
        return [Precise.stringEq(c.walletBalance, want) && Precise.stringEq(c.cumRealisedPnl, pnl),
            `${c.walletBalance}, want ${want}; cumRealisedPnl ${c.cumRealisedPnl}`];
    });
}

async function errors(ex) {
    await expectError('a bad secret: ccxt.AuthenticationError (retCode 10004)', ccxt.AuthenticationError, async () => {
        const bad = venueClient({ secret: 'not-the-secret' });
        try { await bad.fetchBalance(); } finally { await bad.close(); }
    });
    await expectError('a timestamp an hour old: ccxt.InvalidNonce (retCode 10002)', ccxt.InvalidNonce, async () => {
        const stale = venueClient();
        stale.nonce = () => Date.now() - 3600 * 1000;  // what ccxt signs as X-BAPI-TIMESTAMP
        try { await stale.fetchBalance(); } finally { await stale.close(); }
    });
    await check('ccxt maps retCode 10006 to RateLimitExceeded', async () => [
        ex.exceptions.exact['10006'] === ccxt.RateLimitExceeded, `${ex.exceptions.exact['10006'] && ex.exceptions.exact['10006'].name}`]);
    await adminFault({ kind: 'rate_limit', rate: '1', count: 1 });
    await expectError('a rate limit (fault injected): ccxt.RateLimitExceeded (retCode 10006)', ccxt.RateLimitExceeded,
        () => ex.fetchBalance());
    await check('the next request goes through', async () => [usdt(await ex.fetchBalance()) !== undefined, '']);
}

(async () => {
    const ex = venueClient();
    let orders;
    try {
        await marketData(ex);
        orders = watchAllOrders(ex);
        await sleep(1500);  // subscribed before the first order: watchOrders reports later updates only
        await postOnlyOrders(ex, orders);
        await fills(ex, orders);
        await errors(ex);
        report('the private stream stayed up', orders.state.error === undefined, orders.state.error && orders.state.error.message);
    } catch (e) {
        report('the run', false, `${e.constructor.name}: ${e.message}`);
    }
    if (orders) orders.state.running = false;
    await ex.close();
    console.log(`${failures} failure(s), ccxt ${ccxt.version}`);
    process.exit(failures === 0 ? 0 : 1);
})();
