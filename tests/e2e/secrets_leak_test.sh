#!/usr/bin/env bash
# The canary run of issue 6 over the trading binaries: with a known secret in every environment
# variable a provider could read, no output of mmbot-shadow, mmbot-testnet or mmbot-live (stdout,
# stderr, JSON log, journal, report) contains any 4 consecutive characters of the api secret, and
# the api key shows at most its last 4 ("****" + last 4: it is 20 characters). Then the exit codes
# docs/secrets.md and docs/cli.md give the trading binaries for secrets failures: 4 for each of
# them (EXCHANGE_ENV, missing secret, file too open, not a regular file), and 7 for a failed
# preflight, whose verdict shows the secrets masked.
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

# Exit codes for secrets failures (docs/secrets.md, "Exit codes of the trading binaries").
fails=0
expect() {  # expect <code> <label> <command...>
    local want="$1" label="$2"; shift 2
    set +e; "$@" >"$work/out" 2>"$work/err"; local got=$?; set -e
    if [ "$got" = "$want" ]; then echo "ok   - $label -> $want"; else
        echo "FAIL - $label: exit $got, documented $want"; fails=$((fails + 1)); fi
}
unset_all=(env -u MMBOT_SECRET_TESTNET_BYBIT_API_KEY -u MMBOT_SECRET_TESTNET_BYBIT_API_SECRET)
tn=("$testnet" --config "$configs/testnet.json" --journal "$work/testnet/codes.journal")
expect 4 "testnet, EXCHANGE_ENV=live" env EXCHANGE_ENV=live "${tn[@]}"
expect 4 "testnet, EXCHANGE_ENV unknown" env EXCHANGE_ENV=prod "${tn[@]}"
expect 4 "testnet, secret missing" "${unset_all[@]}" "${tn[@]}"
printf '{"mm-bot/testnet/bybit": {"api_key": "%s", "api_secret": "%s"}}\n' "$key" "$canary" >"$work/s.json"
chmod 0644 "$work/s.json"
expect 4 "testnet, secrets file mode 0644" env MMBOT_SECRETS_FILE="$work/s.json" "${tn[@]}"
grep -q "has mode 0644" "$work/err" || { echo "FAIL - the 0644 refusal names the mode"; fails=$((fails + 1)); }
mkfifo "$work/fifo"
expect 4 "testnet, secrets file is a FIFO" env MMBOT_SECRETS_FILE="$work/fifo" timeout 20 "${tn[@]}"
grep -q "is a FIFO (named pipe), not a regular file" "$work/err" ||
    { echo "FAIL - the FIFO refusal names the type"; fails=$((fails + 1)); }
expect 4 "live, EXCHANGE_ENV=testnet" env EXCHANGE_ENV=testnet "$live" --config "$configs/live.json" \
    --i-understand-this-is-live --journal "$work/live/codes.journal"
echo "$fails failed"
[ "$fails" -eq 0 ]
