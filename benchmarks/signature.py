"""The signature every benchmark result carries: what ran, where, when."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10,
                              check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def git_commit() -> str:
    """HEAD, with "+dirty" when src/ or benchmarks/ (results aside) have uncommitted changes."""
    head = _git("rev-parse", "HEAD") or "unknown"
    return head + ("+dirty" if _git("status", "--porcelain", "--", "src", "benchmarks", ":!benchmarks/results")
                   else "")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def signature(packages: tuple[str, ...] = ("newsbrief",), **extra: object) -> dict:
    versions = {}
    for package in packages:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "git_commit": git_commit(),
            "python": sys.version.split()[0], "platform": platform.platform(), "cpu": cpu_model(),
            "cpu_count": os.cpu_count(), "loadavg_1min": _loadavg(), "packages": versions, **extra}


def _loadavg() -> float | None:
    """The machine's 1-minute load average at the start: other work skews absolute timings."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None
