#!/usr/bin/env python3
"""Venue ledger vs order journal: were orders lost, sent unjournaled or duplicated?

    ledger_check.py --orders admin_orders.json --journal journal.log [--expect-closed]
                    [--foreign-prefix stray-] [--summary out.json]

--orders is the local venue's GET /admin/orders answer (every order it ever accepted, open or
closed, and the orderLinkIds of the creates it refused as duplicates: Bybit's 110072, Binance's
-4116); --journal is the bot's order journal (docs/journal.md). Prints one `ok   - ...` /
`FAIL - ...` line per check, like the e2e scripts, and exits 1 when any check fails (2 on
unreadable input). Checks:

  * every order the venue accepted has a non-empty orderLinkId, and none appears twice;
  * every one of them (except ids starting with a --foreign-prefix: orders a test placed behind
    the bot's back) has a `new` record in the journal: nothing was sent unjournaled;
  * its symbol, side, price and qty on the venue are those of that `new` record (a venue order
    was not mistaken for a journal order with the same id);
  * no orderLinkId has two `new` records and no execId two `fill` records in the journal;
  * no `ack` follows a `reject` of the same order in the journal: the bot never declared an order
    dead (e.g. "not found" while its create was still on the way) that the venue then accepted;
  * every create the venue refused as a duplicate orderLinkId (110072; -4116 on Binance) names
    an order the venue accepted once and the journal holds: the same journal order created twice, refused, and no
    second order at the venue;
  * the fills the journal holds for an order add up to the venue's cumExecQty (no lost fill);
  * with --expect-closed (after an orderly stop): no order open at the venue (zero orphans) and
    none open in the journal (a `new` without cancel / reject / full fill).
Journal lines that do not parse (a torn last line after kill -9) are counted and skipped.
"""

import argparse
import json
import sys
from decimal import Decimal, InvalidOperation

OPEN_STATUSES = {"Created", "New", "PartiallyFilled", "Untriggered"}


def read_journal(path):
    """{link: new fields}, [(link, exec_id, qty)], closed links, skipped line count."""
    news, new_counts, fills, closed, skipped = {}, {}, [], set(), 0
    rejected, acked_after_reject = set(), []
    with open(path, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    elif lines:
        lines.pop()  # no final LF: a torn record
        skipped += 1
    for raw in lines[1:]:  # lines[0] is the header "mmbot-journal 2 env=..." (or "mmbot-journal 1")
        parts = raw.decode("utf-8", "replace").split("\t")
        if len(parts) < 5:
            skipped += 1
            continue
        kind, fields = parts[1], parts[3:-1]
        try:
            if kind == "new":
                link, symbol, side, price, qty = fields[:5]
                new_counts[link] = new_counts.get(link, 0) + 1
                news.setdefault(link, {"symbol": symbol, "side": side, "price": Decimal(price),
                                       "qty": Decimal(qty)})
            elif kind == "fill":
                fills.append((fields[0], fields[1], Decimal(fields[5])))
            elif kind in ("cancel", "reject"):
                closed.add(fields[0])
                if kind == "reject":
                    rejected.add(fields[0])
            elif kind == "ack" and fields[0] in rejected:
                acked_after_reject.append(f"{fields[0]} (seq {parts[0]})")
        except (ValueError, IndexError, InvalidOperation):
            skipped += 1
    return news, new_counts, fills, closed, skipped, acked_after_reject


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", required=True)
    ap.add_argument("--journal", required=True)
    ap.add_argument("--expect-closed", action="store_true")
    ap.add_argument("--foreign-prefix", action="append", default=[])
    ap.add_argument("--summary")
    a = ap.parse_args()
    try:
        with open(a.orders) as f:
            ledger = json.load(f)
        venue = ledger["orders"]
        news, new_counts, fills, closed, skipped, acked_after_reject = read_journal(a.journal)
    except (OSError, ValueError, KeyError) as e:
        print(f"FAIL - ledger_check: cannot read input: {e}")
        return 2

    fails = 0

    def check(ok, what, detail=()):
        nonlocal fails
        print(("ok   - " if ok else "FAIL - ") + what)
        if not ok:
            fails += 1
            for d in list(detail)[:10]:
                print(f"       {d}")

    def foreign(link):
        return any(link.startswith(p) for p in a.foreign_prefix)

    seen, twice, empty = {}, [], []
    for o in venue:
        link = o.get("orderLinkId", "")
        if not link:
            empty.append(o.get("orderId"))
        elif link in seen:
            twice.append(link)
        seen[link] = o
    bot = {k: o for k, o in seen.items() if k and not foreign(k)}
    n_foreign = sum(1 for k in seen if k and foreign(k))
    check(not empty and not twice,
          f"venue: {len(venue)} orders accepted ({n_foreign} foreign), every orderLinkId set and unique",
          [f"no orderLinkId: orderId {x}" for x in empty] + [f"twice: {x}" for x in twice])

    unjournaled = [k for k in bot if k not in news]
    check(not unjournaled, f"every venue order is in the journal ({len(bot)} checked)",
          [f"not journaled: {k} {bot[k].get('symbol')} {bot[k].get('side')} {bot[k].get('price')}"
           for k in unjournaled])

    differ = []
    for k, o in bot.items():
        j = news.get(k)
        if j is None:
            continue
        try:
            same = (o["symbol"] == j["symbol"] and o["side"] == j["side"] and
                    Decimal(o["price"]) == j["price"] and Decimal(o["qty"]) == j["qty"])
        except (KeyError, InvalidOperation):
            same = False
        if not same:
            differ.append(f"{k}: venue {o.get('symbol')} {o.get('side')} {o.get('qty')}@{o.get('price')}"
                          f", journal {j['symbol']} {j['side']} {j['qty']}@{j['price']}")
    check(not differ, "venue orders match their journal `new` records (symbol, side, price, qty)", differ)

    dup_new = [k for k, n in new_counts.items() if n > 1]
    exec_seen, dup_exec = set(), []
    for link, exec_id, _ in fills:
        if (link, exec_id) in exec_seen:
            dup_exec.append(f"{link} {exec_id}")
        exec_seen.add((link, exec_id))
    check(not dup_new and not dup_exec,
          f"journal: {len(news)} orders, {len(fills)} fills, no order or execId recorded twice",
          [f"new twice: {k}" for k in dup_new] + [f"fill twice: {x}" for x in dup_exec])

    check(not acked_after_reject,
          "journal: no order acknowledged by the venue after the bot recorded it rejected",
          [f"ack after reject: {x}" for x in acked_after_reject])

    dup_ids = ledger.get("duplicate_link_ids")
    n_dup = int(ledger.get("duplicate_link_rejects", 0))
    if dup_ids is None:
        # A venue without the id list: only the count can be reported.
        check(True, f"venue refused {n_dup} duplicate create(s); ids not listed by this venue")
        unaccounted = []
    else:
        unaccounted = [k for k in dup_ids if k not in bot or k not in news]
        check(not unaccounted and len(dup_ids) == n_dup,
              f"venue refused {n_dup} duplicate create(s), each a re-send of one journaled "
              f"order the venue holds once",
              [f"unaccounted duplicate: {k}" for k in unaccounted])

    filled = {}
    for link, _, qty in fills:
        filled[link] = filled.get(link, Decimal(0)) + qty
    fill_diff = []
    for k, o in bot.items():
        try:
            venue_qty = Decimal(o.get("cumExecQty", "0"))
        except InvalidOperation:
            venue_qty = Decimal(-1)
        if filled.get(k, Decimal(0)) != venue_qty:
            fill_diff.append(f"{k}: venue cumExecQty {o.get('cumExecQty')}, journal fills {filled.get(k, 0)}")
    venue_fills = sum(1 for o in bot.values() if Decimal(o.get("cumExecQty", "0") or "0") > 0)
    check(not fill_diff, f"journal fills match the venue's cumExecQty ({venue_fills} orders with fills)",
          fill_diff)

    venue_open = [k for k, o in seen.items() if o.get("status") in OPEN_STATUSES]
    journal_open = [k for k, j in news.items()
                    if k not in closed and filled.get(k, Decimal(0)) < j["qty"]]
    never_sent = sum(1 for k in news if k not in seen)
    if a.expect_closed:
        check(not venue_open, f"venue: 0 orders open (zero orphans), got {len(venue_open)}",
              [f"open: {k} {seen[k].get('symbol')} {seen[k].get('status')}" for k in venue_open])
        check(not journal_open, f"journal: 0 orders open after the stop, got {len(journal_open)}",
              [f"open in journal: {k}" for k in journal_open])

    summary = {
        "venue_orders": len(venue), "venue_foreign_orders": n_foreign,
        "venue_open": len(venue_open), "venue_orders_with_fills": venue_fills,
        "journal_orders": len(news), "journal_fills": len(fills), "journal_open": len(journal_open),
        "journal_never_on_venue": never_sent, "journal_unparsed_lines": skipped,
        "unjournaled": len(unjournaled), "mismatched": len(differ),
        "duplicate_link_rejects": n_dup, "duplicate_unaccounted": len(unaccounted),
        "fill_mismatches": len(fill_diff), "acked_after_reject": len(acked_after_reject),
        "failed_checks": fails,
    }
    print("   ledger: " + json.dumps(summary, sort_keys=True))
    if a.summary:
        with open(a.summary, "w") as f:
            json.dump(summary, f, sort_keys=True, indent=2)
            f.write("\n")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
