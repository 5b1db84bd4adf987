#!/usr/bin/env python3
"""Verdicts of a soak run (tools/soak/soak.sh; docs/reliability.md), written to soak-summary.json.

    soak_report.py --dir DIR --duration-s N [--warmup-fraction 0.2] [--max-rss-growth-pct 5]
                   [--stall-ms 1000] [--health-window-s 5] [--allow-missing-loop-health]
                   --bot-exit RC --bot-alive-at-end 0|1 [--started-quoting 0|1]
                   --open-at-exit N|-1 --ledger-rc RC
                   [--param KEY=VALUE ...]

Reads DIR/rss.csv (t_s,bot_rss_kb,venue_rss_kb: one sample a second from the bot's start until the
SIGTERM), DIR/bot.log (the bot's JSON log) and DIR/ledger.json (tools/soak/ledger_check.py's
summary). Prints `ok   - ` / `FAIL - ` / `skip - ` lines and exits 1 when a check failed.

Memory: warm-up is the first `warmup-fraction` of the run. base = the sample at the end of the
warm-up (the last one with t <= warm-up); peak = the largest sample after it. Growth =
(peak - base) / base * 100 must be below max-rss-growth-pct. The growth of the last sample over
base is reported too.

Stalls: the bot logs {"msg":"loop_health","turns":N,"max_turn_ms":M} every health-window-s; every
M must be <= stall-ms, and no gap between quoting_started, consecutive loop_health lines and the
stop signal may exceed health-window-s + stall-ms / 1000 (a loop that hangs writes nothing).

Also: the bot started quoting, ran until the SIGTERM, exited 0 with 0 open at exit; the ledger
check passed; market data never went stale (the capture covered the run); the bot kept trading
after the warm-up (orders placed, frozen at most 25 % of that time).
"""

import argparse
import datetime
import json
import os
import sys


def parse_ts(text):
    """ "2026-11-26T17:35:26.383435005Z" -> seconds since the epoch (float)."""
    main, _, frac = text.rstrip("Z").partition(".")
    t = datetime.datetime.strptime(main, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return t.timestamp() + (float("0." + frac) if frac else 0.0)


def read_log(path):
    lines = []
    try:
        with open(path, errors="replace") as f:
            for raw in f:
                try:
                    lines.append(json.loads(raw))
                except ValueError:
                    pass
    except OSError:
        pass
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--duration-s", type=float, required=True)
    ap.add_argument("--warmup-fraction", type=float, default=0.2)
    ap.add_argument("--max-rss-growth-pct", type=float, default=5.0)
    ap.add_argument("--stall-ms", type=int, default=1000)
    ap.add_argument("--health-window-s", type=float, default=5.0)
    ap.add_argument("--allow-missing-loop-health", action="store_true")
    ap.add_argument("--bot-exit", type=int, required=True)
    ap.add_argument("--bot-alive-at-end", type=int, required=True)
    ap.add_argument("--started-quoting", type=int, default=1)
    ap.add_argument("--open-at-exit", type=int, required=True)
    ap.add_argument("--ledger-rc", type=int, required=True)
    ap.add_argument("--param", action="append", default=[])
    a = ap.parse_args()

    checks = []

    def check(ok, name, detail=""):
        checks.append({"check": name, "ok": bool(ok), "detail": detail})
        print(("ok   - " if ok else "FAIL - ") + name + (f": {detail}" if detail else ""))

    def skip(name, detail):
        checks.append({"check": name, "ok": None, "detail": detail})
        print(f"skip - {name}: {detail}")

    # ------------------------------------------------------------------------------- the bot
    check(a.started_quoting == 1, "the bot started quoting (quoting_started within 30 s)")
    check(a.bot_alive_at_end == 1, "the bot ran the whole soak (no exit of its own)")
    check(a.bot_exit == 0, "the bot exits 0 after SIGTERM", f"exit {a.bot_exit}")
    check(a.open_at_exit == 0, "the bot says 0 open at exit",
          f"{a.open_at_exit if a.open_at_exit >= 0 else 'no summary line'}")

    # ---------------------------------------------------------------------------- the ledger
    ledger = {}
    try:
        with open(os.path.join(a.dir, "ledger.json")) as f:
            ledger = json.load(f)
    except (OSError, ValueError):
        pass
    check(a.ledger_rc == 0 and ledger.get("failed_checks") == 0,
          "no lost, unjournaled or duplicated order; 0 open at the venue and in the journal",
          f"ledger_check exit {a.ledger_rc}; venue {ledger.get('venue_orders')} orders, "
          f"journal {ledger.get('journal_orders')} orders, {ledger.get('journal_fills')} fills, "
          f"{ledger.get('duplicate_link_rejects')} duplicate creates refused")

    # -------------------------------------------------------------------------------- memory
    samples = []
    try:
        with open(os.path.join(a.dir, "rss.csv")) as f:
            next(f, None)
            for row in f:
                parts = row.strip().split(",")
                if len(parts) >= 2 and parts[1]:
                    samples.append((float(parts[0]), int(parts[1]),
                                    int(parts[2]) if len(parts) > 2 and parts[2] else None))
    except (OSError, ValueError):
        pass
    warmup_s = a.duration_s * a.warmup_fraction
    before = [s for s in samples if s[0] <= warmup_s]
    after = [s for s in samples if s[0] > warmup_s]
    rss = {"samples": len(samples), "warmup_s": round(warmup_s, 1),
           "max_growth_pct_allowed": a.max_rss_growth_pct}
    if before and after:
        base = before[-1][1]
        peak = max(s[1] for s in after)
        end = after[-1][1]
        growth = (peak - base) * 100.0 / base
        rss.update({"base_kb": base, "base_t_s": before[-1][0], "peak_after_warmup_kb": peak,
                    "end_kb": end, "min_kb": min(s[1] for s in samples),
                    "max_kb": max(s[1] for s in samples),
                    "growth_peak_pct": round(growth, 3),
                    "growth_end_pct": round((end - base) * 100.0 / base, 3)})
        venue = [s[2] for s in samples if s[2] is not None]
        if venue:
            rss["venue_first_kb"], rss["venue_last_kb"] = venue[0], venue[-1]
        check(growth < a.max_rss_growth_pct,
              f"bot RSS growth after warm-up < {a.max_rss_growth_pct:g} %",
              f"base {base} kB at t={before[-1][0]:.0f} s, peak after {peak} kB, "
              f"growth {growth:.2f} % (end {end} kB, {rss['growth_end_pct']:.2f} %)")
    else:
        check(False, "bot RSS growth after warm-up", f"not enough samples ({len(samples)})")

    # ------------------------------------------------------------------------- loop health
    log = read_log(os.path.join(a.dir, "bot.log"))
    health = [x for x in log if x.get("msg") == "loop_health"]
    quoting = [x for x in log if x.get("msg") == "quoting_started"]
    signal = [x for x in log if x.get("msg") == "signal"]
    lh = {"lines": len(health)}
    if not health and a.allow_missing_loop_health:
        skip("loop never stalls", "this mmbot-testnet logs no loop_health lines; tolerated "
             "(SOAK_ALLOW_NO_LOOP_HEALTH=1)")
    elif not health:
        check(False, "loop never stalls", "no loop_health line in the bot's log (set "
              "SOAK_ALLOW_NO_LOOP_HEALTH=1 for a binary that predates it)")
    else:
        worst = max(int(x.get("max_turn_ms", 0)) for x in health)
        stalls = [x for x in health if int(x.get("max_turn_ms", 0)) > a.stall_ms]
        marks = [parse_ts(x["ts"]) for x in quoting[:1] + health + signal[:1]]
        gaps = [b - c for c, b in zip(marks, marks[1:])]
        max_gap = max(gaps) if gaps else 0.0
        allowed_gap = a.health_window_s + a.stall_ms / 1000.0
        lh.update({"max_turn_ms": worst, "windows_over_limit": len(stalls),
                   "max_gap_between_lines_s": round(max_gap, 3),
                   "turns_min": min(int(x.get("turns", 0)) for x in health),
                   "turns_max": max(int(x.get("turns", 0)) for x in health)})
        check(not stalls, f"loop never stalls: max_turn_ms <= {a.stall_ms} in every window",
              f"{len(health)} windows, worst {worst} ms, {len(stalls)} over")
        check(max_gap <= allowed_gap, "loop_health lines keep coming (no silent hang)",
              f"largest gap {max_gap:.1f} s (limit {allowed_gap:.1f} s)")

    # --------------------------------------------------------------------- market data, misc
    stale = [x for x in log if x.get("msg") == "quotes_pulled" and x.get("reason") == "stale_market_data"]
    check(not stale, "market data never went stale (the capture covers the run)",
          f"{len(stale)} quotes_pulled stale_market_data")
    # Trading, not frozen: a freeze (risk guard) stops quoting; the soak is only realistic if the
    # bot spends most of the measured period quoting.
    t_quote = parse_ts(quoting[0]["ts"]) if quoting else None
    t_end = parse_ts(signal[0]["ts"]) if signal else (parse_ts(log[-1]["ts"]) if log and "ts" in log[-1] else None)
    frozen_s, frozen_after_s, freezes, since = 0.0, 0.0, 0, None
    measured_from = (t_quote + warmup_s) if t_quote is not None else None
    for x in log:
        if x.get("msg") != "state_transition" or "ts" not in x:
            continue
        t = parse_ts(x["ts"])
        if x.get("to") == "FREEZE" and since is None:
            since, freezes = t, freezes + 1
        elif x.get("to") != "FREEZE" and since is not None:
            frozen_s += t - since
            if measured_from is not None:
                frozen_after_s += max(0.0, t - max(since, measured_from))
            since = None
    if since is not None and t_end is not None:
        frozen_s += t_end - since
        if measured_from is not None:
            frozen_after_s += max(0.0, t_end - max(since, measured_from))
    measured_s = (t_end - measured_from) if (t_end is not None and measured_from is not None) else 0.0
    frozen_share = frozen_after_s / measured_s if measured_s > 0 else 1.0
    news_after = 0
    try:
        with open(os.path.join(a.dir, "journal.log"), errors="replace") as f:
            for row in f:
                p = row.split("\t")
                if len(p) > 3 and p[1] == "new" and measured_from is not None and \
                        int(p[2]) / 1e9 >= measured_from:
                    news_after += 1
    except (OSError, ValueError):
        pass
    trading = {"freezes": freezes, "frozen_s": round(frozen_s, 1),
               "frozen_share_after_warmup": round(frozen_share, 3),
               "orders_after_warmup": news_after}
    check(frozen_share <= 0.25 and news_after > 0,
          "the bot kept trading after warm-up (frozen <= 25 % of the time, orders placed)",
          f"{news_after} orders, {freezes} freeze(s), frozen {frozen_share * 100:.0f} % of the period")

    counts = {}
    for x in log:
        if x.get("level") in ("WARN", "ERROR"):
            counts[x.get("msg", "?")] = counts.get(x.get("msg", "?"), 0) + 1

    failed = [c for c in checks if c["ok"] is False]
    params = dict(p.split("=", 1) for p in a.param if "=" in p)
    summary = {
        "ok": not failed, "failed_checks": len(failed), "duration_s": a.duration_s, "params": params,
        "checks": checks, "rss": rss, "loop_health": lh, "ledger": ledger, "trading": trading,
        "bot": {"exit": a.bot_exit, "open_at_exit": a.open_at_exit,
                "alive_at_end": a.bot_alive_at_end == 1, "warnings_and_errors": counts},
    }
    with open(os.path.join(a.dir, "soak-summary.json"), "w") as f:
        json.dump(summary, f, indent=2, sort_keys=True)
        f.write("\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
