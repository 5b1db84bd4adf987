#!/usr/bin/env bash
# The build graph keeps each environment to what it needs (issue 12): mmbot-shadow's dependencies
# (a genquery of deps(//targets/shadow:mmbot-shadow), made at build time) hold no order gateway,
# request signer, REST transport or private stream; mmbot-live's hold all four (the positive
# control: the same patterns must match there, or the check proves nothing).
#   build_graph_test.sh SHADOW_DEPS LIVE_DEPS
set -euo pipefail
shadow_deps="$1"; live_deps="$2"
fails=0
forbidden=(
    '//include/mmbot/venue/bybit:gateway'
    '//include/mmbot/venue/bybit:signer'
    '//include/mmbot/venue/bybit:transport'
    '//include/mmbot/venue/bybit:private_ws'
    '//include/mmbot/app:trading'
)
[[ -s "$shadow_deps" && -s "$live_deps" ]] || { echo "FAIL - an empty dependency list"; exit 1; }
grep -qx '//targets/shadow:mmbot-shadow' "$shadow_deps" || { echo "FAIL - $shadow_deps is not shadow's"; exit 1; }
for target in "${forbidden[@]}"; do
    if grep -qx -- "$target" "$shadow_deps"; then
        echo "FAIL - mmbot-shadow depends on $target"
        fails=$((fails + 1))
    else
        echo "ok   - mmbot-shadow does not depend on $target"
    fi
    if grep -qx -- "$target" "$live_deps"; then
        echo "ok   - mmbot-live depends on $target (control)"
    else
        echo "FAIL - mmbot-live does not depend on $target: the control failed"
        fails=$((fails + 1))
    fi
done
echo "$fails failed"
[ "$fails" -eq 0 ]
