#!/usr/bin/env python3
"""Per-area line coverage from `llvm-cov export -format=lcov`, checked against per-area floors.

    coverage_report.py LCOV FLOORS OUTDIR [--root DIR] [--least N]

Paths in LCOV are relative to the Bazel execroot, as the compiler saw them: a library header is
bazel-out/<cfg>/bin/include/mmbot/<area>/_virtual_includes/<lib>/mmbot/<area>/x.hpp, a symlink to
include/mmbot/<area>/x.hpp. Each path is resolved to the file it names under DIR (default: the
working directory), records naming one file are merged (line counts summed), and only files under
include/, testing/ and targets/ are kept.

An area is include/mmbot/<dir> (named <dir>), testing or targets. Writes OUTDIR/summary.txt (one line
per area, then the N least-covered files), OUTDIR/files.txt (every file) and OUTDIR/coverage.lcov
(the merged line counts under the real paths). Exits 1 when an area is below its floor, when an
area has no floor, or when a floor names an area that has no code.
"""
import argparse
import collections
import os
import sys

KEPT = ("include/", "testing/", "targets/")


def area_of(path):
    parts = path.split("/")
    return parts[2] if parts[0] == "include" and len(parts) > 3 else parts[0]


def read_lcov(lcov, root):
    """{real path: {line: count}} for lines and for functions, kept files only.

    A function is counted once by the line it starts on: the instantiations of a template (each a
    record of its own) are one function, covered when any of them ran.
    """
    lines = collections.defaultdict(collections.Counter)
    functions = collections.defaultdict(collections.Counter)
    real_root = os.path.realpath(root)
    path, starts = None, {}
    with open(lcov, encoding="utf-8") as f:
        for raw in f:
            key, _, value = raw.rstrip("\n").partition(":")
            if key == "SF":
                path = os.path.relpath(os.path.realpath(os.path.join(root, value)), real_root)
                path, starts = (path if path.startswith(KEPT) else None), {}
            elif path is None:
                continue
            elif key == "DA":
                line, count = value.split(",")[:2]
                lines[path][int(line)] += int(count)
            elif key == "FN":
                line, name = value.split(",", 1)
                starts[name] = int(line)
                functions[path][int(line)] += 0
            elif key == "FNDA":
                count, name = value.split(",", 1)
                functions[path][starts[name]] += int(count)
    return lines, functions


def read_floors(path):
    floors = {}
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            text = raw.split("#", 1)[0].split()
            if not text:
                continue
            if len(text) != 2:
                sys.exit(f"{path}:{number}: expected `area percent`, got {raw.strip()!r}")
            floors[text[0]] = float(text[1])
    return floors


class Tally:
    def __init__(self):
        self.lines = self.lines_hit = self.functions = self.functions_hit = 0

    def add(self, lines, functions):
        self.lines += len(lines)
        self.lines_hit += sum(1 for c in lines.values() if c > 0)
        self.functions += len(functions)
        self.functions_hit += sum(1 for c in functions.values() if c > 0)

    def percent(self):
        return 100.0 * self.lines_hit / self.lines if self.lines else 0.0

    def text(self):
        fn = 100.0 * self.functions_hit / self.functions if self.functions else 0.0
        return (f"{self.percent():6.2f}% lines ({self.lines_hit}/{self.lines})   "
                f"{fn:6.2f}% functions ({self.functions_hit}/{self.functions})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lcov")
    parser.add_argument("floors")
    parser.add_argument("outdir")
    parser.add_argument("--root", default=".")
    parser.add_argument("--least", type=int, default=15)
    args = parser.parse_args()

    lines, functions = read_lcov(args.lcov, args.root)
    floors = read_floors(args.floors)
    files = {p: Tally() for p in lines}
    areas = collections.defaultdict(Tally)
    total = Tally()
    for p, tally in files.items():
        for t in (tally, areas[area_of(p)], total):
            t.add(lines[p], functions[p])

    out, failures = [], []
    for area in sorted(areas):
        t = areas[area]
        floor = floors.get(area)
        verdict = "no floor" if floor is None else f"floor {floor:g}%"
        if floor is None:
            failures.append(f"area {area} has no floor in {args.floors}: add `{area} <percent>`")
        elif t.percent() < floor:
            verdict += "  BELOW"
            failures.append(f"area {area}: lines {t.percent():.2f}% is below its floor of {floor:g}%")
        elif int(t.percent()) - 1 > floor:
            verdict += f"  (raise to {int(t.percent()) - 1}: the floor only rises)"
        out.append(f"{area:10} {t.text()}   {verdict}")
    for area in sorted(set(floors) - set(areas)):
        failures.append(f"{args.floors} has a floor for area {area}, which has no code measured")
    out.append(f"{'total':10} {total.text()}")
    ranked = sorted((p for p in files if files[p].lines), key=lambda p: (files[p].percent(), -files[p].lines))
    out += ["", f"the {args.least} least-covered files (line coverage):"]
    out += [f"  {files[p].percent():6.2f}%  {files[p].lines - files[p].lines_hit:5d} of {files[p].lines:5d} lines missed  {p}"
            for p in ranked[:args.least]]

    os.makedirs(args.outdir, exist_ok=True)
    with open(os.path.join(args.outdir, "summary.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    with open(os.path.join(args.outdir, "files.txt"), "w", encoding="utf-8") as f:
        f.writelines(f"{files[p].text()}   {p}\n" for p in ranked)
    with open(os.path.join(args.outdir, "coverage.lcov"), "w", encoding="utf-8") as f:
        for p in sorted(files):
            f.write(f"SF:{p}\n")
            f.writelines(f"DA:{n},{c}\n" for n, c in sorted(lines[p].items()))
            f.write(f"LF:{files[p].lines}\nLH:{files[p].lines_hit}\nend_of_record\n")
    print("\n".join(out))
    for failure in failures:
        print(f"coverage: FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
