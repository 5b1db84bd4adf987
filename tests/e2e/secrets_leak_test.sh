#!/usr/bin/env bash
# The canary run of issue 6 over the trading binaries: with a known secret in every environment
# variable a provider could read, no output of mmbot-shadow, mmbot-testnet or mmbot-live (stdout,
# stderr, JSON log, journal, report) contains it or any 12-character piece of it.
set -euo pipefail
check="$1"; shadow="$2"; testnet="$3"; live="$4"; sample="$5"; config="$6"; configs="$(dirname "$config")"
work="${TEST_TMPDIR:-$(mktemp -d)}"
canary="CANARY-SECRET-d3adb33f-0123456789"
for ns in DEV TESTNET PROD; do
    export "MMBOT_SECRET_${ns}_BYBIT_API_KEY=$canary" "MMBOT_SECRET_${ns}_BYBIT_API_SECRET=$canary"
done
mkdir -p "$work/shadow" "$work/testnet" "$work/live"
bash "$check" --label shadow --exit 0 --scan "$work/shadow" "$canary" -- \
    "$shadow" --config "$config" --feed "replay:$sample" --journal "$work/shadow/journal.log" \
    --log "$work/shadow/mmbot.log" --report "$work/shadow/report.json" --log-level DEBUG
bash "$check" --label testnet --scan "$work/testnet" "$canary" -- "$testnet" --config "$configs/testnet.json" --log-level DEBUG
bash "$check" --label live --scan "$work/live" "$canary" -- "$live" --config "$configs/live.json" --i-understand-this-is-live
echo "0 failed"
