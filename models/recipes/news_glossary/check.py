"""Check the news glossary against real usage and write it, with what was seen, into the package.

    .venv/bin/python models/recipes/news_glossary/check.py --data ../shared/data

For each entry: how many sentences of the Khmer and Malaysian news (mono/) use each form
("seen"), and, over the parallel training pairs whose English names the entry, the share whose
Khmer / Malay side has one of its forms ("parallel": a form the translators of real text use).
Reads glossary.in.json beside this file; writes src/newsbrief/data/news_glossary.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
OUT = HERE.parents[2] / "src" / "newsbrief" / "data" / "news_glossary.json"


def pattern(forms: list[str], lang: str, not_before: list[str] = ()) -> re.Pattern[str]:
    """The forms as the package reads them (a Khmer form not before an entry's not_before endings)."""
    alternation = "|".join(sorted(map(re.escape, forms), key=len, reverse=True))
    after = f"(?!{'|'.join(map(re.escape, not_before))})" if not_before else ""
    return re.compile(f"(?:{alternation}){after}" if lang == "km" else rf"(?<![\w-])(?:{alternation})(?![\w-])",
                      re.IGNORECASE)


def pairs(data: Path, lang: str):
    """(english, other) training pairs: FLORES-200 dev, TICO-19 dev and the TSV."""
    code = {"km": "khm", "ms": "zsm"}[lang]
    for folder, stem in (("flores200_dev", "flores200_dev"), ("tico19_dev", "tico19_dev")):
        eng = (data / "parallel" / folder / f"{stem}.eng").read_text("utf-8").splitlines()
        other = (data / "parallel" / folder / f"{stem}.{code}").read_text("utf-8").splitlines()
        yield from zip(eng, other)
    with open(data / "parallel" / f"en-{lang}.tsv", encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if len(row) >= 2:
                yield row[0], row[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder (../shared/data)")
    args = parser.parse_args()
    glossary = json.loads((HERE / "glossary.in.json").read_text("utf-8"))
    mono = {lang: (args.data / "mono" / f"{lang}_news.txt").read_text("utf-8").splitlines() for lang in ("km", "ms")}
    parallel = {lang: list(pairs(args.data, lang)) for lang in ("km", "ms")}
    for section in ("roles", "provinces"):
        for entry in glossary[section]:
            seen = {}
            for lang in ("km", "ms"):
                for form in entry.get(lang, []):  # no Khmer form: kept as the source writes it
                    skip = entry.get("not_before", {}).get(lang, [])
                    seen[form] = sum(1 for line in mono[lang] if pattern([form], lang, skip).search(line))
            share = {}
            english = pattern(entry["en"], "en")
            for lang in (lang for lang in ("km", "ms") if entry.get(lang)):
                other = pattern(entry[lang], lang, entry.get("not_before", {}).get(lang, []))
                named = [o for e, o in parallel[lang] if english.search(e)]
                hits = sum(1 for o in named if other.search(o))
                share[f"en-{lang}"] = f"{hits}/{len(named)}"
            entry["seen"], entry["parallel"] = seen, share
            print(section, entry["id"], json.dumps(seen, ensure_ascii=False), share, file=sys.stderr)
    OUT.write_text(json.dumps(glossary, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"wrote {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
