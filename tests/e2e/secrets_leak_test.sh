#!/usr/bin/env bash
# The canary run of issue 6 over the trading binaries: with a known secret in every environment
# variable a provider could read, no output of mmbot-shadow, mmbot-testnet or mmbot-live (stdout,
# stderr, JSON log, journal, report) contains any 4 consecutive characters of the api secret, and
# the api key shows at most its last 4 ("****" + last 4: it is 20 characters); testnet's
# --preflight verdict shows both masked.
set -euo pipefail
check="$1"; shadow="$2"; testnet="$3"; live="$4"; sample="$5"; config="$6"; configs="$(dirname "$config")"
work="${TEST_TMPDIR:-$(mktemp -d)}"
# Random-looking, so that no 4-character piece of them occurs in ordinary output by chance.
canary="sQ9zW4eX7rT2yU5iO8pL3kJ6"
key="Kx3mQ8wT5vN2pR7yJ6hF"
for ns in DEV TESTNET PROD; do
    export "MMBOT_SECRET_${ns}_BYBIT_API_KEY=$key" "MMBOT_SECRET_${ns}_BYBIT_API_SECRET=$canary"
done
leak() { bash "$check" --window 4 --reject "${key:0:16}" "$@"; }
mkdir -p "$work/shadow" "$work/testnet" "$work/live"
leak --label shadow --exit 0 --scan "$work/shadow" "$canary" -- \
    "$shadow" --config "$config" --feed "replay:$sample" --journal "$work/shadow/journal.log" \
    --log "$work/shadow/mmbot.log" --report "$work/shadow/report.json" --log-level DEBUG
leak --label testnet --scan "$work/testnet" "$canary" -- "$testnet" --config "$configs/testnet.json" --log-level DEBUG
leak --label live --scan "$work/live" "$canary" -- "$live" --config "$configs/live.json" --i-understand-this-is-live
# Preflight prints the secrets check's detail: masked, not one character of the secret.
leak --label "testnet preflight" --exit 7 --expect "api_key=****J6hF api_secret=****" "$canary" -- \
    "$testnet" --config "$configs/testnet.json" --preflight --endpoint-override 127.0.0.1:1 \
    --journal "$work/testnet/preflight.journal"

echo "0 failed"
