#!/usr/bin/env bash
# Properties of the built binaries that the compile-time environments promise (design.md):
#   - mmbot-shadow contains no request-signing and no order-sending code: no HMAC/EVP MAC symbols,
#     no Bybit signing header, no private order endpoint;
#   - mmbot-live has no way to reach a non-mainnet endpoint: no testnet host appears in it, and
#     (tested in shadow_e2e_test) it refuses --endpoint-override.
set -euo pipefail
shadow="$1"; live="$2"
fails=0
absent() {  # absent <binary> <description> <extended regex>
    if nm -C "$1" 2>/dev/null | grep -Eq "$3" || strings -a "$1" | grep -Eq "$3"; then
        echo "FAIL - $2: found /$3/ in $(basename "$1")"
        fails=$((fails + 1))
    else
        echo "ok   - $2"
    fi
}
absent "$shadow" "shadow has no HMAC or MAC code" 'HMAC|EVP_MAC|EVP_DigestSign'
absent "$shadow" "shadow has no request signer" 'bybit::signer|X-BAPI-SIGN'
absent "$shadow" "shadow has no order endpoints" '/v5/order/(create|cancel)'
absent "$live" "live has no testnet host" 'api-testnet\.bybit\.com|stream-testnet\.bybit\.com'
echo "$fails failed"
[ "$fails" -eq 0 ]
