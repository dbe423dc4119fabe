#!/usr/bin/env python3
"""Counts the public items of a crate from its rustdoc JSON: types, functions, inherent
methods, constants, statics, enum variants, traits and their items, macros. Items of
trait implementations (`impl Display for T`) are not counted: they are the trait's
surface, not the crate's. Modules and re-exports are not items either.

Usage: .ci/public-items.py target/doc/CRATE.json [--list]
Produce the JSON with:
  RUSTC_BOOTSTRAP=1 cargo rustdoc -p influxdb3-permission --lib -- -Z unstable-options --output-format json
"""
import json
import sys

COUNTED = {"struct", "enum", "union", "function", "constant", "static", "variant",
           "trait", "type_alias", "macro", "assoc_const", "assoc_type"}

def kind(item):
    return next(iter(item["inner"])) if isinstance(item["inner"], dict) else item["inner"]

def main():
    doc = json.load(open(sys.argv[1]))
    index = doc["index"]
    root = index[str(doc["root"])]
    seen = []

    def visit(item_id, path):
        item = index.get(str(item_id))
        if item is None or item.get("crate_id", 0) != 0:
            return
        k = kind(item)
        inner = item["inner"][k] if isinstance(item["inner"], dict) else {}
        name = item.get("name") or ""
        if k == "module":
            for child in inner.get("items", []):
                visit(child, path + [name])
            return
        if k == "use":
            target = inner.get("id")
            if target is not None:
                visit(target, path)
            return
        if item.get("visibility") != "public" and k not in ("variant",):
            return
        full = "::".join(path[1:] + [name])
        if k in COUNTED and (k, full) not in seen:
            seen.append((k, full))
        if k == "enum":
            for v in inner.get("variants", []):
                visit(v, path + [name])
        if k in ("struct", "enum", "union"):
            for impl_id in inner.get("impls", []):
                impl = index[str(impl_id)]["inner"]["impl"]
                if impl.get("trait") is None and not impl.get("is_synthetic"):
                    for m in impl.get("items", []):
                        visit(m, path + [name])
        if k == "trait":
            for m in inner.get("items", []):
                visit(m, path + [name])

    visit(doc["root"], [])
    if "--list" in sys.argv:
        for k, full in seen:
            print(f"{k:10} {full}")
    print(len(seen))

main()
