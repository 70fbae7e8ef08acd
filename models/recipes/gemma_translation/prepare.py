"""Step 1: the training pools and the validation set of the Gemma translator.

Training data only (../shared/data/SOURCES.md): never anything under eval/. Writes, under WORK:
  flores.jsonl   FLORES-200 dev, English <-> Khmer and English <-> Malaysian Malay (news-style prose)
  flores_id.jsonl  the same English sentences -> Indonesian (FLORES ind), under their own label: the
                 contrast that teaches "Malay:" to mean Malaysian Malay (the base model blends the two)
  wiki.jsonl     FLoRes v1 Wikipedia dev, Khmer <-> English (Khmer word spacing normalised)
  tsv_km.jsonl, tsv_ms.jsonl   the sentence-like pairs of en-km.tsv / en-ms.tsv (>= 8 English
                 words, a capital first and a stop last, no markup or placeholders): the prose
                 part of a corpus whose bulk is interface strings; Malay training targets
                 that newsbrief.detect reads as Indonesian (8% of them) are left out
  tico.jsonl     TICO-19 dev, English <-> Khmer and English <-> Malay (COVID-era health and news)
  talpco.jsonl   TALPCo, short everyday English <-> Malaysian Malay
  wiki.jsonl     also takes the FLoRes v1 Wikipedia devtest (released from evaluation to training)
  bt_km.jsonl, bt_ms.jsonl   back-translations: synthetic English -> real Khmer / Malaysian news,
                 from backtranslate.py's WORK/backtranslated_{km,ms}.jsonl (round 1) and
                 backtranslated_{km,ms}.r2.jsonl (round 2, ...) when there, minus the held-out ones: a
                 later round's pair replaces an earlier one's for the same news sentence when it passed
                 backtranslate.py's filter (its file holds only those); otherwise the earlier pair stays.
                 bt_km also takes backtranslated_km_parallel[.rN].jsonl (the Khmer side of the parallel
                 sets, backtranslate.py --parallel), never held out: their human pairs are trained on
  valid.jsonl    a hash-selected 4% of the FLORES and Wikipedia dev lines and 0.5% of the TSV
                 pairs, held out of every pool (validation loss, development chrF++)
  valid_news.jsonl  the same 4% of TICO-19 and of the Wikipedia devtest, and 1% of the back-
                 translations: the news/health domain the new pools add (a second validation loss)
One JSON object a line: {"src_lang", "tgt_lang", "src", "tgt", "origin", "facts"}; both directions
of every pair. "facts" lists the kinds of fact either side names (weekday, month, date, place,
role, count: newsbrief.facts), for train.py's --fact-weight. train.py mixes the pools into epochs.

    python models/recipes/gemma_translation/prepare.py --data ../shared/data/parallel --work .work/gemma_mt
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
import unicodedata
from pathlib import Path

from newsbrief import detect
from newsbrief.facts import calendar, places, roles
from newsbrief.facts.check import facts as found_facts
from newsbrief.facts.figures import number_values

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_KHMER = "\u1780-\u17ff\u19e0-\u19ff"
_KHMER_GAP = re.compile(f"(?<=[{_KHMER}]) +(?=[{_KHMER}])")
_KHMER_LETTER = re.compile("[\u1780-\u17d3]")
_MARKUP = re.compile(r"[%{}<>&_\\|\t]|\$\w|https?:|\.\w{2,4}\b|\s{2,}")


def clean(text: str) -> str:
    text = _ZERO_WIDTH.sub("", unicodedata.normalize("NFC", text))
    return " ".join(text.split())


def clean_khmer(text: str) -> str:
    """Khmer as news writes it: no space before ។, and no spaces between words in text that
    was word-segmented (fewer than 8 Khmer characters per space)."""
    text = re.sub(r"\s+([\u17d4\u17d5])", r"\1", clean(text))
    khmer = len(re.findall(f"[{_KHMER}]", text))
    if khmer and khmer / max(text.count(" "), 1) < 8:
        text = _KHMER_GAP.sub("", text)
    return text


def held_out(text: str, per: int) -> bool:
    return int(hashlib.sha1(text.encode()).hexdigest()[:8], 16) % per == 0


def prose(en: str, tgt: str, lang: str) -> bool:
    if len(en.split()) < 8 or not en[0].isupper() or not re.search(r"[.!?]$", en) or _MARKUP.search(en):
        return False
    if _MARKUP.search(tgt) or en == tgt or not 0.3 <= len(tgt) / len(en) <= 3.5:
        return False
    return lang != "km" or bool(re.search(f"[{_KHMER}]", tgt))


FACT_LANGS = ("en", "km", "ms")
FACT_KINDS = ("weekday", "month", "date", "place", "role", "count")


def fact_kinds(text: str, lang: str) -> list[str]:
    """The kinds of fact a sentence names (newsbrief.facts): weekday, month, date, place, role,
    and count (a number other than one; in Khmer only digits, as facts.check compares them)."""
    if lang not in FACT_LANGS:
        return []
    kinds = {kind for kind, found in found_facts(text, lang).items() if found}
    try:
        numbers = number_values(text)
    except ValueError:  # newsbrief.facts reads Khmer digits like "១.២.០" (a version) as one float: no count
        numbers = []
    if any(value != 1 and not _KHMER_LETTER.search(token) for value, token in numbers):
        kinds.add("count")
    return [k for k in FACT_KINDS if k in kinds]


def with_facts(row: dict) -> dict:
    kinds = set(fact_kinds(row["src"], row["src_lang"])) | set(fact_kinds(row["tgt"], row["tgt_lang"]))
    return {**row, "facts": [k for k in FACT_KINDS if k in kinds]}


HINT_OPEN, HINT_CLOSE = "\u27e8", "\u27e9"  # "Monday ⟨ថ្ងៃចន្ទ⟩": the target form of a fact, to copy
_RENDER = {"weekday": calendar.render, "month": calendar.render, "date": calendar.render,
           "role": roles.render, "place": places.render}


def hinted(row: dict) -> dict | None:
    """The row with each fact of its source followed by its target form in a marked span, where
    the target states it in that form (training the model to copy a hint, as the protection could
    hand it at run time: Dinu et al. 2019, arXiv 1906.01105); None where no fact has one."""
    src, tgt = row["src"], row["tgt"]
    if row["src_lang"] not in FACT_LANGS or row["tgt_lang"] not in FACT_LANGS:
        return None
    squeeze = (lambda t: t.replace(" ", "")) if row["tgt_lang"] == "km" else (lambda t: t)
    taken: list[tuple[int, int]] = []
    spans = []
    for fact in sorted((f for found in found_facts(src, row["src_lang"]).values() for f in found),
                       key=lambda f: (f.start, -(f.end - f.start))):
        if any(fact.start < b and a < fact.end for a, b in taken):
            continue
        taken.append((fact.start, fact.end))
        rendered = _RENDER[fact.kind](fact, row["tgt_lang"])
        if rendered and rendered != fact.text and squeeze(rendered) in squeeze(tgt):
            spans.append((fact.end, rendered))
    if not spans:
        return None
    for end, rendered in sorted(spans, reverse=True):
        src = f"{src[:end]} {HINT_OPEN}{rendered}{HINT_CLOSE}{src[end:]}"
    return {**row, "src": src, "hinted": True}


def merge_rounds(rounds: list[list[dict]]) -> list[dict]:
    """Back-translated pairs of several rounds, one per news sentence (the target): a later
    round's pair replaces an earlier one's (each round's file holds only what passed the
    filter, and each round's model is the better one); first-seen order kept."""
    best: dict[str, dict] = {}
    for rows in rounds:
        for row in rows:
            best[row["tgt"]] = row
    return list(best.values())


def round_files(work: Path, lang: str) -> list[Path]:
    """backtranslated_LANG.jsonl (round 1), then backtranslated_LANG.r2.jsonl, .r3, ... in order."""
    later = {}
    for path in work.glob(f"backtranslated_{lang}.r*.jsonl"):
        match = re.fullmatch(rf"backtranslated_{lang}\.r(\d+)\.jsonl", path.name)
        if match:
            later[int(match.group(1))] = path
    first = work / f"backtranslated_{lang}.jsonl"
    return ([first] if first.is_file() else []) + [later[n] for n in sorted(later)]


def both_ways(en: str, other: str, lang: str, origin: str) -> list[dict]:
    return [{"src_lang": "en", "tgt_lang": lang, "src": en, "tgt": other, "origin": origin},
            {"src_lang": lang, "tgt_lang": "en", "src": other, "tgt": en, "origin": origin}]


def lines(path: Path) -> list[str]:
    return path.read_text("utf-8").splitlines()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="../shared/data/parallel")
    parser.add_argument("--work", type=Path, required=True)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    pools: dict[str, list[dict]] = {"flores": [], "flores_id": [], "wiki": [], "tsv_km": [], "tsv_ms": [],
                                    "tico": [], "talpco": [], "bt_km": [], "bt_ms": [], "valid": [],
                                    "valid_news": []}

    flores = args.data / "flores200_dev"
    for en, km, ms, ind in zip(lines(flores / "flores200_dev.eng"), lines(flores / "flores200_dev.khm"),
                               lines(flores / "flores200_dev.zsm"), lines(flores / "flores200_dev.ind")):
        en = clean(en)
        pool = "valid" if held_out(en, 25) else "flores"
        pools[pool] += both_ways(en, clean_khmer(km), "km", "flores") + both_ways(en, clean(ms), "ms", "flores")
        if pool == "flores":
            pools["flores_id"].append({"src_lang": "en", "tgt_lang": "id", "src": en, "tgt": clean(ind),
                                       "origin": "flores_id"})

    wiki = args.data / "wikipedia_dev_km-en"
    for en, km in zip(lines(wiki / "wikipedia_dev_km-en.eng"), lines(wiki / "wikipedia_dev_km-en.khm")):
        en = clean(en)
        pools["valid" if held_out(en, 25) else "wiki"] += both_ways(en, clean_khmer(km), "km", "wiki")

    devtest = args.data / "wikipedia_devtest_km-en"
    for en, km in zip(lines(devtest / "wikipedia_devtest.eng"), lines(devtest / "wikipedia_devtest.khm")):
        en = clean(en)
        pools["valid_news" if held_out(en, 25) else "wiki"] += both_ways(en, clean_khmer(km), "km", "wiki_devtest")

    tico = args.data / "tico19_dev"
    for en, km, ms in zip(lines(tico / "tico19_dev.eng"), lines(tico / "tico19_dev.khm"), lines(tico / "tico19_dev.zsm")):
        en = clean(en)
        pools["valid_news" if held_out(en, 25) else "tico"] += (both_ways(en, clean_khmer(km), "km", "tico")
                                                                + both_ways(en, clean(ms), "ms", "tico"))

    talpco = args.data / "talpco_en-zsm"
    for en, ms in zip(lines(talpco / "talpco.eng"), lines(talpco / "talpco.zsm")):
        pools["talpco"] += both_ways(clean(en), clean(ms), "ms", "talpco")

    for lang in ("km", "ms"):  # one direction only: the English side is synthetic
        files = round_files(args.work, lang)
        rounds = [[json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
                  for path in files]
        for row in merge_rounds(rounds):
            pools["valid_news" if held_out(row["tgt"], 100) else f"bt_{lang}"].append(row)
        if files:
            print(f"bt_{lang}: {', '.join(f'{p.name} {len(r)}' for p, r in zip(files, rounds))}")
    # the Khmer side of the parallel sets back-translated (backtranslate.py --parallel): training only,
    # since their human pairs are trained on (and their held-out pairs were never back-translated)
    files = round_files(args.work, "km_parallel")
    rounds = [[json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()] for path in files]
    pools["bt_km"] += merge_rounds(rounds)

    csv.field_size_limit(sys.maxsize)
    for lang in ("km", "ms"):
        seen: set[str] = set()
        with open(args.data / f"en-{lang}.tsv", newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                en = clean(row["english"])
                other = clean_khmer(row["target"]) if lang == "km" else clean(row["target"])
                if en in seen or not prose(en, other, lang):
                    continue
                seen.add(en)
                if held_out(en, 200):
                    pools["valid"] += both_ways(en, other, lang, f"tsv_{lang}")
                elif lang == "km" or detect(other).lang != "id":  # training targets: Malaysian Malay only
                    pools[f"tsv_{lang}"] += both_ways(en, other, lang, f"tsv_{lang}")

    for name, rows in pools.items():
        with open(args.work / f"{name}.jsonl", "w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(with_facts(row), ensure_ascii=False) + "\n")
        print(f"{name}: {len(rows)} examples")  # "facts" added on the way out


if __name__ == "__main__":
    main()
