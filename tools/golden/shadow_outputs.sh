#!/usr/bin/env bash
# shadow_outputs.sh BINARY OUTDIR [CAPTURE...]
#
# Runs mmbot-shadow over each capture with a few flag sets and keeps its report, JSON log and
# journal under OUTDIR/<capture>/<flags>/. Two trees written by two builds are compared with
# `diff -r`: a refactor that must not change behaviour leaves them byte-identical (issue 12).
# Without captures: the bundled sample. The ../shared captures are for local validation only.
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 BINARY OUTDIR [CAPTURE...]" >&2; exit 2; }
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="$(realpath "$1")"
out="$2"
shift 2
captures=("$@")
[[ ${#captures[@]} -gt 0 ]] || captures=("$root/data/sample/bybit_btcusdt_sample.jsonl")
flagsets=(
    "default:"
    "no_maker_only:--no-maker-only"
    "tight_inventory:--max-inv 50 --post-only-offset-bps 0.5"
)
mkdir -p "$out"
for capture in "${captures[@]}"; do
    capture="$(realpath "$capture")"
    for set in "${flagsets[@]}"; do
        name="${set%%:*}"
        read -r -a flags <<<"${set#*:}"
        dir="$out/$(basename "$capture")/$name"
        rm -rf "$dir" && mkdir -p "$dir"
        # Relative output paths, so the trees do not differ by where they were written.
        (
            cd "$dir"
            set +e
            "$bin" --config "$root/configs/shadow.json" --feed "replay:$capture" --report report.json \
                --log log.jsonl --journal journal.log "${flags[@]}" >stdout.txt 2>stderr.txt
            echo "$?" >exit_code.txt
        )
        # The config and capture paths are absolute; make them the same for both trees.
        sed -i "s#$root#ROOT#g; s#$(dirname "$capture")#CAPTURES#g" "$dir"/*
    done
done
echo "shadow outputs in $out"
