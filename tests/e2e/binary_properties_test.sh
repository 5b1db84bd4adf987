#!/usr/bin/env bash
# Properties of the built binaries that the compile-time environments promise (design.md):
#   - mmbot-shadow and mmbot-shadow-binance contain no request-signing and no order-sending code:
#     no HMAC/EVP MAC symbols, no signing header, no private order endpoint;
#   - mmbot-live has no way to reach a non-mainnet endpoint: no testnet host appears in it, and
#     (tested in shadow_e2e_test) it refuses --endpoint-override;
#   - each absence in shadow is matched by a presence in live (the positive control).
# build_graph_test checks the same at the level of Bazel targets.
set -euo pipefail
shadow="$1"; live="$2"; shadow_binance="$3"
fails=0
# The binary's symbols and strings, read to the end: `grep -q` would stop reading at the first match,
# and the writer's SIGPIPE then fails the pipeline under pipefail, so a match would look like none.
matches() {  # matches <binary> <extended regex>
    { nm -C "$1" 2>/dev/null || true; strings -a "$1"; } | grep -Ec -- "$2" >/dev/null
}
absent() {  # absent <binary> <description> <extended regex>
    if matches "$1" "$3"; then
        echo "FAIL - $2: found /$3/ in $(basename "$1")"
        fails=$((fails + 1))
    else
        echo "ok   - $2"
    fi
}
absent "$shadow" "shadow has no HMAC or MAC code" 'HMAC|EVP_MAC|EVP_DigestSign'
absent "$shadow" "shadow has no request signer" 'bybit::signer|X-BAPI-SIGN'
absent "$shadow" "shadow has no order endpoints" '/v5/order/(create|cancel)'
# The Binance shadow (venue/venues.hpp): no signer, no signing header, no order endpoint either.
absent "$shadow_binance" "shadow-binance has no HMAC or MAC code" 'HMAC|EVP_MAC|EVP_DigestSign'
absent "$shadow_binance" "shadow-binance has no request signer" 'binance::signer|bybit::signer|X-MBX-APIKEY|X-BAPI-SIGN'
absent "$shadow_binance" "shadow-binance has no order endpoints" '/fapi/v1/order|/v5/order/(create|cancel)'
# Positive controls: the same patterns find the signing and order code in mmbot-live, so an absent
# match in shadow means the code is not there, not that the pattern is wrong.
present() {  # present <binary> <description> <extended regex>
    if matches "$1" "$3"; then
        echo "ok   - $2 (control)"
    else
        echo "FAIL - $2: /$3/ not found in $(basename "$1"): the control failed"
        fails=$((fails + 1))
    fi
}
present "$live" "live has HMAC code" 'HMAC|EVP_MAC|EVP_DigestSign'
present "$live" "live has the request signer" 'bybit::signer|X-BAPI-SIGN'
present "$live" "live has the order endpoints" '/v5/order/(create|cancel)'
absent "$live" "live has no testnet host" 'api-testnet\.bybit\.com|stream-testnet\.bybit\.com'
echo "$fails failed"
[ "$fails" -eq 0 ]
