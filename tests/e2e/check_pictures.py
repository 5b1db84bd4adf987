#!/usr/bin/env python3
"""Checks what chromium rendered (its --dump-dom output) against the run's JSON report.

  check_pictures.py report DOM.html REPORT.json   the HTML run report
  check_pictures.py status DOM.html               the live /status page, after its script ran

Prints one line per check and exits 1 on any failure.
"""
import json
import sys
from html.parser import HTMLParser


class Dom(HTMLParser):
    """The elements the checks read, with their attributes and text."""

    def __init__(self):
        super().__init__()
        self.cells = {}          # data-key -> text
        self.sections = {}       # symbol -> {"fills": {side: n}, "quotes": raw points, "lines": [buckets]}
        self.ids = {}            # id -> text
        self.rows = {}           # table id -> rows in its tbody
        self.bars = 0
        self.body = {}
        self._section = None
        self._key = None
        self._id = None
        self._table = None
        self._in_tbody = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = a.get("class", "")
        if tag == "body":
            self.body = a
        if tag == "section" and "data-symbol" in a:
            self._section = self.sections.setdefault(a["data-symbol"], {"fills": {}, "quotes": 0, "lines": []})
        if "data-key" in a:
            self._key = a["data-key"]
            self.cells[self._key] = ""
        if "id" in a:
            self._id = a["id"]
            self.ids[self._id] = ""
            if tag == "table":
                self._table = a["id"]
                self.rows[self._table] = 0
        if tag == "tbody":
            self._in_tbody = True
        if tag == "tr" and self._in_tbody and self._table:
            self.rows[self._table] += 1
        if tag == "span" and cls == "bar":
            self.bars += 1
        if self._section is not None:
            if tag == "circle" and cls.startswith("fill "):
                side = cls.split()[1]
                self._section["fills"][side] = self._section["fills"].get(side, 0) + 1
            if tag == "g" and cls.startswith("quote "):
                self._section["quotes"] += int(a["data-raw"])
            if tag == "polyline":
                self._section["lines"].append(int(a["data-buckets"]))

    def handle_endtag(self, tag):
        if tag == "section":
            self._section = None
        if tag == "tbody":
            self._in_tbody = False
        if tag == "table":
            self._table = None
        if tag in ("td", "th"):
            self._key = None
        if tag == "span" or tag == "div":
            self._id = None

    def handle_data(self, data):
        if self._key is not None:
            self.cells[self._key] += data
        if self._id is not None:
            self.ids[self._id] += data


def json_text(report, path):
    v = report
    for k in path.split("."):
        v = v.get(k) if isinstance(v, dict) else None
    if v is None:
        return "none"
    if isinstance(v, str):
        return v
    return json.dumps(v)


failures = 0


def check(what, ok):
    global failures
    print(("ok   - " if ok else "FAIL - ") + what)
    failures += 0 if ok else 1


def check_report(dom, report):
    check(f"the summary has cells ({len(dom.cells)})", len(dom.cells) >= 20)
    for key, text in sorted(dom.cells.items()):
        want = json_text(report, key)
        check(f"summary {key} = {want}", text == want)
    check("a section per symbol", sorted(dom.sections) == sorted(report["symbols"]))
    for sym, sec in sorted(dom.sections.items()):
        s = report["symbols"][sym]
        drawn = sum(sec["fills"].values())
        check(f"{sym}: {drawn} fill markers = its {s['fills']} fills", drawn == s["fills"])
        check(f"{sym}: {sec['quotes']} quote points = its {s['orders_placed']} orders placed",
              sec["quotes"] == s["orders_placed"])
        check(f"{sym}: 6 lines (bid, ask, mid, inventory, realized, net)", len(sec["lines"]) == 6)
        check(f"{sym}: every line has points, none over the 2048-bucket cap {sec['lines']}",
              all(0 < n <= 2048 for n in sec["lines"][:3]) and all(n <= 2048 for n in sec["lines"]))


def check_status(dom):
    state = dom.ids.get("state", "")
    check(f"state shown ({state})", state in ("RUNNING", "FREEZE", "SHUTDOWN", "INIT"))
    check(f"the page refreshed from /status.json ({dom.body.get('data-updates')} updates)",
          int(dom.body.get("data-updates", "0")) >= 1)
    check(f"a position row per symbol ({dom.rows.get('positions')})", dom.rows.get("positions", 0) == 2)
    check(f"risk limits with headroom bars ({dom.bars})", dom.bars >= 8)
    check(f"open orders listed ({dom.rows.get('orders')})", dom.rows.get("orders", 0) >= 1)


def main():
    kind, dom_path = sys.argv[1], sys.argv[2]
    dom = Dom()
    with open(dom_path, encoding="utf-8") as f:
        dom.feed(f.read())
    if kind == "report":
        with open(sys.argv[3], encoding="utf-8") as f:
            check_report(dom, json.load(f))
    else:
        check_status(dom)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
