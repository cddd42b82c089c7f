#!/usr/bin/env python3
"""Checks that a pylock.toml is complete: in every environment it is meant for, each
package it installs has a file that environment can install (an sdist, or a wheel for
its Python and OS) and every dependency it declares, at an allowed version.

Usage: bench/verify_lock.py PYLOCK CACHE_DIR [--group G ...] [--extra E ...] [--python 3.9.0 ...]

The project's own requirements (and the extras they ask for) come from the
pyproject.toml beside PYLOCK. The dependencies come from the core metadata pinctl cached while locking
(CACHE_DIR/metadata-v2/<index>/<name>/<version>.json), so run it after `pinctl lock
--cache-dir CACHE_DIR`. Environments: each --python version (default: one per minor
version from 3.8 to 3.14 plus x.y.0 of each) on Linux, macOS and Windows, with the
production set plus the given groups and extras. Needs `packaging` >= 25.1 (PEP 751
markers). Exit 1 when a dependency is missing or at a version its dependent excludes.
"""
from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

PLATFORMS = {
    "linux": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix", "platform_machine": "x86_64"},
    "macos": {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix", "platform_machine": "arm64"},
    "windows": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": "AMD64"},
}


def environment(python: str, platform: dict[str, str]) -> dict[str, str]:
    major_minor = ".".join(python.split(".")[:2])
    return {
        "python_version": major_minor,
        "python_full_version": python,
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "implementation_version": python,
        "platform_release": "",
        "platform_version": "",
        **platform,
    }


PLATFORM_TAGS = {"linux": ("manylinux", "musllinux", "linux"), "darwin": ("macosx",), "win32": ("win",)}


def installable(package: dict, env: dict) -> bool:
    """Whether the package has an sdist or a wheel this Python and OS can take (the
    python and ABI tags against the version, the platform tag against the OS family)."""
    if package.get("sdist"):
        return True
    minor = int(env["python_version"].split(".")[1])
    families = PLATFORM_TAGS[env["sys_platform"]]
    for wheel in package.get("wheels", []):
        stem = wheel["name"][: -len(".whl")]
        python_tags, abi_tags, platform_tags = (part.split(".") for part in stem.split("-")[-3:])
        if not any(p == "any" or p.startswith(families) for p in platform_tags):
            continue
        for tag in python_tags:
            digits = tag[2:]
            if not digits.startswith("3"):
                continue
            tag_minor = int(digits[1:] or 0)
            generic = tag.startswith("py")
            abi3 = "abi3" in abi_tags or "none" in abi_tags and generic
            if tag_minor == minor or (tag_minor < minor and (generic or abi3)):
                return True
    return False


def metadata(cache: Path, name: str, version: str) -> dict | None:
    for path in cache.glob(f"metadata-v2/*/{name}/{version}.json"):
        return json.loads(path.read_text())
    return None


def check(lock: dict, cache: Path, env: dict, groups: list[str], extras: list[str], roots: list[str]) -> list[str]:
    lock_env = dict(env, dependency_groups=groups, extras=extras)
    installed: dict[str, str] = {}
    not_installable = []
    for package in lock["packages"]:
        marker = package.get("marker")
        if marker is None or Marker(marker).evaluate(lock_env, context="lock_file"):
            name = canonicalize_name(package["name"])
            if name in installed:
                return [f"{name} is installed twice ({installed[name]} and {package['version']})"]
            installed[name] = package["version"]
            if not installable(package, env):
                not_installable.append(f"{name} {package['version']} has no sdist and no wheel for this Python and OS")
    python = Version(env["python_full_version"])
    metas = {name: metadata(cache, name, version) for name, version in installed.items()}
    # The extras in use: those the project asks for, then those asked for by the
    # dependencies that apply, to a fixed point.
    active: dict[str, set[str]] = {name: set() for name in installed}

    def applies(req: Requirement, extras: set[str], base_env: dict) -> bool:
        if req.marker is None:
            return True
        return any(req.marker.evaluate(dict(base_env, extra=e)) for e in [""] + sorted(extras))

    def ask(req: Requirement) -> bool:
        dep = canonicalize_name(req.name)
        new = {canonicalize_name(e) for e in req.extras} - active.get(dep, set())
        if dep in active and new:
            active[dep] |= new
            return True
        return False

    for raw in roots:
        req = Requirement(raw)
        if req.marker is None or req.marker.evaluate(dict(env, extra="")):
            ask(req)
    changed = True
    while changed:
        changed = False
        for name, meta in metas.items():
            for raw in (meta or {}).get("requires_dist", []):
                req = Requirement(raw)
                if applies(req, active[name], env) and ask(req):
                    changed = True
    problems = list(not_installable)
    for name, version in sorted(installed.items()):
        meta = metas[name]
        if meta is None:
            problems.append(f"{name} {version}: no cached metadata to check against")
            continue
        rp = meta.get("requires_python")
        if rp and python not in SpecifierSet(rp):
            problems.append(f"{name} {version} requires Python {rp}")
        for raw in meta.get("requires_dist", []):
            req = Requirement(raw)
            if not applies(req, active[name], env):
                continue
            dep = canonicalize_name(req.name)
            if dep not in installed:
                problems.append(f"{name} {version} needs {raw}, which is not installed")
            elif not req.specifier.contains(installed[dep], prereleases=True):
                problems.append(f"{name} {version} needs {raw}, but {dep} {installed[dep]} is installed")
    return problems


def project_requirements(pyproject: Path, groups: list[str], extras: list[str]) -> list[str]:
    """The project's own requirements in the chosen scopes (PEP 621 and PEP 735)."""
    if not pyproject.exists():
        return []
    data = tomllib.loads(pyproject.read_text())
    project = data.get("project", {})
    reqs = list(project.get("dependencies", []))
    for extra in extras:
        reqs += project.get("optional-dependencies", {}).get(extra, [])
    for group in groups:
        reqs += [r for r in data.get("dependency-groups", {}).get(group, []) if isinstance(r, str)]
    return reqs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pylock", type=Path)
    ap.add_argument("cache", type=Path)
    ap.add_argument("--group", action="append", default=[])
    ap.add_argument("--extra", action="append", default=[])
    ap.add_argument("--python", action="append", default=[])
    args = ap.parse_args()
    lock = tomllib.loads(args.pylock.read_text())
    pythons = args.python or [f"3.{m}.{p}" for m in range(8, 15) for p in (0, 20)]
    rp = SpecifierSet(lock.get("requires-python", ""))
    pythons = [p for p in pythons if Version(p) in rp]
    roots = project_requirements(args.pylock.parent / "pyproject.toml", args.group, args.extra)
    failed = False
    for python in pythons:
        for platform_name, platform in PLATFORMS.items():
            env = environment(python, platform)
            problems = check(lock, args.cache, env, args.group, args.extra, roots)
            for problem in problems:
                failed = True
                print(f"python {python} on {platform_name}: {problem}")
    print(f"checked {len(pythons)} Python versions x {len(PLATFORMS)} platforms: {'problems found' if failed else 'complete'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
