#!/usr/bin/env bash
# mmbot-local-venue as a user runs it: start it on an ephemeral port with a capture, read the port
# file, make one public and one signed request with curl trusting the --cert-out certificate
# (verification on), read the test-only /admin/orders ledger, check the secret appears in no
# output, SIGTERM it and expect exit 0. Then --protocol binance (an unknown protocol exits 2 naming
# the flag and the value): the Binance capture, a public and a signed Binance request (HMAC over the
# query string, X-MBX-APIKEY, X-MBX-USED-WEIGHT-1M), an order kept across a restart with --state.
set -euo pipefail
venue="$1"; capture="$2"; binance_capture="$3"
dir="${TEST_TMPDIR:-$(mktemp -d)}"
secret="smoke-SECRET-$$"
printf '{"api_key":"SMOKEKEY1","api_secret":"%s"}\n' "$secret" > "$dir/creds.json"
rm -f "$dir/port" "$dir/venue.crt"

# --loop without a capture is a usage error (exit 2) naming the flag.
set +e; "$venue" --loop --credentials-file "$dir/creds.json" > /dev/null 2> "$dir/loop.err"; rc=$?; set -e
[[ $rc -eq 2 ]] && grep -q -- '--loop' "$dir/loop.err" || { echo "FAIL - --loop without --capture: exit $rc, $(cat "$dir/loop.err")"; exit 1; }
echo "ok   - --loop without --capture: exit 2"

"$venue" --port 0 --port-file "$dir/port" --cert-out "$dir/venue.crt" \
    --credentials-file "$dir/creds.json" --capture "$capture" --speed 10 --loop \
    > "$dir/stdout" 2> "$dir/stderr" &
pid=$!
for _ in $(seq 1 100); do [[ -s "$dir/port" ]] && break; sleep 0.1; done
[[ -s "$dir/port" ]] || { echo "FAIL - no port file"; cat "$dir/stderr"; kill "$pid"; exit 1; }
port="$(cat "$dir/port")"
echo "ok   - listening on $port"

body="$(curl -sS --cacert "$dir/venue.crt" "https://localhost:$port/v5/market/time")"
grep -q '"retCode":0' <<<"$body" || { echo "FAIL - market/time: $body"; kill "$pid"; exit 1; }
echo "ok   - market/time over verified TLS"

ts="$(($(date +%s%N) / 1000000))"
query="category=linear&symbol=BTCUSDT"
sign="$(printf '%s' "${ts}SMOKEKEY15000${query}" | openssl dgst -sha256 -hmac "$secret" | sed 's/^.*= //')"
body="$(curl -sS -D "$dir/headers" --cacert "$dir/venue.crt" \
    -H "X-BAPI-API-KEY: SMOKEKEY1" -H "X-BAPI-TIMESTAMP: $ts" -H "X-BAPI-RECV-WINDOW: 5000" \
    -H "X-BAPI-SIGN: $sign" "https://localhost:$port/v5/order/realtime?$query")"
grep -q '"retCode":0' <<<"$body" || { echo "FAIL - signed order/realtime: $body"; kill "$pid"; exit 1; }
grep -qi '^X-Bapi-Limit-Status:' "$dir/headers" || { echo "FAIL - no X-Bapi-Limit-Status"; kill "$pid"; exit 1; }
echo "ok   - signed order/realtime with rate-limit headers"

body="$(curl -sS --cacert "$dir/venue.crt" "https://localhost:$port/admin/orders")"
grep -q '^{"ok":true,"orders":\[\],"duplicate_link_rejects":0,"duplicate_link_ids":\[\]}$' <<<"$body" ||
    { echo "FAIL - admin/orders: $body"; kill "$pid"; exit 1; }
echo "ok   - admin/orders (test-only ledger) served beside the API"

kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
[[ $rc -eq 0 ]] || { echo "FAIL - exit $rc after SIGTERM"; cat "$dir/stderr"; exit 1; }
echo "ok   - SIGTERM -> exit 0"
if grep -q "$secret" "$dir/stdout" "$dir/stderr"; then echo "FAIL - secret printed"; exit 1; fi
echo "ok   - secret never printed"

# --protocol: an unknown value is a usage error (exit 2) naming the flag and the value.
set +e; "$venue" --protocol kraken --credentials-file "$dir/creds.json" > /dev/null 2> "$dir/proto.err"; rc=$?; set -e
[[ $rc -eq 2 ]] && grep -q -- '--protocol: expected bybit or binance, got "kraken"' "$dir/proto.err" ||
    { echo "FAIL - --protocol kraken: exit $rc, $(cat "$dir/proto.err")"; exit 1; }
echo "ok   - --protocol kraken: exit 2 naming the flag and the value"

start_binance() {
    rm -f "$dir/port"
    "$venue" --protocol binance --port "${1:-0}" --port-file "$dir/port" --cert-out "$dir/venue.crt" \
        --credentials-file "$dir/creds.json" --capture "$binance_capture" --state "$dir/state.json" \
        >> "$dir/stdout" 2>> "$dir/stderr" &
    pid=$!
    for _ in $(seq 1 100); do [[ -s "$dir/port" ]] && break; sleep 0.1; done
    [[ -s "$dir/port" ]] || { echo "FAIL - binance: no port file"; cat "$dir/stderr"; kill "$pid"; exit 1; }
    port="$(cat "$dir/port")"
}
signed() {  # signed METHOD PATH QUERY: the answer's body (headers in $dir/headers)
    local query="timestamp=$(($(date +%s%N) / 1000000))&$3"
    local sign; sign="$(printf '%s' "$query" | openssl dgst -sha256 -hmac "$secret" | sed 's/^.*= //')"
    curl -sS -X "$1" -D "$dir/headers" --cacert "$dir/venue.crt" -H "X-MBX-APIKEY: SMOKEKEY1" \
        "https://localhost:$port$2?$query&signature=$sign"
}
start_binance
grep -q 'Binance USD-M' "$dir/stdout" || { echo "FAIL - binance: no listening line"; kill "$pid"; exit 1; }
body="$(curl -sS --cacert "$dir/venue.crt" "https://localhost:$port/fapi/v1/time")"
grep -q '^{"serverTime":[0-9]*}$' <<<"$body" || { echo "FAIL - binance time: $body"; kill "$pid"; exit 1; }
echo "ok   - binance: /fapi/v1/time over verified TLS"
body="$(signed POST /fapi/v1/order 'symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTX&quantity=0.010&price=64000.00&newClientOrderId=smoke-1')"
grep -q '"status":"NEW"' <<<"$body" && grep -qi '^X-MBX-USED-WEIGHT-1M:' "$dir/headers" ||
    { echo "FAIL - binance signed order: $body"; kill "$pid"; exit 1; }
order_id="$(sed 's/.*"orderId":\([0-9]*\).*/\1/' <<<"$body")"
echo "ok   - binance: a signed order ($order_id) with the weight header"
kill -TERM "$pid"; rc=0; wait "$pid" || rc=$?
[[ $rc -eq 0 ]] || { echo "FAIL - binance: exit $rc after SIGTERM"; cat "$dir/stderr"; exit 1; }
start_binance "$port"
body="$(signed GET /fapi/v1/order 'symbol=BTCUSDT&origClientOrderId=smoke-1')"
grep -q "\"orderId\":$order_id," <<<"$body" && grep -q '"status":"NEW"' <<<"$body" ||
    { echo "FAIL - binance: after a restart: $body"; kill "$pid"; exit 1; }
body="$(signed POST /fapi/v1/order 'symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTX&quantity=0.010&price=64000.00&newClientOrderId=smoke-1')"
grep -q '"code":-4116' <<<"$body" || { echo "FAIL - binance: duplicate after a restart: $body"; kill "$pid"; exit 1; }
echo "ok   - binance: --state keeps the order (same orderId, still open, its client id still taken)"
kill -TERM "$pid"; rc=0; wait "$pid" || rc=$?
[[ $rc -eq 0 ]] || { echo "FAIL - binance: exit $rc after SIGTERM"; exit 1; }
if grep -q "$secret" "$dir/stdout" "$dir/stderr"; then echo "FAIL - secret printed (binance)"; exit 1; fi
echo "ok   - binance: SIGTERM -> exit 0, secret never printed"
