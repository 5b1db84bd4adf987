# tests/e2e/lib.sh: helpers every e2e script sources (`source "$(dirname "$0")/lib.sh"`).
# The caller sets `work` (a scratch directory) and `fails=0`, and exits non-zero when fails > 0.

check() {  # check <description> <command...>: runs the command, prints ok/FAIL, counts failures
    local what="$1"; shift
    if "$@"; then echo "ok   - $what"; else echo "FAIL - $what"; fails=$((fails + 1)); fi
}

expect_exit() {  # expect_exit <code> <command...>: stdout/stderr to $work/out, $work/err
    local want="$1"; shift
    set +e; "$@" >"$work/out" 2>"$work/err"; local got=$?; set -e
    if [ "$got" != "$want" ]; then
        echo "   exit $got (wanted $want): $(head -c 300 "$work/err")"
        return 1
    fi
}

# start_testnet_bot <name> <port> [VAR=value...]: mmbot-testnet against the local venue on
# localhost:<port> in the background (bot_pid set), until a signal (--iterations 0). Uses the
# caller's $testnet, $key, $secret and $work: config $work/testnet.json, CA $work/cert.pem, journal
# $work/journal.log, log/report/stdout/stderr $work/<name>.{log,json,out,err}; the credentials go in
# under the venue $secret_venue names (BYBIT unless the caller set it, BINANCE for
# mmbot-testnet-binance). The VAR=value arguments go into its environment (an LD_PRELOAD, say).
start_testnet_bot() {
    local name="$1" port="$2" ns="${secret_venue:-BYBIT}"; shift 2
    env "$@" EXCHANGE_ENV=testnet "MMBOT_SECRET_TESTNET_${ns}_API_KEY=$key" \
        "MMBOT_SECRET_TESTNET_${ns}_API_SECRET=$secret" "$testnet" --config "$work/testnet.json" \
        --endpoint-override "localhost:$port" --ca-file "$work/cert.pem" \
        --journal "$work/journal.log" --log "$work/$name.log" --report "$work/$name.json" \
        --iterations 0 >"$work/$name.out" 2>"$work/$name.err" &
    bot_pid=$!
}
