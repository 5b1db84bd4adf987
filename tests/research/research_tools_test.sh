#!/usr/bin/env bash
# mmbot-sweep and mmbot-compare (tools/research/, docs/research.md) on a short capture:
#   sweep: 4 sets over a gzip capture; the table is byte-identical with --jobs 1 and --jobs 2 (each
#     set's replay is deterministic whatever runs beside it); rows follow the reports; the pick
#     obeys the stated rule; bad input exits 2 naming what is wrong, a failing replay exits 1.
#   compare: a report against itself is within the gate (exit 0); against a run with another
#     offset it lists the checks outside (exit 1) and says the parameters differ; bad input 2.
# Cost: ~15 s (8 replays of 1,500 lines of the sample).
set -euo pipefail

shadow="$1"; sample="$2"; config="$3"; sweep="$4"; compare="$5"
work="${TEST_TMPDIR:-$(mktemp -d)}"
fails=0
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/../e2e/lib.sh"  # check, expect_exit

head -n 1500 "$sample" | gzip -c >"$work/short.jsonl.gz"
grid=(--grid half_spread_bps=2.5,3.5 --grid offset_bps=1,1.5)
common=(--shadow "$shadow" --config "$config" --capture "$work/short.jsonl.gz")

# ---------------------------------------------------------------------------------------- sweep
check "sweep --jobs 1 exits 0" python3 "$sweep" "${common[@]}" "${grid[@]}" --jobs 1 --out "$work/j1"
check "sweep --jobs 2 exits 0" python3 "$sweep" "${common[@]}" "${grid[@]}" --jobs 2 --out "$work/j2"
check "the CSV is byte-identical with --jobs 1 and --jobs 2" cmp "$work/j1/sweep.csv" "$work/j2/sweep.csv"
check "the JSON is byte-identical with --jobs 1 and --jobs 2" cmp "$work/j1/sweep.json" "$work/j2/sweep.json"
check "4 sets, the grid in order, each row equal to its report" python3 - "$work/j1" <<'PY'
import json, sys
from decimal import Decimal
out = sys.argv[1]
t = json.load(open(out + "/sweep.json"))
assert [r["params"] for r in t["sets"]] == [
    {"half_spread_bps": "2.5", "offset_bps": "1"}, {"half_spread_bps": "2.5", "offset_bps": "1.5"},
    {"half_spread_bps": "3.5", "offset_bps": "1"}, {"half_spread_bps": "3.5", "offset_bps": "1.5"}], t["sets"]
for r in t["sets"]:
    rep = json.load(open("{}/sets/{:03}/capture1/report.json".format(out, r["set"])))
    cfg = json.load(open("{}/sets/{:03}/config.json".format(out, r["set"])))
    assert cfg["maker"]["post_only_offset_bps"] == r["params"]["offset_bps"]
    assert all(s["strategy"]["half_spread_bps"] == r["params"]["half_spread_bps"] for s in cfg["symbols"].values())
    assert rep["execution_params"]["post_only_offset_bps"] == r["params"]["offset_bps"]
    assert Decimal(r["net_pnl"]) == Decimal(rep["pnl"]["net"]), (r, rep["pnl"])
    assert Decimal(r["fees"]) == Decimal(rep["pnl"]["fees"])
    assert r["orders"] == rep["stats"]["orders_placed"] and r["fills"] == rep["stats"]["fills"]
    assert r["freezes"] == rep["risk"]["freeze_events"]
# The sets differ (a sweep whose rows were all one run would pass the checks above).
assert len({(r["fills"], r["net_pnl"]) for r in t["sets"]}) > 1, t["sets"]
# The pick follows the rule: eligible = no freeze and >= 1 fill; highest sharpe, then net PnL.
el = [r for r in t["sets"] if r["freezes"] == 0 and r["fills"] >= 1]
key = lambda r: (float(r["sharpe"]) if r["sharpe"] is not None else float("-inf"), Decimal(r["net_pnl"]), -r["set"])
want = max(el, key=key)["set"] if el else None
assert t["picked"] == want, (t["picked"], want)
assert t["why"].startswith("set {}:".format(want)), t["why"]
PY
check "the CSV has a header and 4 rows" test "$(wc -l <"$work/j1/sweep.csv")" -eq 5

check "an unknown parameter exits 2" expect_exit 2 python3 "$sweep" "${common[@]}" --grid symbols.*.strategy.nope=1 --out "$work/bad"
check "... naming the path" grep -q "the config has no symbols.BTCUSDT.strategy.nope" "$work/err"
check "a value that is not a decimal exits 2" expect_exit 2 python3 "$sweep" "${common[@]}" --grid offset_bps=abc --out "$work/bad"
check "... naming the parameter" grep -q "parameter offset_bps: 'abc' is not a decimal" "$work/err"
check "a missing capture exits 2" expect_exit 2 python3 "$sweep" --shadow "$shadow" --config "$config" \
    --capture "$work/none.jsonl" --grid offset_bps=1 --out "$work/bad"
check "a replay that fails exits 1 naming the set" expect_exit 1 python3 "$sweep" "${common[@]}" \
    --grid symbols.*.strategy.half_spread_bps=-1 --out "$work/fail"
check "... and mmbot-shadow's exit code" grep -q "set 1 capture .*: mmbot-shadow exited 3" "$work/err"

# -------------------------------------------------------------------------------------- compare
a="$work/j1/sets/001/capture1/report.json"; b="$work/j1/sets/004/capture1/report.json"
check "a report against itself is within the gate" expect_exit 0 python3 "$compare" "$a" "$a"
check "... and says so" grep -q "^WITHIN the accuracy gate" "$work/out"
check "another offset and spread: outside the gate (exit 1)" expect_exit 1 python3 "$compare" "$a" "$b" --json "$work/cmp.json"
check "... naming the checks outside" grep -q "^OUTSIDE the accuracy gate: .*fills\.mape_pct" "$work/out"
check "... and the parameters that differ" grep -q "post_only_offset_bps \"1\" -> \"1.5\"" "$work/out"
check "... net PnL delta is B - A, exact" python3 - "$a" "$b" "$work/cmp.json" <<'PY'
import json, sys
from decimal import Decimal
a, b, c = (json.load(open(p)) for p in sys.argv[1:4])
t = c["metrics"]["net_pnl"]["total"]
assert Decimal(t["delta"]) == Decimal(b["pnl"]["net"]) - Decimal(a["pnl"]["net"]), t
PY
check "... says A and B did not time their decisions" grep -q "^decision latency: B did not time its decisions" "$work/out"
mkdir -p "$work/timed"
check "a --decision-timing replay of set 1's config" "$shadow" --config "$work/j1/sets/001/config.json" \
    --feed "replay:$work/short.jsonl.gz" --journal "$work/timed/journal.log" --log "$work/timed/mmbot.log" \
    --report "$work/timed/report.json" --decision-timing
check "decision latency is compared where a report has it" expect_exit 0 python3 "$compare" "$a" "$work/timed/report.json" \
    --json "$work/cmp_timed.json"
check "... its rows: A empty, B the report's p50/p99/max" python3 - "$work/timed/report.json" "$work/cmp_timed.json" "$work/out" <<'PY'
import json, sys
rep, cmp_, out = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), open(sys.argv[3]).read()
lat = rep["performance"]["decision_latency"]
assert cmp_["decision_latency"] == {"a": None, "b": lat}, cmp_["decision_latency"]
for key in ("p50_ns", "p99_ns", "max_ns"):
    row = [l.split() for l in out.splitlines() if l.startswith("decision_" + key)]
    assert row and row[0][1:3] == ["-", str(lat[key])], (key, row)
assert "decision latency: A did not time its decisions" in out
PY
python3 -c "import json,sys; r=json.load(open(sys.argv[1])); r['performance']['decision_latency']['p99_ns']='fast'; json.dump(r,open(sys.argv[2],'w'))" \
    "$work/timed/report.json" "$work/badlat.json"
check "a decision latency that is not an integer exits 2" expect_exit 2 python3 "$compare" "$a" "$work/badlat.json"
check "... naming the field" grep -q "report B .*badlat.json: performance.decision_latency: expected integer fields" "$work/err"
check "a file that is not a report exits 2" expect_exit 2 python3 "$compare" "$a" "$work/j1/sweep.csv"
check "... naming the file" grep -q "report B .*sweep.csv: not JSON" "$work/err"

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
