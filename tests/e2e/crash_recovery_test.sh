#!/usr/bin/env bash
# Crash-recovery drill (issue 8): mmbot-testnet against one mmbot-local-venue with mild faults,
# killed with SIGKILL at random points, restarted on the same journal each time, then stopped in
# order. docs/reliability.md.
#
#   crash_recovery_test.sh <mmbot-testnet> <mmbot-local-venue> <capture> <config> <ledger_check.py> [binance]
#   (tools/soak/ledger_check.py, with venue_client.py beside it). With `binance` the same drill runs
#   mmbot-testnet-binance against the venue's --protocol binance (one symbol, BTCUSDT; strays placed
#   with Binance's POST /fapi/v1/order).
#
# Rounds (CRASH_ROUNDS, default 30): start the bot; wait until it logs quoting_started, then a
# random delay (0..CRASH_MAX_DELAY_MS, default 1500 ms) and kill -9: the kill lands while orders
# are placed, requoted and cancelled, and, right after a restart, while the re-adopted orders are
# being cancelled. One round in six ("early") is killed 0..150 ms after the process starts
# instead: during journal recovery, the private-stream handshake or the reconcile. Delays come
# from bash's RANDOM seeded with CRASH_SEED (default 8): the same seed, the same delays; they are
# printed. Every third round, if it is one killed after quoting, an order is first placed on the
# venue behind the bot's back (orderLinkId stray-N): that start's reconcile must cancel it as an
# orphan.
#
# Checks (ok / FAIL per line):
#   * every round: the bot was still running when killed (no crash or exit of its own);
#   * each round killed after quoting: its log shows journal_recovered with as many records as
#     the file held before the start (a torn tail is reported and truncated, never fatal), both
#     symbols reconciled before quoting_started, and a planted stray order was cancelled as an
#     orphan by that reconcile;
#   * the final run (SIGTERM after a few seconds of quoting) exits 0 and says 0 open at exit;
#   * the venue's ledger (GET /admin/orders) against the journal (tools/soak/ledger_check.py):
#     0 orders open at the venue (zero orphans), every orderLinkId the venue accepted is in the
#     journal (nothing sent unjournaled), none twice, every 110072 refusal accounted for, no ack
#     after a reject, fills agree, 0 orders open in the journal; every stray cancelled.
set -euo pipefail

testnet="$1"; venue="$2"; sample="$3"; config="$4"; tools="$(dirname "$5")"; venue_kind="${6:-bybit}"
seed="${CRASH_SEED:-8}"
rounds="${CRASH_ROUNDS:-30}"
max_delay_ms="${CRASH_MAX_DELAY_MS:-1500}"
work="${TEST_TMPDIR:-$(mktemp -d)}/crash_recovery"
rm -rf "$work"; mkdir -p "$work"
fails=0
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"  # check, expect_exit, start_testnet_bot
say_check() {  # say_check <0|1> <description>: a check whose verdict is already known
    if [ "$1" -eq 0 ]; then echo "ok   - $2"; else echo "FAIL - $2"; fails=$((fails + 1)); fi
}

if [ "$venue_kind" = binance ]; then
    secret_venue=BINANCE; protocol=(--protocol binance); client=(--binance); symbols=(BTCUSDT)
else
    secret_venue=BYBIT; protocol=(); client=(); symbols=(BTCUSDT ETHUSDT)
fi
key="CRKEY$RANDOM"; secret="CRSECRET$RANDOM$RANDOM"
printf '%s\n%s\n' "$key" "$secret" > "$work/creds"; chmod 600 "$work/creds"
grep -v '"op":' "$sample" > "$work/capture.jsonl"
# Requote often (1 s quote age, 0.5 bps) so that every kill finds orders in flight.
sed -e 's/"max_quote_age_ms": [0-9]*/"max_quote_age_ms": 1000/' \
    -e 's/"requote_threshold_bps": "[0-9.]*"/"requote_threshold_bps": "0.5"/' "$config" > "$work/testnet.json"

venue_pid=""; bot_pid=""
cleanup() {
    [ -n "$bot_pid" ] && kill -KILL "$bot_pid" 2>/dev/null || true
    [ -n "$venue_pid" ] && { kill -TERM "$venue_pid" 2>/dev/null || true; wait "$venue_pid" 2>/dev/null || true; }
}
trap cleanup EXIT

# Mild faults: 2 % of REST requests answered 503, 1 % dropped without a reply, 2 % of private
# pushes sent twice. The capture plays at twice real time (300 s of market data).
"$venue" "${protocol[@]}" --port-file "$work/port" --cert-out "$work/cert.pem" --credentials-file "$work/creds" \
    --capture "$work/capture.jsonl" --config "$work/testnet.json" --speed 2 --seed 11 \
    --fault http_5xx:0.02 --fault disconnect:0.01 --fault dup_ws:0.02 \
    >"$work/venue.out" 2>"$work/venue.err" &
venue_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "venue did not start: $(cat "$work/venue.err")"; exit 1; }
port="$(cat "$work/port")"

start_bot() { start_testnet_bot "$1" "$port"; }  # lib.sh; bot_pid set
wait_quoting() {  # wait_quoting <name>: 0 once quoting_started is logged, 1 if the bot died or 30 s
    local i
    for i in $(seq 600); do
        grep -q '"msg":"quoting_started"' "$work/$1.log" 2>/dev/null && return 0
        kill -0 "$bot_pid" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}
journal_records() {  # complete records in the journal file (header excluded)
    [ -f "$work/journal.log" ] || { echo 0; return; }
    local n; n=$(tr -cd '\n' < "$work/journal.log" | wc -c)
    echo $((n > 0 ? n - 1 : 0))
}
ms_sleep() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }

# Verdicts of one killed round: recovered records == records on disk, every symbol reconciled
# before quoting, the planted stray's symbol cancelled an orphan.
round_checks() {  # round_checks <name> <expected records> <stray symbol or "">
    local log="$work/$1.log" expected="$2" stray="$3" rec summary pre
    rec=$(sed -n 's/.*"msg":"journal_recovered".*"records":\([0-9]*\).*/\1/p' "$log" | head -1)
    summary=$(sed -n 's/.*"msg":"journal_recovered".*"summary":"\([^"]*\)".*/\1/p' "$log" | head -1)
    if [ "${rec:-x}" != "$expected" ] && ! grep -q truncated <<<"$summary"; then
        echo "       $1: journal_recovered records=${rec:-none}, file held $expected ($summary)"
        return 1
    fi
    pre=$(sed -n '1,/"msg":"quoting_started"/p' "$log")
    for sym in "${symbols[@]}"; do
        grep '"msg":"reconciled"' <<<"$pre" | grep -q "\"symbol\":\"$sym\"" ||
            { echo "       $1: $sym not reconciled before quoting"; return 1; }
    done
    if [ -n "$stray" ]; then
        grep '"msg":"reconciled"' <<<"$pre" | grep "\"symbol\":\"$stray\"" |
            grep -q 'orphans_cancelled=[1-9]' ||
            { echo "       $1: the stray $stray order was not cancelled as an orphan"; return 1; }
    fi
    return 0
}

RANDOM="$seed"
late_rounds=0; early_rounds=0; round_fail=0; strays=0; delays=()
drill_start=$(date +%s%N)
for i in $(seq "$rounds"); do
    name="round$i"
    if [ $((RANDOM % 6)) -eq 0 ]; then mode=early; delay=$((RANDOM % 151))
    else mode=late; delay=$((RANDOM % (max_delay_ms + 1))); fi
    delays+=("$delay${mode:0:1}")
    stray=""
    if [ "$mode" = late ] && [ $((i % 3)) -eq 0 ]; then
        strays=$((strays + 1))
        if [ "$venue_kind" = binance ]; then stray=BTCUSDT; px=-; qty=0.002  # 2 % under the bid
        elif [ $((strays % 2)) -eq 1 ]; then stray=BTCUSDT; px=50000.0; qty=0.001
        else stray=ETHUSDT; px=1500.00; qty=0.01; fi
        python3 "$tools/venue_client.py" --port "$port" --ca "$work/cert.pem" "${client[@]}" \
            --credentials "$work/creds" place "stray-$strays" "$stray" Buy "$px" "$qty" ||
            { echo "FAIL - could not plant stray-$strays"; fails=$((fails + 1)); stray=""; }
    fi
    expected=$(journal_records)
    start_bot "$name"
    if [ "$mode" = early ]; then
        ms_sleep "$delay"
    elif ! wait_quoting "$name"; then
        echo "FAIL - $name: never quoted; stderr: $(tail -2 "$work/$name.err")"
        fails=$((fails + 1))
        kill -KILL "$bot_pid" 2>/dev/null || true; wait "$bot_pid" 2>/dev/null || true; bot_pid=""
        continue
    else
        ms_sleep "$delay"
    fi
    alive=0; kill -0 "$bot_pid" 2>/dev/null || alive=1
    kill -KILL "$bot_pid" 2>/dev/null || true
    set +e; wait "$bot_pid" 2>/dev/null; rc=$?; set -e
    bot_pid=""
    if [ "$mode" = early ]; then
        early_rounds=$((early_rounds + 1))
        reached=start
        grep -q '"msg":"journal_recovered"' "$work/$name.log" 2>/dev/null && reached=recovered
        grep -q '"msg":"reconciled"' "$work/$name.log" 2>/dev/null && reached=reconciling
        grep -q '"msg":"quoting_started"' "$work/$name.log" 2>/dev/null && reached=quoting
        echo "   $name: kill -9 ${delay} ms after start (reached: $reached), journal had $expected records"
        if [ "$alive" -ne 0 ]; then
            echo "       $name: the bot had exited on its own (rc $rc): $(tail -1 "$work/$name.err")"
            round_fail=$((round_fail + 1))
        fi
        continue
    fi
    late_rounds=$((late_rounds + 1))
    v=0; msg=$(round_checks "$name" "$expected" "$stray") || v=1
    if [ "$alive" -ne 0 ]; then
        v=1; msg="$msg       $name: the bot had exited on its own (rc $rc): $(tail -1 "$work/$name.err")"
    fi
    rec=$(sed -n 's/.*"msg":"journal_recovered".*"records":\([0-9]*\).*/\1/p' "$work/$name.log" | head -1)
    orph=$(sed -n '/"msg":"reconciled"/s/.*orphans_cancelled=\([0-9]*\).*/\1/p' "$work/$name.log" |
        awk '{s += $1} END {print s + 0}')
    echo "   $name: kill -9 ${delay} ms after quoting, recovered ${rec:-?}/$expected records, orphans cancelled $orph${stray:+ (stray on $stray)}"
    [ -z "$msg" ] || echo "$msg"
    [ "$v" -eq 0 ] || round_fail=$((round_fail + 1))
done
drill_ms=$((($(date +%s%N) - drill_start) / 1000000))
echo "   seed $seed, kill delays in ms (l: after quoting_started, e: after the process start): ${delays[*]}"
echo "   $rounds rounds in ${drill_ms} ms: $late_rounds after quoting, $early_rounds early; $strays stray orders planted"
say_check $((round_fail > 0)) "every round: the bot was running when killed; after quoting: recovered the whole journal, reconciled ${symbols[*]}, cancelled strays ($rounds rounds, $round_fail failed)"
check "at least 20 kill points ($rounds)" test "$rounds" -ge 20

# Final run: quote a few seconds, SIGTERM, orderly stop.
expected=$(journal_records)
start_bot final
if wait_quoting final; then
    sleep 3
    kill -TERM "$bot_pid" 2>/dev/null || true
    for _ in $(seq 600); do kill -0 "$bot_pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$bot_pid" 2>/dev/null && { echo "   final: still running 60 s after SIGTERM, killed"; kill -KILL "$bot_pid"; }
fi
set +e; wait "$bot_pid" 2>/dev/null; final_rc=$?; set -e
bot_pid=""
echo "   final: exit $final_rc: $(tail -1 "$work/final.err")"
check "final run: recovered the journal and reconciled ${symbols[*]}" round_checks final "$expected" ""
check "final run exits 0 after SIGTERM" test "$final_rc" -eq 0
open_at_exit=$(sed -n 's/.* \([0-9]*\) open at exit.*/\1/p' "$work/final.err" | tail -1)
check "final run says 0 open at exit (got ${open_at_exit:-?})" test "${open_at_exit:-1}" -eq 0

python3 "$tools/venue_client.py" --port "$port" --ca "$work/cert.pem" orders --out "$work/orders.json" ||
    { echo "FAIL - GET /admin/orders"; exit 1; }
set +e
python3 "$tools/ledger_check.py" --orders "$work/orders.json" --journal "$work/journal.log" \
    --expect-closed --foreign-prefix stray- --summary "$work/ledger.json"
ledger_rc=$?
set -e
[ "$ledger_rc" -eq 0 ] || fails=$((fails + 1))
stray_open=$(python3 "$tools/venue_client.py" --port "$port" --ca "$work/cert.pem" open --prefix stray-)
check "every stray order ($strays) was cancelled (open: $stray_open)" test "$stray_open" -eq 0

[ "$fails" -eq 0 ] || { echo "$fails check(s) failed (work dir $work)"; exit 1; }
echo "all checks passed"
