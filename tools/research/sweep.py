#!/usr/bin/env python3
"""mmbot-sweep: one table of parameter sets replayed over one or more captures (issue 19.2).

Every set is a copy of the base config with some values replaced; each (set, capture) pair is one
mmbot-shadow replay, the same engine and simulator as `./mmw shadow`, run as its own process (N at
a time, --jobs, default the number of cores). A replay is deterministic, so a set's row does not
depend on how many ran beside it: the table is byte-identical with --jobs 1 and --jobs 8. The
shadow reports (docs/report.md) are kept under OUT/sets/; the table is built from them alone.

    python3 tools/research/sweep.py --capture CAP [--capture CAP2 ...] \
        (--grid NAME=V1,V2,... [--grid ...] | --sets sets.json) \
        [--config configs/shadow.json] [--shadow bazel-bin/targets/shadow/mmbot-shadow] \
        [--jobs N] [--min-fills 1] --out DIR

Parameters (NAME): the five short names below, or any dotted path into the config, `*` standing
for every key of an object (`symbols.*.risk.max_loss`):
    offset_bps             maker.post_only_offset_bps
    half_spread_bps        symbols.*.strategy.half_spread_bps          (the spread: 2 x this)
    skew_bps_at_max        symbols.*.strategy.skew_bps_at_max
    requote_threshold_bps  symbols.*.strategy.requote_threshold_bps
    position_limit_scale   multiplies symbols.*.strategy.max_position and symbols.*.risk.max_position_qty
--grid gives the cartesian product in the order given (the last name varies fastest); --sets a
JSON list of objects {NAME: value}. Values are exact decimal text (an integer field takes an
integer).

Columns per set (sums over the captures; money exact decimals as the reports give them):
    net_pnl, fees (negative: rebates), fill_ratio (orders filled / placed, 8 decimals down),
    orders, fills, inventory min/max per symbol, freezes, orders_per_min (orders / minutes of
    event time), markout_1s_bps and markout_10s_bps (fill-weighted averages of the reports'
    per-symbol, per-side markouts; 4 decimals down), sharpe (the mean over the captures' complete
    60 s intervals of the change in total net PnL, divided by its standard deviation: not
    annualised; floating point, statistics only; empty with fewer than 2 intervals or no variation).

The pick (stated in the output and in docs/research.md): sets with no freeze and at least
--min-fills fills are eligible; among them the highest sharpe wins, then the highest net_pnl, then
the lowest set number. Without an eligible set nothing is picked (exit 0, said so).

Exit codes: 0 the table was written; 1 a replay failed (the set, the capture, mmbot-shadow's exit
code and its last stderr line); 2 bad input (a flag, an unknown parameter, a value that is not a
decimal, a missing capture, config or binary). docs/exit-codes.md.

Standard library only.
"""

import argparse
import concurrent.futures
import copy
import csv
import decimal
import io
import itertools
import json
import math
import os
import subprocess
import sys
import time
from decimal import Decimal

EXIT_OK, EXIT_RUN_FAILED, EXIT_BAD_INPUT = 0, 1, 2

ALIASES = {
    "offset_bps": ["maker.post_only_offset_bps"],
    "half_spread_bps": ["symbols.*.strategy.half_spread_bps"],
    "skew_bps_at_max": ["symbols.*.strategy.skew_bps_at_max"],
    "requote_threshold_bps": ["symbols.*.strategy.requote_threshold_bps"],
}
SCALES = {"position_limit_scale": ["symbols.*.strategy.max_position", "symbols.*.risk.max_position_qty"]}
CTX = decimal.Context(prec=60, traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow])
BPS_PLACES = Decimal("0.0001")
RATIO_PLACES = Decimal("0.00000001")


class BadInput(Exception):
    """Exit 2 with this message."""


def text(d):
    """Decimal text without exponent or trailing zeros."""
    if d == 0:
        return "0"
    return format(d.normalize(CTX), "f")


def parse_decimal(value, where):
    try:
        d = Decimal(str(value))
    except decimal.InvalidOperation:
        raise BadInput("{}: {!r} is not a decimal".format(where, value)) from None
    if not d.is_finite():
        raise BadInput("{}: {!r} is not a finite decimal".format(where, value))
    return d


# ------------------------------------------------------------------------------------ sets

def paths_matching(cfg, dotted, where):
    """Every concrete key path of `dotted` in cfg (`*`: each key of an object)."""
    out = [([], cfg)]
    for part in dotted.split("."):
        nxt = []
        for path, node in out:
            if not isinstance(node, dict):
                raise BadInput("{}: {} is not an object in the config".format(where, ".".join(path) or "the root"))
            keys = sorted(node) if part == "*" else [part]
            for k in keys:
                if k not in node:
                    raise BadInput("{}: the config has no {}".format(where, ".".join(path + [k])))
                nxt.append((path + [k], node[k]))
        out = nxt
    return [p for p, _ in out]


def set_at(cfg, path, value):
    node = cfg
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value


def typed_like(old, d, where):
    """The new value in the type the config has there (an integer field stays an integer)."""
    if isinstance(old, bool):
        raise BadInput("{}: a switch cannot be swept here".format(where))
    if isinstance(old, int):
        if d != d.to_integral_value():
            raise BadInput("{}: {} is not an integer".format(where, text(d)))
        return int(d)
    if isinstance(old, str):
        return text(d)
    raise BadInput("{}: the config's value there is not a number".format(where))


def apply_set(base, params):
    """The config of one set: `base` with every parameter applied."""
    cfg = copy.deepcopy(base)
    for name in sorted(params):
        where = "parameter {}".format(name)
        d = parse_decimal(params[name], where)
        if name in SCALES:
            if d <= 0:
                raise BadInput("{}: must be > 0, got {}".format(where, params[name]))
            for dotted in SCALES[name]:
                for path in paths_matching(base, dotted, where):
                    old = base
                    for k in path:
                        old = old[k]
                    set_at(cfg, path, typed_like(old, CTX.multiply(parse_decimal(old, where), d), where))
            continue
        for dotted in ALIASES.get(name, [name]):
            for path in paths_matching(base, dotted, where):
                old = base
                for k in path:
                    old = old[k]
                set_at(cfg, path, typed_like(old, d, where))
    return cfg


def grid_sets(grids):
    names, values = [], []
    for g in grids:
        if "=" not in g:
            raise BadInput("--grid: expected NAME=V1,V2,..., got {!r}".format(g))
        name, vals = g.split("=", 1)
        vs = [v for v in vals.split(",") if v != ""]
        if not name or not vs:
            raise BadInput("--grid: expected NAME=V1,V2,..., got {!r}".format(g))
        if name in names:
            raise BadInput("--grid: {} given twice".format(name))
        names.append(name)
        values.append(vs)
    return [dict(zip(names, combo)) for combo in itertools.product(*values)]


def load_sets(path):
    try:
        with open(path, encoding="utf-8") as f:
            sets = json.load(f, parse_float=str, parse_int=str)
    except (OSError, json.JSONDecodeError) as e:
        raise BadInput("--sets {}: {}".format(path, e)) from None
    if not isinstance(sets, list) or not sets or not all(isinstance(s, dict) and s for s in sets):
        raise BadInput("--sets {}: expected a non-empty JSON list of non-empty objects".format(path))
    return sets


# ------------------------------------------------------------------------------------ runs

def run_one(job):
    """One replay; returns (set index, capture index, report path, exit code, last stderr line)."""
    cmd = [job["shadow"], "--config", job["config"], "--feed", "replay:" + job["capture"],
           "--report", job["report"], "--journal", job["journal"], "--log", job["log"]]
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    return job["set"], job["cap"], job["report"], p.returncode, lines[-1] if lines else ""


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_float=Decimal, parse_int=Decimal)


# ------------------------------------------------------------------------------------ table

def markout(reports, key):
    """Fill-weighted average of every symbol's and side's average at this horizon, 4 dp down."""
    total, n = Decimal(0), Decimal(0)
    for r in reports:
        for s in r["symbols"].values():
            for side in s["markouts"].values():
                avg, count = side.get(key + "_bps"), side.get(key + "_fills", 0)
                if avg is not None and count:
                    total = CTX.add(total, CTX.multiply(Decimal(avg), Decimal(count)))
                    n = CTX.add(n, Decimal(count))
    if n == 0:
        return None
    return CTX.divide(total, n).quantize(BPS_PLACES, rounding=decimal.ROUND_FLOOR, context=CTX)


def sharpe(reports):
    changes = []
    for r in reports:
        prev = Decimal(0)
        for v in r["performance"]["net_pnl_at_interval_ends"]:
            d = Decimal(v)
            changes.append(float(d - prev))
            prev = d
    if len(changes) < 2:
        return None
    mean = sum(changes) / len(changes)
    var = sum((c - mean) ** 2 for c in changes) / (len(changes) - 1)
    if var <= 0:
        return None
    return mean / math.sqrt(var)


def row_of(index, params, reports, symbols):
    dec = lambda v: Decimal(v)  # noqa: E731
    placed = sum(dec(r["stats"]["orders_placed"]) for r in reports)
    filled = sum(dec(r["stats"]["orders_filled"]) for r in reports)
    minutes = CTX.divide(sum(dec(r["performance"]["duration_ms"]) for r in reports), Decimal(60000))
    row = {
        "set": index,
        "params": {k: params[k] for k in sorted(params)},
        "net_pnl": text(sum(dec(r["pnl"]["net"]) for r in reports)),
        "fees": text(sum(dec(r["pnl"]["fees"]) for r in reports)),
        "orders": int(placed),
        "fills": int(sum(dec(r["stats"]["fills"]) for r in reports)),
        "fill_ratio": text(CTX.divide(filled, placed).quantize(RATIO_PLACES, rounding=decimal.ROUND_DOWN,
                                                               context=CTX)) if placed else "0",
        "freezes": int(sum(dec(r["risk"]["freeze_events"]) for r in reports)),
        "orders_per_min": text(CTX.divide(placed, minutes).quantize(Decimal("0.01"), rounding=decimal.ROUND_DOWN,
                                                                    context=CTX)) if minutes else "0",
        "markout_1s_bps": None, "markout_10s_bps": None, "sharpe": None,
        "inventory": {},
    }
    m1, m10 = markout(reports, "after_1s"), markout(reports, "after_10s")
    row["markout_1s_bps"] = text(m1) if m1 is not None else None
    row["markout_10s_bps"] = text(m10) if m10 is not None else None
    s = sharpe(reports)
    row["sharpe"] = None if s is None else "{:.4f}".format(s)
    for sym in symbols:
        lo = min(dec(r["symbols"][sym]["inventory_min"]) for r in reports)
        hi = max(dec(r["symbols"][sym]["inventory_max"]) for r in reports)
        row["inventory"][sym] = {"min": text(lo), "max": text(hi)}
    return row


def pick(rows, min_fills):
    """(picked row or None, the reason)."""
    eligible = [r for r in rows if r["freezes"] == 0 and r["fills"] >= min_fills]
    if not eligible:
        return None, "no set ran without a freeze and with at least {} fill(s)".format(min_fills)
    key = lambda r: (float(r["sharpe"]) if r["sharpe"] is not None else -math.inf,  # noqa: E731
                     Decimal(r["net_pnl"]), -r["set"])
    ranked = sorted(eligible, key=key, reverse=True)
    best = ranked[0]
    why = ("set {}: no freeze, {} fills, the highest Sharpe-like ratio of the {} eligible set(s) ({}), "
           "net PnL {}, fees {}, markout 10 s {} bps").format(
        best["set"], best["fills"], len(eligible), best["sharpe"] if best["sharpe"] is not None else "n/a",
        best["net_pnl"], best["fees"], best["markout_10s_bps"] if best["markout_10s_bps"] is not None else "n/a")
    if len(ranked) > 1:
        nxt = ranked[1]
        why += "; next: set {} (Sharpe {}, net PnL {})".format(
            nxt["set"], nxt["sharpe"] if nxt["sharpe"] is not None else "n/a", nxt["net_pnl"])
    excluded = len(rows) - len(eligible)
    if excluded:
        why += "; {} set(s) excluded (a freeze, or fewer than {} fill(s))".format(excluded, min_fills)
    return best, why


def ranks(rows, min_fills):
    eligible = [r for r in rows if r["freezes"] == 0 and r["fills"] >= min_fills]
    key = lambda r: (float(r["sharpe"]) if r["sharpe"] is not None else -math.inf,  # noqa: E731
                     Decimal(r["net_pnl"]), -r["set"])
    order = {r["set"]: i + 1 for i, r in enumerate(sorted(eligible, key=key, reverse=True))}
    for r in rows:
        r["rank"] = order.get(r["set"])


def csv_text(rows, names, symbols):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    head = ["set", "rank"] + names + ["net_pnl", "fees", "orders", "fills", "fill_ratio", "freezes",
                                      "orders_per_min", "markout_1s_bps", "markout_10s_bps", "sharpe"]
    for s in symbols:
        head += ["inv_min_" + s, "inv_max_" + s]
    w.writerow(head)
    for r in rows:
        line = [r["set"], r["rank"] if r["rank"] is not None else ""] + [r["params"].get(n, "") for n in names]
        line += [r[k] if r[k] is not None else "" for k in ("net_pnl", "fees", "orders", "fills", "fill_ratio",
                                                           "freezes", "orders_per_min", "markout_1s_bps",
                                                           "markout_10s_bps", "sharpe")]
        for s in symbols:
            line += [r["inventory"][s]["min"], r["inventory"][s]["max"]]
        w.writerow(line)
    return out.getvalue()


def write_atomic(path, data):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(data)
    os.replace(tmp, path)


# ------------------------------------------------------------------------------------ main

def parse_args(argv):
    p = argparse.ArgumentParser(prog="mmbot-sweep", description=__doc__.split("\n")[0])
    p.add_argument("--capture", action="append", required=True, help="a capture to replay (repeatable)")
    p.add_argument("--grid", action="append", default=[], help="NAME=V1,V2,... (repeatable: the product)")
    p.add_argument("--sets", help="a JSON list of {NAME: value} objects instead of --grid")
    p.add_argument("--config", default="configs/shadow.json", help="the base config (default configs/shadow.json)")
    p.add_argument("--shadow", default="bazel-bin/targets/shadow/mmbot-shadow", help="the mmbot-shadow binary")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="replays at a time (default: cores)")
    p.add_argument("--min-fills", type=int, default=1, help="fills a set needs to be picked (default 1)")
    p.add_argument("--out", required=True, help="directory for sweep.csv, sweep.json and the reports")
    return p.parse_args(argv)


def prepare(args):
    if (not args.grid) == (args.sets is None):
        raise BadInput("give either --grid (one or more) or --sets")
    if args.jobs < 1:
        raise BadInput("--jobs: must be >= 1, got {}".format(args.jobs))
    if args.min_fills < 0:
        raise BadInput("--min-fills: must be >= 0, got {}".format(args.min_fills))
    for c in args.capture:
        if not os.path.isfile(c):
            raise BadInput("--capture {}: no such file".format(c))
    if not (os.path.isfile(args.shadow) and os.access(args.shadow, os.X_OK)):
        raise BadInput("--shadow {}: not an executable file (bazel build //targets/shadow:mmbot-shadow)".format(
            args.shadow))
    try:
        with open(args.config, encoding="utf-8") as f:
            base = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        raise BadInput("--config {}: {}".format(args.config, e)) from None
    sets = grid_sets(args.grid) if args.grid else load_sets(args.sets)
    configs = [apply_set(base, s) for s in sets]
    names = []
    for s in sets:
        names += [n for n in s if n not in names]
    symbols = sorted(base.get("symbols", {}))
    return sets, configs, names, symbols


def main(argv):
    try:
        args = parse_args(argv)
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else EXIT_BAD_INPUT
    try:
        sets, configs, names, symbols = prepare(args)
    except BadInput as e:
        print("mmbot-sweep: {}".format(e), file=sys.stderr)
        return EXIT_BAD_INPUT
    out = os.path.abspath(args.out)
    jobs = []
    for i, cfg in enumerate(configs, start=1):
        d = os.path.join(out, "sets", "{:03}".format(i))
        os.makedirs(d, exist_ok=True)
        write_atomic(os.path.join(d, "config.json"), json.dumps(cfg, indent=2, sort_keys=True) + "\n")
        for c, cap in enumerate(args.capture, start=1):
            run_dir = os.path.join(d, "capture{}".format(c))
            os.makedirs(run_dir, exist_ok=True)
            jobs.append({"shadow": os.path.abspath(args.shadow), "config": os.path.join(d, "config.json"),
                         "capture": os.path.abspath(cap), "report": os.path.join(run_dir, "report.json"),
                         "journal": os.path.join(run_dir, "journal.log"), "log": os.path.join(run_dir, "mmbot.log"),
                         "set": i, "cap": c})
    started = time.monotonic()
    results = {}
    failed = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for s, c, report, rc, last in pool.map(run_one, jobs):
            if rc != 0:
                failed.append("set {} capture {}: mmbot-shadow exited {}: {}".format(s, args.capture[c - 1], rc, last))
            results[(s, c)] = report
    wall = time.monotonic() - started
    if failed:
        for f in failed:
            print("mmbot-sweep: {}".format(f), file=sys.stderr)
        return EXIT_RUN_FAILED
    rows = []
    for i, params in enumerate(sets, start=1):
        reports = [load(results[(i, c)]) for c in range(1, len(args.capture) + 1)]
        rows.append(row_of(i, params, reports, symbols))
    ranks(rows, args.min_fills)
    best, why = pick(rows, args.min_fills)
    table = {
        "captures": [os.path.basename(c) for c in args.capture],
        "config": os.path.basename(args.config),
        "parameters": names,
        "rule": "eligible: no freeze and at least {} fill(s); ranked by sharpe, then net_pnl, then the lower "
                "set number".format(args.min_fills),
        "sets": rows,
        "picked": best["set"] if best else None,
        "why": why,
    }
    write_atomic(os.path.join(out, "sweep.json"), json.dumps(table, indent=2, sort_keys=True) + "\n")
    csv_out = csv_text(rows, names, symbols)
    write_atomic(os.path.join(out, "sweep.csv"), csv_out)
    sys.stdout.write(csv_out)
    print("picked {}".format(why) if best else "picked none: {}".format(why))
    print("mmbot-sweep: {} set(s) x {} capture(s) = {} replays in {:.1f} s wall with --jobs {} "
          "(tables: {}/sweep.csv, sweep.json)".format(len(sets), len(args.capture), len(jobs), wall, args.jobs, out),
          file=sys.stderr)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
