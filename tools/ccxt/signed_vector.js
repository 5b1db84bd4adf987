// tools/ccxt/signed_vector.js
//
// One reference vector from ccxt's own signer: what `ex.sign(path, api, method, params)` puts on
// the wire (method, path, query, body, headers), beside the inputs the C++ test rebuilds it from.
// Shared by make_vectors.js (Bybit) and make_binance_vectors.js (Binance USD-M).
'use strict';

function signedVector(ex, api, name, kind, inputs, path, method, params) {
    const s = ex.sign(path, api, method, params);
    const url = new URL(s.url);
    return {
        name, kind, inputs, method,
        path: url.pathname,
        query: url.search.startsWith('?') ? url.search.slice(1) : '',
        body: s.body === undefined ? '' : s.body,
        headers: s.headers,
    };
}

module.exports = { signedVector };
