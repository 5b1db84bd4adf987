#!/usr/bin/env bash
# Unit test of tools/accuracy_gate/accuracy_gate.py on synthetic reports (fixtures/):
#   - identical reports pass, every delta 0; the testnet-like noise measured by the e2e passes;
#   - a large fill gap fails on fills, a large PnL gap fails on net_pnl (and not on fills);
#   - zero denominators follow the stated rule (both 0: APE 0; shadow 0 only: APE 100);
#   - bad input exits 2 and names the file and the field: missing field, a value that is not a
#     decimal, not JSON, no such file, another symbol set, bad thresholds;
#   - the verdict is deterministic: byte-identical twice, sorted keys, --out equal to stdout,
#     every value a string (no float).
#
#   accuracy_gate_unit_test.sh <accuracy_gate.py> <configs/accuracy_gate.json> <a fixture file>
set -euo pipefail

gate="$1"; thresholds="$2"; fx="$(dirname "$3")"
work="${TEST_TMPDIR:-$(mktemp -d)}/accuracy_unit"
mkdir -p "$work"
fails=0
check() {  # check <description> <command...>
    local what="$1"; shift
    if "$@"; then echo "ok   - $what"; else echo "FAIL - $what"; fails=$((fails + 1)); fi
}
run() {  # run <name> <shadow> <candidate> [more flags]: stdout, stderr and exit code under $work/<name>
    local name="$1" s="$2" c="$3"; shift 3
    set +e
    python3 "$gate" --shadow "$s" --candidate "$c" "$@" >"$work/$name.out" 2>"$work/$name.err"
    echo $? >"$work/$name.rc"
    set -e
}
rc_is() { [ "$(cat "$work/$1.rc")" = "$2" ] || { echo "   exit $(cat "$work/$1.rc"), wanted $2: $(head -c 300 "$work/$1.err")"; return 1; }; }
err_has() { grep -qF -- "$2" "$work/$1.err" || { echo "   stderr: $(head -c 300 "$work/$1.err")"; return 1; }; }
verdict() {  # verdict <name> <python expression over v>
    python3 -c "import json,sys; v=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$work/$1.out"
}

# --- identical reports
run same "$fx/shadow_report.json" "$fx/shadow_report.json" --thresholds "$thresholds"
check "identical reports: exit 0" rc_is same 0
check "identical reports: pass, nothing failed" verdict same "v['pass'] is True and v['failed'] == []"
check "identical reports: every check value is 0" verdict same "all(c['value'] == '0' for c in v['checks'])"
check "identical reports: every gated metric of the thresholds file is checked" verdict same \
    "sorted({c['metric'] for c in v['checks']}) == sorted(json.load(open('$thresholds'))['metrics'])"
check "per symbol and total are both compared" verdict same \
    "sorted(v['metrics']['fills']['per_symbol']) == ['BTCUSDT','ETHUSDT'] and v['metrics']['fills']['total']['shadow'] == '19'"

# --- the noise the e2e measures (one order more, one BTCUSDT fill a tick apart)
run close "$fx/shadow_report.json" "$fx/candidate_close.json" --thresholds "$thresholds"
check "testnet-like noise: exit 0" rc_is close 0
check "testnet-like noise: net_pnl MAPE 1.805054, total APE 3.900965, median |delta| 0.0879812" verdict close \
    "v['metrics']['net_pnl']['mape_pct'] == '1.805054' and v['metrics']['net_pnl']['total']['ape_pct'] == '3.900965' and v['metrics']['net_pnl']['median_abs_delta'] == '0.0879812'"
check "testnet-like noise: orders_placed MAPE 0.714286 (71 vs 70, 30 vs 30)" verdict close \
    "v['metrics']['orders_placed']['mape_pct'] == '0.714286' and v['metrics']['orders_placed']['median_abs_delta'] == '0.5'"

# --- large gaps
run fillgap "$fx/shadow_report.json" "$fx/candidate_fill_gap.json" --thresholds "$thresholds"
check "fill gap: exit 1" rc_is fillgap 1
check "fill gap: fills MAPE and median delta fail" verdict fillgap \
    "'fills.mape_pct' in v['failed'] and 'fills.median_abs_delta' in v['failed'] and 'fills.total_ape_pct' in v['failed']"
check "fill gap: BTCUSDT APE 53.846154 (6 vs 13)" verdict fillgap \
    "v['metrics']['fills']['per_symbol']['BTCUSDT']['ape_pct'] == '53.846154'"
check "fill gap: the summary line names the failed checks" err_has fillgap "FAIL"
run pnlgap "$fx/shadow_report.json" "$fx/candidate_pnl_gap.json" --thresholds "$thresholds"
check "PnL gap: exit 1" rc_is pnlgap 1
check "PnL gap: net_pnl fails, fills do not" verdict pnlgap \
    "'net_pnl.mape_pct' in v['failed'] and 'net_pnl.median_abs_delta' in v['failed'] and not any(f.startswith('fills') for f in v['failed'])"
check "PnL gap: money stays exact (delta -3 USDT on ETHUSDT)" verdict pnlgap \
    "v['metrics']['net_pnl']['per_symbol']['ETHUSDT']['delta'] == '-3' and v['metrics']['net_pnl']['total']['delta'] == '-3'"

# --- zero denominators
run zero_same "$fx/zero_shadow.json" "$fx/zero_shadow.json" --thresholds "$thresholds"
check "shadow 0 and candidate 0: APE 0, pass" verdict zero_same \
    "v['pass'] and v['metrics']['fills']['per_symbol']['ETHUSDT']['ape_pct'] == '0'"
run zero "$fx/zero_shadow.json" "$fx/zero_candidate.json" --thresholds "$thresholds"
check "shadow 0, candidate 1 fill: APE 100 with the rule named, exit 1" verdict zero \
    "v['metrics']['fills']['per_symbol']['ETHUSDT']['ape_pct'] == '100' and 'shadow is 0' in v['metrics']['fills']['per_symbol']['ETHUSDT']['ape_rule'] and not v['pass']"
check "zero denominators: exit 1" rc_is zero 1
check "|shadow PnL| under min_denominator 1: divided by 1" verdict close \
    "v['metrics']['net_pnl']['per_symbol']['ETHUSDT']['ape_rule'] == '|shadow| below min_denominator: divided by 1'"

# --- bad input: exit 2, naming the file and the field
run missing "$fx/shadow_report.json" "$fx/candidate_missing_field.json" --thresholds "$thresholds"
check "missing field: exit 2" rc_is missing 2
check "missing field: names the file and symbols.ETHUSDT.pnl.net" \
    err_has missing "candidate_missing_field.json: missing field symbols.ETHUSDT.pnl.net"
check "missing field: no verdict on stdout" test ! -s "$work/missing.out"
run badvalue "$fx/candidate_bad_value.json" "$fx/shadow_report.json" --thresholds "$thresholds"
check "not a decimal: exit 2, names the shadow file and symbols.BTCUSDT.pnl.fees" \
    bash -c "[ \"\$(cat '$work/badvalue.rc')\" = 2 ] && grep -qF 'shadow report $fx/candidate_bad_value.json: field symbols.BTCUSDT.pnl.fees: not a decimal' '$work/badvalue.err'"
run notjson "$fx/shadow_report.json" "$fx/not_json.json" --thresholds "$thresholds"
check "not JSON: exit 2, names the file" bash -c "[ \"\$(cat '$work/notjson.rc')\" = 2 ] && grep -qF 'not_json.json: not JSON' '$work/notjson.err'"
run nofile "$fx/shadow_report.json" "$work/none.json" --thresholds "$thresholds"
check "no such file: exit 2, names the file" bash -c "[ \"\$(cat '$work/nofile.rc')\" = 2 ] && grep -qF '$work/none.json: no such file' '$work/nofile.err'"
run othersyms "$fx/shadow_report.json" "$fx/candidate_other_symbols.json" --thresholds "$thresholds"
check "another symbol set: exit 2, names execution_params.symbols" \
    bash -c "[ \"\$(cat '$work/othersyms.rc')\" = 2 ] && grep -qF 'not comparable: execution_params.symbols' '$work/othersyms.err'"
python3 - "$fx/shadow_report.json" "$work/other_offset.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); r["execution_params"]["post_only_offset_bps"] = "0.5"
json.dump(r, open(sys.argv[2], "w"))
PY
run otheroffset "$fx/shadow_report.json" "$work/other_offset.json" --thresholds "$thresholds"
check "another post-only offset: exit 2, names execution_params.post_only_offset_bps" \
    bash -c "[ \"\$(cat '$work/otheroffset.rc')\" = 2 ] && grep -qF 'execution_params.post_only_offset_bps' '$work/otheroffset.err'"

echo '{"metrics": {"fils": {"mape_pct": "10"}}}' >"$work/th_unknown.json"
run th_unknown "$fx/shadow_report.json" "$fx/shadow_report.json" --thresholds "$work/th_unknown.json"
check "thresholds: unknown metric -> exit 2 naming metrics.fils" \
    bash -c "[ \"\$(cat '$work/th_unknown.rc')\" = 2 ] && grep -qF 'th_unknown.json: field metrics.fils: unknown metric' '$work/th_unknown.err'"
echo '{"metrics": {"fills": {"why": "no numbers"}}}' >"$work/th_empty.json"
run th_empty "$fx/shadow_report.json" "$fx/shadow_report.json" --thresholds "$work/th_empty.json"
check "thresholds: a metric without a threshold -> exit 2 naming metrics.fills.mape_pct" \
    bash -c "[ \"\$(cat '$work/th_empty.rc')\" = 2 ] && grep -qF 'missing field metrics.fills.mape_pct' '$work/th_empty.err'"
echo '{"metrics": {"fills": {"mape_pct": "-1"}}}' >"$work/th_negative.json"
run th_negative "$fx/shadow_report.json" "$fx/shadow_report.json" --thresholds "$work/th_negative.json"
check "thresholds: a negative threshold -> exit 2 naming metrics.fills.mape_pct" \
    bash -c "[ \"\$(cat '$work/th_negative.rc')\" = 2 ] && grep -qF 'field metrics.fills.mape_pct: must be a decimal >= 0' '$work/th_negative.err'"
echo '{"thresholds": {}}' >"$work/th_shape.json"
run th_shape "$fx/shadow_report.json" "$fx/shadow_report.json" --thresholds "$work/th_shape.json"
check "thresholds: no metrics object -> exit 2 naming metrics" \
    bash -c "[ \"\$(cat '$work/th_shape.rc')\" = 2 ] && grep -qF 'th_shape.json: missing field metrics' '$work/th_shape.err'"
run usage "$fx/shadow_report.json" "$fx/shadow_report.json" --bogus
check "unknown flag: exit 2" rc_is usage 2

# --- determinism
run det1 "$fx/shadow_report.json" "$fx/candidate_close.json" --thresholds "$thresholds" --out "$work/det_out.json"
run det2 "$fx/shadow_report.json" "$fx/candidate_close.json" --thresholds "$thresholds"
check "two runs give byte-identical verdicts" cmp -s "$work/det1.out" "$work/det2.out"
check "--out holds the verdict printed on stdout" cmp -s "$work/det1.out" "$work/det_out.json"
check "verdict keys are sorted" python3 -c "
import json,sys
t=open(sys.argv[1]).read(); assert t == json.dumps(json.loads(t), sort_keys=True, indent=2) + '\n'" "$work/det1.out"
check "every value is a string or null, never a float" python3 -c "
import json,sys
def walk(o):
    if isinstance(o, float): raise SystemExit('float: %r' % o)
    if isinstance(o, dict): [walk(x) for x in o.values()]
    if isinstance(o, list): [walk(x) for x in o]
walk(json.load(open(sys.argv[1])))
v=json.load(open(sys.argv[1]))
assert all(isinstance(c['value'], (str, type(None))) and isinstance(c['threshold'], str) for c in v['checks'])" "$work/det1.out"

[ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all checks passed"
