"""Where the desk's Khmer and Malay strings were checked: the evidence recorded in the catalogs.

Each entry of src/newsbrief/server/static/i18n/{km,ms}.json is {"text": ..., "checked": [...]}; each
checked item names a term of the text and where real usage has it:

- "cldr": "languages.km" -- the term is CLDR's (babel's locale data for the catalog's language);
- "en": "Cancel" -- Debian's software translations, ../shared/data/parallel/en-<lang>.tsv, have rows
  whose English is this interface string and whose translation holds the term ("ui": how many rows);
- "news": how many lines of the news in ../shared/data/mono/<lang>_news.txt hold the term (for Malay
  as a whole word, case-insensitive).

    python tools/i18n_evidence.py            # recompute the counts and say where they differ
    python tools/i18n_evidence.py --write    # record them in the catalogs

tests/test_server_i18n.py checks the recorded counts against the corpora (and CLDR) with this module.
No string here was machine-translated; the evidence is how each was checked.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CATALOGS = REPO / "src" / "newsbrief" / "server" / "static" / "i18n"
SHARED = Path(os.environ.get("NEWSBRIEF_SHARED_DATA", REPO.parent / "shared" / "data"))


IDENTIFIERS = {"API", "JSON", "Markdown", "UTF", "chrF", "txt", "html", "newsbrief"}


def _norm(english: str) -> str:
    text = english.replace("_", "").replace("&", "").strip()
    text = re.sub(r"(\s*[:：]|\.\.\.|…)$", "", text)
    return " ".join(text.lower().split())


@lru_cache(maxsize=None)
def _ui_rows(lang: str) -> dict[str, list[str]]:
    rows: dict[str, list[str]] = {}
    with open(SHARED / "parallel" / f"en-{lang}.tsv", encoding="utf-8") as f:
        next(f)
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2:
                rows.setdefault(_norm(parts[0]), []).append(parts[1])
    return rows


@lru_cache(maxsize=None)
def _news(lang: str) -> tuple[str, ...]:
    return tuple((SHARED / "mono" / f"{lang}_news.txt").read_text("utf-8").splitlines())


def news_count(lang: str, term: str) -> int:
    if lang == "km":
        return sum(term in line for line in _news(lang))
    pattern = re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE)
    return sum(bool(pattern.search(line)) for line in _news(lang))


def ui_count(lang: str, english: str, term: str) -> int:
    return sum(term.lower() in target.replace("_", "").replace("&", "").lower()
               for target in _ui_rows(lang).get(_norm(english), []))


def cldr_value(lang: str, path: str) -> str | None:
    from babel import Locale

    locale = Locale.parse(lang)
    first, *rest = path.split(".")
    value = locale._data[first]  # babel's CLDR tables: "languages", "list_patterns", "unit_patterns", ...
    for key in rest:
        if key not in value:
            return None
        value = value[key]
    return value


def words(text: str) -> list[str]:
    """The text's words, leaving out placeholders and identifiers kept in every language."""
    text = re.sub(r"\{\w+\}", " ", text)
    return [w for w in re.findall(r"[^\W\d_][\w\u17b4-\u17d3]*", text) if w not in IDENTIFIERS]


def evidence(lang: str, item: dict) -> dict:
    """The item with its counts recomputed from the corpora."""
    out = {k: v for k, v in item.items() if k not in ("news", "ui")}
    out["news"] = news_count(lang, item["term"])
    if "en" in item:
        out["ui"] = ui_count(lang, item["en"], item["term"])
    return out


def problems(lang: str, catalog: dict) -> list[str]:
    """What is wrong with the catalog's recorded evidence (empty: all of it holds)."""
    found = []
    for key, entry in catalog.items():
        if key.startswith("_"):
            continue
        items = entry.get("checked") if isinstance(entry, dict) else None
        if items is None or (not items and words(entry["text"])):
            found.append(f"{lang} {key}: no term checked")
            continue
        for item in items:
            term = item["term"]
            if term.lower() not in entry["text"].lower():
                found.append(f"{lang} {key}: {term!r} is not in the text")
            fresh = evidence(lang, item)
            if "cldr" in item and cldr_value(lang, item["cldr"]) != term:
                found.append(f"{lang} {key}: CLDR {item['cldr']} is {cldr_value(lang, item['cldr'])!r}, not {term!r}")
            if fresh != item:
                found.append(f"{lang} {key}: {term!r} recorded {item}, the corpora give {fresh}")
            if "cldr" not in item and not fresh["news"] and not fresh.get("ui"):
                found.append(f"{lang} {key}: {term!r} seen nowhere (no CLDR, news or interface use)")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="record the recomputed counts in the catalogs")
    args = parser.parse_args()
    for lang in ("km", "ms"):
        path = CATALOGS / f"{lang}.json"
        catalog = json.loads(path.read_text("utf-8"))
        if args.write:
            for key, entry in catalog.items():
                if not key.startswith("_"):
                    entry["checked"] = [evidence(lang, item) for item in entry.get("checked", [])]
            path.write_text(json.dumps(catalog, ensure_ascii=False, indent=1) + "\n", "utf-8")
        for line in problems(lang, catalog):
            print(line)


if __name__ == "__main__":
    main()
