"""PNG plots of benchmark results (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path


def bar_chart(path: Path, groups: Sequence[str], series: dict[str, Sequence[float | None]], ylabel: str,
              title: str, log: bool = False) -> Path | None:
    """Grouped bars: one group per entry of `groups`, one bar per series. None values are left out.
    Returns the path, or None (with a note on stderr) when matplotlib is not installed."""
    try:
        import matplotlib
    except ImportError:
        print(f"not plotting {path.name}: matplotlib is not installed (pip install -e '.[dev]')", file=sys.stderr)
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    width = 0.8 / max(len(series), 1)
    fig, ax = plt.subplots(figsize=(max(4.0, 1.2 * len(groups) * max(len(series), 1) * 0.6 + 2), 3.6), dpi=100)
    for i, (name, values) in enumerate(series.items()):
        xs = [g + (i - (len(series) - 1) / 2) * width for g, v in enumerate(values) if v is not None]
        ys = [v for v in values if v is not None]
        bars = ax.bar(xs, ys, width, label=name)
        ax.bar_label(bars, fmt="%.3g", fontsize=7, padding=1)
    ax.set_xticks(range(len(groups)), groups)
    ax.set_ylabel(ylabel)
    ax.set_title("\n".join(textwrap.wrap(title, 60)), fontsize=10)  # long titles wrap, not cut
    if log:
        ax.set_yscale("log")
    ax.legend(fontsize=8)
    ax.margins(y=0.15)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, metadata={"Software": None})  # no version stamp: the file changes only with the figures
    plt.close(fig)
    return path
