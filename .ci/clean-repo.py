#!/usr/bin/env python3
"""The repository stays clean: no secret, no empty source file, no leftover of ours.

Fails (exit 1, naming each file) when a tracked file
- outside tests, fuzz seeds and benches holds a token-shaped string with 40 or more
  characters after `apiv3_` (the contract's definition: `apiv3_` and the characters of
  the token alphabet `A-Z a-z 0-9 - _ . ~ + / =`; shorter ones are documentation);
- is an empty `.rs` or `.toml` file;
- is a lock file of ours (`.NAME.lock`) or a temporary file of ours (`.NAME.tmp-…`).
Test fixtures keep their tokens, and trycmd's empty expected outputs are fine.
"""

import re
import subprocess
import sys

TOKEN = re.compile(rb"apiv3_[A-Za-z0-9\-_.~+/=]{40,}")
# Where tokens belong: the tests' fixtures, the fuzz seeds, the benches.
EXEMPT = re.compile(r"(^|/)tests?/|(^|/)tests\.rs$|^fuzz/seeds/|^benches/")
OURS = re.compile(r"^\..+\.lock$|^\..+\.tmp-")


def main() -> int:
    files = subprocess.run(
        ["git", "ls-files", "-z"], check=True, capture_output=True
    ).stdout.split(b"\0")
    problems = []
    for raw in files:
        if not raw:
            continue
        path = raw.decode("utf-8", "replace")
        name = path.rsplit("/", 1)[-1]
        if OURS.search(name):
            problems.append(f"{path}: a lock or temporary file of ours is tracked")
            continue
        try:
            with open(raw, "rb") as f:
                data = f.read()
        except (FileNotFoundError, IsADirectoryError):
            continue
        if path.endswith((".rs", ".toml")) and not data.strip():
            problems.append(f"{path}: an empty {path.rsplit('.', 1)[-1]} file is tracked")
        if not EXEMPT.search(path):
            found = TOKEN.search(data)
            if found:
                line = data.count(b"\n", 0, found.start()) + 1
                problems.append(
                    f"{path}:{line}: a token-shaped string ({len(found.group()) - 6} characters after apiv3_) outside tests"
                )
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} problem(s): the repository is not clean")
        return 1
    print(f"clean: {len([f for f in files if f])} tracked files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
