#!/usr/bin/env bash
# --state across a restart, as a restart drill runs it: a venue takes an order, stops on SIGTERM
# (writing the state file), starts again with the same --state and --port, and still has the
# order, open and queryable by its orderLinkId with the same orderId; a new order gets a new id.
# A state file that is not one stops the start with exit 2, naming the file and the field.
set -euo pipefail
venue="$1"; capture="$2"
dir="${TEST_TMPDIR:-$(mktemp -d)}"
secret="state-SECRET-$$"
printf '{"api_key":"STATEKEY1","api_secret":"%s"}\n' "$secret" > "$dir/creds.json"
state="$dir/venue-state.json"
rm -f "$dir/port" "$state"
fail() { echo "FAIL - $*"; [[ -n "${pid:-}" ]] && kill "$pid" 2>/dev/null; exit 1; }

start() {  # start [--port N]: the venue with --state, waits for its port file
    rm -f "$dir/port"
    "$venue" --port-file "$dir/port" --cert-out "$dir/venue.crt" --credentials-file "$dir/creds.json" \
        --capture "$capture" --state "$state" "$@" > "$dir/stdout" 2> "$dir/stderr" &
    pid=$!
    for _ in $(seq 1 100); do [[ -s "$dir/port" ]] && break; sleep 0.1; done
    [[ -s "$dir/port" ]] || fail "no port file: $(cat "$dir/stderr")"
    port="$(cat "$dir/port")"
}
stop() {
    kill -TERM "$pid"
    local rc=0; wait "$pid" || rc=$?
    [[ $rc -eq 0 ]] || fail "exit $rc after SIGTERM: $(cat "$dir/stderr")"
    pid=""
}
signed() {  # signed GET|POST PATH PAYLOAD: the answer's body
    local ts sign
    ts="$(($(date +%s%N) / 1000000))"
    sign="$(printf '%s' "${ts}STATEKEY15000$3" | openssl dgst -sha256 -hmac "$secret" | sed 's/^.*= //')"
    local args=(-sS --cacert "$dir/venue.crt" -H "X-BAPI-API-KEY: STATEKEY1" -H "X-BAPI-TIMESTAMP: $ts"
                -H "X-BAPI-RECV-WINDOW: 5000" -H "X-BAPI-SIGN: $sign")
    if [[ $1 == GET ]]; then curl "${args[@]}" "https://localhost:$port$2?$3"
    else curl "${args[@]}" -H 'Content-Type: application/json' -d "$3" "https://localhost:$port$2"; fi
}
field() { python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
create() {  # create LINK PRICE: the new order's orderId
    signed POST /v5/order/create "{\"category\":\"linear\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Limit\",\"qty\":\"0.010\",\"price\":\"$2\",\"timeInForce\":\"PostOnly\",\"orderLinkId\":\"$1\"}" |
        field 'd["result"]["orderId"]'
}

start --port 0
first_port="$port"
first_id="$(create drill-1 60000.00)"
[[ -n "$first_id" ]] || fail "order/create drill-1"
stop
[[ -s "$state" ]] || fail "no state file at $state"
grep -q "saved 1 orders to $state" "$dir/stderr" || fail "no save line: $(cat "$dir/stderr")"
echo "ok   - SIGTERM wrote the state ($first_id open)"

start --port "$first_port"
[[ "$port" == "$first_port" ]] || fail "restarted on $port, not $first_port"
grep -q "restored 1 orders (1 open) from $state" "$dir/stderr" || fail "no restore line: $(cat "$dir/stderr")"
answer="$(signed GET /v5/order/realtime "category=linear&symbol=BTCUSDT&orderLinkId=drill-1")"
status="$(field 'd["result"]["list"][0]["orderStatus"]' <<<"$answer")"
id="$(field 'd["result"]["list"][0]["orderId"]' <<<"$answer")"
[[ "$status" == New && "$id" == "$first_id" ]] || fail "after the restart drill-1 is $status $id: $answer"
echo "ok   - restarted on the same port: drill-1 still open with the same orderId"
open="$(signed GET /v5/order/realtime "category=linear" | field 'len(d["result"]["list"])')"
[[ "$open" == 1 ]] || fail "open orders after the restart: $open"
second_id="$(create drill-2 60000.10)"
[[ -n "$second_id" && "$second_id" != "$first_id" ]] || fail "drill-2 id $second_id (drill-1 $first_id)"
echo "ok   - a new order gets a new id ($second_id)"
dup="$(signed POST /v5/order/create '{"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Limit","qty":"0.010","price":"59000.00","orderLinkId":"drill-1"}' | field 'd["retCode"]')"
[[ "$dup" == 110072 ]] || fail "reusing drill-1's orderLinkId: retCode $dup"
echo "ok   - drill-1's orderLinkId is still used (110072)"
stop
grep -q "saved 2 orders" "$dir/stderr" || fail "second save: $(cat "$dir/stderr")"

python3 - "$state" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["orders"][1]["cumExecQty"] = "much"
json.dump(d, open(sys.argv[1], "w"))
PY
set +e; "$venue" --port 0 --credentials-file "$dir/creds.json" --state "$state" > /dev/null 2> "$dir/bad.err"; rc=$?; set -e
[[ $rc -eq 2 ]] && grep -q "local_state: $state: orders\[1\].cumExecQty: " "$dir/bad.err" ||
    fail "a bad state file: exit $rc, $(cat "$dir/bad.err")"
echo "ok   - a bad state file: exit 2 naming the file and the field"
