#!/usr/bin/env bash
# tools/screenshots/refresh.sh: the README's pictures (reports/screenshots/), taken by the browser
# test (//tests/e2e:browser_test: headless chromium on the bundled shadow run's HTML report and on
# a running shadow bot's /status page), and a day-long run's report. Run from anywhere; commit the
# PNGs it writes (about 3 minutes).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
bazel test --config=ci //tests/e2e:browser_test
mkdir -p reports/screenshots
unzip -o -q bazel-testlogs/tests/e2e/browser_test/test.outputs/outputs.zip -d reports/screenshots
ls -l reports/screenshots

# A day-long run with a freeze, for docs/report.md: 24 h of synthetic market data with a flash
# crash (tools/sample_gen), replayed by mmbot-shadow, its HTML report photographed.
bazel build //tools/sample_gen //targets/shadow:mmbot-shadow
day="$(mktemp -d /tmp/mmbot-day.XXXXXX)"
bazel-bin/tools/sample_gen/sample_gen --minutes 1440 --scenario flash_crash --event-after-s 40000 --out "$day/day.jsonl"
bazel-bin/targets/shadow/mmbot-shadow --config configs/shadow.json --feed "replay:$day/day.jsonl" \
    --report "$day/day.json" --html-report "$day/day.html" --journal "$day/journal.log" --log "$day/log.jsonl"
chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$day/profile" \
    --window-size=1200,1400 --screenshot="$root/reports/screenshots/day_report.png" "file://$day/day.html"
ls -l "$day/day.html" reports/screenshots/day_report.png
rm -rf "$day"
