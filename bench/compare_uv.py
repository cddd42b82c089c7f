#!/usr/bin/env python3
"""Compares the versions in a pinctl pylock.toml with those in a uv.lock.

Usage: bench/compare_uv.py PYLOCK UV_LOCK
Prints every package whose set of locked versions differs, and a count of agreement
over the packages both lock. Exit 1 when anything differs.
"""
import sys
import tomllib
from collections import defaultdict


def versions(path, key):
    data = tomllib.load(open(path, "rb"))
    out = defaultdict(set)
    for p in data.get(key, []):
        src = p.get("source", {})
        if any(k in src for k in ("virtual", "editable", "directory")):
            continue
        out[p["name"]].add(p["version"])
    return out


def main():
    ours = versions(sys.argv[1], "packages")
    theirs = versions(sys.argv[2], "package")
    both = sorted(set(ours) & set(theirs))
    differ = [n for n in both if ours[n] != theirs[n]]
    for n in differ:
        print(f"differ  {n}: pinctl {sorted(ours[n])}  uv {sorted(theirs[n])}")
    for n in sorted(set(ours) - set(theirs)):
        print(f"only pinctl  {n} {sorted(ours[n])}")
    for n in sorted(set(theirs) - set(ours)):
        print(f"only uv  {n} {sorted(theirs[n])}")
    print(f"agree on {len(both) - len(differ)}/{len(both)} packages locked by both "
          f"(pinctl {len(ours)} names, uv {len(theirs)} names)")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
