#!/usr/bin/env bash
# mmbot-shadow on bad input, with tiny synthetic captures and configs (each run takes milliseconds):
#   1. captures that cannot be read: /dev/zero (a line over the 16 MiB maximum) and a directory
#      (EISDIR) exit 6 naming the line and the reason, never a silent end of file.
set -euo pipefail

shadow="$1"; config="$2"
work="${TEST_TMPDIR:-$(mktemp -d)}"
fails=0
check() {  # check <description> <command...>
    local what="$1"; shift
    if "$@"; then echo "ok   - $what"; else echo "FAIL - $what"; fails=$((fails + 1)); fi
}
expect_exit() {  # expect_exit <code> <command...>
    local want="$1"; shift
    set +e; "$@" >"$work/out" 2>"$work/err"; local got=$?; set -e
    if [ "$got" != "$want" ]; then
        echo "   exit $got (wanted $want): $(head -c 300 "$work/err")"
        return 1
    fi
}
shadow_on() {  # shadow_on <capture> [extra flags]
    local capture="$1"; shift
    "$shadow" --config "$config" --feed "replay:$capture" --journal "$work/run/journal.log" \
        --log "$work/run/mmbot.log" "$@"
}
mkdir -p "$work/run"

# 1. unreadable captures
check "/dev/zero -> 6" expect_exit 6 shadow_on /dev/zero
check "/dev/zero: the line and the maximum are named" \
    grep -q 'line 1: longer than the maximum of 16777216 bytes' "$work/err"
mkdir -p "$work/capture_dir"
check "a directory as the capture -> 6" expect_exit 6 shadow_on "$work/capture_dir"
check "a directory: the OS reason is named" grep -q 'line 1: read failed: Is a directory' "$work/err"
check "a missing capture names the OS reason" expect_exit 6 shadow_on "$work/none.jsonl"
check "missing: No such file or directory" grep -q 'No such file or directory' "$work/err"

echo "$fails failed"
[ "$fails" -eq 0 ]
