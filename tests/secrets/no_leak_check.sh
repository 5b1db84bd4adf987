#!/usr/bin/env bash
# tests/secrets/no_leak_check.sh: fail if a canary secret shows up in a program's output.
#
# Runs COMMAND (no shell: the arguments are passed as they are) with stdin from a file or /dev/null,
# captures its stdout and stderr, and searches them, plus every --scan path (log files, reports, a
# saved /metrics page; directories are searched recursively), for the canary and for every run of
# --window consecutive characters of it, so a truncated or partly masked secret is caught too.
# A hit is reported by file and offset only: printing the matching line would leak the canary into
# the CI log this check protects.
#
# usage: no_leak_check.sh [options] CANARY [-- COMMAND [ARGS...]]
#   --expect TEXT   TEXT must appear in stdout or stderr (e.g. the masked form "CANA...6789");
#                   repeatable
#   --reject TEXT   TEXT must not appear in stdout or stderr (e.g. another namespace's name);
#                   repeatable
#   --stdin FILE    feed FILE to COMMAND's stdin (default /dev/null)
#   --scan PATH     also search PATH after COMMAND ends; repeatable; without COMMAND only the
#                   paths are searched
#   --exit N        COMMAND must exit with status N (default: any status)
#   --window N      length of the canary pieces searched for (default 12; 0 = whole canary only)
#   --label TEXT    name of this check in messages (default: the command)
# exit status: 0 no leak and expectations met, 1 leak or unmet expectation, 2 usage error
set -u

expects=()
rejects=()
scans=()
stdin_file=/dev/null
want_exit=""
window=12
label=""
while [ $# -gt 0 ]; do
    case "$1" in
        --expect) expects+=("$2"); shift 2 ;;
        --reject) rejects+=("$2"); shift 2 ;;
        --stdin) stdin_file="$2"; shift 2 ;;
        --scan) scans+=("$2"); shift 2 ;;
        --exit) want_exit="$2"; shift 2 ;;
        --window) window="$2"; shift 2 ;;
        --label) label="$2"; shift 2 ;;
        --) echo "no_leak_check: CANARY missing before --" >&2; exit 2 ;;
        -*) echo "no_leak_check: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
if [ $# -lt 1 ] || [ -z "$1" ]; then
    echo "usage: no_leak_check.sh [options] CANARY [-- COMMAND [ARGS...]]" >&2
    exit 2
fi
canary="$1"
shift
if [ $# -gt 0 ]; then
    if [ "$1" != "--" ]; then echo "no_leak_check: expected -- before COMMAND" >&2; exit 2; fi
    shift
fi
[ -z "$label" ] && label="${*:-scan}"

work="$(mktemp -d "${TEST_TMPDIR:-/tmp}/no_leak.XXXXXX")" || exit 2
trap 'rm -rf "$work"' EXIT
out="$work/stdout"
err="$work/stderr"
: >"$out"
: >"$err"

failed=0
status=0
if [ $# -gt 0 ]; then
    "$@" <"$stdin_file" >"$out" 2>"$err"
    status=$?
    if [ -n "$want_exit" ] && [ "$status" != "$want_exit" ]; then
        echo "FAIL [$label]: exit status $status, expected $want_exit" >&2
        echo "  stderr (checked for leaks below):" >&2
        failed=1
    fi
fi

# The pieces searched for: the whole canary and every window of it.
pieces=("$canary")
if [ "$window" -gt 0 ] && [ "${#canary}" -gt "$window" ]; then
    for ((i = 0; i + window <= ${#canary}; i++)); do pieces+=("${canary:i:window}"); done
fi

# Files to search: stdout, stderr and everything under the scan paths.
files=("$out" "$err")
for p in "${scans[@]+"${scans[@]}"}"; do
    if [ -d "$p" ]; then
        while IFS= read -r -d '' f; do files+=("$f"); done < <(find "$p" -type f -print0)
    elif [ -e "$p" ]; then
        files+=("$p")
    else
        echo "FAIL [$label]: scan path $p does not exist" >&2
        failed=1
    fi
done

leaked=0
for f in "${files[@]}"; do
    name="$f"
    [ "$f" = "$out" ] && name=stdout
    [ "$f" = "$err" ] && name=stderr
    for ((i = 0; i < ${#pieces[@]}; i++)); do
        if grep -F -a -q -- "${pieces[$i]}" "$f"; then
            if [ "$i" -eq 0 ]; then what="the whole canary"; else what="canary characters $((i - 1))..$((i - 2 + window))"; fi
            echo "FAIL [$label]: LEAK: $what found in $name" >&2
            leaked=1
            failed=1
            break
        fi
    done
done

# Show stderr on an exit-status mismatch only when it is known to be clean.
if [ -n "$want_exit" ] && [ "$status" != "$want_exit" ] && [ "$leaked" -eq 0 ]; then
    sed 's/^/    /' "$err" >&2
fi

for e in "${expects[@]+"${expects[@]}"}"; do
    if ! grep -F -a -q -- "$e" "$out" "$err"; then
        echo "FAIL [$label]: expected text not found in stdout or stderr: $e" >&2
        failed=1
    fi
done

for r in "${rejects[@]+"${rejects[@]}"}"; do
    if grep -F -a -q -- "$r" "$out" "$err"; then
        echo "FAIL [$label]: text that must not appear found in stdout or stderr: $r" >&2
        failed=1
    fi
done

if [ "$failed" -eq 0 ]; then
    echo "ok [$label]: exit $status, no leak in ${#files[@]} file(s)"
fi
exit "$failed"
