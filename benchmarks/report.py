"""Writing a benchmark's results: JSON and a Markdown page, both carrying the signature and
the command that produced them."""

from __future__ import annotations

import json
import shlex
from collections.abc import Sequence
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def command(name: str, argv: Sequence[str]) -> str:
    """The canonical command line of a benchmark run: python -m benchmarks NAME ARGS."""
    return shlex.join(["python", "-m", "benchmarks", name, *argv])


def _cell(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]], numeric: Sequence[bool] | None = None) -> str:
    """A GitHub Markdown table; None shows as "–", "|" is escaped. Columns are right-aligned where
    `numeric` says so (default: where every value given is an int or a float)."""
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f"row has {len(row)} cells, the table {len(headers)} columns: {row!r}")
    if numeric is None:
        numeric = []
        for i in range(len(headers)):
            values = [r[i] for r in rows if r[i] is not None]
            numeric.append(bool(values) and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                for v in values))
    lines = ["| " + " | ".join(_cell(h) for h in headers) + " |",
             "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def signature_line(sig: dict) -> str:
    cpu = f"{sig.get('cpu', '?')} ({sig.get('cpu_count', '?')} cores)"
    parts = [sig.get("date", "?"), f"commit {sig.get('git_commit', '?')}", cpu, f"Python {sig.get('python', '?')}"]
    if sig.get("loadavg_1min") is not None:
        parts.append(f"load average {sig['loadavg_1min']}")
    if sig.get("loadavg_1min_before_after"):
        before, after = sig["loadavg_1min_before_after"]
        parts.append(f"load average {before} before / {after} after")
    packages = sig.get("packages") or {}
    if packages:
        parts.append(", ".join(f"{k} {v}" for k, v in packages.items()))
    return " · ".join(str(p) for p in parts)


def page(title: str, sig: dict, cmd: str, body: str) -> str:
    """The Markdown page: title, signature, the command, then the tables."""
    return f"# {title}\n\n{signature_line(sig)}\n\nProduced by: `{cmd}`\n\n{body.rstrip()}\n"


def write(out: Path, report: dict, markdown: str) -> tuple[Path, Path]:
    """out.json (the report) and out.md (the page); out is a path without suffix."""
    if "signature" not in report:
        raise ValueError("a benchmark report carries its signature")
    out.parent.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out.with_suffix(".json"), out.with_suffix(".md")
    json_path.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    md_path.write_text(markdown, encoding="utf-8")
    return json_path, md_path
