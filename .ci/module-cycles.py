#!/usr/bin/env python3
"""Finds import circles between the modules of each crate of the workspace.

For every crate under crates/ (and benches/, examples/), each target root (the library,
binaries, benches, examples; not tests/) is read with the modules it declares. A module
is a file: `foo.rs`, or `foo/mod.rs` / `foo.rs` with children in `foo/`; inline modules
(`mod tests { … }`) belong to the file that holds them, though `super::` and `self::`
inside them are resolved from where they are.

A module depends on another when it names it: `use crate::…`, `use super::…`,
`use self::…`, `use child::…`, or a path `crate::x::…` / `super::…` / `child::…` in code.
A name re-exported by a module (`pub use action::Action` in lib.rs) is followed to the
module that defines it, so `use crate::Action` depends on `action`, not on the crate
root. A `mod` declaration is not a dependency. A child naming its parent through
`super::` is one (child -> parent).

A circle is a strongly connected component of more than one module. Each is printed as
`CRATE: a <-> b <-> c` (the crate root is `crate`), then `module cycles: N`.

Usage: .ci/module-cycles.py [--report] [--why] [ROOT]
  --report  exit 0 even when there are circles (default: exit 1)
  --why     under each circle, the edges that close it, with file:line
"""
import os
import re
import sys

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def blank(src):
    """`src` with comments, strings and char literals replaced by spaces (newlines kept),
    so that positions stay the same."""
    out = list(src)
    i, n = 0, len(src)

    def wipe(a, b):
        for k in range(a, min(b, n)):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            wipe(i, j)
            i = j
        elif src.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if src.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif src.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            wipe(i, j)
            i = j
        elif re.match(r'(b|c)?r(#*)"', src[i:i + 260]) and (i == 0 or not re.match(r"\w", src[i - 1])):
            m = re.match(r'(b|c)?r(#*)"', src[i:])
            end = '"' + m.group(2)
            j = src.find(end, i + m.end())
            j = n if j < 0 else j + len(end)
            wipe(i, j)
            i = j
        elif c == '"' or (c in "bc" and src.startswith('"', i + 1) and (i == 0 or not re.match(r"\w", src[i - 1]))):
            j = i + (1 if c == '"' else 2)
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            wipe(i, j + 1)
            i = j + 1
        elif c == "'":
            # A char literal ('x', '\n', '\u{1F600}'), or a lifetime ('a).
            if src.startswith("\\", i + 1):
                j = src.find("'", i + 2)
                j = n if j < 0 else j
                wipe(i, j + 1)
                i = j + 1
            elif i + 2 < n and src[i + 2] == "'":
                wipe(i, i + 3)
                i += 3
            else:
                i += 1
        else:
            i += 1
    return "".join(out)


def parse_use_tree(text):
    """The imports of a use tree: (segments, name) pairs; name is None for a glob."""
    tokens = re.findall(IDENT + r"|::|[{},*]", text)
    pos = 0

    def peek():
        return tokens[pos] if pos < len(tokens) else None

    def tree(prefix):
        nonlocal pos
        out = []
        segs = list(prefix)
        while True:
            t = peek()
            if t is None:
                return out
            if t == "{":
                pos += 1
                while peek() not in (None, "}"):
                    out += tree(segs)
                    if peek() == ",":
                        pos += 1
                pos += 1
                return out
            if t == "*":
                pos += 1
                out.append((segs, None))
                return out
            if t == "::":
                pos += 1
                continue
            if t in (",", "}"):
                return out
            pos += 1
            if t == "self" and len(segs) > 0 and peek() != "::":
                # `a::{self}` imports `a`.
                name = segs[-1]
                if peek() == "as":
                    pos += 1
                    name = tokens[pos]
                    pos += 1
                out.append((segs, name))
                return out
            segs = segs + [t]
            if peek() == "as":
                pos += 1
                name = tokens[pos] if pos < len(tokens) else "_"
                pos += 1
                out.append((segs, name))
                return out
            if peek() != "::":
                out.append((segs, segs[-1]))
                return out

    result = []
    while pos < len(tokens):
        before = pos
        result += tree([])
        if peek() == ",":
            pos += 1
        if pos == before:
            pos += 1
    return result


class Crate:
    def __init__(self, label):
        self.label = label
        self.modules = {}  # module path (tuple) -> file module path (tuple)
        self.children = {}  # module path -> set of child names
        self.imports = {}  # module path -> {name: (segments, from module, file, line)}
        self.refs = []  # (from module path, segments, file, line)

    def add_module(self, path, file_module):
        self.modules[path] = file_module
        self.children.setdefault(path, set())
        self.imports.setdefault(path, {})
        if path:
            self.children.setdefault(path[:-1], set()).add(path[-1])

    def read_file(self, fs_path, mod_path, is_dir_owner):
        try:
            src = open(fs_path, encoding="utf-8").read()
        except OSError:
            return
        text = blank(src)
        line_of = lambda at: src.count("\n", 0, at) + 1
        self.add_module(mod_path, mod_path)
        # Inline modules: their ranges, innermost last.
        inline = []
        for m in re.finditer(r"\bmod\s+(" + IDENT + r")\s*\{", text):
            depth, j = 1, m.end()
            while j < len(text) and depth:
                if text[j] == "{":
                    depth += 1
                elif text[j] == "}":
                    depth -= 1
                j += 1
            inline.append((m.start(), j, m.group(1)))

        def module_at(at):
            path = mod_path
            for start, end, name in inline:
                if start <= at < end:
                    path = path + (name,)
            return path

        for start, end, name in inline:
            self.add_module(module_at(start), mod_path)
        # Child files.
        here = os.path.dirname(fs_path)
        base = here if is_dir_owner else os.path.join(here, os.path.splitext(os.path.basename(fs_path))[0])
        for m in re.finditer(r"\bmod\s+(" + IDENT + r")\s*;", text):
            name = m.group(1)
            parent = module_at(m.start())
            attr = re.search(r'#\[path\s*=\s*"([^"]+)"\]\s*$', src[max(0, m.start() - 200):m.start()].rstrip() + "\n")
            sub = [os.path.join(base, *parent[len(mod_path):], name + ".rs"),
                   os.path.join(base, *parent[len(mod_path):], name, "mod.rs")]
            if attr:
                sub = [os.path.join(here, attr.group(1))]
            for candidate in sub:
                if os.path.exists(candidate):
                    owner = candidate.endswith("mod.rs")
                    self.read_file(candidate, parent + (name,), owner)
                    break
        # Use statements.
        for m in re.finditer(r"\buse\s+([^;]+);", text):
            where = module_at(m.start())
            line = line_of(m.start())
            for segs, name in parse_use_tree(m.group(1)):
                segs = [s for s in segs if s != "::"]
                if not segs:
                    continue
                self.refs.append((where, segs, fs_path, line))
                if name is not None and name != "_":
                    self.imports[where][name] = (segs, where, fs_path, line)
        # Paths in code.
        for m in re.finditer(r"(?<![\w:$])(" + IDENT + r")((?:\s*::\s*" + IDENT + r")+)", text):
            first = m.group(1)
            rest = re.findall(IDENT, m.group(2))
            if first in ("crate", "super", "self") or first in self.children.get(module_at(m.start()), ()):
                self.refs.append((module_at(m.start()), [first] + rest, fs_path, line_of(m.start())))

    def resolve(self, where, segs, depth=0):
        """The module a path names (for an item, the module that holds or re-exports
        it), or None for an external path."""
        if depth > 16:
            return None
        segs = list(segs)
        if segs[0] == "crate":
            cur, segs = (), segs[1:]
        elif segs[0] == "self":
            cur, segs = where, segs[1:]
        elif segs[0] == "super":
            cur = where
            while segs and segs[0] == "super":
                cur, segs = cur[:-1], segs[1:]
        elif segs[0] in self.children.get(where, ()):
            cur = where
        else:
            return None
        while segs and cur + (segs[0],) in self.modules:
            cur, segs = cur + (segs[0],), segs[1:]
        if segs and segs[0] in self.imports.get(cur, {}):
            target_segs, from_mod, _, _ = self.imports[cur][segs[0]]
            target = self.resolve(from_mod, list(target_segs) + segs[1:], depth + 1)
            if target is not None:
                return target
        return cur

    def graph(self):
        edges = {}
        for where, segs, fs_path, line in self.refs:
            target = self.resolve(where, segs)
            if target is None or target not in self.modules:
                continue
            a, b = self.modules[where], self.modules[target]
            if a != b:
                edges.setdefault(a, {}).setdefault(b, (fs_path, line))
        return edges


def name(path):
    return "::".join(path) if path else "crate"


def sccs(nodes, edges):
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(comp)

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def package_name(cargo_toml):
    m = re.search(r'^\[package\][^\[]*?^name\s*=\s*"([^"]+)"', cargo_toml, re.M | re.S)
    return m.group(1) if m else None


def roots(crate_dir):
    """(label suffix, root file) of each target of the package in `crate_dir`."""
    toml = open(os.path.join(crate_dir, "Cargo.toml"), encoding="utf-8").read()
    found = []
    for section, body in re.findall(r"^\[\[?(lib|bin|bench|example)\]?\]\s*\n((?:(?!^\[).*\n?)*)", toml, re.M):
        path = re.search(r'^path\s*=\s*"([^"]+)"', body, re.M)
        if path:
            found.append(("" if section == "lib" else f"[{section} {os.path.splitext(os.path.basename(path.group(1)))[0]}]", path.group(1)))
    paths = {p for _, p in found}
    for suffix, default in [("", "src/lib.rs"), ("[bin]", "src/main.rs")]:
        if default not in paths and os.path.exists(os.path.join(crate_dir, default)):
            if not (suffix == "" and any(s == "" for s, _ in found)):
                found.append((suffix, default))
    bin_dir = os.path.join(crate_dir, "src", "bin")
    if os.path.isdir(bin_dir):
        for f in sorted(os.listdir(bin_dir)):
            rel = os.path.join("src", "bin", f)
            if f.endswith(".rs") and rel not in paths:
                found.append((f"[bin {f[:-3]}]", rel))
    return package_name(toml) or os.path.basename(crate_dir), [(s, os.path.join(crate_dir, p)) for s, p in found]


def main(argv):
    report = "--report" in argv
    why = "--why" in argv
    args = [a for a in argv if not a.startswith("--")]
    top = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    dirs = []
    crates = os.path.join(top, "crates")
    if os.path.isdir(crates):
        dirs += [os.path.join(crates, d) for d in sorted(os.listdir(crates))]
    dirs += [os.path.join(top, d) for d in ("benches", "examples")]
    total = 0
    for d in dirs:
        if not os.path.exists(os.path.join(d, "Cargo.toml")):
            continue
        package, targets = roots(d)
        for suffix, root in targets:
            if not os.path.exists(root):
                continue
            crate = Crate(package + suffix)
            crate.read_file(root, (), True)
            edges = crate.graph()
            nodes = set(crate.modules.values())
            for comp in sccs(nodes, edges):
                if len(comp) < 2:
                    continue
                total += 1
                comp = sorted(comp)
                print(f"{crate.label}: " + " <-> ".join(name(c) for c in comp))
                if why:
                    members = set(comp)
                    for a in comp:
                        for b, (f, line) in sorted(edges.get(a, {}).items()):
                            if b in members:
                                print(f"    {name(a)} -> {name(b)}  ({os.path.relpath(f, top)}:{line})")
    print(f"module cycles: {total}")
    return 0 if report or total == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
