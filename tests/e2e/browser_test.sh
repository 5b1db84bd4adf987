#!/usr/bin/env bash
# The run's pictures in a real browser (issue 18): Debian's chromium, headless, opens
#   1. the HTML report of the bundled shadow run: no console message at all, every summary cell
#      equal to the JSON report's value, one marker per fill and one dot per order placed per
#      symbol, every line within the decimation cap (tests/e2e/check_pictures.py);
#   2. the /status page of a running (paced) mmbot-shadow: after its script polled /status.json,
#      the state, a position row per symbol, the limits' headroom bars and the open orders.
# Screenshots of both go to $TEST_UNDECLARED_OUTPUTS_DIR; tools/screenshots/refresh.sh copies them to
# reports/screenshots/, which the README shows. Needs chromium (./mmw setup); ~15 s.
set -euo pipefail
shadow="$(realpath "$1")"; sample="$(realpath "$2")"; config="$(realpath "$3")"; checker="$(realpath "$4")"
source "$(dirname "$0")/lib.sh"
work="$(mktemp -d "${TEST_TMPDIR:-/tmp}/browser.XXXXXX")"
shots="${TEST_UNDECLARED_OUTPUTS_DIR:-$work}"
fails=0
browser="$(command -v chromium || true)"
if [ -z "$browser" ]; then echo "FAIL - chromium is not installed (./mmw setup installs it)"; exit 1; fi
export HOME="$work"  # chromium keeps its profile and crash dumps under HOME

# chromium <out.html> <url> [flags...]: the DOM after the page ran, and its console on stderr.
chromium_dom() {
    local out="$1" url="$2"; shift 2
    timeout 60 "$browser" --headless=new --no-sandbox --disable-gpu --no-first-run --user-data-dir="$work/profile" \
        --enable-logging=stderr --v=0 "$@" --dump-dom "$url" >"$out" 2>"$out.console"
}
no_console() { ! grep -q 'CONSOLE' "$1.console" || { grep 'CONSOLE' "$1.console" | head -5; false; }; }
screenshot() {
    timeout 60 "$browser" --headless=new --no-sandbox --disable-gpu --no-first-run --user-data-dir="$work/profile" \
        --hide-scrollbars --window-size=1200,"$3" "${@:4}" --screenshot="$1" "$2" >/dev/null 2>&1
}

# ---------------------------------------------------------------------------------- 1. the report
cd "$work"
check "shadow run writes the JSON and HTML reports" expect_exit 0 "$shadow" --config "$config" \
    --feed "replay:$sample" --report report.json --html-report report.html --journal journal.log --log log.jsonl
check "the report opens in chromium" chromium_dom report.dom "file://$work/report.html"
check "no console message while it loads" no_console report.dom
check "its numbers and marks match the JSON report" python3 "$checker" report report.dom report.json
check "report screenshot" screenshot "$shots/report.png" "file://$work/report.html" 2600

# ----------------------------------------------------------------------------- 2. the status page
"$shadow" --config "$config" --feed "replay:$sample" --speed 2 --obs --obs-port 0 --journal live.journal \
    --log live.log 2>shadow.err &
bot=$!
port=""
for _ in $(seq 100); do
    port="$(sed -n 's/.*serving .* on 127\.0\.0\.1:\([0-9]*\).*/\1/p' shadow.err 2>/dev/null || true)"
    [ -n "$port" ] && break
    sleep 0.1
done
check "the paced bot serves --obs (port ${port:-none})" test -n "$port"
# Until it quotes: the page should show open orders.
for _ in $(seq 100); do
    python3 - "$port" <<'PY' && break
import json, sys, urllib.request
s = json.load(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/status.json", timeout=2))
sys.exit(0 if any(x["open_orders"] for x in s["symbols"]) else 1)
PY
    sleep 0.2
done
status_url="http://127.0.0.1:$port/status"
check "the status page opens in chromium" chromium_dom status.dom "$status_url" --virtual-time-budget=3000
check "no console message while it polls" no_console status.dom
check "it shows the state, positions, headroom bars and open orders" python3 "$checker" status status.dom
check "status screenshot" screenshot "$shots/status.png" "$status_url" 1100 --virtual-time-budget=3000
kill -TERM "$bot"
check "the bot stops cleanly on SIGTERM" wait "$bot"

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
