"""Expected outcomes of the risk scenarios (docs/scenarios.md), checked from what a user sees:
the report, the JSON log and the journal of one mmbot-shadow replay.

    python3 checks.py <scenario> <work dir holding report.json, mmbot.log, journal.log>
"""
import calendar
import json
import sys
import time
from decimal import Decimal


def log_ns(ts):
    """A log timestamp ("2026-08-09T21:20:00.422000000Z") as journal nanoseconds since the epoch."""
    seconds, fraction = ts.rstrip("Z").split(".")
    return calendar.timegm(time.strptime(seconds, "%Y-%m-%dT%H:%M:%S")) * 10**9 + int(fraction)


def load(work):
    report = json.load(open(f"{work}/report.json"))
    log = [json.loads(line) for line in open(f"{work}/mmbot.log")]
    journal = [line.rstrip("\n").split("\t") for line in open(f"{work}/journal.log")][1:]
    return report, log, journal


def placed_while_at_cap(journal, side, cap):
    """Orders on `side` journaled while the position already stood at `cap` on that side."""
    position = Decimal(0)
    bad = []
    for rec in journal:
        kind = rec[1]
        if kind == "fill":
            qty = Decimal(rec[8])
            position += qty if rec[6] == "Buy" else -qty
        elif kind == "new" and rec[5] == side:
            at_cap = position >= cap if side == "Buy" else position <= -cap
            if at_cap:
                bad.append(rec[3])
    return bad, position


def check(results, what, ok, detail=""):
    results.append(ok)
    print(f"{'ok  ' if ok else 'FAIL'} - {what}{'' if ok else ': ' + detail}")


def flash_crash(report, log, journal, results):
    risk = report["risk"]
    check(results, "the loss limit froze the bot", risk["freeze_triggered"] and
          risk["last_freeze_reason"] == "loss_limit", json.dumps(risk))
    check(results, "the freeze is logged", any(e.get("msg") == "freeze" for e in log))
    freeze = next((e for e in log if e.get("msg") == "freeze"), None)
    freeze_ns = log_ns(freeze["ts"]) if freeze else 0
    new_after = [r[3] for r in journal if r[1] == "new" and int(r[2]) > freeze_ns]
    check(results, "no order journaled after the freeze", not new_after, ", ".join(new_after[:5]))
    check(results, "cancel-all was sent", any(e.get("msg") == "cancel_all" for e in log))
    check(results, "the loss is bounded by limit + one crash step",
          Decimal(report["pnl"]["net"]) > Decimal("-400"), report["pnl"]["net"])


def one_sided_flow(report, log, journal, results):
    sym = report["symbols"]["BTCUSDT"]
    cap = Decimal("0.1")
    check(results, "the report shows a long position", Decimal(sym["inventory"]) > 0, sym["inventory"])
    bad, _ = placed_while_at_cap(journal, "Buy", cap)
    check(results, "no bid was sent while long at the cap", not bad, ", ".join(bad[:5]))
    reached = False
    position = Decimal(0)
    sells_at_cap = 0
    for rec in journal:
        if rec[1] == "fill":
            qty = Decimal(rec[8])
            position += qty if rec[6] == "Buy" else -qty
            reached = reached or position >= cap
        elif rec[1] == "new" and rec[5] == "Sell" and position >= cap:
            sells_at_cap += 1
    check(results, "the position hit the cap during the flow", reached)
    check(results, "the ask side kept quoting at the cap", sells_at_cap > 0, str(sells_at_cap))
    check(results, "no freeze: a full inventory is not an emergency",
          not report["risk"]["freeze_triggered"], json.dumps(report["risk"]))


# The scenario tests generate their capture with --minutes 6 --event-after-s 120 from the model's
# default start (tools/sample_gen/sample_model.hpp): the event window in journal nanoseconds.
START_NS = 1786310400000 * 10**6
EVENT_NS = START_NS + 120 * 10**9


def feed_stall(report, log, journal, results):
    stall_end = EVENT_NS + 30 * 10**9
    stale_after = 5 * 10**9
    pulled = [e for e in log if e.get("msg") == "quotes_pulled"]
    check(results, "resting quotes were pulled when the book went stale",
          any(e["reason"] == "stale_market_data" and e["symbol"] == "BTCUSDT" and e["book_age_ms"] > 5000
              for e in pulled), json.dumps(pulled[:2]))
    during = [r[3] for r in journal if r[1] == "new" and EVENT_NS + stale_after < int(r[2]) < stall_end]
    check(results, "no order sent while the book was stale", not during, ", ".join(during[:5]))
    after = [r for r in journal if r[1] == "new" and int(r[2]) >= stall_end]
    check(results, "quoting resumed when the book came back", len(after) > 0)
    not_ready = [e for e in log if e.get("msg") == "readiness" and e.get("ready") is False]
    check(results, "/ready turned 503 with market_data_stale:BTCUSDT",
          any("market_data_stale:BTCUSDT" in e.get("reasons", "") and EVENT_NS <= log_ns(e["ts"]) < stall_end
              for e in not_ready), json.dumps(not_ready[:2]))
    ready_again = [e for e in log if e.get("msg") == "readiness" and e.get("ready") is True
                   and log_ns(e["ts"]) >= stall_end]
    check(results, "/ready turned 200 again after the stall", len(ready_again) > 0)
    check(results, "a stale book blocks, it does not freeze", not report["risk"]["freeze_triggered"],
          json.dumps(report["risk"]))


def venue_outage(report, log, journal, results):
    outage_end = EVENT_NS + 30 * 10**9
    risk = report["risk"]
    check(results, "the silent venue froze the bot (venue_latency)", risk["freeze_triggered"] and
          risk["last_freeze_reason"] == "venue_latency", json.dumps(risk))
    freeze = next((e for e in log if e.get("msg") == "freeze"), None)
    freeze_ns = log_ns(freeze["ts"]) if freeze else 0
    check(results, "the freeze came during the outage", EVENT_NS < freeze_ns < outage_end,
          json.dumps(freeze))
    new_after = [r[3] for r in journal if r[1] == "new" and int(r[2]) > freeze_ns]
    check(results, "no order journaled after the freeze", not new_after, ", ".join(new_after[:5]))
    retries = [e for e in log if e.get("msg") == "cancel_retry" and e.get("cancel_all_symbols", 0) >= 1]
    during = [e for e in retries if freeze_ns <= log_ns(e["ts"]) < outage_end]
    check(results, "cancel-all was retried during the outage", len(during) >= 2, json.dumps(retries[:3]))
    # Every order open when the venue came back is closed within the longest backoff (8 s) plus
    # the venue's latency: live ones by a retried cancel-all, ones lost in the outage by the
    # venue's late "never placed" reject.
    closed = {r[3] for r in journal if r[1] in ("cancel", "reject", "fill") and int(r[2]) <= outage_end}
    opened = [r[3] for r in journal if r[1] == "new" and int(r[2]) <= outage_end]
    open_at_end = [o for o in opened if o not in closed]
    window = outage_end + 9 * 10**9
    final = {r[3]: r[1] for r in journal if r[1] in ("cancel", "reject") and outage_end < int(r[2]) <= window}
    late = [o for o in open_at_end if o not in final]
    cancelled = [o for o in open_at_end if final.get(o) == "cancel"]
    check(results, "orders open at the outage's end were closed once it ended",
          len(open_at_end) > 0 and not late, f"open {open_at_end}, not closed {late}")
    check(results, "resting orders were cancelled by a retried cancel-all", len(cancelled) > 0,
          f"final states {final}")
    check(results, "the report counts the retries", report["stats"]["cancel_retries"] > 0,
          json.dumps(report["stats"]))
    check(results, "nothing left open at the end", report["stats"]["open_orders_at_end"] == 0,
          json.dumps(report["stats"]))


def spread_collapse(report, log, journal, results):
    risk = report["risk"]
    check(results, "the edge floor froze the bot (edge_below_threshold)", risk["freeze_triggered"] and
          risk["last_freeze_reason"] == "edge_below_threshold", json.dumps(risk))
    freeze = next((e for e in log if e.get("msg") == "freeze"), None)
    freeze_ns = log_ns(freeze["ts"]) if freeze else 0
    check(results, "the freeze is logged", freeze is not None)
    check(results, "the edge it saw was under the floor",
          freeze is not None and Decimal(freeze["observed"]) < Decimal(freeze["limit"]), json.dumps(freeze))
    check(results, "no freeze before the spread collapsed", freeze_ns > EVENT_NS, json.dumps(freeze))
    before = [r[3] for r in journal if r[1] == "new" and int(r[2]) < EVENT_NS]
    check(results, "the bot quoted normally before the event", len(before) > 0, str(len(before)))
    new_after = [r[3] for r in journal if r[1] == "new" and int(r[2]) > freeze_ns]
    check(results, "no order journaled after the freeze", not new_after, ", ".join(new_after[:5]))
    check(results, "cancel-all was sent", any(e.get("msg") == "cancel_all" for e in log))


SCENARIOS = {"flash_crash": flash_crash, "one_sided_flow": one_sided_flow, "feed_stall": feed_stall,
             "venue_outage": venue_outage, "spread_collapse": spread_collapse}


def main():
    name, work = sys.argv[1], sys.argv[2]
    report, log, journal = load(work)
    results = []
    SCENARIOS[name](report, log, journal, results)
    failed = results.count(False)
    print(f"{name}: {len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
