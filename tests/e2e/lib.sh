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
