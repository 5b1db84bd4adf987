#!/usr/bin/env bash
# The shipped, unmodified mmbot-live against mmbot-local-venue, with nothing pointed anywhere by a
# flag: inside a private mount + network namespace (unshare, as root) /etc/hosts sends the mainnet
# hosts (api.bybit.com, api.bytick.com, stream.bybit.com) to 127.0.0.1, the venue listens on port
# 443 with a certificate for those names, and that certificate is trusted through SSL_CERT_FILE.
# mmbot-live has no test flag and no endpoint override; what it reaches is what it would reach on
# mainnet. It shows:
#   1. without --i-understand-this-is-live it refuses (exit 8) and sends nothing;
#   2. --preflight passes (clock, instruments equal to the config, no open orders, secrets);
#   3. it quotes (mmbot-ctl status over its control socket shows the open orders and headroom);
#   4. an order that would take the inventory over the canary cap is blocked
#      (canary_inventory_cap in the log and in mm_orders_blocked_total);
#   5. the kill switch (its file) freezes and leaves 0 open orders at the venue; SIGTERM then exits 0;
#   6. a second run recovers the journal, quotes, and SIGTERM leaves 0 open orders and exits 0.
# The rehearsal config is configs/live.json with a 200 USDT canary cap (one 0.002 BTC order is
# about 130 USDT, so a second same-side fill's order is over the cap) and a 2 bps half-spread
# (fills come sooner); everything else as shipped.
set -euo pipefail

if [ "${1:-}" != "--inside" ]; then
    live="$1"; venue="$2"; sample="$3"; config="$4"; ctl="$5"
    work="${TEST_TMPDIR:-$(mktemp -d)}/live_rehearsal"
    rm -rf "$work"; mkdir -p "$work"
    if [ "$(id -u)" != 0 ] || ! unshare --mount --net true 2>"$work/unshare.err"; then
        echo "FAIL - the rehearsal needs root and unshare (mount + network namespaces): $(cat "$work/unshare.err")"
        exit 1
    fi
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
        -keyout "$work/key.pem" -out "$work/cert.pem" -subj "/CN=api.bybit.com" \
        -addext "subjectAltName=DNS:api.bybit.com,DNS:api.bytick.com,DNS:stream.bybit.com" 2>"$work/openssl.err"
    printf '127.0.0.1 localhost api.bybit.com api.bytick.com stream.bybit.com\n::1 localhost\n' > "$work/hosts"
    printf 'LIVEKEY%s%s\nLIVESECRET%s%s%s\n' $RANDOM $RANDOM $RANDOM $RANDOM $RANDOM > "$work/creds"
    chmod 600 "$work/creds"
    grep -v '"op":' "$sample" > "$work/capture.jsonl"
    sed -e 's/"canary_max_inventory_notional": "500"/"canary_max_inventory_notional": "200"/' \
        -e 's/"half_spread_bps": "2.5"/"half_spread_bps": "2.0"/' "$config" > "$work/live.json"
    cp "$config" "$work/venue.json"
    exec unshare --mount --net --fork bash "$0" --inside "$(realpath "$live")" "$(realpath "$venue")" \
        "$(realpath "$ctl")" "$(cd "$work" && pwd)" "$(cd "$(dirname "$0")" && pwd)/lib.sh"
fi

# ---------------------------------------------------------------- inside the namespaces
live="$2"; venue="$3"; ctl="$4"; work="$5"; lib="$6"
fails=0
# shellcheck source=tests/e2e/lib.sh
source "$lib"  # check, expect_exit
ip link set lo up
mount --bind "$work/hosts" /etc/hosts
check "/etc/hosts sends api.bybit.com to 127.0.0.1 here" grep -q "127.0.0.1 localhost api.bybit.com" /etc/hosts
key=$(sed -n 1p "$work/creds"); secret=$(sed -n 2p "$work/creds")

"$venue" --port 443 --cert "$work/cert.pem" --key "$work/key.pem" --credentials-file "$work/creds" \
    --capture "$work/capture.jsonl" --config "$work/venue.json" --speed 5 --seed 11 \
    >"$work/venue.out" 2>"$work/venue.err" &
venue_pid=$!
trap 'kill -TERM $venue_pid 2>/dev/null || true; wait $venue_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -s --cacert "$work/cert.pem" -o /dev/null "https://api.bybit.com/v5/market/time" && break; sleep 0.1; done
check "the venue answers as https://api.bybit.com on 443 (certificate verified)" \
    curl -sf --cacert "$work/cert.pem" -o /dev/null "https://api.bybit.com/v5/market/time"

export SSL_CERT_FILE="$work/cert.pem" EXCHANGE_ENV=live
export MMBOT_SECRET_PROD_BYBIT_API_KEY="$key" MMBOT_SECRET_PROD_BYBIT_API_SECRET="$secret"
run_live() {  # run_live <name> [flags...]: in the background; pid in live_pid
    local name="$1"; shift
    "$live" --config "$work/live.json" --journal "$work/journal.log" --log "$work/$name.log" \
        --report "$work/$name.json" --html-report "$work/$name.html" --control-socket "$work/live.ctl" \
        --kill-switch-file "$work/KILL" \
        --i-understand-this-is-live "$@" >"$work/$name.out" 2>"$work/$name.err" &
    live_pid=$!
}
venue_open() {
    curl -sf --cacert "$work/cert.pem" "https://api.bybit.com/admin/orders" | python3 -c \
        'import json,sys; print(sum(1 for o in json.load(sys.stdin)["orders"] if o["status"] in ("Created","New","PartiallyFilled")))'
}
no_open_at_venue() { test "$(venue_open)" = 0; }
wait_for() {  # wait_for <seconds> <command...>
    local end=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do [ $SECONDS -ge $end ] && return 1; sleep 0.2; done
}
quoting() {
    "$ctl" --socket "$work/live.ctl" status --json | python3 -c \
        'import json,sys; s=json.load(sys.stdin); sys.exit(0 if s["state"]=="RUNNING" and any(x["open_orders"] for x in s["symbols"]) else 1)'
}
canary_blocked() { grep -q '"msg":"order_blocked".*"reason":"canary_inventory_cap"' "$work/run1.log"; }

# 1. refusal without the acknowledgement
set +e; "$live" --config "$work/live.json" --journal "$work/journal.log" >"$work/noack.out" 2>"$work/noack.err"; rc=$?; set -e
check "without --i-understand-this-is-live: exit 8 (got $rc)" test "$rc" -eq 8
check "... and nothing reached the venue" test "$(venue_open)" = 0

# 2. preflight
set +e; "$live" --config "$work/live.json" --journal "$work/journal.log" --i-understand-this-is-live --preflight \
    >"$work/preflight.json" 2>"$work/preflight.err"; rc=$?; set -e
check "--preflight passes against the mainnet names (exit $rc)" test "$rc" -eq 0
check "... its verdict says passed" grep -Eq '"passed": *true' "$work/preflight.json"
[ "$rc" -eq 0 ] || { cat "$work/preflight.json" "$work/preflight.err" | head -c 1500; }

# 3. quoting, seen through mmbot-ctl
run_live run1
check "run 1 quotes (mmbot-ctl status: RUNNING with open orders)" wait_for 60 quoting
"$ctl" --socket "$work/live.ctl" status > "$work/status.txt" 2>&1 || true
echo "   --- mmbot-ctl status of the live rehearsal ---"; sed 's/^/   /' "$work/status.txt"
check "status names mmbot-live" grep -q '^mmbot-live  state RUNNING' "$work/status.txt"
check "status shows the canary cap's headroom" grep -q 'canary_max_inventory_notional  *[0-9.]*  *200 ' "$work/status.txt"

# 4. the canary cap blocks an order
check "an order over the canary cap is blocked (canary_inventory_cap)" wait_for 110 canary_blocked
"$ctl" --socket "$work/live.ctl" status > "$work/status_blocked.txt" 2>&1 || true
echo "   --- mmbot-ctl status after the canary block ---"; sed 's/^/   /' "$work/status_blocked.txt"
# (No assertion on the position here: a fill on the other side may have flattened it already.)

# 5. kill switch, then SIGTERM
touch "$work/KILL"
check "kill switch: 0 open orders at the venue" wait_for 15 no_open_at_venue
check "kill switch: status shows the freeze" bash -c "'$ctl' --socket '$work/live.ctl' status | grep -q 'FROZEN: kill_switch_file'"
kill -TERM "$live_pid"; rc=0; wait "$live_pid" || rc=$?
check "run 1: SIGTERM exits 0 (got $rc)" test "$rc" -eq 0
check "run 1: 0 open orders at the venue" no_open_at_venue
check "run 1: its HTML report names live, has the JSON's fills, one marker each, and the kill switch's band" python3 -c "
import json
r = json.load(open('$work/run1.json'))
html = open('$work/run1.html').read()
assert '<td data-key=\"execution_params.environment\">live</td>' in html
assert '<td data-key=\"stats.fills\">%d</td>' % r['stats']['fills'] in html
assert html.count('<circle class=\"fill ') == r['stats']['fills']
assert '<title>freeze: kill_switch_file</title>' in html
"
rm -f "$work/KILL"

# 6. a second run on the same journal, stopped by SIGTERM while quoting
run_live run2
check "run 2 recovers the journal" wait_for 30 grep -q '"msg":"journal_recovered".*"records":[1-9]' "$work/run2.log"
check "run 2 quotes" wait_for 60 quoting
kill -TERM "$live_pid"; rc=0; wait "$live_pid" || rc=$?
check "run 2: SIGTERM exits 0 (got $rc)" test "$rc" -eq 0
check "run 2: 0 open orders at the venue" no_open_at_venue
leaks=$(grep -l -e "$secret" -e "$key" "$work"/run*.* "$work"/preflight.* "$work"/status.txt "$work"/noack.* 2>/dev/null || true)
check "no secret in any output" test -z "$leaks"
[ "$fails" -eq 0 ] || { for f in run1 run2; do echo "   --- $f.err"; tail -3 "$work/$f.err"; grep -h '"level":"ERROR"' "$work/$f.log" | tail -3; done; }
echo "$fails failed"
[ "$fails" -eq 0 ]
