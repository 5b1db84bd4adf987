#!/usr/bin/env bash
# Three shards of one deployment (docs/deploy.md): three mmbot-testnet processes, each against its
# own mmbot-local-venue (three venues, one portfolio), coordinated through a real redis-server on a
# free port. Each quotes BTCUSDT both sides at 0.01 BTC, 50 bps from mid (no fills in the sample
# capture, so each shard's gross BTC exposure is its ~1300 USDT of open orders); the portfolio
# limit is 3000 USDT of gross BTC exposure: two shards fit, three do not.
#   1. a duplicate of a running shard is refused (exit 9) naming the holder, touching nothing;
#   2. shards a and b quote; their ids carry the shard; each sees the other's exposure;
#   3. Redis killed: both freeze (portfolio_unseen) within the grace (2 s) and cancel; Redis back
#      (empty): the lease is confirmed, the state republished, both quote again;
#   4. mmbot-ctl kill --all: both freeze (kill_switch_all), 0 open orders at every venue; unfreeze
#      is refused while it is in force; --clear, unfreeze, both quote again;
#   5. shard c starts: the sum breaks the limit (no shard alone does): all three freeze
#      (portfolio_exposure) within 100 ms of each other, 0 open orders at every venue;
#   6. metrics: mm_portfolio_exposure{asset="BTC"}, mm_portfolio_loss, mm_shard_lease_held,
#      mm_redis_up; SIGTERM: each releases its lease, exit 0.
# About 40 s.
set -euo pipefail

testnet="$1"; venue="$2"; sample="$3"; config="$4"; ctl="$5"; redis_server="${6:-/usr/bin/redis-server}"
work="${TEST_TMPDIR:-$(mktemp -d)}/shards"
rm -rf "$work"; mkdir -p "$work"
fails=0
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"  # check, expect_exit

if ! [ -x "$redis_server" ]; then
    echo "FAIL - $redis_server not found: run ./mmw setup (it installs Debian's redis-server)"
    exit 1
fi

key="SHKEY$RANDOM"; secret="SHSECRET$RANDOM$RANDOM"
printf '%s\n%s\n' "$key" "$secret" > "$work/creds"; chmod 600 "$work/creds"
grep -v '"op":' "$sample" > "$work/capture.jsonl"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
redis_port=$(free_port)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

start_redis() {
    "$redis_server" --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" \
        --logfile "$work/redis.log" &
    redis_pid=$!
    pids+=("$redis_pid")
    for _ in $(seq 100); do
        python3 -c 'import socket,sys; s=socket.create_connection(("127.0.0.1",int(sys.argv[1])),0.2); s.sendall(b"PING\r\n"); sys.exit(0 if s.recv(7)==b"+PONG\r\n" else 1)' \
            "$redis_port" 2>/dev/null && return 0
        sleep 0.05
    done
    echo "redis-server did not start: $(cat "$work/redis.log")"; exit 1
}
start_redis

# One venue per shard (each its own account: a venue's cancel-all and reconcile act per account).
declare -A vport
for s in a b c; do
    "$venue" --port-file "$work/port.$s" --cert-out "$work/cert.$s.pem" --credentials-file "$work/creds" \
        --capture "$work/capture.jsonl" --config "$config" --speed 1 --seed 5 \
        >"$work/venue.$s.out" 2>"$work/venue.$s.err" &
    pids+=("$!")
done
for s in a b c; do
    for _ in $(seq 100); do [ -s "$work/port.$s" ] && break; sleep 0.1; done
    [ -s "$work/port.$s" ] || { echo "venue $s did not start: $(cat "$work/venue.$s.err")"; exit 1; }
    vport[$s]=$(cat "$work/port.$s")
done

# The shards' config: BTCUSDT only, quoting 50 bps from mid, and the portfolio section.
python3 - "$config" "$work" "$redis_port" <<'PY'
import json, sys
src, work, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
for shard in ("a", "b", "c"):
    c = json.load(open(src))
    btc = c["symbols"]["BTCUSDT"]
    btc.pop("filters")
    btc["strategy"]["half_spread_bps"] = "50"
    c["symbols"] = {"BTCUSDT": btc}
    c["portfolio"] = {"shard": shard, "venue": "local-" + shard,
                      "redis": {"host": "127.0.0.1", "port": port, "namespace": "e2e"},
                      "lease_ms": 4000, "grace_ms": 2000, "publish_interval_ms": 100,
                      "max_total_loss": "1000",
                      "assets": {"BTC": {"max_gross_exposure": "3000"}}}
    json.dump(c, open(f"{work}/{shard}.json", "w"), indent=1)
PY

start_shard() {  # start_shard <shard> [name]: mmbot-testnet for shard <shard> against its venue
    local s="$1" name="${2:-$1}"
    EXCHANGE_ENV=testnet MMBOT_SECRET_TESTNET_BYBIT_API_KEY="$key" MMBOT_SECRET_TESTNET_BYBIT_API_SECRET="$secret" \
        timeout 170 "$testnet" --config "$work/$s.json" --endpoint-override "localhost:${vport[$s]}" \
        --ca-file "$work/cert.$s.pem" --journal "$work/$name.journal" --log "$work/$name.log" \
        --report "$work/$name.json.report" --control-socket "$work/$name.ctl" --obs --obs-port 0 \
        --iterations 0 >"$work/$name.out" 2>"$work/$name.err" &
    pids+=("$!")
    eval "pid_$name=$!"
}
ctl_() { local s="$1"; shift; "$ctl" --socket "$work/$s.ctl" "$@"; }
wait_for() {  # wait_for <seconds> <command...>: until the command succeeds
    local end=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do [ $SECONDS -ge $end ] && return 1; sleep 0.1; done
}
quoting() { ctl_ "$1" status --json | python3 -c 'import json,sys; s=json.load(sys.stdin)
sys.exit(0 if not s["frozen"] and any(x["open_orders"] for x in s["symbols"]) else 1)'; }
frozen_by() { ctl_ "$1" status --json | python3 -c 'import json,sys; s=json.load(sys.stdin)
sys.exit(0 if s["frozen"] and s["freeze"]["reason"] == sys.argv[1] else 1)' "$2"; }
venue_open() {  # orders open at shard $1's venue
    curl -sk "https://localhost:${vport[$1]}/admin/orders" | python3 -c \
        'import json,sys; print(sum(1 for o in json.load(sys.stdin)["orders"] if o["status"] in ("Created","New","PartiallyFilled")))'
}
none_open() { for s in "$@"; do [ "$(venue_open "$s")" = 0 ] || return 1; done; }
metrics_of() { local p; p=$(sed -n 's/.*serving \/health \/ready \/metrics \/status on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/$1.err"); curl -s "http://127.0.0.1:${p:-1}/metrics"; }
both() { "$1" a "${@:2}" && "$1" b "${@:2}"; }

start_shard a
start_shard b
check "shard a takes its lease" wait_for 20 grep -q 'shard a: lease e2e:lease:a taken' "$work/a.err"

# 1. a duplicate shard
EXCHANGE_ENV=testnet MMBOT_SECRET_TESTNET_BYBIT_API_KEY="$key" MMBOT_SECRET_TESTNET_BYBIT_API_SECRET="$secret" \
    "$testnet" --config "$work/a.json" --endpoint-override "localhost:${vport[a]}" --ca-file "$work/cert.a.pem" \
    --journal "$work/dup.journal" --log "$work/dup.log" --control-socket "$work/dup.ctl" --iterations 0 \
    >"$work/dup.out" 2>"$work/dup.err" && dup_rc=0 || dup_rc=$?
check "a second shard a is refused with exit 9 (got $dup_rc)" test "$dup_rc" = 9
holder_a=$(sed -n 's/^shard a: lease e2e:lease:a taken by \([^ ]*\) .*/\1/p' "$work/a.err")
check "... naming the shard and the holder ($holder_a, host:pid:token of shard a)" \
    grep -q "portfolio.shard \"a\": shard \"a\" is held by $holder_a " "$work/dup.err"
check "... before opening its journal" test ! -e "$work/dup.journal"

# 2. quoting, ids, the portfolio
check "shard a quotes" wait_for 60 quoting a
check "shard b quotes" wait_for 60 quoting b
check "a's client order ids carry the shard (mm-a_...)" \
    bash -c "'$ctl' --socket '$work/a.ctl' status --json | grep -q '\"client_order_id\":\"mm-a_'"
sum_ab() { metrics_of a | python3 -c 'import sys
for l in sys.stdin:
    if l.startswith("mm_portfolio_exposure{asset=\"BTC\"}"): sys.exit(0 if 2400 < float(l.split()[1]) < 3000 else 1)
sys.exit(1)'; }
check "a's mm_portfolio_exposure{asset=\"BTC\"} is both shards' (2400..3000)" wait_for 5 sum_ab
metrics_of a > "$work/metrics.a.txt"
check "mm_shard_lease_held 1" grep -q '^mm_shard_lease_held 1$' "$work/metrics.a.txt"
check "mm_redis_up 1" grep -q '^mm_redis_up 1$' "$work/metrics.a.txt"
check "mm_portfolio_loss exported" grep -q '^mm_portfolio_loss ' "$work/metrics.a.txt"

# 3. Redis killed, then back
kill -KILL "$redis_pid"; wait "$redis_pid" 2>/dev/null || true
killed_at=$(date +%s.%N)
check "Redis down: a freezes (portfolio_unseen)" wait_for 6 frozen_by a portfolio_unseen
check "Redis down: b freezes (portfolio_unseen)" wait_for 6 frozen_by b portfolio_unseen
freeze_after() {  # freeze_after <shard> <reason> <unix time>: seconds from then to the shard's first such freeze
    python3 - "$work/$1.log" "$2" "$3" <<'PY'
import json, sys, datetime
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("msg") == "freeze" and r.get("reason") == sys.argv[2]:
        base, _, frac = r["ts"].rstrip("Z").partition(".")
        t = datetime.datetime.fromisoformat(base).replace(tzinfo=datetime.timezone.utc).timestamp() + float("0." + (frac or "0"))
        print(round(t - float(sys.argv[3]), 3)); break
else:
    print("none")
PY
}
in_range() { python3 -c "import sys; sys.exit(0 if sys.argv[1] != 'none' and float(sys.argv[2]) <= float(sys.argv[1]) <= float(sys.argv[3]) else 1)" "$@"; }
after_a=$(freeze_after a portfolio_unseen "$killed_at"); after_b=$(freeze_after b portfolio_unseen "$killed_at")
echo "   a froze ${after_a} s, b ${after_b} s after Redis was killed (grace 2 s)"
check "... each after the grace (trading on local limits until then) and within it plus 0.5 s" \
    bash -c "$(declare -f in_range); in_range '$after_a' 1.8 2.5 && in_range '$after_b' 1.8 2.5"
check "... and they cancelled: 0 open orders at venues a and b" wait_for 10 none_open a b
check "mm_redis_up 0 while Redis is down" bash -c "$(declare -f metrics_of); work='$work'; metrics_of a | grep -q '^mm_redis_up 0$'"
start_redis
check "Redis back: a quotes again" wait_for 20 quoting a
check "Redis back: b quotes again" wait_for 20 quoting b
check "a logged shard_resumed" grep -q '"after":"portfolio_unseen".*"msg":"shard_resumed"' "$work/a.log"
check "the leases are in the new Redis" bash -c "python3 -c 'import socket,sys; s=socket.create_connection((\"127.0.0.1\",$redis_port)); s.sendall(b\"EXISTS e2e:lease:a\\r\\n\"); sys.exit(0 if s.recv(8)==b\":1\\r\\n\" else 1)'"

# 4. kill --all
check "kill --all exits 0" expect_exit 0 "$ctl" kill --all --redis "127.0.0.1:$redis_port" --namespace e2e --reason drill
check "... telling 2 shards" grep -q '2 shard(s) listening' "$work/out"
check "a freezes with kill_switch_all" wait_for 2 frozen_by a kill_switch_all
check "b freezes with kill_switch_all" wait_for 2 frozen_by b kill_switch_all
check "kill --all leaves 0 open orders at every venue" wait_for 10 none_open a b
check "unfreeze --force is refused while kill --all is in force (exit 4)" expect_exit 4 ctl_ a unfreeze
check "... naming portfolio_kill_all" grep -q 'portfolio_kill_all' "$work/err"
check "kill --all --clear exits 0" expect_exit 0 "$ctl" kill --all --clear --redis "127.0.0.1:$redis_port" --namespace e2e
sleep 0.3
check "unfreeze a" expect_exit 0 ctl_ a unfreeze
check "unfreeze b" expect_exit 0 ctl_ b unfreeze
check "a quotes again" wait_for 20 quoting a
check "b quotes again" wait_for 20 quoting b
check "kill --all with Redis unreachable is exit 3" expect_exit 3 "$ctl" kill --all --redis "127.0.0.1:$(free_port)"

# 5. the third shard breaks the limit by the sum
start_shard c
check "all three freeze with portfolio_exposure: a" wait_for 60 frozen_by a portfolio_exposure
check "... b" wait_for 5 frozen_by b portfolio_exposure
check "... c" wait_for 5 frozen_by c portfolio_exposure
spread=$(python3 - "$work" <<'PY'
import json, sys, datetime
def ts(shard):
    for line in open(f"{sys.argv[1]}/{shard}.log"):
        r = json.loads(line)
        if r.get("msg") == "freeze" and r.get("reason") == "portfolio_exposure":
            base, _, frac = r["ts"].rstrip("Z").partition(".")
            return datetime.datetime.fromisoformat(base).timestamp() + float("0." + (frac or "0"))
    return None
t = [ts(s) for s in "abc"]
print("none" if None in t else round((max(t) - min(t)) * 1000, 1))
PY
)
echo "   the three freezes lie within ${spread} ms"
check "... within 100 ms of each other" python3 -c "import sys; sys.exit(0 if sys.argv[1] != 'none' and float(sys.argv[1]) <= 100 else 1)" "$spread"
check "the breach leaves 0 open orders at every venue" wait_for 10 none_open a b c
check "the freeze names the observed exposure and the limit 3000" \
    grep -q '"limit":"3000".*"msg":"freeze".*"reason":"portfolio_exposure"' "$work/c.log"

# 6. a clean stop releases the leases
for s in a b c; do eval "kill -TERM \$pid_$s"; done
for s in a b c; do eval "wait \$pid_$s" && rc=0 || rc=$?; check "shard $s stops with exit 0 (got $rc)" test "$rc" = 0; done
check "the stopped shards released their leases" bash -c "python3 -c 'import socket,sys; s=socket.create_connection((\"127.0.0.1\",$redis_port)); s.sendall(b\"EXISTS e2e:lease:a e2e:lease:b e2e:lease:c\\r\\n\"); sys.exit(0 if s.recv(8)==b\":0\\r\\n\" else 1)'"

if [ "$fails" -gt 0 ]; then
    for s in a b c; do echo "--- $s.err"; tail -5 "$work/$s.err"; echo "--- $s.log (errors)"; grep '"level":"ERROR"' "$work/$s.log" | tail -5; done
fi
[ "$fails" -eq 0 ]
