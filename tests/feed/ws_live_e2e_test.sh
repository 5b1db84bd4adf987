#!/usr/bin/env bash
# mmbot-shadow on a live feed, end to end: a local TLS WebSocket server (tests/feed/
# ws_sample_server.cpp, certificate made here with the openssl CLI) serves the bundled sample's
# messages; the binary connects with --feed wss://127.0.0.1:PORT/v5/public/linear --ca-file ...,
# subscribes, trades against the simulated venue and stops after --iterations N events.
# Checks: exit 0, a report whose market_data counts messages and connection totals, and that an
# untrusted server (no --ca-file) is refused with exit 6 and a clear message.
set -euo pipefail

shadow="$1"; server="$2"; sample="$3"; config="$4"
work="${TEST_TMPDIR:-$(mktemp -d)}"
fails=0
check() {  # check <description> <command...>
    local what="$1"; shift
    if "$@"; then echo "ok   - $what"; else echo "FAIL - $what"; fails=$((fails + 1)); fi
}
json() {  # json <file> <python expression over r>
    python3 -c "import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1"
}

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1

"$server" --cert "$work/cert.pem" --key "$work/key.pem" --sample "$sample" \
    --port-file "$work/port" >"$work/server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
port="$(cat "$work/port")"
url="wss://127.0.0.1:$port/v5/public/linear"

mkdir -p "$work/live"
set +e
timeout 60 "$shadow" --config "$config" --feed "$url" --ca-file "$work/cert.pem" --iterations 3000 \
    --journal "$work/live/journal.log" --log "$work/live/mmbot.log" --report "$work/live/report.json" \
    >"$work/live.out" 2>"$work/live.err"
rc=$?
set -e
check "live run exits 0 (got $rc)" test "$rc" -eq 0
[ "$rc" -eq 0 ] || { echo "--- the run's stderr (first 60 lines)"; head -n 60 "$work/live.err" | cut -c1-400; }
check "report counts market data" json "$work/live/report.json" \
    "r['market_data']['messages'] >= 3000 and r['market_data']['book_updates'] > 0 and r['market_data']['malformed_lines'] == 0"
check "report has the connection totals" json "$work/live/report.json" \
    "r['market_data']['connects'] == 1 and r['market_data']['reconnects'] == 0 and r['market_data']['subscribe_acks'] == 1"
check "report echoes the feed" json "$work/live/report.json" "r['execution_params']['feed'] == '$url'"
check "the engine ran and shut down" json "$work/live/report.json" "r['risk']['final_state'] == 'SHUTDOWN'"
check "the connection is logged" grep -q '"msg":"ws_connected"' "$work/live/mmbot.log"

set +e
timeout 60 "$shadow" --config "$config" --feed "$url" --iterations 10 \
    --journal "$work/untrusted/journal.log" --log "$work/untrusted.log" >"$work/untrusted.out" 2>"$work/untrusted.err"
rc=$?
set -e
check "untrusted server -> exit 6 (got $rc)" test "$rc" -eq 6
check "the error names the certificate failure" grep -q "certificate verification failed" "$work/untrusted.err"

set +e
"$shadow" --config "$config" --feed "$url" --ca-file "$work/missing.pem" >/dev/null 2>"$work/ca.err"
rc=$?
set -e
check "missing --ca-file -> exit 6 (got $rc)" test "$rc" -eq 6
check "the error names the file" grep -q "missing.pem" "$work/ca.err"

echo "$fails failed"
[ "$fails" -eq 0 ]
