#!/usr/bin/env bash
# tests/secrets/cli_leak_test.sh: runs the built mmbot-secrets through every backend and subcommand
# with a canary secret and checks, with no_leak_check.sh, that no 4 consecutive characters of the
# canary secret ever appear in stdout or stderr while the masked forms do ("****" for the secret,
# "****" + the last 4 for the 20-character canary key), and that each exit code is the documented
# one.
#
# usage (from Bazel): cli_leak_test.sh MMBOT_SECRETS NO_LEAK_CHECK
set -u

cli="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
check="$2"
# Random-looking, so that no 4-character piece of either occurs in ordinary output by chance.
canary="sQ9zW4eX7rT2yU5iO8pL3kJ6"
masked="****"
key="Kx3mQ8wT5vN2pR7yJ6hF"
key_masked="****J6hF"
work="$(mktemp -d "${TEST_TMPDIR:-/tmp}/cli_leak.XXXXXX")"
trap 'rm -rf "$work"' EXIT
unset EXCHANGE_ENV
failures=0
runs=0

# leak LABEL [check options] -- COMMAND...: one no_leak_check run, counted.
leak() {
    local label="$1"
    shift
    runs=$((runs + 1))
    bash "$check" --window 4 --reject "${key:0:4}" --label "$label" "$@" || failures=$((failures + 1))
}

# Inputs for set: two lines, and the JSON form.
printf '%s\n%s\n' "$key" "$canary" >"$work/two_lines"
printf '{"api_key": "%s", "api_secret": "%s"}\n' "$key" "$canary" >"$work/json"

# ------------------------------------------------------------------------------------ memory
leak "memory whoami" --exit 0 --expect '"backend": "memory"' --expect '"secret_env": "dev"' \
    "$canary" -- "$cli" whoami
leak "memory set (two lines)" --stdin "$work/two_lines" --exit 0 --expect "$masked" \
    "$canary" -- "$cli" --backend memory set mm-bot/dev/bybit
leak "memory set (json)" --stdin "$work/json" --exit 0 --expect "\"api_secret\": \"$masked\"" \
    --expect "\"api_key\": \"$key_masked\"" \
    "$canary" -- "$cli" set mm-bot/dev/bybit
leak "memory get (empty store)" --exit 4 "$canary" -- "$cli" get mm-bot/dev/bybit
leak "memory list" --exit 0 --expect '"names": []' "$canary" -- "$cli" list
leak "memory delete (empty store)" --exit 4 "$canary" -- "$cli" delete mm-bot/dev/bybit

# ---------------------------------------------------------------------------- argv and names
leak "value in argv is refused, not echoed" --exit 2 --expect "read from stdin" \
    "$canary" -- "$cli" set mm-bot/dev/bybit "$canary"
leak "canary as a name is not echoed" --exit 2 "$canary" -- "$cli" get "$canary"
leak "canary in an option is not echoed" --exit 2 "$canary" -- "$cli" "--api-secret=$canary" get
leak "canary as a subcommand is not echoed" --exit 2 "$canary" -- "$cli" "$canary"
leak "help" --exit 0 --expect "Exit codes" "$canary" -- "$cli" --help

# --------------------------------------------------------------------------------------- env
envvars=(env "MMBOT_SECRET_DEV_BYBIT_API_KEY=$key" "MMBOT_SECRET_DEV_BYBIT_API_SECRET=$canary"
    "MMBOT_SECRET_PROD_BYBIT_API_KEY=$key" "MMBOT_SECRET_PROD_BYBIT_API_SECRET=$canary")
leak "env whoami" --exit 0 --expect '"backend": "env"' "$canary" -- "${envvars[@]}" "$cli" --backend env whoami
leak "env get" --exit 0 --expect "\"api_key\": \"$key_masked\"" --expect "\"api_secret\": \"$masked\"" \
    "$canary" -- "${envvars[@]}" "$cli" --backend env get mm-bot/dev/bybit
leak "env list shows own namespace only" --exit 0 --expect '"mm-bot/dev/bybit"' --reject "mm-bot/prod" \
    "$canary" -- "${envvars[@]}" "$cli" --backend env list
leak "env get outside namespace" --exit 3 --expect "outside namespace" \
    "$canary" -- "${envvars[@]}" "$cli" --backend env get mm-bot/prod/bybit
leak "env get as live" --exit 0 --expect '"secret_env": "prod"' --expect "$masked" \
    "$canary" -- "${envvars[@]}" EXCHANGE_ENV=live "$cli" --backend env get mm-bot/prod/bybit
leak "env set is read-only" --stdin "$work/two_lines" --exit 2 --expect "read-only" \
    "$canary" -- "${envvars[@]}" "$cli" --backend env set mm-bot/dev/bybit
leak "env bad value" --exit 5 --expect "whitespace" \
    "$canary" -- env "MMBOT_SECRET_DEV_BYBIT_API_KEY=$canary x" "MMBOT_SECRET_DEV_BYBIT_API_SECRET=$canary" \
    "$cli" --backend env get mm-bot/dev/bybit
leak "unknown EXCHANGE_ENV" --exit 3 --expect "EXCHANGE_ENV" \
    "$canary" -- env EXCHANGE_ENV=mainnet "$cli" --backend env whoami

# -------------------------------------------------------------------------------------- file
file="$work/secrets.json"
fileargs=("$cli" --backend file --file "$file")
leak "file set creates" --stdin "$work/two_lines" --exit 0 --expect "$masked" \
    "$canary" -- "${fileargs[@]}" set mm-bot/dev/bybit
mode="$(stat -c %a "$file")"
if [ "$mode" != "600" ]; then echo "FAIL: file set left mode $mode, expected 600" >&2; failures=$((failures + 1)); fi
leak "file set json" --stdin "$work/json" --exit 0 --expect "$masked" \
    "$canary" -- "${fileargs[@]}" set mm-bot/dev/okx
leak "file get" --exit 0 --expect "\"api_secret\": \"$masked\"" "$canary" -- "${fileargs[@]}" get mm-bot/dev/bybit
leak "file list" --exit 0 --expect '"mm-bot/dev/okx"' --expect '"mm-bot/dev/bybit"' \
    "$canary" -- "${fileargs[@]}" list
# A prod entry written by a live-environment run is invisible to the shadow environment.
leak "file set as live" --stdin "$work/two_lines" --exit 0 --expect '"secret_env": "prod"' \
    "$canary" -- env EXCHANGE_ENV=live "${fileargs[@]}" set mm-bot/prod/bybit
leak "file list hides other namespaces" --exit 0 --reject "mm-bot/prod" "$canary" -- "${fileargs[@]}" list
leak "file get other namespace" --exit 3 --expect "outside namespace" \
    "$canary" -- "${fileargs[@]}" get mm-bot/prod/bybit
leak "file testnet sees none of them" --exit 0 --expect '"names": []' \
    "$canary" -- env EXCHANGE_ENV=testnet "${fileargs[@]}" list
leak "file whoami" --exit 0 --expect '"status": "OK"' "$canary" -- "${fileargs[@]}" whoami
leak "file set outside namespace" --stdin "$work/two_lines" --exit 3 \
    "$canary" -- "${fileargs[@]}" set mm-bot/prod/bybit
chmod 0644 "$file"
leak "file 0644 refused" --exit 6 --expect "$file" --expect "0644" --expect "0600 or stricter" \
    "$canary" -- "${fileargs[@]}" get mm-bot/dev/bybit
leak "file 0644 whoami" --exit 6 "$canary" -- "${fileargs[@]}" whoami
chmod 0400 "$file"
leak "file 0400 accepted" --exit 0 --expect "$masked" "$canary" -- "${fileargs[@]}" get mm-bot/dev/bybit
chmod 0600 "$file"
leak "file delete" --exit 0 --expect '"action": "delete"' "$canary" -- "${fileargs[@]}" delete mm-bot/dev/bybit
leak "file get deleted" --exit 4 --expect "not found" "$canary" -- "${fileargs[@]}" get mm-bot/dev/bybit
printf '{"mm-bot/dev/bybit": {"api_key": "%s", "api_secret": "%s' "$key" "$canary" >"$file"
leak "file bad json" --exit 5 --expect "invalid JSON" "$canary" -- "${fileargs[@]}" get mm-bot/dev/bybit
leak "file missing" --exit 5 "$canary" -- "$cli" --backend file --file "$work/none.json" list
# A FIFO is refused at once, naming its type (it used to block in open() for ever).
mkfifo "$work/fifo"
leak "file FIFO refused" --exit 5 --expect "$work/fifo is a FIFO (named pipe), not a regular file" \
    "$canary" -- timeout 10 "$cli" --backend file --file "$work/fifo" get mm-bot/dev/bybit
# A symlink is read through (the target's mode counts) but never written through: set and delete
# would replace the link with a regular file, so they are refused and both are left as they were.
target="$work/target.json"
"$cli" --backend file --file "$target" set mm-bot/dev/bybit <"$work/two_lines" >/dev/null
ln -s "$target" "$work/link.json"
before="$(sha256sum <"$target")"
leak "file get through a symlink" --exit 0 --expect "\"api_key\": \"$key_masked\"" \
    "$canary" -- "$cli" --backend file --file "$work/link.json" get mm-bot/dev/bybit
leak "file set through a symlink refused" --stdin "$work/json" --exit 5 --expect "is a symbolic link" \
    "$canary" -- "$cli" --backend file --file "$work/link.json" set mm-bot/dev/okx
leak "file delete through a symlink refused" --exit 5 --expect "is a symbolic link" \
    "$canary" -- "$cli" --backend file --file "$work/link.json" delete mm-bot/dev/bybit
if [ ! -L "$work/link.json" ] || [ "$(sha256sum <"$target")" != "$before" ]; then
    echo "FAIL: a refused write through the symlink changed the link or its target" >&2
    failures=$((failures + 1))
fi

# ----------------------------------------------------------------------------------- command
helper="$work/helper.sh"
cat >"$helper" <<HELPER
#!/bin/sh
# Answers like 'aws secretsmanager get-secret-value': JSON on stdout, for the name in \$1.
case "\$1" in
    mm-bot/dev/bybit) printf '{"api_key":"%s","api_secret":"%s"}\n' "$key" "$canary" ;;
    mm-bot/dev/fail) echo "$canary"; echo "$canary" >&2; exit 7 ;;
    mm-bot/dev/slow) sleep 30 ;;
    mm-bot/dev/junk) echo "$canary" ;;
    *) exit 1 ;;
esac
HELPER
chmod +x "$helper"
leak "command get" --exit 0 --expect "\"api_key\": \"$key_masked\"" --expect "\"api_secret\": \"$masked\"" \
    "$canary" -- "$cli" --backend command --command "$helper" get mm-bot/dev/bybit
leak "command get with {name}" --exit 0 --expect "$masked" \
    "$canary" -- "$cli" --backend command --command "$helper {name}" get mm-bot/dev/bybit
leak "command failure shows status only" --exit 5 --expect "status 7" \
    "$canary" -- "$cli" --backend command --command "$helper" get mm-bot/dev/fail
leak "command timeout" --exit 5 --expect "timed out" \
    "$canary" -- "$cli" --backend command --command "$helper" --timeout-ms 300 get mm-bot/dev/slow
leak "command unparsable output" --exit 5 \
    "$canary" -- "$cli" --backend command --command "$helper" get mm-bot/dev/junk
leak "command list unsupported" --exit 2 "$canary" -- "$cli" --backend command --command "$helper" list
leak "command whoami" --exit 0 --expect '"backend": "command"' \
    "$canary" -- "$cli" --backend command --command "$helper" whoami

# The checker itself must catch a leak (and a partial one), or every pass above means nothing.
runs=$((runs + 1))
if bash "$check" --label "self-test whole" "$canary" -- echo "x $canary y" 2>/dev/null; then
    echo "FAIL: no_leak_check missed a whole canary" >&2
    failures=$((failures + 1))
fi
runs=$((runs + 1))
if bash "$check" --label "self-test partial" "$canary" -- echo "x ${canary:5:14} y" 2>/dev/null; then
    echo "FAIL: no_leak_check missed a partial canary" >&2
    failures=$((failures + 1))
fi
runs=$((runs + 1))
if bash "$check" --window 4 --label "self-test 4 characters" "$canary" -- echo "x ${canary:9:4} y" 2>/dev/null; then
    echo "FAIL: no_leak_check --window 4 missed 4 characters of the canary" >&2
    failures=$((failures + 1))
fi
runs=$((runs + 1))
if bash "$check" --label "self-test reject" --reject "mm-bot/prod" "$canary" -- echo mm-bot/prod/bybit 2>/dev/null; then
    echo "FAIL: no_leak_check --reject missed its text" >&2
    failures=$((failures + 1))
fi
runs=$((runs + 1))
printf 'log line %s\n' "$canary" >"$work/app.log"
if bash "$check" --label "self-test scan" --scan "$work" "$canary" 2>/dev/null; then
    echo "FAIL: no_leak_check missed a canary in a scanned log" >&2
    failures=$((failures + 1))
fi

echo "$((runs - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
