#!/usr/bin/env bash
# mmbot-testnet-binance against mmbot-local-venue --protocol binance over TLS on loopback: the
# Binance USD-M trading session end to end, as testnet_local_venue_test.sh does for Bybit.
#   1. a run under faults (dropped connections, 503, 429 -1003, dropped and duplicated user data
#      stream pushes, a listenKey that expires every 4 s): exits 0, places orders, sees fills, no
#      order left open at exit; the listenKey was made again after it expired and the stream
#      reconnected on it; a fill whose push was dropped is recovered through GET /fapi/v1/userTrades;
#   2. a second run on the same journal: recovered, and the reconcile before quoting finds venue ==
#      journal;
#   3. --preflight without faults: every check passes with secrets (exit 0), exit 7 naming the
#      MMBOT_SECRET_TESTNET_BINANCE_API_KEY variable without;
#   4. --obs: /metrics has mm_rate_limit_headroom{endpoint="request_weight_1m"} and
#      mm_bot_info{environment="testnet",venue="binance"};
#   5. neither the API key nor the secret, nor the listenKey's path, appears in any output or log.
set -euo pipefail

testnet="$1"; venue="$2"; sample="$3"; config="$4"
work="${TEST_TMPDIR:-$(mktemp -d)}/testnet_binance"
mkdir -p "$work"
fails=0
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"  # check

key="BNE2EKEY$RANDOM"; secret="BNE2ESECRET$RANDOM$RANDOM"
printf '%s\n%s\n' "$key" "$secret" > "$work/creds"; chmod 600 "$work/creds"
# Requote more often than the shipped config (1 s quote age, 0.5 bps): more orders per run.
sed -e 's/"max_quote_age_ms": [0-9]*/"max_quote_age_ms": 1000/' \
    -e 's/"requote_threshold_bps": "[0-9.]*"/"requote_threshold_bps": "0.5"/' "$config" > "$work/testnet.json"

faults=(--fault disconnect:0.02 --fault http_5xx:0.03 --fault rate_limit:0.03 --fault dup_ws:0.05 --fault drop_ws:0.05)
start_venue() {  # start_venue [options...]
    rm -f "$work/port"
    "$venue" --protocol binance --port-file "$work/port" --cert-out "$work/cert.pem" \
        --credentials-file "$work/creds" --capture "$sample" --config "$config" --speed 5 --seed 7 "$@" \
        >"$work/venue.out" 2>"$work/venue.err" &
    venue_pid=$!
    for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
    [ -s "$work/port" ] || { echo "venue did not start: $(cat "$work/venue.err")"; exit 1; }
}
stop_venue() { kill -TERM "$venue_pid" 2>/dev/null || true; wait "$venue_pid" 2>/dev/null || true; }
trap stop_venue EXIT

run_bot() {  # run_bot <name> <iterations> [more flags...]
    local name="$1" iterations="$2"; shift 2
    set +e
    EXCHANGE_ENV=testnet MMBOT_SECRET_TESTNET_BINANCE_API_KEY="$key" \
    MMBOT_SECRET_TESTNET_BINANCE_API_SECRET="$secret" timeout 170 "$testnet" --config "$work/testnet.json" \
        --endpoint-override "localhost:$(cat "$work/port")" --ca-file "$work/cert.pem" \
        --journal "$work/journal.log" --log "$work/$name.log" --report "$work/$name.json" \
        --iterations "$iterations" --stop-timeout-s 45 "$@" >"$work/$name.out" 2>"$work/$name.err"
    local rc=$?
    set -e
    echo "   $name: exit $rc: $(tail -1 "$work/$name.err")"
    return $rc
}
summary() {  # summary <run> <field regex before the number>: the number in the run's last line
    sed -n "s/.* \([0-9]*\) $2.*/\1/p" "$work/$1.err" | tail -1
}

# 1. Under faults, with a listenKey that lasts 4 s unless kept alive (the bot keeps it every 30
# minutes, so it expires and the stream says so).
start_venue "${faults[@]}" --listen-key-ttl-s 4
check "run 1 exits 0 under faults" run_bot run1 1500
placed=$(summary run1 "orders placed"); fills=$(summary run1 "fills,"); open_at_exit=$(summary run1 "open at exit")
check "run 1 placed at least 20 orders (got ${placed:-?})" test "${placed:-0}" -ge 20
check "run 1 saw fills (got ${fills:-?})" test "${fills:-0}" -ge 1
check "run 1 left no order open (got ${open_at_exit:-?})" test "${open_at_exit:-1}" -eq 0
check "run 1 reconciled before quoting" grep -q '"msg":"reconciled"' "$work/run1.log"
check "run 1: the listenKey expired and the stream came back on a new one" \
    bash -c "grep -A100000 '\"msg\":\"listen_key_expired\"' '$work/run1.log' | grep -q '\"msg\":\"private_ws_ready\"'"
check "run 1 names the venue in its start line" grep -q '"msg":"trading_started".*"venue":"binance"' "$work/run1.log"
check "run 1's report is a Binance testnet run" python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))
p = r['execution_params']
sys.exit(0 if p['venue'] == 'binance' and p['environment'] == 'testnet' and r['stats']['orders_placed'] > 0 else 1)" "$work/run1.json"

check "run 2 exits 0" run_bot run2 5
check "run 2 recovered the journal" grep -q '"msg":"journal_recovered".*"records":[1-9]' "$work/run2.log"
awk '/"msg":"quoting_started"/ {exit} /"msg":"reconciled"/' "$work/run2.log" > "$work/run2.startup_reconciles"
check "run 2: zero orphans, venue and journal agree" \
    bash -c "grep -v 'venue_open=0 store_open=0 orphans_cancelled=0 queried=0' '$work/run2.startup_reconciles' | grep -c . | grep -qx 0"
check "run 2: reconciled before quoting" test "$(grep -c . "$work/run2.startup_reconciles")" -ge 1
stop_venue

# 3. --preflight: one request each, against a venue without faults whose book is up.
start_venue
python3 - "$(cat "$work/port")" "$work/cert.pem" <<'PY'
import json, ssl, sys, time, urllib.request
ctx = ssl.create_default_context(cafile=sys.argv[2])
url = f"https://localhost:{sys.argv[1]}/fapi/v1/ticker/bookTicker?symbol=BTCUSDT"
for _ in range(100):
    t = json.load(urllib.request.urlopen(url, context=ctx, timeout=5))
    if float(t["bidPrice"]) > 0 and float(t["askPrice"]) > 0:
        sys.exit(0)
    time.sleep(0.1)
sys.exit("the venue never had a two-sided BTCUSDT book")
PY
preflight() {  # preflight <name> [env assignments...]
    local name="$1"; shift
    set +e
    env -u MMBOT_SECRET_TESTNET_BINANCE_API_KEY -u MMBOT_SECRET_TESTNET_BINANCE_API_SECRET -u MMBOT_SECRETS_FILE \
        EXCHANGE_ENV=testnet "$@" timeout 60 "$testnet" --preflight --config "$work/testnet.json" \
        --endpoint-override "localhost:$(cat "$work/port")" --ca-file "$work/cert.pem" \
        --journal "$work/journal.log" >"$work/$name.out" 2>"$work/$name.err"
    echo $? > "$work/$name.rc"
    set -e
}
preflight pf_ok MMBOT_SECRET_TESTNET_BINANCE_API_KEY="$key" MMBOT_SECRET_TESTNET_BINANCE_API_SECRET="$secret"
check "preflight with secrets: exit 0 ($(cat "$work/pf_ok.rc"))" test "$(cat "$work/pf_ok.rc")" -eq 0
check "preflight with secrets: every check passes, in order" python3 -c "
import json
v = json.load(open('$work/pf_ok.out'))
assert v['passed'] is True, v
assert [c['name'] for c in v['checks']] == ['config', 'secrets', 'venue_clock', 'instruments', 'order_fits', 'journal', 'open_orders'], v
assert all(c['status'] == 'pass' for c in v['checks']), v
"
preflight pf_nosecrets
check "preflight without secrets: exit 7 ($(cat "$work/pf_nosecrets.rc"))" test "$(cat "$work/pf_nosecrets.rc")" -eq 7
check "preflight without secrets: the verdict names the Binance variable" python3 -c "
import json
v = json.load(open('$work/pf_nosecrets.out'))
names = {c['name']: c for c in v['checks']}
assert names['secrets']['status'] == 'fail' and 'BINANCE_API_KEY' in names['secrets']['detail'], names['secrets']
assert names['venue_clock']['status'] == 'pass' and names['open_orders']['status'] == 'skip', v
"

# 4. --obs: the request-weight headroom is exported.
run_bot obs 300 --obs --obs-port 0 &
obs_job=$!
obs_port=""
for _ in $(seq 150); do
    obs_port=$(sed -n 's/.*serving \/health \/ready \/metrics \/status on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/obs.err" 2>/dev/null || true)
    [ -n "$obs_port" ] && break; sleep 0.1
done
headroom=""
for _ in $(seq 100); do
    curl -s "http://127.0.0.1:${obs_port:-1}/metrics" > "$work/metrics.txt" || true
    headroom=$(sed -n 's/^mm_rate_limit_headroom{endpoint="request_weight_1m"} \([0-9]*\).*/\1/p' "$work/metrics.txt")
    [ -n "$headroom" ] && break; sleep 0.1
done
obs_rc=0; wait "$obs_job" || obs_rc=$?
check "--obs: mm_rate_limit_headroom{endpoint=\"request_weight_1m\"} is exported (${headroom:-none})" \
    test -n "$headroom"
check "--obs run exits 0 (got $obs_rc)" test "$obs_rc" -eq 0
check "--obs: mm_bot_info names the environment and the venue" \
    grep -q '^mm_bot_info{environment="testnet",venue="binance"} 1' "$work/metrics.txt"

leaks=$(grep -l -e "$secret" -e "$key" "$work"/run*.log "$work"/run*.out "$work"/run*.err "$work"/run*.json \
    "$work"/pf_*.out "$work"/pf_*.err "$work"/obs.* "$work"/metrics.txt 2>/dev/null || true)
check "no key or secret in any output" test -z "$leaks"
# A listenKey is 64 characters of [A-Za-z0-9]: none may follow /ws/ in what the bot wrote.
check "no listenKey in any log (only /ws/<listenKey>)" \
    bash -c "! grep -Eq '/ws/[A-Za-z0-9]{20,}' '$work'/run*.log '$work'/run*.err '$work'/obs.log"

[ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all checks passed"
