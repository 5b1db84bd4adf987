#!/usr/bin/env bash
# Every flag each binary's --help names is documented in docs/cli.md (as `--flag` in backticks).
# Arguments: docs/cli.md, then the binaries. A positive control first: a help text with a flag
# the doc lacks must be reported.
set -euo pipefail
doc="$1"; shift
fails=0

missing() {  # missing <help text>: the flags of the text that the doc does not name
    grep -oE -- '--[a-z][a-z0-9-]*' <<<"$1" | sort -u | while read -r flag; do
        grep -qF -- "\`$flag" "$doc" || echo "$flag"
    done
}

control=$(missing "usage: x [--config PATH] [--no-such-flag-in-any-doc]")
if [ "$control" != "--no-such-flag-in-any-doc" ]; then
    echo "FAIL - positive control: expected --no-such-flag-in-any-doc reported, got: ${control:-nothing}"
    fails=$((fails + 1))
fi

for bin in "$@"; do
    name=$(basename "$bin")
    help=$("$bin" --help 2>&1 || true)
    count=$(grep -oE -- '--[a-z][a-z0-9-]*' <<<"$help" | sort -u | wc -l)
    lacking=$(missing "$help")
    if [ -n "$lacking" ]; then
        echo "FAIL - $name: --help names flags docs/cli.md does not document: $(echo $lacking)"
        fails=$((fails + 1))
    elif [ "$count" -lt 3 ]; then
        echo "FAIL - $name: --help printed only $count flags: $(head -c 200 <<<"$help")"
        fails=$((fails + 1))
    else
        echo "ok   - $name: all $count flags of --help are in docs/cli.md"
    fi
done
[ "$fails" -eq 0 ]
