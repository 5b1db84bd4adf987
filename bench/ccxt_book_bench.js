// bench/ccxt_book_bench.js: the reference side of //bench:book_vs_ccxt_bench.
//
// Feeds the orderbook lines of a capture to ccxt.pro's Bybit order-book handler exactly as a
// ccxt.pro WebSocket client does: JSON.parse of the text, then bybit.handleOrderBook(client,
// message) (the snapshot/delta logic of ccxt/js/src/pro/bybit.js, on ccxt's own OrderBook
// sides). Nothing connects: the client is a stand-in with the public URL and a resolve() that
// does nothing. The C++ runner starts this script, so both sides read the same lines in one run.
//
//   node bench/ccxt_book_bench.js CCXT_DIR CAPTURE PASSES
//
// CCXT_DIR is the directory holding node_modules/ccxt (tools/ccxt). It prints one JSON line:
//   {"ccxt":"4.5.84","messages":N,"bytes":B,"parse_ns":best pass, "handle_ns":best pass, ...}
// where a pass is every orderbook line once: parse_ns is JSON.parse alone, handle_ns is
// JSON.parse + handleOrderBook, each the fastest of PASSES passes after PASSES warm-up passes
// (the JIT compiles the handler first). Books are rebuilt from the first snapshot every pass.
'use strict';
const fs = require('fs');
const path = require('path');

const [ccxtDir, capture, passesArg] = process.argv.slice(2);
if (!ccxtDir || !capture) {
    process.stderr.write('usage: node ccxt_book_bench.js CCXT_DIR CAPTURE [PASSES]\n');
    process.exit(2);
}
const ccxt = require(require.resolve('ccxt', { paths: [path.resolve(ccxtDir)] }));
const passes = Math.max(1, parseInt(passesArg || '5', 10));

// The same selection as the C++ side: every line whose topic is an orderbook stream. A capture
// wrapper {"recv_ts_ns":..,"msg":{..}} is unwrapped by the parse (both sides pay for it).
const lines = fs.readFileSync(capture, 'utf8').split('\n')
    .filter((l) => l.includes('"topic":"orderbook.'));
const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l), 0);
const linear = !/spot/.test(path.basename(capture));
const client = {
    url: linear ? 'wss://stream.bybit.com/v5/public/linear' : 'wss://stream.bybit.com/v5/public/spot',
    resolve() {},
};

function unwrap(m) { return m.msg !== undefined && m.topic === undefined ? m.msg : m; }

function parsePass() {
    let n = 0;
    const t0 = process.hrtime.bigint();
    for (const l of lines) n += unwrap(JSON.parse(l)).topic.length;
    const ns = Number(process.hrtime.bigint() - t0);
    if (n === 0) throw new Error('no topics');
    return ns;
}

function handlePass() {
    const ex = new ccxt.pro.bybit({ enableRateLimit: false });
    const t0 = process.hrtime.bigint();
    for (const l of lines) ex.handleOrderBook(client, unwrap(JSON.parse(l)));
    const ns = Number(process.hrtime.bigint() - t0);
    return { ns, ex };
}

let parseNs = Infinity;
let handleNs = Infinity;
let last;
for (let i = 0; i < 2 * passes; ++i) {
    const p = parsePass();
    const h = handlePass();
    last = h.ex;
    if (i < passes) continue;  // warm-up
    parseNs = Math.min(parseNs, p);
    handleNs = Math.min(handleNs, h.ns);
}
// A check that the handler really kept the books: the top of each one.
const tops = {};
for (const [sym, ob] of Object.entries(last.orderbooks)) {
    tops[sym] = { bid: ob.bids.length ? ob.bids[0][0] : null, ask: ob.asks.length ? ob.asks[0][0] : null,
                  bids: ob.bids.length, asks: ob.asks.length };
}
process.stdout.write(JSON.stringify({
    ccxt: ccxt.version, node: process.version, messages: lines.length, bytes,
    parse_ns: parseNs, handle_ns: handleNs, passes, tops,
}) + '\n');
