#!/usr/bin/env python3
"""The accuracy gate: does a run through the real client path trade like shadow mode?

Compares two run reports of the same schema (docs/report.md): a shadow replay of a capture
(--shadow) and a candidate run on the same capture, normally mmbot-testnet against
mmbot-local-venue (--candidate). Per symbol and in total it compares orders placed, fills, fill
rate, filled quantity, fees and net PnL (and reports more without gating it), computes per metric
the mean absolute percentage error across symbols (MAPE) and the median absolute delta, checks
each against configs/accuracy_gate.json, and prints a deterministic JSON verdict (sorted keys).
docs/accuracy-gate.md describes the metrics, the thresholds and where each comes from.

    python3 tools/accuracy_gate/accuracy_gate.py --shadow shadow.json --candidate testnet.json \
        [--thresholds configs/accuracy_gate.json] [--out verdict.json]

Exit codes: 0 every gated check passed, 1 at least one failed, 2 bad input (a file missing or
unreadable, not JSON, a field missing or of the wrong type, reports that are not comparable: the
message names the file and the field).

Arithmetic is exact: every value is read into decimal.Decimal (money is written as decimal
strings by the reports; JSON numbers are parsed as Decimal too, never float). Percentages are
quotients of Decimals, printed with 6 decimals.

Zero (and small) denominators: the absolute percentage error of one value is
    APE = |candidate - shadow| / max(|shadow|, min_denominator) * 100
with `min_denominator` a per-metric floor (default 0) below which a percentage of the shadow value
would be noise (a PnL of 0.02 USDT). When the denominator is still 0 (shadow 0, no floor): APE is
0 if the candidate is 0 too, else 100 (the candidate did what shadow says never happened: a full
miss). Every APE is therefore defined and counts in the MAPE; nothing is left out.

Standard library only (CI runs it with the system python3).
"""

import argparse
import decimal
import json
import os
import sys
from decimal import Decimal

EXIT_PASS = 0
EXIT_FAIL = 1
EXIT_BAD_INPUT = 2

# Exact decimal arithmetic wide enough for any report value (money has at most 16 decimals).
CTX = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_EVEN, traps=[decimal.InvalidOperation,
                                                                        decimal.DivisionByZero,
                                                                        decimal.Overflow])
PCT_PLACES = Decimal("0.000001")
HUNDRED = Decimal(100)


class BadInput(Exception):
    """An input the gate cannot judge: exit 2 with this message."""


# --------------------------------------------------------------------------- metrics
# name -> (per-symbol extractor or None, total extractor or None, description)
# A per-symbol extractor takes the report's symbols.<S> object (and its path for messages); a
# total extractor takes the whole report. Metrics whose total is None (filled quantity) have no
# meaningful sum across instruments; metrics whose per-symbol extractor is None exist only in
# total in the report.


def _field(obj, path, where):
    """obj[path[0]][path[1]]...; BadInput naming `where.path` when missing."""
    cur = obj
    walked = []
    for key in path:
        walked.append(key)
        if not isinstance(cur, dict) or key not in cur:
            raise BadInput("missing field {}".format(".".join(where + walked)))
        cur = cur[key]
    return cur


def _number(obj, path, where):
    """A report number: a JSON integer or an exact decimal string."""
    v = _field(obj, path, where)
    name = ".".join(where + list(path))
    if isinstance(v, bool):
        raise BadInput("field {}: expected a number, got {}".format(name, json.dumps(v)))
    if isinstance(v, (int, Decimal)):
        return Decimal(v)
    if isinstance(v, str):
        try:
            d = Decimal(v)
        except decimal.InvalidOperation:
            raise BadInput("field {}: not a decimal: {}".format(name, json.dumps(v))) from None
        if not d.is_finite():
            raise BadInput("field {}: not a finite decimal: {}".format(name, json.dumps(v)))
        return d
    raise BadInput("field {}: expected a number, got {}".format(name, json.dumps(v, default=str)))


def _sym(path):
    return lambda s, where: _number(s, path, where)


def _tot(path):
    return lambda r: _number(r, path, [])


def _sym_filled_qty(s, where):
    return CTX.add(_number(s, ["bought"], where), _number(s, ["sold"], where))


def _total_fill_rate(r):
    # As the report computes a symbol's: fully filled orders / orders placed, 8 decimals rounded
    # down; 0 when nothing was placed.
    placed = _number(r, ["stats", "orders_placed"], [])
    filled = _number(r, ["stats", "orders_filled"], [])
    if placed == 0:
        return Decimal(0)
    return CTX.divide(filled, placed).quantize(Decimal("0.00000001"), rounding=decimal.ROUND_DOWN,
                                               context=CTX)


METRICS = {
    "orders_placed": (_sym(["orders_placed"]), _tot(["stats", "orders_placed"]),
                      "orders sent to the venue"),
    "orders_filled": (_sym(["orders_filled"]), _tot(["stats", "orders_filled"]),
                      "orders filled completely"),
    "fills": (_sym(["fills"]), _tot(["stats", "fills"]), "executions (a partial fill counts once)"),
    "fill_rate": (_sym(["fill_rate"]), _total_fill_rate, "orders filled / orders placed"),
    "filled_qty": (_sym_filled_qty, None, "bought + sold, base currency (no total: units differ)"),
    "fees": (_sym(["pnl", "fees"]), _tot(["pnl", "fees"]), "fees paid, quote currency"),
    "net_pnl": (_sym(["pnl", "net"]), _tot(["pnl", "net"]),
                "realized + unrealized at the last mid - fees, quote currency"),
    "realized_pnl": (_sym(["pnl", "realized"]), _tot(["pnl", "realized"]), "realized PnL"),
    "unrealized_pnl": (_sym(["pnl", "unrealized"]), _tot(["pnl", "unrealized"]),
                       "unrealized PnL at the last mid"),
    "orders_cancelled": (None, _tot(["stats", "orders_cancelled"]), "orders cancelled"),
    "requotes": (None, _tot(["stats", "requotes"]), "quote replacements"),
    "freeze_events": (None, _tot(["risk", "freeze_events"]), "risk freezes"),
    "book_updates": (None, _tot(["market_data", "book_updates"]),
                     "order-book messages consumed (both runs saw the whole capture)"),
}

THRESHOLD_KEYS = {"mape_pct", "median_abs_delta", "min_denominator", "why"}


# --------------------------------------------------------------------------- inputs

def _load_json(path, what):
    if not os.path.isfile(path):
        raise BadInput("{} {}: no such file".format(what, path))
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise BadInput("{} {}: cannot read: {}".format(what, path, e)) from None
    try:
        # Numbers as Decimal: never a float on the way in.
        return json.loads(text, parse_float=Decimal, parse_int=Decimal)
    except json.JSONDecodeError as e:
        raise BadInput("{} {}: not JSON: {}".format(what, path, e)) from None


def _decimal_setting(spec, key, where):
    v = spec[key]
    if isinstance(v, bool) or not isinstance(v, (str, Decimal)):
        raise BadInput("field {}.{}: expected a decimal string, got {}".format(
            where, key, json.dumps(v, default=str)))
    try:
        d = Decimal(v)
    except decimal.InvalidOperation:
        raise BadInput("field {}.{}: not a decimal: {}".format(where, key, json.dumps(str(v)))) from None
    if not d.is_finite() or d < 0:
        raise BadInput("field {}.{}: must be a decimal >= 0, got {}".format(where, key, v))
    return d


def load_thresholds(path):
    raw = _load_json(path, "thresholds")
    try:
        metrics = _field(raw, ["metrics"], [])
        if not isinstance(metrics, dict):
            raise BadInput("field metrics: expected an object")
        out = {}
        for name in sorted(metrics):
            where = "metrics." + name
            if name not in METRICS:
                raise BadInput("field {}: unknown metric (known: {})".format(where, ", ".join(sorted(METRICS))))
            spec = metrics[name]
            if not isinstance(spec, dict):
                raise BadInput("field {}: expected an object".format(where))
            for key in sorted(spec):
                if key not in THRESHOLD_KEYS:
                    raise BadInput("field {}.{}: unknown key (known: {})".format(
                        where, key, ", ".join(sorted(THRESHOLD_KEYS))))
            if "mape_pct" not in spec and "median_abs_delta" not in spec:
                raise BadInput("missing field {}.mape_pct (or {}.median_abs_delta): a gated metric "
                               "needs at least one".format(where, where))
            out[name] = {
                "mape_pct": (_decimal_setting(spec, "mape_pct", where)
                             if "mape_pct" in spec else None),
                "median_abs_delta": (_decimal_setting(spec, "median_abs_delta", where)
                                     if "median_abs_delta" in spec else None),
                "min_denominator": (_decimal_setting(spec, "min_denominator", where)
                                    if "min_denominator" in spec else Decimal(0)),
            }
        return out
    except BadInput as e:
        raise BadInput("thresholds {}: {}".format(path, e)) from None


def _symbols_of(report):
    syms = _field(report, ["execution_params", "symbols"], [])
    if not isinstance(syms, list) or not all(isinstance(s, str) for s in syms):
        raise BadInput("field execution_params.symbols: expected a list of names")
    _field(report, ["symbols"], [])
    for s in syms:
        _field(report, ["symbols", s], [])
    return sorted(syms)


def _extract(report, symbols):
    """metric -> {"per_symbol": {S: Decimal}, "total": Decimal or None}."""
    out = {}
    for name, (per_sym, total, _desc) in METRICS.items():
        values = {}
        if per_sym is not None:
            for s in symbols:
                values[s] = per_sym(report["symbols"][s], ["symbols", s])
        out[name] = {"per_symbol": values, "total": total(report) if total is not None else None}
    return out


def load_report(path, what):
    report = _load_json(path, what)
    try:
        if not isinstance(report, dict):
            raise BadInput("expected a JSON object (a run report, docs/report.md)")
        symbols = _symbols_of(report)
        return report, symbols, _extract(report, symbols)
    except BadInput as e:
        raise BadInput("{} {}: {}".format(what, path, e)) from None


def check_comparable(shadow, shadow_path, cand, cand_path):
    """The two runs must trade the same symbols with the same maker parameters."""
    s_syms, c_syms = shadow[1], cand[1]
    if s_syms != c_syms:
        raise BadInput("not comparable: execution_params.symbols: {} {} vs {} {}".format(
            shadow_path, s_syms, cand_path, c_syms))
    for key in ("maker_only", "post_only_offset_bps", "min_qty_pad"):
        a = _field(shadow[0], ["execution_params", key], [])
        b = _field(cand[0], ["execution_params", key], [])
        if a != b:
            raise BadInput("not comparable: execution_params.{}: {} {} vs {} {}".format(
                key, shadow_path, json.dumps(a, default=str), cand_path, json.dumps(b, default=str)))


# --------------------------------------------------------------------------- statistics

def ape(shadow, cand, min_denominator):
    """Absolute percentage error and the denominator used (None: shadow 0 and no floor)."""
    den = max(abs(shadow), min_denominator)
    if den == 0:
        return (Decimal(0) if cand == shadow else HUNDRED), None
    return CTX.multiply(CTX.divide(abs(CTX.subtract(cand, shadow)), den), HUNDRED), den


def _sum(values):
    total = Decimal(0)
    for v in values:
        total = CTX.add(total, v)
    return total


def median(values):
    v = sorted(values)
    n = len(v)
    if n == 0:
        return None
    if n % 2 == 1:
        return v[n // 2]
    return CTX.divide(CTX.add(v[n // 2 - 1], v[n // 2]), Decimal(2))


def text(d):
    """Deterministic decimal text: no exponent, no trailing zeros."""
    if d is None:
        return None
    if d == 0:
        return "0"
    s = format(d.normalize(CTX), "f")
    return s


def pct(d):
    return None if d is None else text(d.quantize(PCT_PLACES, rounding=decimal.ROUND_HALF_EVEN, context=CTX))


def _compare(a, b, min_den):
    """One shadow/candidate pair: (entry for the verdict, delta, APE)."""
    d = CTX.subtract(b, a)
    e, den = ape(a, b, min_den)
    entry = {"shadow": text(a), "candidate": text(b), "delta": text(d), "ape_pct": pct(e)}
    if den is None:
        entry["ape_rule"] = "shadow is 0: APE 0 if equal, else 100"
    elif den != abs(a):
        entry["ape_rule"] = "|shadow| below min_denominator: divided by {}".format(text(den))
    return entry, d, e


def evaluate(shadow_vals, cand_vals, symbols, thresholds):
    """Every metric and every gated check. Returns (metrics for the verdict, checks)."""
    metrics_out = {}
    checks = []
    for name in sorted(METRICS):
        s_m, c_m = shadow_vals[name], cand_vals[name]
        limit = thresholds.get(name)
        min_den = limit["min_denominator"] if limit else Decimal(0)
        per_symbol = {}
        apes, deltas = [], []
        for sym in symbols:
            if sym not in s_m["per_symbol"]:
                continue
            entry, d, e = _compare(s_m["per_symbol"][sym], c_m["per_symbol"][sym], min_den)
            per_symbol[sym] = entry
            deltas.append(d)
            apes.append(e)
        total, total_ape = None, None
        if s_m["total"] is not None:
            total, total_d, total_ape = _compare(s_m["total"], c_m["total"], min_den)
            if not per_symbol:
                # A metric the report carries only in total: the total is the one value compared.
                apes, deltas = [total_ape], [total_d]
        mape = CTX.divide(_sum(apes), Decimal(len(apes))) if apes else None
        med_abs = median([abs(d) for d in deltas])
        med = median(deltas)

        entry = {
            "description": METRICS[name][2],
            "gated": limit is not None,
            "per_symbol": per_symbol,
            "total": total,
            "mape_pct": pct(mape),
            "median_abs_delta": text(med_abs),
            "median_delta": text(med),
        }
        if limit is not None:
            entry["min_denominator"] = text(limit["min_denominator"])
            if limit["mape_pct"] is not None:
                checks.append({"metric": name, "check": "mape_pct", "value": pct(mape),
                               "threshold": text(limit["mape_pct"]),
                               "pass": mape <= limit["mape_pct"]})
                if per_symbol and total is not None:
                    checks.append({"metric": name, "check": "total_ape_pct", "value": pct(total_ape),
                                   "threshold": text(limit["mape_pct"]),
                                   "pass": total_ape <= limit["mape_pct"]})
            if limit["median_abs_delta"] is not None:
                checks.append({"metric": name, "check": "median_abs_delta", "value": text(med_abs),
                               "threshold": text(limit["median_abs_delta"]),
                               "pass": med_abs <= limit["median_abs_delta"]})
        metrics_out[name] = entry
    return metrics_out, checks


# --------------------------------------------------------------------------- main

def default_thresholds_path():
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "configs", "accuracy_gate.json"))


def main(argv):
    p = argparse.ArgumentParser(
        prog="accuracy_gate",
        description="Compare a candidate run report against a shadow run report of the same capture.")
    p.add_argument("--shadow", required=True, help="report of the shadow replay (reference)")
    p.add_argument("--candidate", required=True, help="report of the run under test (testnet vs local venue)")
    p.add_argument("--thresholds", default=None, help="thresholds JSON (default configs/accuracy_gate.json)")
    p.add_argument("--out", default=None, help="also write the verdict there")
    try:
        args = p.parse_args(argv)
    except SystemExit as e:
        # argparse exits 2 on a usage error, 0 on --help: both are what we want.
        return e.code if isinstance(e.code, int) else EXIT_BAD_INPUT

    thresholds_path = args.thresholds or default_thresholds_path()
    try:
        thresholds = load_thresholds(thresholds_path)
        shadow = load_report(args.shadow, "shadow report")
        cand = load_report(args.candidate, "candidate report")
        check_comparable(shadow, args.shadow, cand, args.candidate)
    except BadInput as e:
        print("accuracy_gate: {}".format(e), file=sys.stderr)
        return EXIT_BAD_INPUT

    symbols = shadow[1]
    metrics, checks = evaluate(shadow[2], cand[2], symbols, thresholds)
    failed = ["{}.{}".format(c["metric"], c["check"]) for c in checks if not c["pass"]]
    verdict = {
        "shadow": args.shadow,
        "candidate": args.candidate,
        "thresholds": thresholds_path,
        "symbols": symbols,
        "metrics": metrics,
        "checks": checks,
        "failed": failed,
        "pass": not failed,
    }
    out = json.dumps(verdict, sort_keys=True, indent=2) + "\n"
    sys.stdout.write(out)
    if args.out:
        try:
            parent = os.path.dirname(os.path.abspath(args.out))
            os.makedirs(parent, exist_ok=True)
            tmp = args.out + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(out)
            os.replace(tmp, args.out)
        except OSError as e:
            print("accuracy_gate: --out {}: cannot write: {}".format(args.out, e), file=sys.stderr)
            return EXIT_BAD_INPUT
    print("accuracy_gate: {} ({} of {} checks failed{})".format(
        "PASS" if not failed else "FAIL", len(failed), len(checks),
        ": " + ", ".join(failed) if failed else ""), file=sys.stderr)
    return EXIT_PASS if not failed else EXIT_FAIL


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
