#!/usr/bin/env python3
"""Times `pinctl lock` against `uv lock` on the same projects, in one run.

For each project (default: ../shared/corpus/*), both tools lock a fresh copy of its
pyproject.toml:
  cold: fresh cache directories for both tools, so every index page and metadata file
        comes from the network;
  warm: populated caches, with --offline, so only the local work is timed.
Runs alternate between the tools (pinctl, uv, pinctl, uv, ...) so both see the same
network conditions. The medians and the ratio pinctl/uv go to BENCHMARKS.md.

Usage: bench/lock_vs_uv.py [--runs N] [--warm-runs N] [--pinctl PATH] [--uv PATH] [--out FILE] [PROJECT_DIR...]
uv comes from a scratch venv (scripts/test-env installs it); pinctl from target/release.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class LockFailed(Exception):
    """A tool could not lock a project: the project is reported, not timed."""


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        lines = [l for l in proc.stderr.splitlines() if l.strip()]
        at = next((i for i, l in enumerate(lines) if l.startswith("error")), 0)
        reason = " ".join(l.strip() for l in lines[at : at + 2])
        raise LockFailed(f"`{Path(cmd[0]).name} lock` exits {proc.returncode}: {reason}")
    return elapsed


def fresh_copy(project: Path, scratch: Path, tag: str) -> Path:
    work = Path(tempfile.mkdtemp(prefix=f"{project.name}-{tag}-", dir=scratch))
    shutil.copy(project / "pyproject.toml", work / "pyproject.toml")
    return work


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3, help="cold runs per tool (default 3)")
    ap.add_argument("--warm-runs", type=int, default=15, help="warm runs per tool (default 15; they take milliseconds, and their medians need more samples to settle)")
    ap.add_argument("--pinctl", default=str(ROOT / "target" / "release" / "pinctl"))
    ap.add_argument("--uv", default=None, help="uv binary (default: the one in scripts/test-env's venv)")
    ap.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    ap.add_argument("projects", nargs="*", type=Path)
    args = ap.parse_args()

    projects = [p.resolve() for p in args.projects] or sorted(p for p in (ROOT.parent / "shared" / "corpus").iterdir() if (p / "pyproject.toml").exists())
    uv = args.uv or str(Path(subprocess.check_output([str(ROOT / "scripts" / "test-env")], text=True).strip()) / "bin" / "uv")
    pinctl = str(Path(args.pinctl).resolve())
    if not Path(pinctl).exists():
        sys.exit(f"{pinctl} not found: run `cargo build --release` first")
    env = dict(os.environ, NO_COLOR="1", UV_NO_PROGRESS="1")
    env.pop("PINCTL_CACHE_DIR", None)
    env.pop("UV_CACHE_DIR", None)

    tools = {
        "pinctl": lambda cache, offline: [pinctl, "lock", "--no-progress", "--cache-dir", str(cache)] + (["--offline"] if offline else []),
        "uv": lambda cache, offline: [uv, "lock", "--cache-dir", str(cache)] + (["--offline"] if offline else []),
    }
    rows = []
    failures = []
    with tempfile.TemporaryDirectory(prefix="pinctl-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        for project in projects:
            times: dict[tuple[str, str], list[float]] = {}
            warm_caches = {}
            try:
                for i in range(args.runs):
                    for tool, cmd in tools.items():
                        cache = scratch / f"cache-{tool}-{project.name}-{i}"
                        t = run(cmd(cache, False), fresh_copy(project, scratch, tool), env)
                        times.setdefault((tool, "cold"), []).append(t)
                        warm_caches[tool] = cache
                for _ in range(args.warm_runs):
                    for tool, cmd in tools.items():
                        t = run(cmd(warm_caches[tool], True), fresh_copy(project, scratch, tool), env)
                        times.setdefault((tool, "warm"), []).append(t)
            except LockFailed as e:
                failures.append((project.name, str(e)))
                print(f"{project.name:12} not timed: {e}", file=sys.stderr)
                continue
            for mode in ("cold", "warm"):
                p = statistics.median(times[("pinctl", mode)])
                u = statistics.median(times[("uv", mode)])
                rows.append((project.name, mode, p, u, p / u))
                print(f"{project.name:12} {mode}: pinctl {p * 1000:7.0f} ms  uv {u * 1000:7.0f} ms  ratio {p / u:5.2f}", file=sys.stderr)

    uv_version = subprocess.check_output([uv, "--version"], text=True).strip()
    pinctl_version = subprocess.check_output([pinctl, "--version"], text=True).strip()
    lines = [
        "# Benchmarks: `pinctl lock` against `uv lock`",
        "",
        f"Generated by `bench/lock_vs_uv.py --runs {args.runs} --warm-runs {args.warm_runs}` on {time.strftime('%Y-%m-%d')}, "
        f"{platform.machine()}, {os.cpu_count()} cores; {pinctl_version}, {uv_version}.",
        "Cold: fresh caches for both tools. Warm: populated caches with `--offline`.",
        f"Median of {args.runs} cold and {args.warm_runs} warm alternating runs per tool; ratio = pinctl / uv (lower is better).",
        "",
        "| project | mode | pinctl (ms) | uv (ms) | ratio |",
        "|---|---|---:|---:|---:|",
    ]
    for name, mode, p, u, r in rows:
        lines.append(f"| {name} | {mode} | {p * 1000:.0f} | {u * 1000:.0f} | {r:.2f} |")
    for mode in ("cold", "warm"):
        ratios = [r for _, m, _, _, r in rows if m == mode]
        if ratios:
            lines.append(f"| **all** | {mode} | | | **{statistics.median(ratios):.2f}** (median) |")
    if failures:
        lines += ["", "Not timed (a tool could not lock the project):", ""]
        lines += [f"- {name}: {reason}" for name, reason in failures]
    Path(args.out).write_text("\n".join(lines) + "\n")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
