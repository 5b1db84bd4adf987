#!/usr/bin/env python3
"""mmbot-compare: what differs between two run reports (issue 19.3).

    python3 tools/research/compare.py A.json B.json [--thresholds configs/accuracy_gate.json] [--json OUT]

A and B are run reports (docs/report.md) of the same symbols: two shadow runs (a sweep's pick
against the baseline), or a shadow replay and a testnet run of the same period. Prints, per metric,
A, B, B - A and the absolute percentage error, and for the metrics the accuracy gate gates the
gate's check against configs/accuracy_gate.json (docs/accuracy-gate.md). The statistics are the
gate's own code (tools/accuracy_gate/accuracy_gate.py: load_report, evaluate), imported, not
copied, so a difference "within the gate" here is exactly what the gate would pass. Also printed:
the execution parameters that differ (the gate's thresholds are for runs of one config: with
another config the differences are expected, and the verdict says so), the markouts at 1 s and
10 s, and the length of each run in event time.

Decision latency (book update -> order intents sent, wall clock) is compared where the reports
carry it, in performance.decision_latency: testnet and live runs always do, a shadow run only with
--decision-timing (a wall-clock time would break a replay's byte-for-byte reproducible report). It
is not gated: a replay runs as fast as it can, a testnet run waits on the network.

Exit codes: 0 every gated check within its threshold, 1 at least one outside (listed), 2 bad input
(a file missing or not a run report, other symbols: the message names the file and the field).
docs/exit-codes.md.
"""

import argparse
import json
import os
import sys

# The imports below are of scripts in the source tree: no __pycache__ beside them.
sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "accuracy_gate"))
sys.path.insert(0, HERE)
import accuracy_gate as gate  # noqa: E402  (the gate's statistics, one implementation)
import sweep  # noqa: E402  (the markout averages, as the sweep's table has them)

EXIT_SAME, EXIT_DIFFERENT, EXIT_BAD_INPUT = 0, 1, 2
# The order the table prints in: what a trader looks at first.
ORDER = ["net_pnl", "realized_pnl", "unrealized_pnl", "fees", "orders_placed", "orders_filled", "fills",
         "fill_rate", "filled_qty", "orders_cancelled", "requotes", "freeze_events", "book_updates"]


def markouts(report):
    """The fill-weighted average edge at 1 s and 10 s over every symbol and side (None: no fill)."""
    out = {}
    for key in ("after_1s", "after_10s"):
        m = sweep.markout([report], key)
        out[key] = None if m is None else sweep.text(m)
    return out


LATENCY_KEYS = ("p50_ns", "p99_ns", "max_ns")


def decision_latency(report, what):
    """performance.decision_latency as integers (the gate's loader keeps numbers as text), or None
    when the run did not time its decisions; a field that is not an integer is bad input."""
    lat = report.get("performance", {}).get("decision_latency")
    if lat is None:
        return None
    try:
        return {k: int(str(v)) for k, v in lat.items()}
    except (AttributeError, ValueError):
        raise gate.BadInput("{}: performance.decision_latency: expected integer fields, got {}".format(
            what, json.dumps(lat, default=str))) from None


def latency_rows(lat_a, lat_b):
    """decision_p50_ns, decision_p99_ns, decision_max_ns: A, B, B - A and B / A (not gated)."""
    rows = []
    for key in LATENCY_KEYS:
        va = lat_a.get(key) if lat_a else None
        vb = lat_b.get(key) if lat_b else None
        delta = vb - va if va is not None and vb is not None else None
        ratio = "x{:.2f}".format(vb / va) if va and vb is not None else None
        rows.append(["decision_" + key, va, vb, delta, ratio, "", "not gated"])
    return rows


def fmt_row(cells, widths):
    return "  ".join(str(c if c is not None else "-").ljust(w) for c, w in zip(cells, widths)).rstrip()


def main(argv):
    p = argparse.ArgumentParser(prog="mmbot-compare", description="The differences between two run reports.")
    p.add_argument("a", help="report A (the reference)")
    p.add_argument("b", help="report B")
    p.add_argument("--thresholds", default=None, help="the gate's thresholds (default configs/accuracy_gate.json)")
    p.add_argument("--json", default=None, help="also write the comparison as JSON there")
    try:
        args = p.parse_args(argv)
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else EXIT_BAD_INPUT
    thresholds_path = args.thresholds or gate.default_thresholds_path()
    try:
        thresholds = gate.load_thresholds(thresholds_path)
        a = gate.load_report(args.a, "report A")
        b = gate.load_report(args.b, "report B")
        lat_a, lat_b = decision_latency(a[0], "report A " + args.a), decision_latency(b[0], "report B " + args.b)
        if a[1] != b[1]:
            raise gate.BadInput("not comparable: execution_params.symbols: {} {} vs {} {}".format(
                args.a, a[1], args.b, b[1]))
    except gate.BadInput as e:
        print("mmbot-compare: {}".format(e), file=sys.stderr)
        return EXIT_BAD_INPUT

    metrics, checks = gate.evaluate(a[2], b[2], a[1], thresholds)
    params_a, params_b = a[0]["execution_params"], b[0]["execution_params"]
    param_diffs = {k: [params_a.get(k), params_b.get(k)] for k in sorted(set(params_a) | set(params_b))
                   if k not in ("feed",) and params_a.get(k) != params_b.get(k)}
    by_metric = {}
    for c in checks:
        by_metric.setdefault(c["metric"], []).append(c)
    outside = ["{}.{}".format(c["metric"], c["check"]) for c in checks if not c["pass"]]

    lines = ["mmbot-compare: A {} | B {}".format(args.a, args.b),
             "feeds: A {} | B {}".format(params_a.get("feed"), params_b.get("feed"))]
    if param_diffs:
        lines.append("execution parameters differ (the gate's thresholds are for one config; differences are expected): "
                     + ", ".join("{} {} -> {}".format(k, json.dumps(v[0], default=str), json.dumps(v[1], default=str))
                                 for k, v in param_diffs.items()))
    head = ["metric", "A", "B", "B-A", "APE %|B/A", "gate check", "within"]
    rows = []
    for name in ORDER:
        m = metrics[name]
        total = m["total"]
        checks_here = by_metric.get(name, [])
        check_text = "; ".join("{} {} <= {}".format(c["check"], c["value"], c["threshold"]) for c in checks_here)
        within = ("yes" if all(c["pass"] for c in checks_here) else "NO") if checks_here else "not gated"
        if total is not None:
            rows.append([name, total["shadow"], total["candidate"], total["delta"], total["ape_pct"], check_text, within])
        else:  # filled_qty: per symbol only
            rows.append([name, "", "", "", "", check_text, within])
        for sym, e in sorted(m["per_symbol"].items()):
            rows.append(["  " + sym, e["shadow"], e["candidate"], e["delta"], e["ape_pct"], "", ""])
    mk_a, mk_b = markouts(a[0]), markouts(b[0])
    for key, label in (("after_1s", "markout_1s_bps"), ("after_10s", "markout_10s_bps")):
        rows.append([label, mk_a[key], mk_b[key], "", "", "", "not gated"])
    dur = [r.get("performance", {}).get("duration_ms") for r in (a[0], b[0])]
    rows.append(["duration_ms", dur[0], dur[1], "", "", "", "not gated"])
    rows += latency_rows(lat_a, lat_b)
    widths = [max(len(str(r[i] if r[i] is not None else "-")) for r in rows + [head]) for i in range(len(head))]
    lines.append(fmt_row(head, widths))
    lines += [fmt_row(r, widths) for r in rows]
    for name, lat in (("A", lat_a), ("B", lat_b)):
        if lat is None:
            lines.append("decision latency: {} did not time its decisions (a shadow run without --decision-timing)"
                         .format(name))
    verdict = "WITHIN the accuracy gate ({} checks)".format(len(checks)) if not outside else \
        "OUTSIDE the accuracy gate: {} of {} checks ({})".format(len(outside), len(checks), ", ".join(outside))
    if param_diffs and outside:
        verdict += "; expected, the execution parameters differ"
    lines.append(verdict)
    sys.stdout.write("\n".join(lines) + "\n")
    if args.json:
        doc = {"a": args.a, "b": args.b, "thresholds": thresholds_path, "execution_params_differ": param_diffs,
               "metrics": metrics, "checks": checks, "outside": outside,
               "markouts": {"a": mk_a, "b": mk_b}, "duration_ms": dur,
               "decision_latency": {"a": lat_a, "b": lat_b}}
        tmp = args.json + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(json.dumps(doc, sort_keys=True, indent=2, default=str) + "\n")
        os.replace(tmp, args.json)
    return EXIT_SAME if not outside else EXIT_DIFFERENT


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
