#!/usr/bin/env bash
# End-to-end checks of the built binaries, as a user runs them (the predecessor's two e2e cases
# and the exit-code contract):
#   1. maker-only shadow replay of the bundled sample: a valid report with the expected sections;
#   2. byte-stable output: the same input twice gives identical reports and identical logs;
#   3. the freeze drill: a config whose quotes sit inside the edge floor freezes with an edge
#      reason, cancels everything once, and the report says so;
#   3d. a journal held by another process or written by testnet is refused (exit 5), untouched;
#   3e. --speed: a 4 s capture replayed at speed 2 takes at least 2 s of wall time and gives the
#      report and log of the unpaced replay; bad values exit 2 naming the flag;
#   4. exit codes: bad flag 2, bad config 3, EXCHANGE_ENV mismatch 4, missing capture 6,
#      live without acknowledgement 8, endpoint override refused by live;
#   5. mmbot-shadow-binance (venue/venues.hpp): the bundled Binance USD-M capture replays in sync
#      (no gap), trades, reports venue "binance", twice byte for byte; a Bybit capture is refused
#      line by line and exits 6; --feed live:spot and a live --record are refused (exit 2).
set -euo pipefail

shadow="$1"; testnet="$2"; live="$3"; sample="$4"; config="$5"
shadow_bn="$6"; sample_bn="$7"; config_bn="$8"
work="${TEST_TMPDIR:-$(mktemp -d)}"
fails=0
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"  # check, expect_exit
run_shadow() {  # run_shadow <name> [extra flags]
    local name="$1"; shift
    "$shadow" --config "$config" --feed "replay:$sample" --journal "$work/$name/journal.log" \
        --log "$work/$name/mmbot.log" --report "$work/$name/report.json" "$@" \
        >"$work/$name.out" 2>"$work/$name.err"
}
json() {  # json <file> <python expression over r>
    python3 -c "import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1"
}

# 1. maker-only replay
mkdir -p "$work/a" "$work/b"
check "shadow replay exits 0" run_shadow a --maker-only
check "report has every section" json "$work/a/report.json" \
    "all(k in r for k in ['execution_params','stats','symbols','pnl','blocked_orders','risk','market_data'])"
check "report counts the sample's messages" json "$work/a/report.json" \
    "r['market_data']['messages'] > 1000 and r['market_data']['malformed_lines'] == 0"
check "orders were placed and all ended" json "$work/a/report.json" \
    "r['stats']['orders_placed'] > 0 and r['risk']['final_state'] == 'SHUTDOWN'"
check "maker-only is echoed" json "$work/a/report.json" "r['execution_params']['maker_only'] is True"
check "money is written as decimal strings" json "$work/a/report.json" \
    "isinstance(r['pnl']['net'], str) and 'e' not in r['pnl']['net'].lower()"

# 2. byte-stable output
check "second identical run exits 0" run_shadow b --maker-only
check "reports are byte-identical" cmp -s "$work/a/report.json" "$work/b/report.json"
check "logs are byte-identical" cmp -s "$work/a/mmbot.log" "$work/b/mmbot.log"
check "a replay's report holds no wall-clock decision latency" json "$work/a/report.json" \
    "'decision_latency' not in r['performance']"
mkdir -p "$work/timed"
check "--decision-timing run exits 0" run_shadow timed --maker-only --decision-timing
check "--decision-timing: performance.decision_latency counts every book update" json "$work/timed/report.json" \
    "(lambda d: d['decisions'] > 1000 and 0 < d['p50_ns'] <= d['p90_ns'] <= d['p99_ns'] <= d['p999_ns'] <= d['max_ns'])(r['performance']['decision_latency'])"
check "--decision-timing changes nothing else in the report" python3 -c "
import json, sys
a, t = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
del t['performance']['decision_latency']
sys.exit(0 if a == t else 1)" "$work/a/report.json" "$work/timed/report.json"
check "log lines are JSON with sorted keys" python3 -c "
import json,sys
for line in open(sys.argv[1]):
    o=json.loads(line); assert list(o)==sorted(o), line
" "$work/a/mmbot.log"

# 3. freeze drill: half-spread 0.5 bps + 1.5 bps offset = 2 bps of edge, below the 3 bps floor.
python3 - "$config" "$work/drill.json" <<'PY'
import json,sys
c=json.load(open(sys.argv[1]))
for s in c["symbols"].values(): s["strategy"]["half_spread_bps"]="0.5"
json.dump(c,open(sys.argv[2],"w"))
PY
mkdir -p "$work/drill"
check "freeze drill run exits 0" "$shadow" --config "$work/drill.json" --feed "replay:$sample" \
    --journal "$work/drill/journal.log" --log "$work/drill/mmbot.log" --report "$work/drill/report.json"
check "report: freeze_triggered with an edge reason" json "$work/drill/report.json" \
    "r['risk']['freeze_triggered'] is True and r['risk']['last_freeze_reason'] == 'edge_below_threshold'"
check "one freeze, no order sent after it" json "$work/drill/report.json" \
    "r['risk']['freeze_events'] == 1 and r['stats']['orders_placed'] == 0"
check "freeze is logged" grep -q '"msg":"freeze"' "$work/drill/mmbot.log"

# 3b. kill switch: a file present at start freezes on the first turn and cancels everything.
mkdir -p "$work/kill"
touch "$work/KILL"
check "kill-switch run exits 0" "$shadow" --config "$config" --feed "replay:$sample" \
    --journal "$work/kill/journal.log" --log "$work/kill/mmbot.log" --report "$work/kill/report.json" \
    --kill-switch-file "$work/KILL"
check "report: frozen by the kill switch file" json "$work/kill/report.json" \
    "r['risk']['last_freeze_reason'] == 'kill_switch_file' and r['risk']['freeze_events'] == 1"
check "kill switch is logged" grep -q '"msg":"kill_switch"' "$work/kill/mmbot.log"

# 3c. preflight: a JSON verdict, exit 0, nothing run.
check "shadow --preflight exits 0" expect_exit 0 "$shadow" --preflight --config "$config" --feed "replay:$sample"
check "preflight prints a passing JSON verdict" python3 -c "
import json,sys; v=json.load(open(sys.argv[1])); assert v['passed'] is True and v['environment']=='shadow', v
assert [c['name'] for c in v['checks']]==['config','secrets','venue','market_data','journal'], v" "$work/out"
check "preflight with a missing capture -> 6" expect_exit 6 "$shadow" --preflight --config "$config" --feed "replay:$work/none.jsonl"

# 3d. a journal shadow does not own is never replaced: one held by a running bot (flock, as
#     mmbot-testnet holds its own) and one testnet wrote are refused with exit 5, same inode, same
#     bytes; a second shadow run reuses its own journal in place.
mkdir -p "$work/held"
held="$work/held/journal.log"
printf 'mmbot-journal 2 env=testnet\n' > "$held"
snapshot() { echo "$(stat -c %i "$1") $(sha256sum < "$1")"; }
before="$(snapshot "$held")"
python3 - "$held" "$work/held/locked" <<'PY' &
import fcntl, os, sys, time
f = open(sys.argv[1], "a")
fcntl.flock(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(30)
PY
holder=$!
for _ in $(seq 100); do [ -e "$work/held/locked" ] && break; sleep 0.05; done
check "shadow on a held journal -> 5" expect_exit 5 "$shadow" --config "$config" \
    --feed "replay:$sample" --journal "$held" --log "$work/held/mmbot.log"
check "the refusal names the path and the holder's pid" \
    grep -q "journal $held: locked by another process (pid $holder)" "$work/err"
check "the held journal keeps its inode and bytes" test "$(snapshot "$held")" = "$before"
kill "$holder"; wait "$holder" 2>/dev/null || true
check "shadow on testnet's journal -> 5" expect_exit 5 "$shadow" --config "$config" \
    --feed "replay:$sample" --journal "$held" --log "$work/held/mmbot.log"
check "the refusal names both environments" \
    grep -q "journal $held: written by mmbot-testnet, refused by mmbot-shadow" "$work/err"
check "testnet's journal keeps its inode and bytes" test "$(snapshot "$held")" = "$before"
a_inode="$(stat -c %i "$work/a/journal.log")"
check "shadow replays over its own journal" run_shadow a --maker-only --iterations 10
check "in place: same inode" test "$(stat -c %i "$work/a/journal.log")" = "$a_inode"

# 3e. --speed paces the replay on the wall clock; only the pace changes, not the outputs.
python3 - "$sample" "$work/short.jsonl" <<'PY'
import json, sys
first = None
with open(sys.argv[1]) as src, open(sys.argv[2], "w") as out:
    for line in src:
        try:
            ts = json.loads(line).get("ts")
        except ValueError:
            ts = None
        if ts and first is None:
            first = ts
        if ts and ts - first > 4000:
            break
        out.write(line)
PY
short_run() {  # short_run <name> [extra flags]
    local name="$1"; shift
    "$shadow" --config "$config" --feed "replay:$work/short.jsonl" --journal "$work/$name/journal.log" \
        --log "$work/$name/mmbot.log" --report "$work/$name/report.json" "$@" \
        >"$work/$name.out" 2>"$work/$name.err"
}
check "unpaced short replay exits 0" short_run fast
started=$(date +%s%N)
check "--speed 2 replay exits 0" short_run paced --speed 2
elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
check "--speed 2 over a 4 s capture takes >= 1900 ms (took $elapsed_ms ms)" test "$elapsed_ms" -ge 1900
check "--speed 2 takes well under real time (took $elapsed_ms ms)" test "$elapsed_ms" -lt 3900
check "--speed: the report equals the unpaced one" cmp -s "$work/fast/report.json" "$work/paced/report.json"
check "--speed: the log equals the unpaced one" cmp -s "$work/fast/mmbot.log" "$work/paced/mmbot.log"
for bad in 0 -1 1e3 fast; do
    check "--speed $bad -> 2" expect_exit 2 "$shadow" --config "$config" --speed "$bad"
    check "--speed $bad: the error names the flag" grep -q -- "--speed: " "$work/err"
done
check "--speed with a live feed -> 2" expect_exit 2 "$shadow" --config "$config" --feed live --speed 1
check "--speed in mmbot-testnet -> 2" expect_exit 2 "$testnet" --speed 1

# 4. exit codes
check "unknown flag -> 2" expect_exit 2 "$shadow" --bogus
check "bad flag value -> 2" expect_exit 2 "$shadow" --post-only-offset-bps 1e-3
check "bad value names the flag" grep -q -- "--post-only-offset-bps" "$work/err"
check "unknown symbol -> 2" expect_exit 2 "$shadow" --config "$config" --feed "replay:$sample" --symbols DOGEUSDT
echo '{"environment": "shadow"}' > "$work/bad.json"
check "invalid config -> 3" expect_exit 3 "$shadow" --config "$work/bad.json"
check "config error names the field" grep -q "maker" "$work/err"
check "EXCHANGE_ENV mismatch -> 4" expect_exit 4 env EXCHANGE_ENV=live "$shadow" --config "$config"
check "unknown EXCHANGE_ENV -> 4" expect_exit 4 env EXCHANGE_ENV=prod "$shadow" --config "$config"
check "missing capture -> 6" expect_exit 6 "$shadow" --config "$config" --feed "replay:$work/none.jsonl"
check "live without acknowledgement -> 8" expect_exit 8 "$live"
check "live refuses an endpoint override" expect_exit 2 "$live" --i-understand-this-is-live --endpoint-override 127.0.0.1:1
check "--help -> 0" expect_exit 0 "$shadow" --help

# 5. the same shadow on Binance USD-M
run_bn() {  # run_bn <name> [extra flags]
    local name="$1"; shift
    mkdir -p "$work/$name"
    "$shadow_bn" --config "$config_bn" --journal "$work/$name/journal.log" --log "$work/$name/mmbot.log" \
        --report "$work/$name/report.json" "$@" >"$work/$name.out" 2>"$work/$name.err"
}
check "mmbot-shadow-binance replays its bundled capture (the default --feed)" run_bn bn1
check "... in sync: no gap, no malformed line, every diff a book update" json "$work/bn1/report.json" \
    "r['market_data']['gaps'] == 0 and r['market_data']['malformed_lines'] == 0 and r['market_data']['book_updates'] > 2000"
check "... quoted and filled, every order ended" json "$work/bn1/report.json" \
    "r['stats']['orders_placed'] > 50 and r['stats']['fills'] > 0 and r['stats']['open_orders_at_end'] == 0"
check "... says its venue and its feed" json "$work/bn1/report.json" \
    "r['execution_params']['venue'] == 'binance' and r['execution_params']['feed'].endswith('binance_btcusdt_sample.txt')"
check "... and the Bybit binary says its own" json "$work/a/report.json" "r['execution_params']['venue'] == 'bybit'"
check "a second Binance replay" run_bn bn2 --feed "replay:$sample_bn"
check "... has a byte-identical report" cmp -s "$work/bn1/report.json" "$work/bn2/report.json"
check "... and journal" cmp -s "$work/bn1/journal.log" "$work/bn2/journal.log"
check "a Bybit capture in the Binance binary: every line refused, exit 6" expect_exit 6 "$shadow_bn" \
    --config "$config_bn" --feed "replay:$sample" --journal "$work/bn3/journal.log" --log "$work/bn3.log"
check "... naming the line format" grep -q 'expected \\"<recv_ns> <json>\\"' "$work/bn3.log"
check "--feed live:spot: Binance spot is not followed -> 2" expect_exit 2 "$shadow_bn" --config "$config_bn" --feed live:spot
check "... saying so" grep -q "Binance spot is not followed" "$work/err"
check "--feed live --record: no Binance recording yet -> 2" expect_exit 2 "$shadow_bn" --config "$config_bn" \
    --feed live --record "$work/rec-bn"
check "... saying so, before connecting" grep -q "Binance recordings are not written yet" "$work/err"

echo "$fails failed"
[ "$fails" -eq 0 ]
