#!/usr/bin/env bash
# Every relative link and docs/*.md mention in README.md and docs/ resolves (check_links.py), with
# a positive control: a tree holding one broken link and one missing mention must fail.
set -euo pipefail
checker="$1"; readme="$2"
root=$(cd "$(dirname "$readme")" && pwd)
tmp="${TEST_TMPDIR:-$(mktemp -d)}/links"
mkdir -p "$tmp/docs"
printf '# T\nsee [x](docs/nope.md) and docs/risk.md\n' > "$tmp/README.md"
printf '# A\n' > "$tmp/docs/a.md"
if python3 "$checker" "$tmp" > "$tmp/out"; then
    echo "FAIL - positive control: a broken link was not reported"; cat "$tmp/out"; exit 1
fi
grep -q "docs/nope.md: no such file" "$tmp/out" && grep -q "names docs/risk.md" "$tmp/out" ||
    { echo "FAIL - positive control: wrong report"; cat "$tmp/out"; exit 1; }
echo "ok   - positive control reported: $(grep -c . "$tmp/out") lines"
python3 "$checker" "$root"
