#!/usr/bin/env bash
# Unit test of tools/coverage/coverage_report.py (see BUILD.bazel).
#   coverage_report_test.sh <coverage_report.py>
set -euo pipefail

report="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
work="${TEST_TMPDIR:-$(mktemp -d)}/coverage_report"
rm -rf "$work" && mkdir -p "$work/ws/include/mmbot/core" "$work/ws/testing/local_venue"
cd "$work/ws"
# A header reached through its library's include prefix is a symlink, as Bazel lays it out.
virtual=bazel-out/k8-fastbuildcoverage/bin/include/mmbot/core/_virtual_includes/core/mmbot/core
mkdir -p "$virtual"
touch include/mmbot/core/a.hpp testing/local_venue/b.hpp
ln -s "$work/ws/include/mmbot/core/a.hpp" "$virtual/a.hpp"
# core/a.hpp: lines 1-2 run in one binary, line 3 only in the one that saw it by its virtual path;
# two instantiations of the function at line 1, one run. testing/b.hpp: 1 of 2 lines. The test
# and the system header are not ours.
cat >"$work/in.lcov" <<LCOV
SF:include/mmbot/core/a.hpp
FN:1,_Z1fIiEvv
FN:1,_Z1fIlEvv
FNDA:2,_Z1fIiEvv
FNDA:0,_Z1fIlEvv
DA:1,2
DA:2,1
DA:3,0
end_of_record
SF:./$virtual/a.hpp
DA:3,4
end_of_record
SF:testing/local_venue/b.hpp
FN:5,_Z1gv
FNDA:0,_Z1gv
DA:5,0
DA:6,3
end_of_record
SF:tests/core/a_test.cpp
DA:1,0
end_of_record
SF:/usr/include/c++/12/vector
DA:1,0
end_of_record
LCOV

fails=0
check() {  # check <description> <command...>
    local what="$1"; shift
    if "$@"; then echo "ok   - $what"; else echo "FAIL - $what"; fails=$((fails + 1)); fi
}
run() {  # run <name> <floors...>: the report with these floor lines; output under $work/<name>.*
    local name="$1"; shift
    printf '%s\n' "# area percent" "$@" >"$work/$name.floors"
    set +e
    python3 "$report" --root . "$work/in.lcov" "$work/$name.floors" "$work/$name" >"$work/$name.out" 2>"$work/$name.err"
    echo $? >"$work/$name.rc"
    set -e
}
rc_is() { [ "$(cat "$work/$1.rc")" = "$2" ] || { echo "   exit $(cat "$work/$1.rc"), wanted $2: $(cat "$work/$1.err")"; return 1; }; }
# Runs of spaces (column alignment) compare as one.
has() { tr -s ' ' <"$work/$1" | grep -qF -- "$2" || { echo "   no '$2' in $1:"; cat "$work/$1"; return 1; }; }
hasnt() { ! tr -s ' ' <"$work/$1" | grep -qF -- "$2" || { echo "   '$2' in $1"; return 1; }; }

run met "core 99" "testing 50"
check "floors met: exit 0" rc_is met 0
check "the virtual path merges with its file: core 3/3 lines" has met.out "core 100.00% lines (3/3)"
check "instantiations are one function, run: core 1/1" has met.out "100.00% functions (1/1)"
check "testing: 1 of 2 lines" has met.out "testing 50.00% lines (1/2)"
check "tests and system headers are not measured" hasnt met.out "tests"
least_first() { sed -n '/least-covered/{n;p}' "$work/met.out" | tr -s ' ' | grep -qF "50.00% 1 of 2 lines missed testing/local_venue/b.hpp"; }
check "least covered first, with its line coverage" least_first
check "merged lcov under the real path" has met/coverage.lcov "SF:include/mmbot/core/a.hpp"

run below "core 99" "testing 50.5"
check "an area below its floor fails" rc_is below 1
check "... naming the area, its coverage and its floor" has below.err "area testing: lines 50.00% is below its floor of 50.5%"
check "... and no other area" hasnt below.err "area core"

run missing "core 99"
check "an area without a floor fails" rc_is missing 1
check "... naming it" has missing.err "area testing has no floor"

run stale "core 99" "testing 50" "venue 80"
check "a floor for an area with no code fails" rc_is stale 1
check "... naming it" has stale.err "floor for area venue"

run rise "core 50" "testing 50"
check "far above the floor: passes" rc_is rise 0
check "... and says to raise it" has rise.out "raise to 99"

echo "$fails failed"
[ "$fails" -eq 0 ]
