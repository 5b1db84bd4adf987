#!/usr/bin/env bash
# ccxt, an independent Bybit v5 client (npm, pinned in tools/ccxt/package-lock.json), against
# mmbot-local-venue replaying the bundled sample: markets, books, orders on the private stream, a
# crossing post-only cancelled with EC_PostOnlyWillTakeLiquidity, balance and position after fills,
# and ccxt's own exception classes for a bad secret, a stale timestamp and a rate limit
# (tests/e2e/ccxt_client_test.js lists every check). Then the same venue binary with
# --protocol binance replaying the bundled Binance capture, against ccxt's binanceusdm
# (tests/e2e/ccxt_binance_client_test.js: markets, books REST and streamed, orders, the user data
# stream, -5022, -4116, -1022, 429), and mmbot-shadow-binance --feed live on that venue (its own
# live Binance stream: REST snapshot sync, no gap, quotes). ccxt is what `./mmw setup` installs with `npm ci` into
# tools/ccxt/node_modules; without it (or with another version) the test fails and says to run
# ./mmw setup: it never passes without running the client. About 10 s + 7 s.
set -euo pipefail
venue="$(realpath "$1")"; sample="$(realpath "$2")"; client="$(realpath "$3")"; lock="$(realpath "$4")"
binance_sample="$(realpath "$5")"; binance_client="$(realpath "$6")"
shadow_bn="$(realpath "$7")"; config_bn="$(realpath "$8")"
source "$(dirname "$0")/lib.sh"  # check, expect_exit
work="$(mktemp -d "${TEST_TMPDIR:-/tmp}/ccxt.XXXXXX")"
fails=0

# The lock file's runfile resolves to the checkout's own file; node_modules lies beside it there.
modules="$(dirname "$lock")/node_modules"
version_of() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@" 2>/dev/null || true; }
pinned="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["packages"]["node_modules/ccxt"]["version"])' "$lock")"
installed="$(version_of "$modules/ccxt/package.json" version)"
if ! command -v node >/dev/null; then
    echo "FAIL - node is not installed: run ./mmw setup"; exit 1
fi
if [ "$installed" != "$pinned" ]; then
    echo "FAIL - ccxt $pinned is not installed in $modules (found: ${installed:-nothing}): run ./mmw setup"; exit 1
fi

key="CCXTKEY$RANDOM"; secret="CCXTSECRET$RANDOM$RANDOM"
printf '%s\n%s\n' "$key" "$secret" > "$work/creds"; chmod 600 "$work/creds"
# The capture's leading subscribe acks carry no timestamp; the venue replays timestamped lines.
grep -v '"op":' "$sample" > "$work/capture.jsonl"
"$venue" --port-file "$work/port" --cert-out "$work/cert.pem" --credentials-file "$work/creds" \
    --capture "$work/capture.jsonl" >"$work/venue.out" 2>"$work/venue.err" &
venue_pid=$!
trap 'kill -TERM "$venue_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "FAIL - the venue did not start: $(cat "$work/venue.err")"; exit 1; }
sleep 1  # the first books replayed

set +e
NODE_PATH="$modules" NODE_EXTRA_CA_CERTS="$work/cert.pem" timeout 120 \
    node "$client" "$(cat "$work/port")" "$key" "$secret" 2>"$work/client.err"
rc=$?
set -e
[ "$rc" -eq 0 ] || { fails=$((fails + 1)); echo "   client exit $rc: $(head -c 600 "$work/client.err")"; }
kill -TERM "$venue_pid"
check "the venue stops cleanly on SIGTERM" wait "$venue_pid"
trap - EXIT
check "the secret is in no output" bash -c "! grep -qF -- '$secret' '$work/venue.out' '$work/venue.err' '$work/client.err'"

# The same binary speaking Binance USD-M, with ccxt's binanceusdm.
rm -f "$work/port"
"$venue" --protocol binance --port-file "$work/port" --cert-out "$work/cert.pem" --credentials-file "$work/creds" \
    --capture "$binance_sample" >"$work/bn-venue.out" 2>"$work/bn-venue.err" &
venue_pid=$!
trap 'kill -TERM "$venue_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "FAIL - the Binance venue did not start: $(cat "$work/bn-venue.err")"; exit 1; }
sleep 1  # the capture's snapshot replayed
set +e
NODE_PATH="$modules" NODE_EXTRA_CA_CERTS="$work/cert.pem" timeout 120 \
    node "$binance_client" "$(cat "$work/port")" "$key" "$secret" 2>"$work/bn-client.err"
rc=$?
set -e
[ "$rc" -eq 0 ] || { fails=$((fails + 1)); echo "   binance client exit $rc: $(head -c 600 "$work/bn-client.err")"; }

# mmbot's own live Binance feed on the same venue: mmbot-shadow-binance --feed live, its stream and
# REST depth snapshots moved to the venue, kept in sync by Binance's procedure while it quotes.
live_bn() {
    timeout 60 "$shadow_bn" --config "$config_bn" --feed live --endpoint-override "127.0.0.1:$(cat "$work/port")" \
        --ca-file "$work/cert.pem" --iterations 40 --journal "$work/bn-live/journal.log" \
        --log "$work/bn-live/mmbot.log" --report "$work/bn-live/report.json" >"$work/bn-live.out" 2>"$work/bn-live.err"
}
mkdir -p "$work/bn-live"
check "mmbot-shadow-binance --feed live follows the venue's Binance stream (40 messages, exit 0)" live_bn
check "... its books synced by REST snapshot: no gap, no malformed frame, depth diffs applied" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
md = r["market_data"]
ok = md["gaps"] == 0 and md["malformed_lines"] == 0 and md["book_updates"] >= 10
print(md) if not ok else None
sys.exit(0 if ok else 1)' "$work/bn-live/report.json"
check "... and it quoted on them" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if r["stats"]["orders_placed"] > 0 and r["execution_params"]["venue"] == "binance" else 1)' "$work/bn-live/report.json"
check "... the snapshot came over REST from the venue" grep -q 'resync_requested' "$work/bn-live/mmbot.log"
kill -TERM "$venue_pid"
check "the Binance venue stops cleanly on SIGTERM" wait "$venue_pid"
trap - EXIT
check "the secret is in no output (binance)" bash -c "! grep -qF -- '$secret' '$work/bn-venue.out' '$work/bn-venue.err' '$work/bn-client.err'"
echo "$fails failure(s)"
[ "$fails" -eq 0 ]
