#!/usr/bin/env python3
"""What confirming unadvertised `.metadata` files costs: two pinctl builds, same projects.

The reachable PyPI serves `<wheel>.metadata` without advertising it, so since issue 13
pinctl compares the metadata of every locked version that came from such a file with
the wheel's own METADATA (range reads) before it writes the lock, and caches the
outcome. This script locks each project with a build from before that change (`--base`)
and one after (`--new`), alternating, and prints a Markdown table:
  cold: a fresh cache directory per run (everything from the network);
  warm: the cache that run left, `--offline`;
with the median wall time and the HTTP requests of one more (untimed) cold run (counted from `-vv`
`GET` lines), split into wheel range reads and the rest.

Usage: bench/confirm_cost.py --base OLD_BINARY --new NEW_BINARY [--runs N] [--warm-runs N] PROJECT_DIR...
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path


def lock(binary: str, project: Path, cache: Path, args: list[str]) -> tuple[float, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PINCTL_")}
    env["PINCTL_CACHE_DIR"] = str(cache)
    lockfile = project / "pylock.toml"
    if lockfile.exists():
        lockfile.unlink()
    start = time.perf_counter()
    proc = subprocess.run(
        [binary, "--no-progress", "lock", *args],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{binary} lock failed in {project}:\n{proc.stderr[-2000:]}")
    return elapsed, proc.stderr


def count_requests(stderr: str) -> tuple[int, int]:
    gets = [line for line in stderr.splitlines() if "GET " in line and " -> " in line]
    wheel_reads = [line for line in gets if ".whl -> " in line]
    return len(gets), len(wheel_reads)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--new", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warm-runs", type=int, default=10)
    parser.add_argument("projects", nargs="+", type=Path)
    opts = parser.parse_args()
    print("| project | build | cold (ms) | warm (ms) | requests (cold) | wheel range reads (cold) |")
    print("|---|---|---:|---:|---:|---:|")
    for source in opts.projects:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp) / source.name
            shutil.copytree(source, work, ignore=shutil.ignore_patterns("pylock.toml", ".venv"))
            builds = {"before": opts.base, "after": opts.new}
            cold = {b: [] for b in builds}
            caches = {b: Path(tmp) / f"cache-{b}" for b in builds}
            counts = {}
            # One untimed cold run under -vv counts the requests.
            for build, binary in builds.items():
                shutil.rmtree(caches[build], ignore_errors=True)
                counts[build] = count_requests(lock(binary, work, caches[build], ["-vv"])[1])
            for _ in range(opts.runs):
                for build, binary in builds.items():
                    shutil.rmtree(caches[build], ignore_errors=True)
                    cold[build].append(lock(binary, work, caches[build], [])[0])
            warm = {b: [] for b in builds}
            for _ in range(opts.warm_runs):
                for build, binary in builds.items():
                    warm[build].append(lock(binary, work, caches[build], ["--offline"])[0])
            for build in builds:
                requests, wheel_reads = counts[build]
                print(
                    f"| {source.name} | {build} | {statistics.median(cold[build]) * 1000:.0f} "
                    f"| {statistics.median(warm[build]) * 1000:.0f} | {requests} | {wheel_reads} |"
                )


if __name__ == "__main__":
    main()
