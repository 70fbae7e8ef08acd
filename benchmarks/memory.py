"""Memory figures: this process's peak and current resident set size (RSS), in MB."""

from __future__ import annotations

import resource
from pathlib import Path


def _status(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def peak_rss_mb() -> float:
    """Peak RSS so far (VmHWM: unlike ru_maxrss it does not carry over the parent's size through
    fork + exec; ru_maxrss where /proc is missing)."""
    peak = _status("VmHWM")
    return peak if peak is not None else round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def rss_mb() -> float | None:
    """Current RSS (None where /proc is missing)."""
    return _status("VmRSS")
