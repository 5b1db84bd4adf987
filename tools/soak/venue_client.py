#!/usr/bin/env python3
"""A small client of mmbot-local-venue for the reliability scripts (docs/reliability.md).

    venue_client.py --port P --ca cert.pem orders [--out FILE]
        GET /admin/orders (test-only endpoint): every order the venue ever accepted, and the
        creates it refused with 110072. Written to FILE (atomically) or stdout.
    venue_client.py --port P --ca cert.pem open [--prefix P]
        How many orders are open at the venue now (ledger_check's open statuses), only those
        whose orderLinkId starts with P when given: one number on stdout.
    venue_client.py --port P --ca cert.pem faults [--out FILE]
        GET /admin/fault: the fault rules and how often each fired.
    venue_client.py --port P --ca cert.pem --credentials creds place LINK SYMBOL SIDE PRICE QTY
        A signed POST /v5/order/create (PostOnly): an order placed behind the bot's back, which
        its next reconcile must cancel as an orphan. Retried through injected faults (503,
        disconnects); a 110072 on a retry means the first attempt got through.
    venue_client.py ... --binance place LINK SYMBOL SIDE - QTY
        The same on a venue started with --protocol binance: a signed POST /fapi/v1/order (LIMIT
        GTX, newClientOrderId LINK); PRICE "-" prices it 2 % below the best bid (bookTicker),
        inside Binance's PERCENT_PRICE band. -4116 on a retry means the first attempt got through.

The credentials file is the venue's: two lines (key, secret) or {"api_key":..,"api_secret":..}.
TLS is verified against --ca. Exit 0 on success, 1 otherwise (the reason on stderr).
"""

import argparse
import hashlib
import hmac
import http.client
import json
import os
import ssl
import sys
import time
from decimal import ROUND_DOWN, Decimal
from urllib.parse import urlencode

from ledger_check import OPEN_STATUSES  # beside this script: one definition of "open"


def connect(port, ca):
    ctx = ssl.create_default_context(cafile=ca)
    return http.client.HTTPSConnection("localhost", port, context=ctx, timeout=10)


def read_credentials(path):
    with open(path) as f:
        text = f.read().strip()
    if text.startswith("{"):
        o = json.loads(text)
        return o["api_key"], o["api_secret"]
    lines = text.splitlines()
    return lines[0].strip(), lines[1].strip()


def fetch_admin(a, path):
    """GET a test-only admin endpoint: (raw body, parsed JSON), retried through injected faults."""
    last = None
    for _ in range(5):
        try:
            c = connect(a.port, a.ca)
            c.request("GET", path)
            r = c.getresponse()
            body = r.read()
            if r.status != 200:
                raise RuntimeError(f"HTTP {r.status}: {body[:200]!r}")
            return body, json.loads(body)
        except (OSError, ValueError, RuntimeError, http.client.HTTPException) as e:
            last = e
            time.sleep(0.2)
    raise RuntimeError(f"GET {path} failed: {last}")


def get_admin(a, path):
    try:
        body, _ = fetch_admin(a, path)
    except RuntimeError as e:
        print(f"venue_client: {e}", file=sys.stderr)
        return 1
    if a.out:
        tmp = a.out + ".tmp"
        with open(tmp, "wb") as f:
            f.write(body)
        os.replace(tmp, a.out)
    else:
        sys.stdout.buffer.write(body + b"\n")
    return 0


def count_open(a):
    try:
        _, doc = fetch_admin(a, "/admin/orders")
    except RuntimeError as e:
        print(f"venue_client: {e}", file=sys.stderr)
        return 1
    print(sum(1 for o in doc["orders"]
              if o["status"] in OPEN_STATUSES and o["orderLinkId"].startswith(a.prefix)))
    return 0


def place(a):
    key, secret = read_credentials(a.credentials)
    body = json.dumps({"category": "linear", "symbol": a.symbol, "side": a.side,
                       "orderType": "Limit", "qty": a.qty, "price": a.price,
                       "timeInForce": "PostOnly", "orderLinkId": a.link}, separators=(",", ":"))
    last = None
    for attempt in range(8):
        try:
            ts, rw = str(int(time.time() * 1000)), "5000"
            sign = hmac.new(secret.encode(), (ts + key + rw + body).encode(), hashlib.sha256).hexdigest()
            c = connect(a.port, a.ca)
            c.request("POST", "/v5/order/create", body,
                      {"X-BAPI-API-KEY": key, "X-BAPI-TIMESTAMP": ts, "X-BAPI-RECV-WINDOW": rw,
                       "X-BAPI-SIGN": sign, "Content-Type": "application/json"})
            r = c.getresponse()
            reply = r.read()
            if r.status != 200:
                raise RuntimeError(f"HTTP {r.status}")
            code = json.loads(reply).get("retCode")
            if code == 0 or (code == 110072 and attempt > 0):
                return 0
            raise RuntimeError(f"retCode {code}: {reply[:200]!r}")
        except (OSError, ValueError, RuntimeError, http.client.HTTPException) as e:
            last = e
            time.sleep(0.2)
    print(f"venue_client: create {a.link} failed: {last}", file=sys.stderr)
    return 1


def place_binance(a):
    key, secret = read_credentials(a.credentials)
    last = None
    for attempt in range(8):
        try:
            c = connect(a.port, a.ca)
            price = a.price
            if price == "-":
                c.request("GET", f"/fapi/v1/ticker/bookTicker?symbol={a.symbol}")
                r = c.getresponse()
                bid = Decimal(json.loads(r.read())["bidPrice"])
                if bid <= 0:
                    raise RuntimeError("no bid yet")
                price = str((bid * Decimal("0.98")).quantize(Decimal("0.1"), rounding=ROUND_DOWN))
            query = urlencode({"symbol": a.symbol, "side": a.side.upper(), "type": "LIMIT", "timeInForce": "GTX",
                               "quantity": a.qty, "price": price, "newClientOrderId": a.link,
                               "timestamp": str(int(time.time() * 1000)), "recvWindow": "5000"})
            sign = hmac.new(secret.encode(), query.encode(), hashlib.sha256).hexdigest()
            c.request("POST", "/fapi/v1/order", f"{query}&signature={sign}",
                      {"X-MBX-APIKEY": key, "Content-Type": "application/x-www-form-urlencoded"})
            r = c.getresponse()
            reply = r.read()
            if r.status == 200:
                return 0
            code = json.loads(reply).get("code")
            if code == -4116 and attempt > 0:
                return 0
            raise RuntimeError(f"HTTP {r.status}, code {code}: {reply[:200]!r}")
        except (OSError, ValueError, KeyError, RuntimeError, http.client.HTTPException) as e:
            last = e
            time.sleep(0.2)
    print(f"venue_client: create {a.link} failed: {last}", file=sys.stderr)
    return 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--ca", required=True)
    ap.add_argument("--credentials")
    ap.add_argument("--binance", action="store_true", help="the venue speaks Binance USD-M (--protocol binance)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    o = sub.add_parser("orders")
    o.add_argument("--out")
    n = sub.add_parser("open")
    n.add_argument("--prefix", default="")
    f = sub.add_parser("faults")
    f.add_argument("--out")
    p = sub.add_parser("place")
    for name in ("link", "symbol", "side", "price", "qty"):
        p.add_argument(name)
    a = ap.parse_args()
    if a.cmd == "orders":
        return get_admin(a, "/admin/orders")
    if a.cmd == "open":
        return count_open(a)
    if a.cmd == "faults":
        return get_admin(a, "/admin/fault")
    if not a.credentials:
        ap.error("place needs --credentials")
    return place_binance(a) if a.binance else place(a)


if __name__ == "__main__":
    sys.exit(main())
