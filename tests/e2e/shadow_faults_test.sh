#!/usr/bin/env bash
# mmbot-shadow on bad input, with tiny synthetic captures and configs (each run takes milliseconds):
#   1. captures that cannot be read: /dev/zero (a line over the 16 MiB maximum) and a directory
#      (EISDIR) exit 6 naming the line and the reason, never a silent end of file.
#   2. a crossed book (best bid 1999999.80 over an ask near 65000) appended to the start of the
#      sample: counted and logged once, not ready while crossed, and the mark keeps the last good mid.
#   3. a capture without ETHUSDT's snapshot: a warning and `symbols_without_data`, exit 0.
#   4. bad configs and flags: a duplicate key (3, naming key and file), an unreadable config (3,
#      with the OS reason), a 130 KB flag value (2, cut in the message), --report to a directory
#      (2 at start, before any replay, and no .tmp left behind).
set -euo pipefail

shadow="$1"; config="$2"; sample="$3"
work="${TEST_TMPDIR:-$(mktemp -d)}"
fails=0
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"  # check, expect_exit
json() {  # json <file> <python expression over r>
    python3 -c "import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1"
}
shadow_on() {  # shadow_on <capture> [extra flags]
    local capture="$1"; shift
    "$shadow" --config "$config" --feed "replay:$capture" --journal "$work/run/journal.log" \
        --log "$work/run/mmbot.log" "$@"
}
mkdir -p "$work/run"

# 1. unreadable captures
check "/dev/zero -> 6" expect_exit 6 shadow_on /dev/zero
check "/dev/zero: the line and the maximum are named" \
    grep -q 'line 1: longer than the maximum of 16777216 bytes' "$work/err"
mkdir -p "$work/capture_dir"
check "a directory as the capture -> 6" expect_exit 6 shadow_on "$work/capture_dir"
check "a directory: the OS reason is named" grep -q 'line 1: read failed: Is a directory' "$work/err"
check "a missing capture names the OS reason" expect_exit 6 shadow_on "$work/none.jsonl"
check "missing: No such file or directory" grep -q 'No such file or directory' "$work/err"

# Captures cut from the start of the sample (1500 lines, about 2.5 minutes of market time).
python3 - "$sample" "$work" <<'PY'
import json, sys
sample, work = sys.argv[1], sys.argv[2]
lines = open(sample).read().splitlines()[:1500]
last = [json.loads(l) for l in lines if l.startswith('{"topic":"orderbook.50.BTCUSDT"')][-1]
u, seq, ts = last["data"]["u"], last["data"]["seq"], last["ts"]
def delta(n, dt, bids):
    return json.dumps({"topic": "orderbook.50.BTCUSDT", "type": "delta", "ts": ts + dt,
                       "data": {"s": "BTCUSDT", "b": bids, "a": [], "u": u + n, "seq": seq + n},
                       "cts": ts + dt - 1}, separators=(",", ":"))
crossed = lines + [delta(1, 10, [["1999999.80", "1"]]), delta(2, 510, [["1999999.70", "1"]])]
open(work + "/crossed.jsonl", "w").write("\n".join(crossed) + "\n")
eth_snapshot = '{"topic":"orderbook.50.ETHUSDT","type":"snapshot"'
open(work + "/no_eth_snapshot.jsonl", "w").write(
    "\n".join(l for l in lines if not l.startswith(eth_snapshot)) + "\n")
PY

# 2. crossed book
check "crossed capture exits 0" expect_exit 0 shadow_on "$work/crossed.jsonl" --report "$work/crossed.json"
check "report counts one crossed episode, per symbol and in total, with its time" json "$work/crossed.json" \
    "r['symbols']['BTCUSDT']['crossed_book_events'] == 1 and r['market_data']['crossed_book_events'] == 1
     and r['symbols']['BTCUSDT']['crossed_book_ms'] == 500 and r['symbols']['ETHUSDT']['crossed_book_events'] == 0"
check "the mark is the last good mid, not the crossed one" json "$work/crossed.json" \
    "60000 < float(r['symbols']['BTCUSDT']['mark']) < 70000"
check "logged once per episode" test "$(grep -c '"msg":"book_crossed"' "$work/run/mmbot.log")" = 1
check "not ready while crossed" grep -q '"ready":false,"reasons":"book_crossed:BTCUSDT"' "$work/run/mmbot.log"

# 3. a symbol without a snapshot
check "capture without ETHUSDT's snapshot exits 0" expect_exit 0 shadow_on "$work/no_eth_snapshot.jsonl" \
    --report "$work/no_eth.json"
check "a warning names the symbol" grep -q 'warning: ETHUSDT: no snapshot' "$work/err"
check "the log says so" grep -q '"msg":"symbol_without_data","reason":"no snapshot of its book in the feed","symbol":"ETHUSDT"' \
    "$work/run/mmbot.log"
check "report lists it" json "$work/no_eth.json" "r['market_data']['symbols_without_data'] == ['ETHUSDT']"
check "full capture: none without data" json "$work/crossed.json" "r['market_data']['symbols_without_data'] == []"

# 4. configs and flags
python3 - "$config" "$work/dup.json" <<'PY'
import sys
text = open(sys.argv[1]).read()
open(sys.argv[2], "w").write(text.replace("{", '{"environment": "live",', 1))
PY
check "duplicate key -> 3" expect_exit 3 "$shadow" --config "$work/dup.json"
check "duplicate key: names the key and the file" \
    grep -q "dup.json: environment: duplicate key" "$work/err"
check "a directory as config -> 3" expect_exit 3 "$shadow" --config "$work/capture_dir"
check "unreadable config: the OS reason" grep -q 'cannot read ".*capture_dir": Is a directory' "$work/err"
check "130 KB flag value -> 2" expect_exit 2 "$shadow" --iterations "$(head -c 130000 /dev/zero | tr '\0' 7)"
check "130 KB flag value is cut in the error" test "$(head -n 1 "$work/err" | wc -c)" -lt 300
check "--report to a directory -> 2 at start" expect_exit 2 shadow_on "$work/crossed.jsonl" --report "$work/capture_dir"
check "--report error names the path and the reason" grep -q 'report: cannot write ".*capture_dir": Is a directory' "$work/err"
check "no .tmp left behind" test ! -e "$work/capture_dir.tmp"
check "nothing was replayed" test ! -s "$work/out"

echo "$fails failed"
[ "$fails" -eq 0 ]
