#!/usr/bin/env bash
# The trading binaries refuse what they would not honour, before reading secrets or reaching any
# host (docs/cli.md): --endpoint-override to anything but loopback / Bybit testnet in
# mmbot-testnet (every spelling of a mainnet host), --feed in mmbot-testnet and mmbot-live, and a
# flag of another binary. Each exits 2 with an error naming the flag.
set -euo pipefail
testnet="$1"; live="$2"; configs="$(dirname "$3")"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
fails=0
expect2() {  # expect2 <description> <text the error must contain> <command...>
    local what="$1" needle="$2"; shift 2
    local rc=0
    env -u MMBOT_SECRETS_FILE "$@" >"$work/out" 2>"$work/err" </dev/null || rc=$?
    if [ "$rc" -eq 2 ] && grep -qF -- "$needle" "$work/err"; then
        echo "ok   - $what"
    else
        echo "FAIL - $what: exit $rc, stderr: $(head -2 "$work/err")"
        fails=$((fails + 1))
    fi
}
t=(env EXCHANGE_ENV=testnet "$testnet" --config "$configs/testnet.json" --journal "$work/j.log" --log "$work/l.log")
for host in api.bybit.com:443 API.BYBIT.COM:443 api.bybit.com.:443 api.bytick.com:443 stream.bybit.com:443 \
            api.bybit.nl:443 api.binance.com:443 fapi.binance.com:443 8.8.8.8:443; do
    expect2 "testnet refuses --endpoint-override $host" "--endpoint-override: \"$host\"" \
        "${t[@]}" --endpoint-override "$host"
done
expect2 "testnet refuses --feed" "--feed: not used by mmbot-testnet" "${t[@]}" --feed live:spot
expect2 "testnet refuses --i-understand-this-is-live" "--i-understand-this-is-live: not used by mmbot-testnet" \
    "${t[@]}" --i-understand-this-is-live
expect2 "live refuses --feed wss://" "--feed: not used by mmbot-live" \
    env EXCHANGE_ENV=live "$live" --config "$configs/live.json" --i-understand-this-is-live \
    --feed wss://127.0.0.1:9443/v5/public/linear
echo "$fails failed"
[ "$fails" -eq 0 ]
