#!/usr/bin/env bash
# The CI soak: tools/soak/soak.sh for SOAK_SHORT_SECONDS (default 60) against the local venue with
# its default faults: bounded memory (RSS growth after the 20 % warm-up < 5 %), no loop stall, no
# lost / unjournaled / duplicated order, 0 open at exit, the bot trading (not frozen) throughout.
# Long soaks run the same script by hand: docs/reliability.md. With `binance` the soak is
# mmbot-testnet-binance against the venue's --protocol binance.
#
#   soak_short_test.sh <soak.sh> <mmbot-testnet> <mmbot-local-venue> <sample_gen> <config> [binance]
set -euo pipefail

soak="$1"; testnet="$2"; venue="$3"; sample_gen="$4"; config="$5"; protocol="${6:-bybit}"
out="${TEST_TMPDIR:-$(mktemp -d)}/soak"
set +e
bash "$soak" --protocol "$protocol" --seconds "${SOAK_SHORT_SECONDS:-60}" --seed "${SOAK_SEED:-3}" --out "$out" \
    --testnet "$testnet" --venue "$venue" --sample-gen "$sample_gen" --config "$config"
rc=$?
set -e
echo "--- soak-summary.json"
cat "$out/soak-summary.json" 2>/dev/null || echo "(none)"
if [ "$rc" -ne 0 ]; then
    echo "--- last lines of the bot's log"
    tail -n 20 "$out/bot.log" 2>/dev/null || true
    echo "--- bot stderr"
    tail -n 5 "$out/bot.err" 2>/dev/null || true
    # Keep the evidence where bazel keeps test outputs.
    if [ -n "${TEST_UNDECLARED_OUTPUTS_DIR:-}" ]; then
        cp "$out"/{bot.log,bot.err,rss.csv,soak-summary.json,orders.json,ledger.txt,journal.log} \
            "$TEST_UNDECLARED_OUTPUTS_DIR"/ 2>/dev/null || true
    fi
fi
exit "$rc"
