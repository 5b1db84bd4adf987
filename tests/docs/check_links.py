#!/usr/bin/env python3
"""Every relative link in README.md and docs/*.md resolves: a markdown link [text](path#anchor)
to a file that exists (and, with an anchor, to a heading of that file), and every plain mention
of a docs/<name>.md or a repository path in backticks that names a .md file exists too (a doc
that names docs/risk.md when there is none is a broken promise). Prints each broken link with its
file and line; exits 1 if any."""
import os
import re
import sys

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
MENTION = re.compile(r"(?<![\w/.-])((?:docs/)?[A-Za-z0-9_.-]+\.md)\b")


def slug(heading):
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes."""
    s = heading.strip().lower()
    s = s.replace("`", "")
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


def anchors(path):
    out = set()
    with open(path, encoding="utf-8") as f:
        in_code = False
        for line in f:
            if line.startswith("```"):
                in_code = not in_code
            if not in_code and line.startswith("#"):
                out.add(slug(line.lstrip("#")))
    return out


def check(root, doc, problems):
    base = os.path.dirname(doc)
    with open(os.path.join(root, doc), encoding="utf-8") as f:
        in_code = False
        for n, line in enumerate(f, 1):
            if line.startswith("```"):
                in_code = not in_code
                continue
            if in_code:
                continue
            for target in LINK.findall(line):
                if re.match(r"^[a-z]+:", target):  # http:, https:, mailto:
                    continue
                path, _, anchor = target.partition("#")
                full = os.path.normpath(os.path.join(root, base, path)) if path else os.path.join(root, doc)
                if not os.path.exists(full):
                    problems.append(f"{doc}:{n}: link to {target}: no such file")
                elif anchor and full.endswith(".md") and anchor not in anchors(full):
                    problems.append(f"{doc}:{n}: link to {target}: no heading #{anchor}")
            for name in MENTION.findall(LINK.sub("", line)):
                candidates = [os.path.join(root, name), os.path.join(root, base, name), os.path.join(root, "docs", name)]
                if not any(os.path.exists(c) for c in candidates):
                    problems.append(f"{doc}:{n}: names {name}, which does not exist")


def main():
    root = sys.argv[1]
    docs = ["README.md"] + sorted("docs/" + d for d in os.listdir(os.path.join(root, "docs")) if d.endswith(".md"))
    problems = []
    for doc in docs:
        check(root, doc, problems)
    for p in problems:
        print(p)
    print(f"{len(docs)} files, {len(problems)} broken")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
