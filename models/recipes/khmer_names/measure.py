#!/usr/bin/env python3
"""Measure the Khmer-script name protection and check (issue #34) with the shipped translator.

    pip install anyascii   # build.py's aligner finds the reference names
    nice .venv/bin/python models/recipes/khmer_names/measure.py ../shared/data --limit 80 --mono 40

1. romanization: character similarity (difflib ratio of the letters) of newsbrief's romanization,
   anyascii and unidecode (where installed) to the table's Latin forms;
2. held-out km->en lines (the first --limit, those with names first) (build.py's held-out hash; FLORES-200 dev, TICO-19 dev, Wikipedia dev and
   devtest): the names build.py's aligner pairs between the Khmer line and its English reference;
   the share the output renders right (every word of the reference name, or a word spelt nearly
   alike) before (no Khmer-script names protected, as on main before this change) and after; the
   lines whose reference English the name check flags (false flags); the outputs the (new) check
   flags, and of the outputs missing a reference name, those it flags; an invented name (a name
   of another line's reference put in a sentence about this line's source) caught;
3. real Khmer news (mono/km_news.txt, the first --mono sentences that name someone after a title):
   counts only (names found, names the output lacks and words it invents by the new check, outputs
   flagged, outputs with Khmer script or a placeholder fragment), never the text.
Writes results.json beside this file.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from contextlib import contextmanager, nullcontext
from difflib import SequenceMatcher
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import build  # noqa: E402
from newsbrief.translation import khmer_names, names  # noqa: E402
from newsbrief.romanize import romanize  # noqa: E402


FRAGMENT = re.compile(r"XQ|Q\d+X|(?<![A-Za-z])X\d+X")  # what a garbled placeholder leaves


def letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def romanization() -> dict:
    systems = {"newsbrief": romanize}
    for module, func in (("anyascii", "anyascii"), ("unidecode", "unidecode")):
        try:
            systems[module] = getattr(__import__(module), func)
        except ImportError:
            pass
    out = {}
    for name, f in systems.items():
        ratios = [SequenceMatcher(None, letters(f(k)), letters(e.latin), autojunk=False).ratio()
                  for k, e in khmer_names.table().items()]
        out[name] = {"mean_char_similarity": round(sum(ratios) / len(ratios), 3),
                     "exact": sum(r == 1 for r in ratios), "names": len(ratios)}
    return out


@contextmanager
def before():
    """As main was before this change: Khmer-script names neither protected nor checked."""
    glossary, invented, missing = khmer_names.glossary, names.invented, names.missing
    khmer_names.glossary = lambda sentences: []
    names.invented = lambda source, target, src, tgt, allowed=(): [] if src == "km" else invented(
        source, target, src, tgt, allowed)
    names.missing = lambda *a: []
    try:
        yield
    finally:
        khmer_names.glossary, names.invented, names.missing = glossary, invented, missing


def rendered(name: str, output: str) -> bool:
    words = {w.lower() for w in re.findall(r"[\w'’-]+", output)}
    return all(w.lower() in words or any(names._alike(v, w.lower()) for v in words)
               for w in re.findall(r"[\w'’-]+", name))


def flagged(source: str, output: str) -> bool:
    return bool(names.invented(source, output, "km", "en") or names.missing(source, output, "km", "en"))


def translate(lines: list[str]) -> tuple[list[str], float]:
    import newsbrief as nb
    from newsbrief.article import Article

    start = time.process_time()
    result = nb.translate(Article.from_sentences(lines), to="en", src="km", cache=None)
    return [s.target for s in result.sentences], time.process_time() - start


def held_out_lines(data: Path) -> list[tuple[str, str, list[tuple[str, str]]]]:
    out = []
    for eng, khm in build.CORPORA:
        english = (data / "parallel" / eng).read_text("utf-8").splitlines()
        khmer = (data / "parallel" / khm).read_text("utf-8").splitlines()
        for en, km in zip(english, khmer):
            if not build.held_out(en):
                continue
            pairs = []
            for _, _, name in names.find(en, "en"):
                if name not in km and not build.is_place_or_word(name):
                    found = build.align(name, km)
                    if found:
                        pairs.append((found[0], name))
            out.append((en, km, pairs))
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", type=Path)
    parser.add_argument("--limit", type=int, default=80, help="held-out lines with names to translate")
    parser.add_argument("--mono", type=int, default=40, help="Khmer news sentences to translate")
    args = parser.parse_args()
    results: dict = {"romanization": romanization()}

    lines = held_out_lines(args.data)
    refs = {"lines": len(lines), "flagged": sum(flagged(km, en) for en, km, _ in lines)}
    # an invented name: a Latin name of another line's reference, in a sentence about this line
    pool = [w for en, _, _ in lines for _, _, n in names.find(en, "en") for w in n.split()
            if names.invented("។", f"They met {w} there.", "km", "en")]
    fake = [(km, f"They met {pool[(i * 7919) % len(pool)]} there.") for i, (en, km, _) in enumerate(lines)]
    fake = [(km, out) for (km, out), (en, _, _) in zip(fake, lines) if out.split()[2] not in en]
    refs["invented_caught"] = f"{sum(bool(names.invented(km, out, 'km', 'en')) for km, out in fake)} of {len(fake)}"
    refs["with_names"] = sum(bool(x[2]) for x in lines)
    refs["with_names_flagged"] = sum(flagged(km, en) for en, km, names_ in lines if names_)
    results["references"] = refs
    # the lines with names first, then the others, up to --limit
    with_names = sorted(lines, key=lambda x: not x[2])[:args.limit]
    sources = [km for _, km, _ in with_names]
    found = sum(len(khmer_names.find(km)) for km in sources)
    runs = {}
    for label, context in (("before", before), ("after", nullcontext)):
        with context():
            outputs, cpu = translate(sources)
        pairs = [(name, out) for (_, _, names_), out in zip(with_names, outputs) for _, name in names_]
        runs[label] = {"names": len(pairs), "rendered_right": sum(rendered(n, o) for n, o in pairs),
                       "outputs_flagged": sum(flagged(km, o) for km, o in zip(sources, outputs)),
                       "wrong_outputs": sum(not all(rendered(n, o) for _, n in x[2]) for x, o in zip(with_names, outputs)),
                       "wrong_outputs_flagged": sum(flagged(x[1], o) for x, o in zip(with_names, outputs)
                                                    if not all(rendered(n, o) for _, n in x[2])),
                       "outputs_with_placeholder_fragment": sum(bool(FRAGMENT.search(o)) for o in outputs),
                       "lines": len(outputs), "cpu_s": round(cpu, 1)}
    results["held_out_km_en"] = {"khmer_names_found_by_table_or_title": found, **runs}

    mono = []
    for line in (args.data / "mono" / "km_news.txt").read_text("utf-8").splitlines():
        if 40 <= len(line) <= 200 and any(name for _, _, name in khmer_names.find(line)):
            mono.append(line)
        if len(mono) >= args.mono:
            break
    news = {"sentences": len(mono), "names_found": sum(len(khmer_names.find(s)) for s in mono),
            "names_in_table": sum(name in khmer_names.table() for s in mono for _, _, name in khmer_names.find(s))}
    for label, context in (("before", before), ("after", nullcontext)):
        with context():
            outputs, cpu = translate(mono)
        news[label] = {"names_missing": sum(len(names.missing(s, o, "km", "en")) for s, o in zip(mono, outputs)),
                       "invented_words": sum(len(names.invented(s, o, "km", "en")) for s, o in zip(mono, outputs)),
                       "outputs_flagged": sum(flagged(s, o) for s, o in zip(mono, outputs)),
                       "outputs_with_khmer_script": sum(bool(re.search("[\u1780-\u17ff]", o)) for o in outputs),
                       "outputs_with_placeholder_fragment": sum(bool(FRAGMENT.search(o)) for o in outputs),
                       "cpu_s": round(cpu, 1)}
    results["mono_km_news"] = news
    (HERE / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(json.dumps(results, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
