"""Mine the Khmer spellings of countries that CLDR lacks from the parallel data, with what was seen.

    .venv/bin/python models/recipes/news_glossary/khmer_places.py --data ../shared/data

Khmer writers transliterate a country afresh: FLORES-200 dev's human translations write Greenland
គ្រីនលែន and ហ្គ្រីនឡែន, Latvia ឡាតវី, where CLDR has other forms; the place check took those for a
country the translation left out. For each country (CLDR, newsbrief.facts.places), over the pairs
of en-km.tsv, TICO-19 dev and the Wikipedia km-en sets whose English names it (FLORES-200 dev is
left out: the check's false alarms are chosen on it) and whose Khmer side has none of its known
forms: the stretch of Khmer (whole letter clusters, 5+ characters) found in most of those pairs
and in few others (at least MIN_PAIRS of them, precision at least MIN_PRECISION over all the Khmer
sides), then again over the pairs still without a form (up to three forms). Writes
src/newsbrief/data/khmer_places.json: {code: {form: [pairs of the country with it, Khmer sides
with it]}}; the place check reads these forms, never writes them (CLDR's form is rendered).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).parent
REPO = HERE.parents[2]
OUT = REPO / "src" / "newsbrief" / "data" / "khmer_places.json"
sys.path.insert(0, str(REPO / "src"))
MIN_PAIRS, MIN_PRECISION, MIN_SOUND, MIN_CHARS, MAX_CLUSTERS = 3, 0.6, 0.4, 5, 8


def pairs(data: Path):
    for folder, eng, khm in (("tico19_dev", "tico19_dev.eng", "tico19_dev.khm"),
                             ("wikipedia_dev_km-en", "wikipedia_dev_km-en.eng", "wikipedia_dev_km-en.khm"),
                             ("wikipedia_devtest_km-en", "wikipedia_devtest.eng", "wikipedia_devtest.khm")):
        base = data / "parallel" / folder
        yield from zip((base / eng).read_text("utf-8").splitlines(), (base / khm).read_text("utf-8").splitlines())
    with open(data / "parallel" / "en-km.tsv", encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) >= 2:
                yield row[0], row[1]


def stretches(khmer: str) -> set[str]:
    """The stretches of whole letter clusters (2 to MAX_CLUSTERS) of a Khmer text, MIN_CHARS+ long."""
    from newsbrief.romanize import clusters

    out = set()
    for run in re.findall("[\u1780-\u17dd]+", khmer.replace("\u200b", "")):
        spans = clusters(run)
        for i in range(len(spans)):
            for j in range(i + 2, min(len(spans), i + MAX_CLUSTERS) + 1):
                text = "".join(run[a:b] for a, b in spans[i:j])
                if len(text) >= MIN_CHARS:
                    out.add(text)
    return out


def sounds_like(form: str, english: list[str]) -> bool:
    from difflib import SequenceMatcher

    from newsbrief.romanize import romanize

    latin = romanize(form).lower()
    return any(SequenceMatcher(None, latin, re.sub("[^a-z]", "", name.lower())).ratio() >= MIN_SOUND
               for name in english)


def main() -> int:
    from newsbrief.facts import places
    from newsbrief.facts.lexicon import _khmer_spelling

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder (../shared/data)")
    args = parser.parse_args()
    # each Khmer text once: a template repeated with other English is no evidence
    data = list({_khmer_spelling(k): e for e, k in pairs(args.data) if re.search("[\u1780-\u17ff]", k)}.items())
    data = [(e, k) for k, e in data]
    everything = "\n".join(k for _, k in data)
    print(f"{len(data)} pairs", file=sys.stderr)
    out: dict[str, dict[str, list[int]]] = {}
    for code, entry in sorted(places.lexicon().entries.items()):
        if "-" in code or not entry.get("en"):
            continue  # provinces: the glossary's forms are checked by check.py
        english = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, entry["en"])) + r")(?![\w-])")
        known = [_khmer_spelling(f) for f in entry.get("km", [])]
        named = [k for e, k in data if english.search(e)]
        # (a Khmer side that keeps the name in Latin letters names it so: the place check reads that)
        todo = [k for k in named if not any(f in k for f in known) and not english.search(k)]
        forms: dict[str, list[int]] = {}
        while len(todo) >= MIN_PAIRS and len(forms) < 3:
            counts = Counter(s for k in todo for s in stretches(k))
            best = None
            for form, n in counts.most_common(200):
                if n < MIN_PAIRS:
                    break
                total = everything.count(form)
                if n / total >= MIN_PRECISION and sounds_like(form, entry["en"]) and (best is None or n > best[1] or n == best[1] and len(form) > len(best[0])):
                    best = (form, n, total)
            if best is None:
                break
            forms[best[0]] = [sum(1 for k in named if best[0] in k), best[2]]
            todo = [k for k in todo if best[0] not in k]
        if forms:
            out[code] = forms
            print(code, entry["en"][0], json.dumps(forms, ensure_ascii=False), f"{len(todo)} of {len(named)} left",
                  file=sys.stderr)
    OUT.write_text(json.dumps(out, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")
    print(f"wrote {OUT}: {len(out)} countries", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
