#!/usr/bin/env bash
# --record end to end (issue 19.1): mmbot-shadow trades the local venue's public stream as its live
# feed and records it; the recording, replayed, gives the same decisions.
#   1. live + --record: exit 0, gzip files in the directory, the report counts the frames
#      (recorded = market-data messages, none dropped);
#   2. the replay of the recording (read compressed, directly) writes a journal byte-identical to
#      the live run's: every order, ack, cancel and fill at the same time, price and quantity, and
#      the same trading totals in the report. (Exact because each message runs at its receive
#      time in both; a 200 ms silence of the feed would add a wall-clock turn that a replay cannot
#      repeat: the venue replays at --speed 10, where the sample has no such gap in this stretch.)
#   3. flags: --record with a replay is refused (exit 2), a --record path that is a file exits 2,
#      --record-max-mb without --record exits 2.
# Cost: ~25 s (the venue replays 2,500 messages at 10x).
set -euo pipefail

shadow="$1"; venue="$2"; sample="$3"; config="$4"
work="${TEST_TMPDIR:-$(mktemp -d)}"
fails=0
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"  # check, expect_exit

printf '{"api_key":"LOCALKEY1","api_secret":"%s"}\n' "$(openssl rand -hex 16)" >"$work/creds.json"
"$venue" --credentials-file "$work/creds.json" --capture "$sample" --speed 10 --port 0 \
    --port-file "$work/port" --cert-out "$work/cert.pem" >"$work/venue.out" 2>&1 &
venue_pid=$!
trap 'kill "$venue_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
port="$(cat "$work/port")"

# 1. live, recorded
check "live shadow with --record exits 0" "$shadow" --config "$config" --feed "wss://localhost:$port/v5/public/linear" \
    --ca-file "$work/cert.pem" --record "$work/rec" --iterations 2500 --journal "$work/live/journal.log" \
    --log "$work/live/mmbot.log" --report "$work/live/report.json"
kill "$venue_pid"
files=("$work"/rec/capture-*.jsonl.gz)
check "one gzip capture file" test "${#files[@]}" -eq 1 -a -s "${files[0]}"
check "it is gzip" sh -c "gzip -t '${files[0]}'"
check "the report counts the recorded frames" python3 -c "
import json,sys
md=json.load(open(sys.argv[1]))['market_data']
assert md['recorded_frames'] == md['lines'] - md['pongs'] - md['subscribe_acks'] == 2500, md  # op replies are not recorded
assert md['recorded_frames_dropped'] == 0 and md['recorded_files'] == 1, md
" "$work/live/report.json"
check "every line is the wrapped form" python3 -c "
import gzip,json,sys
n=0
for line in gzip.open(sys.argv[1],'rt'):
    o=json.loads(line); assert set(o)=={'recv_ts_ns','msg'} and isinstance(o['recv_ts_ns'],int), line[:100]; n+=1
assert n==2500, n
" "${files[0]}"

# 2. the replay decides the same
check "replay of the recording exits 0" "$shadow" --config "$config" --feed "replay:${files[0]}" --journal "$work/replay/journal.log" \
    --log "$work/replay/mmbot.log" --report "$work/replay/report.json"
check "the journals are byte-identical (same orders, fills, times)" cmp "$work/live/journal.log" "$work/replay/journal.log"
check "orders were placed" grep -q $'\tnew\t' "$work/live/journal.log"
check "same stats, symbols, pnl and risk in both reports" python3 -c "
import json,sys
a,b=(json.load(open(p)) for p in sys.argv[1:3])
for k in ['stats','symbols','pnl','risk','blocked_orders']:
    assert a[k]==b[k], k
" "$work/live/report.json" "$work/replay/report.json"
# Positive control: the check above tells different runs apart.
check "a replay at another offset decides differently" "$shadow" --config "$config" --feed "replay:${files[0]}" \
    --post-only-offset-bps 4 --journal "$work/other/journal.log" --log "$work/other/mmbot.log"
check "... and its journal differs" sh -c "! cmp -s '$work/live/journal.log' '$work/other/journal.log'"

# 3. flags
check "--record with a replay exits 2" expect_exit 2 "$shadow" --config "$config" --feed "replay:$sample" --record "$work/r2" \
    --journal "$work/r2j/journal.log"
check "... naming why" grep -q -- "--record: not used by mmbot-shadow (a replay is a capture already" "$work/err"
touch "$work/plainfile"
check "--record at a file exits 2" expect_exit 2 "$shadow" --config "$config" --feed "wss://localhost:1/v5/public/linear" \
    --record "$work/plainfile" --journal "$work/r3j/journal.log"
check "... naming the path" grep -q "plainfile\" is not a writable directory" "$work/err"
check "--record-max-mb without --record exits 2" expect_exit 2 "$shadow" --config "$config" --record-max-mb 5

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
