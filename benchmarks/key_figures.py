"""Key-figure extraction against the hand-checked figures in tests/data/key_figures.jsonl.

Each line of the file is one sentence of an article in ../shared/data (located by file and
sentence index or line, with its first characters to catch drift) and every number in it:
as written, its kind (count, year, date, money, ...) and, for counts, what it counts ("a|b":
either is right). A predicted figure is right when its number, kind and (for counts) what
it counts match; precision over predicted figures, recall over hand-checked ones. Used by
benchmarks/summarization.py and tests/test_key_figures.py.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

from newsbrief.article import Article
from newsbrief.facts import figures_of

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "data" / "key_figures.jsonl"
_ZW = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def _norm(text: str) -> str:
    return " ".join(_ZW.sub("", text).lower().split())


def load_gold(data: Path, path: Path = GOLD) -> list[dict]:
    """The hand-checked sentences with their text looked up in the shared data folder."""
    rows, articles = [], {}
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        src = row["source"]
        file = data / src["file"]
        if "line" in src:
            text = file.read_text("utf-8").split("\n")[src["line"] - 1]
        else:
            key = (src["file"], src.get("id"))
            if key not in articles:
                if src["file"].endswith(".jsonl"):
                    records = (json.loads(x) for x in file.read_text("utf-8").splitlines() if x.strip())
                    raw = next(r["text"] for r in records if r["id"] == src["id"])
                else:
                    raw = file.read_text("utf-8")
                articles[key] = Article.from_text(raw)
            text = articles[key].sentences[src["sentence"]].text
        if not text.startswith(row["starts_with"]):
            raise ValueError(f"{src}: the sentence now starts {text[:24]!r}, not {row['starts_with']!r} "
                             f"(segmentation or data changed)")
        rows.append({**row, "text": text})
    return rows


def _right(pred, gold: dict) -> bool:
    if pred.kind != gold["kind"]:
        return False
    if gold["kind"] != "count":
        return True
    return _norm(pred.counts) in {_norm(c) for c in gold["counts"].split("|")}


def evaluate(rows: list[dict]) -> dict:
    """Precision and recall (x100) overall, for counts only, and per language; the misses."""
    tally = defaultdict(lambda: {"pred": 0, "gold": 0, "right": 0, "found": 0,
                                 "count_pred": 0, "count_gold": 0, "count_right": 0})
    errors = []
    for row in rows:
        preds = figures_of(row["text"], lang=row["lang"])
        golds = row["figures"]
        used = [False] * len(preds)
        for t in (tally[row["lang"]], tally["all"]):
            t["pred"] += len(preds)
            t["gold"] += len(golds)
            t["count_pred"] += sum(p.kind == "count" for p in preds)
            t["count_gold"] += sum(g["kind"] == "count" for g in golds)
        for g in golds:
            match = next((i for i, p in enumerate(preds) if not used[i]
                          and _norm(p.written).replace(" ", "") == _norm(g["written"]).replace(" ", "")), None)
            if match is None:
                errors.append({"lang": row["lang"], "expected": g, "got": None, "sentence": row["text"][:160]})
                continue
            used[match] = True
            p = preds[match]
            right = _right(p, g)
            for t in (tally[row["lang"]], tally["all"]):
                t["found"] += 1
                t["right"] += right
                t["count_right"] += right and g["kind"] == "count"
            if not right:
                errors.append({"lang": row["lang"], "expected": g, "got": {"kind": p.kind, "counts": p.counts},
                               "sentence": row["text"][:160]})
        for i, p in enumerate(preds):
            if not used[i]:
                errors.append({"lang": row["lang"], "expected": None, "got": {"written": p.written, "kind": p.kind,
                                                                             "counts": p.counts},
                               "sentence": row["text"][:160]})
    out = {}
    for lang, t in tally.items():
        def pct(a, b):
            return round(100 * a / b, 1) if b else None
        out[lang] = {"figures": t["gold"], "predicted": t["pred"],
                     "precision": pct(t["right"], t["pred"]), "recall": pct(t["right"], t["gold"]),
                     "numbers_found": pct(t["found"], t["gold"]),
                     "counts": t["count_gold"], "count_precision": pct(t["count_right"], t["count_pred"]),
                     "count_recall": pct(t["count_right"], t["count_gold"])}
    return {"scores": out, "errors": errors}
