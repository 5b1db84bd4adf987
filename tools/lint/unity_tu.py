#!/usr/bin/env python3
"""unity_tu.py: one clang-tidy translation unit for a set of headers (used by `./mmw lint`).

    unity_tu.py ROOT OUT HEADER...
    unity_tu.py --map OUT < clang-tidy-output


Writes OUT: the text of every HEADER (paths relative to ROOT, e.g. include/mmbot/core/side.hpp),
each copied once, at its first inclusion (by the list or by another HEADER), after a `#line 1 "<ROOT>/<header>"` so that diagnostics name the header and line
they come from (clang-tidy prints the real file and line, so `--map` rewrites `OUT:line:` in
clang-tidy's output to the header's path and line). System headers and project headers not in the list stay `#include`s.

Why text and not `#include`: clang's static analyzer runs its path-sensitive checks only on
functions whose body is in the main file (AnalysisConsumer::getModeForDecl); a header reached through
`#include` gets the syntax-only checks. `-analyzer-opt-analyze-headers` would restore them but also
analyses every inline function of Boost, fmt and the standard library (6x slower here). Copying our
headers into the main file gives each of them what it had as its own translation unit, with the
standard library still system code. OUT should end in .hpp: misc-definitions-in-headers looks at
the name of the file that holds a definition.
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
PRAGMA_ONCE = re.compile(r'^\s*#\s*pragma\s+once\b')
LINE = re.compile(r'^#line (\d+) "([^"]+)"$')


def map_output(unity):
    """Copies stdin to stdout with every `UNITY:line:` replaced by the header and line it came from."""
    origin = [None]  # origin[n]: (file, line) of the unity file's line n
    file, line = unity, 1
    with open(unity, encoding='utf-8') as f:
        for text in f:
            directive = LINE.match(text.rstrip('\n'))
            origin.append((file, line))
            if directive:
                file, line = directive.group(2), int(directive.group(1))
            else:
                line += 1
    location = re.compile(re.escape(unity) + r':(\d+):')

    def where(match):
        n = int(match.group(1))
        return f'{origin[n][0]}:{origin[n][1]}:' if n < len(origin) else match.group(0)

    for text in sys.stdin:
        sys.stdout.write(location.sub(where, text))


def main(argv):
    if len(argv) == 3 and argv[1] == '--map':
        map_output(argv[2])
        return
    if len(argv) < 4:
        sys.exit('usage: unity_tu.py ROOT OUT HEADER...')
    root, out_path, headers = os.path.abspath(argv[1]), argv[2], argv[3:]
    # Only the listed headers are copied: the others keep being `#include`d, so each header is
    # analysed path-sensitively in exactly one unit.
    owned = set(headers)
    seen = set()
    out = []

    def copy(rel):
        # #pragma once and include guards both mean "once per unit"; a header that is already
        # copied (or being copied: an impl/ header that includes its declaring header) is skipped.
        if rel in seen:
            return
        seen.add(rel)
        out.append(f'#line 1 "{root}/{rel}"\n')
        with open(os.path.join(root, rel), encoding='utf-8') as f:
            lines = f.readlines()
        for number, line in enumerate(lines, start=1):
            match = INCLUDE.match(line)
            # Library headers are included as "mmbot/..." (under include/), the test tools'
            # as "testing/..." (from the repository root).
            target = None
            if match:
                target = next((t for t in (f'include/{match.group(1)}', match.group(1)) if t in owned), None)
            if target is not None and os.path.isfile(os.path.join(root, target)):
                copy(target)
                out.append(f'#line {number + 1} "{root}/{rel}"\n')
            elif PRAGMA_ONCE.match(line):
                out.append('\n')  # "#pragma once in main file" would be a warning
            else:
                out.append(line if line.endswith('\n') else line + '\n')

    for header in headers:
        copy(header)
    with open(out_path, 'w', encoding='utf-8') as f:
        f.writelines(out)


if __name__ == '__main__':
    main(sys.argv)
