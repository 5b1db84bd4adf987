#!/usr/bin/env bash
# Soak: mmbot-testnet against mmbot-local-venue with faults injected, for minutes or hours, then an
# orderly stop (SIGTERM); checks memory, stalls and the order ledger. docs/reliability.md.
# `--protocol binance`: mmbot-testnet-binance against the venue speaking Binance USD-M.
#
#   tools/soak/soak.sh --minutes N [--seconds N] [--protocol bybit|binance] [--fault SPEC ...] [--out DIR]
#
# Exit 0: every check passed; 1: a check failed (soak-summary.json says which); 2: usage, or the
# soak could not run (a binary missing, the venue did not start).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

usage() {
    cat <<EOF
usage: soak.sh --minutes N [--seconds N] [--protocol bybit|binance] [--fault SPEC ...] [--out DIR] [options]
  --minutes N, --seconds N  how long the bot trades (added up; at least 20 s in all)
  --protocol P              the venue's protocol: bybit (default: mmbot-testnet, configs/testnet.json)
                            or binance (mmbot-testnet-binance, configs/binance/testnet.json, the
                            venue started with --protocol binance, a Binance capture)
  --fault SPEC              a venue fault rule (repeatable; replaces the defaults), see
                            docs/local-venue.md; default: $(printf '%s ' "${default_faults[@]}")
  --no-faults               no faults at all
  --out DIR                 where everything goes (default: a new /tmp/mmbot-soak.XXXXXX)
  --speed X                 market-data replay speed (default 1: real time)
  --seed N                  seed of the venue's fault draws and of the generated capture (default 1)
  --capture PATH            replay this capture instead of generating one with sample_gen
  --config PATH             mmbot config (default: the protocol's testnet config), quoting made busier
                            (1 s quote age, 0.5 bps requote threshold) and a freeze lifted
                            after 10 s (freeze_cool_down_ms) unless --keep-config
  --keep-config             use --config as it is
  --testnet PATH            the testnet binary (default bazel-bin/targets/testnet/mmbot-testnet,
                            or mmbot-testnet-binance with --protocol binance)
  --venue PATH              mmbot-local-venue (default bazel-bin/targets/local_venue/mmbot-local-venue)
  --sample-gen PATH         sample_gen (default bazel-bin/tools/sample_gen/sample_gen)
  --warmup-fraction F       warm-up share of the run for the memory check (default 0.2)
  --max-rss-growth-pct P    allowed RSS growth after warm-up (default 5)
  --stall-ms MS             a loop turn gap above this is a stall (default 1000)
environment: SOAK_ALLOW_NO_LOOP_HEALTH=1 tolerates a bot that logs no loop_health lines.
exit: 0 all checks passed, 1 a check failed, 2 usage or set-up error.
EOF
}

default_faults=(disconnect:0.01 http_5xx:0.02 rate_limit:0.01 dup_ws:0.02 ws_gap:0.002 delay_ms:150:0.02)
minutes=0; seconds=0; duration_given=0; faults=("${default_faults[@]}"); faults_given=0
out=""; speed=1; seed=1; capture=""; config=""; keep_config=0; protocol=bybit; testnet=""
venue="$root/bazel-bin/targets/local_venue/mmbot-local-venue"
sample_gen="$root/bazel-bin/tools/sample_gen/sample_gen"
warmup_fraction=0.2; max_growth=5; stall_ms=1000
die() { echo "soak.sh: $*" >&2; exit 2; }
need() { [ $# -ge 2 ] || die "$1 needs a value"; }
while [ $# -gt 0 ]; do
    case "$1" in
        --minutes) need "$@"; minutes="$2"; duration_given=1; shift 2 ;;
        --seconds) need "$@"; seconds="$2"; duration_given=1; shift 2 ;;
        --fault) need "$@"; [ "$faults_given" -eq 1 ] || faults=(); faults_given=1; faults+=("$2"); shift 2 ;;
        --no-faults) faults=(); faults_given=1; shift ;;
        --out) need "$@"; out="$2"; shift 2 ;;
        --speed) need "$@"; speed="$2"; shift 2 ;;
        --seed) need "$@"; seed="$2"; shift 2 ;;
        --protocol) need "$@"; protocol="$2"; shift 2 ;;
        --capture) need "$@"; capture="$2"; shift 2 ;;
        --config) need "$@"; config="$2"; shift 2 ;;
        --keep-config) keep_config=1; shift ;;
        --testnet) need "$@"; testnet="$2"; shift 2 ;;
        --venue) need "$@"; venue="$2"; shift 2 ;;
        --sample-gen) need "$@"; sample_gen="$2"; shift 2 ;;
        --warmup-fraction) need "$@"; warmup_fraction="$2"; shift 2 ;;
        --max-rss-growth-pct) need "$@"; max_growth="$2"; shift 2 ;;
        --stall-ms) need "$@"; stall_ms="$2"; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done
[ "$duration_given" -eq 1 ] || { usage >&2; die "--minutes or --seconds is required"; }
# What differs between the venues: the binary, its config, the capture's format, the names the
# credentials go in under.
case "$protocol" in
    bybit) suffix=""; secret_venue=BYBIT; sample="$root/data/sample/bybit_btcusdt_sample.jsonl"
           default_config="$root/configs/testnet.json" ;;
    binance) suffix="-binance"; secret_venue=BINANCE; sample="$root/data/sample/binance_btcusdt_sample.txt"
             default_config="$root/configs/binance/testnet.json" ;;
    *) die "--protocol: expected bybit or binance, got \"$protocol\"" ;;
esac
[ -n "$testnet" ] || testnet="$root/bazel-bin/targets/testnet/mmbot-testnet$suffix"
[ -n "$config" ] || config="$default_config"
[[ "$minutes" =~ ^[0-9]+$ && "$seconds" =~ ^[0-9]+$ ]] || die "--minutes/--seconds: whole numbers"
[[ "$seed" =~ ^[0-9]+$ ]] || die "--seed: a whole number"
[[ "$speed" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--speed: a decimal > 0"
duration=$((minutes * 60 + seconds))
[ "$duration" -ge 20 ] || die "the soak must last at least 20 s (got ${duration} s)"
for b in "$testnet" "$venue"; do
    [ -x "$b" ] || die "$b: not found or not executable (bazel build //targets/testnet:mmbot-testnet$suffix //targets/local_venue:mmbot-local-venue, or pass --testnet/--venue)"
done
[ -r "$config" ] || die "$config: not readable"
command -v python3 >/dev/null || die "python3 is needed for the checks"

if [ -z "$out" ]; then out="$(mktemp -d /tmp/mmbot-soak.XXXXXX)"; fi
mkdir -p "$out"
out="$(cd "$out" && pwd)"
rm -f "$out"/{port,journal.log,bot.log,rss.csv,orders.json,ledger.json,soak-summary.json}
echo "soak: $protocol, ${duration} s, speed $speed, seed $seed, faults: ${faults[*]:-none}; output in $out"

# ---------------------------------------------------------------------------------- inputs
# The venue replays its capture once; when it ends the public feed goes quiet and the bot pulls
# its quotes as stale (quotes_pulled stale_market_data). So the capture must outlast the run:
# generate one covering duration x speed plus two minutes of margin.
if [ -z "$capture" ]; then
    need_min=$(python3 -c "import math,sys; print(math.ceil(float(sys.argv[1]) * float(sys.argv[2]) / 60) + 2)" "$duration" "$speed")
    if [ -x "$sample_gen" ]; then
        "$sample_gen" --venue "$protocol" --seed "$seed" --minutes "$need_min" --out "$out/capture.raw.jsonl" ||
            die "sample_gen failed"
        echo "soak: generated a ${need_min}-minute capture with sample_gen"
    else
        echo "soak: WARNING: $sample_gen not found (bazel build //tools/sample_gen); replaying the" \
             "10-minute sample: a soak longer than 10 minutes / speed outlasts it" >&2
        cp "$sample" "$out/capture.raw.jsonl"
    fi
    capture="$out/capture.raw.jsonl"
fi
# The leading subscribe acks carry no timestamp; the venue replays timestamped lines.
grep -v '"op":' "$capture" > "$out/capture.jsonl"
rm -f "$out/capture.raw.jsonl"
if [ "$keep_config" -eq 1 ]; then
    cp "$config" "$out/testnet.json"
else
    # Busier quoting (more orders per minute), and a freeze (the venue_latency guard trips under
    # injected delays and timeouts) lifts itself after 10 s instead of waiting for an operator:
    # an unattended soak should keep trading.
    sed -e 's/"max_quote_age_ms": [0-9]*/"max_quote_age_ms": 1000/' \
        -e 's/"requote_threshold_bps": "[0-9.]*"/"requote_threshold_bps": "0.5"/' \
        -e 's/"freeze_cool_down_ms": [0-9]*/"freeze_cool_down_ms": 10000/' "$config" > "$out/testnet.json"
fi
key="SOAKKEY$RANDOM"; secret="SOAKSECRET$RANDOM$RANDOM$RANDOM"
(umask 077; printf '%s\n%s\n' "$key" "$secret" > "$out/creds")

# ------------------------------------------------------------------------------- processes
venue_pid=""; bot_pid=""; sampler_pid=""
cleanup() {
    [ -z "$sampler_pid" ] || kill "$sampler_pid" 2>/dev/null || true
    [ -z "$bot_pid" ] || kill -KILL "$bot_pid" 2>/dev/null || true
    [ -z "$venue_pid" ] || { kill -TERM "$venue_pid" 2>/dev/null || true; wait "$venue_pid" 2>/dev/null || true; }
    rm -f "$out/creds"
}
trap cleanup EXIT
trap 'echo "soak: interrupted" >&2; exit 2' INT TERM

fault_args=()
for f in "${faults[@]}"; do fault_args+=(--fault "$f"); done
"$venue" --protocol "$protocol" --port-file "$out/port" --cert-out "$out/cert.pem" --credentials-file "$out/creds" \
    --capture "$out/capture.jsonl" --config "$out/testnet.json" --speed "$speed" --seed "$seed" \
    "${fault_args[@]}" >"$out/venue.out" 2>"$out/venue.err" &
venue_pid=$!
for _ in $(seq 300); do [ -s "$out/port" ] && break; kill -0 "$venue_pid" 2>/dev/null || break; sleep 0.1; done
[ -s "$out/port" ] || die "the venue did not start: $(tail -3 "$out/venue.err")"
port="$(cat "$out/port")"

env EXCHANGE_ENV=testnet "MMBOT_SECRET_TESTNET_${secret_venue}_API_KEY=$key" \
    "MMBOT_SECRET_TESTNET_${secret_venue}_API_SECRET=$secret" "$testnet" --config "$out/testnet.json" \
    --endpoint-override "localhost:$port" --ca-file "$out/cert.pem" \
    --journal "$out/journal.log" --log "$out/bot.log" --report "$out/report.json" \
    --iterations 0 >"$out/bot.out" 2>"$out/bot.err" &
bot_pid=$!
t0=$(date +%s%N)

# One sample a second: seconds since the bot started, the bot's and the venue's VmRSS (kB).
rss_of() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status" 2>/dev/null || true; }
(
    echo "t_s,bot_rss_kb,venue_rss_kb"
    while kill -0 "$bot_pid" 2>/dev/null; do
        now=$(date +%s%N)
        b=$(rss_of "$bot_pid"); v=$(rss_of "$venue_pid")
        [ -z "$b" ] || printf '%d.%03d,%s,%s\n' $(((now - t0) / 1000000000)) $((((now - t0) / 1000000) % 1000)) "$b" "$v"
        sleep 1
    done
) > "$out/rss.csv" &
sampler_pid=$!

quoting=0
for _ in $(seq 600); do
    grep -q '"msg":"quoting_started"' "$out/bot.log" 2>/dev/null && { quoting=1; break; }
    kill -0 "$bot_pid" 2>/dev/null || break
    sleep 0.05
done
[ "$quoting" -eq 1 ] && echo "soak: quoting after $((($(date +%s%N) - t0) / 1000000)) ms; running until $(date -d "@$((t0 / 1000000000 + duration))" +%H:%M:%S)" ||
    echo "soak: the bot did not start quoting: $(tail -2 "$out/bot.err")" >&2

# Trade for the duration (from the bot's start), reporting progress every minute. A bot that never
# started quoting is stopped at once: there is nothing to soak.
end_ns=$((t0 + duration * 1000000000))
[ "$quoting" -eq 1 ] || end_ns=0
next_note=$((t0 + 60 * 1000000000))
while kill -0 "$bot_pid" 2>/dev/null; do
    now=$(date +%s%N)
    [ "$now" -lt "$end_ns" ] || break
    if [ "$now" -ge "$next_note" ]; then
        next_note=$((next_note + 60 * 1000000000))
        echo "soak: $(((now - t0) / 1000000000)) s, bot RSS $(rss_of "$bot_pid") kB, journal $(($(cat "$out/journal.log" 2>/dev/null | wc -l) - 1)) records"
    fi
    sleep 0.5
done
alive=0; kill -0 "$bot_pid" 2>/dev/null && alive=1
kill "$sampler_pid" 2>/dev/null || true; wait "$sampler_pid" 2>/dev/null || true; sampler_pid=""
stop_start=$(date +%s%N)
kill -TERM "$bot_pid" 2>/dev/null || true
for _ in $(seq 1200); do kill -0 "$bot_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$bot_pid" 2>/dev/null; then
    echo "soak: the bot still runs 120 s after SIGTERM; killed" >&2
    kill -KILL "$bot_pid" 2>/dev/null || true
fi
set +e; wait "$bot_pid" 2>/dev/null; bot_rc=$?; set -e
bot_pid=""
echo "soak: bot stopped in $((($(date +%s%N) - stop_start) / 1000000)) ms, exit $bot_rc: $(tail -1 "$out/bot.err")"
open_at_exit=$(sed -n 's/.* \([0-9]*\) open at exit.*/\1/p' "$out/bot.err" | tail -1)

# ---------------------------------------------------------------------------------- checks
ledger_rc=0
if python3 "$here/venue_client.py" --port "$port" --ca "$out/cert.pem" orders --out "$out/orders.json"; then
    set +e
    python3 "$here/ledger_check.py" --orders "$out/orders.json" --journal "$out/journal.log" \
        --expect-closed --summary "$out/ledger.json" > "$out/ledger.txt"
    ledger_rc=$?
    set -e
    grep -v '^ok ' "$out/ledger.txt" || true
else
    ledger_rc=2
fi
# What the faults did (rules and how often each fired), for the record.
python3 "$here/venue_client.py" --port "$port" --ca "$out/cert.pem" faults --out "$out/faults.json" || true
kill -TERM "$venue_pid" 2>/dev/null || true; wait "$venue_pid" 2>/dev/null || true; venue_pid=""

report_args=(--dir "$out" --duration-s "$duration" --warmup-fraction "$warmup_fraction"
    --max-rss-growth-pct "$max_growth" --stall-ms "$stall_ms" --bot-exit "$bot_rc"
    --bot-alive-at-end "$alive" --started-quoting "$quoting" --open-at-exit "${open_at_exit:--1}" --ledger-rc "$ledger_rc"
    --param "protocol=$protocol" --param "duration_s=$duration" --param "speed=$speed" --param "seed=$seed"
    --param "faults=${faults[*]:-none}" --param "testnet=$testnet")
[ "${SOAK_ALLOW_NO_LOOP_HEALTH:-0}" != 1 ] || report_args+=(--allow-missing-loop-health)
set +e
python3 "$here/soak_report.py" "${report_args[@]}"
rc=$?
set -e
if [ "$rc" -eq 0 ]; then echo "soak: all checks passed ($out/soak-summary.json)"
else echo "soak: FAILED ($out/soak-summary.json)"; rc=1; fi
exit "$rc"
