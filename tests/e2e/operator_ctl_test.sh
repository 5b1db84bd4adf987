#!/usr/bin/env bash
# mmbot-ctl against a running mmbot-testnet (trading against mmbot-local-venue over TLS):
#   1. status: state, the symbol's position and limits with their headroom; --json is the same
#      data as JSON; the socket is mode 0600;
#   2. freeze: the bot freezes and cancels, the venue holds 0 open orders; unfreeze quotes again;
#   3. reload: a bad config file is refused (exit 4) naming the field and value and the running
#      limits stay; a good one applies (status shows the new max_loss);
#   4. kill: frozen with kill_switch_operator; unfreeze while the kill-switch file exists is
#      refused even with --force; without the file, unfreeze works;
#   5. bad commands: an unknown command or an option of another command is exit 2 before anything
#      is sent; a socket nobody listens on is exit 3;
#   6. each action is counted in /metrics (mm_operator_actions_total{action}), logged with the
#      caller's uid and journaled as an operator record; SIGTERM still ends with 0 open orders;
#   7. mmbot-shadow opens its socket too, next to its journal by default: status and freeze.
# The testnet bot's config states no exchange filters: it trades with the venue's.
set -euo pipefail

testnet="$1"; venue="$2"; sample="$3"; config="$4"; ctl="$5"; shadow="$6"; shadow_config="$7"
work="${TEST_TMPDIR:-$(mktemp -d)}/operator_ctl"
mkdir -p "$work"
fails=0
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"  # check, expect_exit

key="CTLKEY$RANDOM"; secret="CTLSECRET$RANDOM$RANDOM"
printf '%s\n%s\n' "$key" "$secret" > "$work/creds"; chmod 600 "$work/creds"
grep -v '"op":' "$sample" > "$work/capture.jsonl"
# The bot's config states no filters: it takes the venue's (instruments-info) at start.
python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))
for s in c["symbols"].values(): s.pop("filters")
json.dump(c, open(sys.argv[2], "w"))' "$config" "$work/testnet.json"
sock="$work/bot.ctl"

"$venue" --port-file "$work/port" --cert-out "$work/cert.pem" --credentials-file "$work/creds" \
    --capture "$work/capture.jsonl" --config "$config" --speed 1 --seed 3 \
    >"$work/venue.out" 2>"$work/venue.err" &
venue_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "venue did not start: $(cat "$work/venue.err")"; exit 1; }
port=$(cat "$work/port")

EXCHANGE_ENV=testnet MMBOT_SECRET_TESTNET_BYBIT_API_KEY="$key" MMBOT_SECRET_TESTNET_BYBIT_API_SECRET="$secret" \
    timeout 170 "$testnet" --config "$work/testnet.json" --endpoint-override "localhost:$port" \
    --ca-file "$work/cert.pem" --journal "$work/journal.log" --log "$work/bot.log" --report "$work/bot.json" \
    --control-socket "$sock" --kill-switch-file "$work/KILL" --obs --obs-port 0 \
    --clock-resync-s 5 --filters-refresh-s 10 \
    >"$work/bot.out" 2>"$work/bot.err" &
bot_pid=$!
cleanup() {
    kill -TERM "$bot_pid" 2>/dev/null || true; wait "$bot_pid" 2>/dev/null || true
    kill -TERM "$venue_pid" 2>/dev/null || true; wait "$venue_pid" 2>/dev/null || true
}
trap cleanup EXIT

ctl_() { "$ctl" --socket "$sock" "$@"; }
venue_open() {  # orders open at the venue (its admin view)
    curl -sk "https://localhost:$port/admin/orders" | python3 -c \
        'import json,sys; print(sum(1 for o in json.load(sys.stdin)["orders"] if o["status"] in ("Created","New","PartiallyFilled")))'
}
wait_for() {  # wait_for <seconds> <command...>: until the command succeeds
    local end=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do [ $SECONDS -ge $end ] && return 1; sleep 0.2; done
}
has_orders() { ctl_ status --json | python3 -c 'import json,sys; s=json.load(sys.stdin); sys.exit(0 if any(x["open_orders"] for x in s["symbols"]) else 1)'; }

check "the bot opens its control socket" wait_for 40 test -S "$sock"
check "the socket is mode 0600 (got $(stat -c %a "$sock" 2>/dev/null))" test "$(stat -c %a "$sock")" = 600
check "filters came from the venue (config states none)" \
    grep -q '"msg":"instrument_filters".*"source":"venue".*"symbol":"BTCUSDT".*"tick_size":"0.1"' "$work/bot.log"
check "the bot is quoting (status shows open orders)" wait_for 60 has_orders

# 1. status
check "status exits 0" expect_exit 0 ctl_ status
cp "$work/out" "$work/status.txt"
echo "   --- mmbot-ctl status ---"; sed 's/^/   /' "$work/status.txt"
check "status shows the state" grep -q '^mmbot-testnet  state RUNNING' "$work/status.txt"
check "status shows the position and limit headroom" grep -q 'max_position_qty' "$work/status.txt"
check "status --json is JSON with the symbols" expect_exit 0 ctl_ status --json
check "status --json names BTCUSDT" grep -q '"symbol":"BTCUSDT"' "$work/out"

# 2. freeze / unfreeze
check "freeze exits 0" expect_exit 0 ctl_ freeze --reason drill
check "freeze says frozen" grep -q 'frozen' "$work/out"
no_open_at_venue() { test "$(venue_open)" = 0; }
check "after freeze the venue holds 0 open orders (open when frozen: $(venue_open))" wait_for 20 no_open_at_venue
check "status shows the freeze" expect_exit 0 ctl_ status
check "... with reason operator_freeze" grep -q 'FROZEN: operator_freeze' "$work/out"
check "unfreeze exits 0" expect_exit 0 ctl_ unfreeze
check "after unfreeze the bot quotes again" wait_for 30 has_orders

# 3. reload
python3 - "$work/testnet.json" <<'EOF'
import json, sys
p = sys.argv[1]; c = json.load(open(p))
c["symbols"]["BTCUSDT"]["risk"]["max_loss"] = "nope"
json.dump(c, open(p + ".bad", "w"))
c["symbols"]["BTCUSDT"]["risk"]["max_loss"] = "77"
json.dump(c, open(p + ".good", "w"))
EOF
cp "$work/testnet.json.bad" "$work/testnet.json"
check "reload of a bad file is refused (exit 4)" expect_exit 4 ctl_ reload
check "... naming the field and value" grep -q 'max_loss.*nope' "$work/err"
check "... and the old limits stay" bash -c "'$ctl' --socket '$sock' status --json | grep -q '\"limit\":\"max_loss\"'"
cp "$work/testnet.json.good" "$work/testnet.json"
check "reload of a good file exits 0" expect_exit 0 ctl_ reload
check "status shows the new max_loss 77" bash -c "'$ctl' --socket '$sock' status --json | grep -q '\"limit\":\"max_loss\",\"value\":\"[-0-9.]*\",\"max\":\"77\"'"

# 4. kill, and the kill-switch file
check "kill exits 0" expect_exit 0 ctl_ kill
check "status shows kill_switch_operator" bash -c "'$ctl' --socket '$sock' status | grep -q 'FROZEN: kill_switch_operator'"
touch "$work/KILL"
sleep 0.5
check "unfreeze --force while the kill-switch file exists is refused (exit 4)" expect_exit 4 ctl_ unfreeze --force
check "... naming the file" grep -q 'kill-switch file' "$work/err"
rm -f "$work/KILL"
sleep 0.5
check "without the file, unfreeze exits 0" expect_exit 0 ctl_ unfreeze
check "unfreeze of a running bot is refused (exit 4)" expect_exit 4 ctl_ unfreeze
check "cancel-all exits 0" expect_exit 0 ctl_ cancel-all

# 5. bad commands
check "an unknown command is exit 2" expect_exit 2 ctl_ flatten
check "... naming it" grep -q 'unknown command "flatten"' "$work/err"
check "--force on freeze is exit 2" expect_exit 2 ctl_ freeze --force
check "a bad --reason is exit 2" expect_exit 2 ctl_ freeze --reason 'two words'
check "a socket nobody listens on is exit 3" expect_exit 3 "$ctl" --socket "$work/nobody.ctl" status

# 8. the venue changes BTCUSDT's tick to 0.50: within one refresh (10 s) the bot logs the change,
#    pulls its quotes and quotes again on the new grid; the clock was resynced meanwhile (5 s).
python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); f=c["symbols"]["BTCUSDT"]["filters"]
f.update(tick_size="0.50", min_price="0.50", max_price="1999999.50")
print(json.dumps({"symbols": {"BTCUSDT": {"filters": f}, "ETHUSDT": c["symbols"]["ETHUSDT"]}}))' "$config" > "$work/coarser.json"
check "the venue takes the coarser tick" \
    curl -sfk -X POST --data-binary @"$work/coarser.json" "https://localhost:$port/admin/instruments" -o /dev/null
check "the bot logs filters_changed for BTCUSDT within 15 s" \
    wait_for 15 grep -q '"change":"tick_size: was 0.10, now 0.50".*"msg":"filters_changed".*"symbol":"BTCUSDT"' "$work/bot.log"
on_new_grid() { ctl_ status --json | python3 -c 'import json,sys; from decimal import Decimal as D
s=json.load(sys.stdin); o=[x for y in s["symbols"] if y["symbol"]=="BTCUSDT" for x in y["open_orders"]]
sys.exit(0 if o and all(D(x["price"]) % D("0.5") == 0 for x in o) else 1)'; }
check "BTCUSDT is quoted again, every price on the 0.50 grid" wait_for 15 on_new_grid
check "the clock was resynced (clock_resynced in the log)" grep -q '"msg":"clock_resynced"' "$work/bot.log"

# 6. metrics, log, journal; and a clean stop
obs_port=$(sed -n 's/.*serving \/health \/ready \/metrics \/status on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/bot.err")
curl -s "http://127.0.0.1:${obs_port:-1}/metrics" > "$work/metrics.txt" || true
check "/metrics counts freeze" grep -q '^mm_operator_actions_total{action="freeze"} 1' "$work/metrics.txt"
check "/metrics counts unfreeze (4 asked)" grep -q '^mm_operator_actions_total{action="unfreeze"} 4' "$work/metrics.txt"
check "/metrics counts reload (2)" grep -q '^mm_operator_actions_total{action="reload"} 2' "$work/metrics.txt"
check "/metrics exports mm_clock_skew_seconds" grep -q '^mm_clock_skew_seconds ' "$work/metrics.txt"
check "the log has operator_action with the caller's uid" grep -q "\"msg\":\"operator_action\".*\"uid\":\"$(id -u)\"" "$work/bot.log"
kill -TERM "$bot_pid"; rc=0; wait "$bot_pid" || rc=$?
check "SIGTERM: the bot exits 0 (got $rc)" test "$rc" -eq 0
check "SIGTERM: 0 open orders at the venue (got $(venue_open))" no_open_at_venue
check "the journal holds the operator records" test "$(grep -c $'\toperator\t' "$work/journal.log")" -ge 8
check "the socket file is gone after the stop" test ! -e "$sock"
# 7. mmbot-shadow (paced replay, so it runs long enough to be asked): the default socket path
mkdir -p "$work/shadow"
"$shadow" --config "$shadow_config" --feed "replay:$sample" --speed 1 --journal "$work/shadow/journal.log" \
    --report "$work/shadow/report.json" >"$work/shadow.out" 2>"$work/shadow.err" &
shadow_pid=$!
check "shadow opens <journal>.ctl" wait_for 20 test -S "$work/shadow/journal.log.ctl"
shadow_status() { "$ctl" --socket "$work/shadow/journal.log.ctl" status | grep -q '^mmbot-shadow  state RUNNING'; }
check "shadow: status answers RUNNING" wait_for 20 shadow_status
check "shadow: freeze exits 0" expect_exit 0 "$ctl" --socket "$work/shadow/journal.log.ctl" freeze
kill -TERM "$shadow_pid"; rc=0; wait "$shadow_pid" || rc=$?
check "shadow: SIGTERM exits 0 (got $rc)" test "$rc" -eq 0
check "shadow: the report counts the operator freeze" grep -q '"operator_freeze"' "$work/shadow/report.json"

leaks=$(grep -l -e "$secret" -e "$key" "$work"/bot.* "$work"/out "$work"/err "$work"/metrics.txt "$work"/status.txt 2>/dev/null || true)
check "no secret in any output" test -z "$leaks"

echo "$fails failed"
[ "$fails" -eq 0 ]
