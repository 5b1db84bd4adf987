#!/usr/bin/env bash
# One risk scenario (docs/scenarios.md): generate the scripted capture with sample_gen, replay it
# through mmbot-shadow, then check the outcome the scenario exists to prove. The report, log and
# journal are kept as test outputs ($TEST_UNDECLARED_OUTPUTS_DIR); `.ci/run` copies them to
# reports/scenarios/<name>/.
#
#   run_scenario.sh <scenario> <sample_gen> <mmbot-shadow> <config> <checks.py>
set -euo pipefail

name="$1"; gen="$2"; shadow="$3"; config="$4"; checks="$5"
work="${TEST_TMPDIR:-$(mktemp -d)}/$name"
keep="${TEST_UNDECLARED_OUTPUTS_DIR:-$work/outputs}"
mkdir -p "$work" "$keep"

# Six minutes of market with the event two minutes in; BTCUSDT only (the event's symbol).
# venue_outage is an event of the venue, not of the market: an ordinary market, and the
# simulated venue loses every request for 30 s from two minutes in (sim.outage, docs/config.md).
market="$name"
if [ "$name" = venue_outage ]; then
    market=none
    python3 - "$config" "$work/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["sim"]["outage"] = {"after_ms": 120000, "duration_ms": 30000}
json.dump(c, open(sys.argv[2], "w"), indent=2)
PY
    config="$work/config.json"
fi
# spread_collapse: BTCUSDT quotes from the touch, the predecessor's way, so its edge against mid is
# half the market spread + half_spread_bps + the maker policy's post-only offset (1.5 bps), less
# the inventory skew (up to 1 bps). With 0.5 bps: at least 2.5 + 0.5 + 1.5 - 1 = 3.5 bps while the
# model keeps the spread 5 bps wide, above the 3 bps edge floor; about 2.0 bps once the spread is
# one tick, under it.
if [ "$name" = spread_collapse ]; then
    python3 - "$config" "$work/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["symbols"]["BTCUSDT"]["strategy"].update({"quote_from": "touch", "half_spread_bps": "0.5"})
json.dump(c, open(sys.argv[2], "w"), indent=2)
PY
    config="$work/config.json"
fi
"$gen" --scenario "$market" --minutes 6 --event-after-s 120 --out "$work/capture.jsonl"
set +e
"$shadow" --config "$config" --symbols BTCUSDT --feed "replay:$work/capture.jsonl" \
    --journal "$work/journal.log" --log "$work/mmbot.log" --report "$work/report.json" \
    >"$work/stdout" 2>"$work/stderr"
rc=$?
set -e
cp "$work/report.json" "$work/mmbot.log" "$work/journal.log" "$work/stderr" "$keep/" 2>/dev/null || true
if [ "$rc" -ne 0 ]; then
    echo "FAIL - mmbot-shadow exited $rc: $(head -c 400 "$work/stderr")"
    exit 1
fi
python3 "$checks" "$name" "$work"
