#!/usr/bin/env bash
# tools/screenshots/refresh.sh: the README's pictures (reports/screenshots/), taken by the browser
# test (//tests/e2e:browser_test: headless chromium on the bundled shadow run's HTML report and on
# a running shadow bot's /status page). Run from anywhere; commit the two PNGs it writes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
bazel test --config=ci //tests/e2e:browser_test
mkdir -p reports/screenshots
unzip -o -q bazel-testlogs/tests/e2e/browser_test/test.outputs/outputs.zip -d reports/screenshots
ls -l reports/screenshots
