"""Language-identification benchmark for newsbrief.lid.identify: sentence, sentence-in-document and document level.

    python -m benchmarks.detection                          # the default held-out sets (below)
    python -m benchmarks.detection --lang ms FILE [FILE ...] --lang id FILE ...   # your files instead
    python -m benchmarks.detection --doc-size 10 --json benchmarks/results/detection.json

A file holds one sentence a line; documents are groups of --doc-size consecutive lines (default 10) unless the set
has real document ids (NTREX-128: DOCUMENT_IDS.tsv; Astro AWANI: one article a JSON line; the Malaysian news test
part: its articles, models/recipes/lid_ms_id/heldout/documents_news.tsv).

Three levels: "sentence" is identify() of each sentence alone (no document prior); "in document" reads the same
sentences inside their documents, newsbrief.detect(Article.from_sentences(doc), per="sentence"), where the
document's own Malay-or-Indonesian variety is the prior for its sentences (newsbrief.detection.SAME_VARIETY);
"document" is identify() of the whole document.

Default sets (shared/data is ../shared/data from the repository root; nothing here was used to train the model;
"dev" marks the sets that were used to tune it and are shown for reference only):

  en  NTREX-128 eng (news, 123 documents)                      held-out
  en  Tatoeba eng-msa .eng, odd lines (short everyday sentences) held-out
  km  NTREX-128 khm (news)                                     held-out
  km  Tatoeba eng-khm .khm, TICO-19 .khm, FLoRes wikipedia .khm held-out
  ms  NTREX-128 msa (news; Malaysian Malay)                    held-out
  ms  Tatoeba eng-msa, odd lines labelled zsm_Latn             held-out
  ms  Astro AWANI articles (summarization set)                 dev
  id  kumparan news sentences, last 4,000 of nlp-id 0.1.23's POS corpus   held-out
      (models/recipes/lid_ms_id/heldout/id_kumparan_heldout.txt.gz)
  id  Debian Reference, Indonesian translation (debian-reference-id 2.100) held-out
      (models/recipes/lid_ms_id/heldout/id_debian_reference.txt.gz)
  id  Tatoeba eng-msa, odd lines labelled ind                  held-out
  id  TICO-19 eng-msa .msa (unlabelled; mostly Indonesian)     held-out, indicative only
  ms  DSLCC v1, v2 Malaysian news; FLORES-200 dev zsm: the test parts (30%) of the fixed split in
      models/recipes/lid_ms_id/heldout/split.tsv                held-out
  id  DSLCC v1, v2 Indonesian news; UD Indonesian GSD, CSUI, PUD; FLORES-200 dev ind: their test parts  held-out
  ms  Malaysian news (mono/ms_news.txt): the test part (10% of the articles) of heldout/split_news.tsv  held-out
  id  Indonesian news (mono/id_news.txt): the test part (10% of its 40-line blocks)                    held-out

Speed: detect(sentence) (newsbrief.detect, one sentence a call, one thread) over the NTREX-128 eng, khm, msa
sentences and the kumparan held-out sentences, after a warm-up pass that loads every model; best of 3 passes.

Prints a Markdown table (accuracy per set, sentence and document level) and confusion matrices over
en/km/ms/id/und/other, and writes JSON (default benchmarks/results/detection.json) with a signature:
date, git commit, python, CPU, package versions, model file hash, and the timing of identify() on a
1,000,000-character document.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import hashlib
import json
import os
import re
import sys
import time
from pathlib import Path

from benchmarks.signature import signature as base_signature
from newsbrief.article import Article
from newsbrief.detection import detect
from newsbrief.lid import identify

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("NEWSBRIEF_SHARED_DATA", ROOT.parent / "shared" / "data"))
HELDOUT = ROOT / "models" / "recipes" / "lid_ms_id" / "heldout"
CLASSES = ("en", "km", "ms", "id", "und", "other")
TARGETS = {"sentence": {"en": 0.995, "km": 0.995, "ms": 0.97, "id": 0.97},
           "in_document": {"en": 0.995, "km": 0.995, "ms": 0.995, "id": 0.995},
           "document": {"en": 0.995, "km": 0.995, "ms": 0.995, "id": 0.995}}
LEVELS = ("sentence", "in_document", "document")


def read_lines(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f]


def chunk_docs(lines: list[str], size: int) -> list[list[str]]:
    """Documents of `size` consecutive non-empty lines (the last one may be shorter), as lists of sentences."""
    lines = [s for s in lines if s.strip()]
    return [lines[i:i + size] for i in range(0, len(lines), size)]


def tatoeba_msa(variety: str, half: int) -> list[str]:
    base = DATA / "eval" / "opus_mt_testsets" / "eng-msa" / "tatoeba-test-v2021-08-07.msa"
    labels = [line.split("\t")[0].strip() for line in read_lines(Path(str(base) + ".labels"))]
    return [t for i, (t, lab) in enumerate(zip(read_lines(base), labels)) if i % 2 == half and lab == variety]


def ntrex(code: str) -> tuple[list[str], list[list[str]]]:
    d = DATA / "eval" / "ntrex128"
    name = "newstest2019-src.eng.txt" if code == "eng" else f"newstest2019-ref.{code}.txt"
    lines = read_lines(d / name)
    ids = [line.split("\t")[0].strip() for line in read_lines(d / "DOCUMENT_IDS.tsv")]
    docs: dict[str, list[str]] = {}
    for doc_id, line in zip(ids, lines):
        docs.setdefault(doc_id, []).append(line)
    return lines, list(docs.values())


def astroawani() -> tuple[list[str], list[list[str]]]:
    docs = [json.loads(line)["text"] for line in read_lines(DATA / "summarization" / "ms_astroawani_mesolitica.jsonl")
            if line.strip()]
    doc_sents = [[s for s in re.split(r"(?<=[.!?])\s+|\n+", d) if len(s.strip()) >= 20] for d in docs]
    return [s for d in doc_sents for s in d], [d for d in doc_sents if d]


def news_part(source: str, letter: str = "t") -> tuple[list[str], list[list[str]]]:
    """A news source's part from heldout/split_news.tsv: its sentences, and the same sentences grouped by
    document (heldout/documents_news.tsv: articles for ms_news, 40-line blocks for id_news)."""
    path, _, letters = split_sources("split_news.tsv")[source]
    lines = read_lines(DATA / path)
    if len(lines) != len(letters):
        raise ValueError(f"{source}: {len(lines)} lines but the split has {len(letters)}; rerun split.py")
    sizes = {name: [int(n) for n in v.split(",")] for name, v in
             (line.split("\t") for line in read_lines(HELDOUT / "documents_news.tsv") if not line.startswith("#"))}
    docs, i = [], 0
    for n in sizes[source]:
        doc = [t for t, p in zip(lines[i:i + n], letters[i:i + n]) if p == letter and t.strip()]
        if doc:
            docs.append(doc)
        i += n
    return [t for d in docs for t in d], docs


def default_sets(doc_size: int) -> list[dict]:
    """[{name, lang, split, sentences, documents}] for the sets whose files exist."""
    sets = []

    def add(name, lang, split, sentences, documents=None, unit="document ids"):
        sentences = [s for s in sentences if s.strip()]
        docs = [[t for t in d if t.strip()] for d in documents] if documents is not None else \
            chunk_docs(sentences, doc_size)
        sets.append({"name": name, "lang": lang, "split": split, "sentences": sentences,
                     "documents": [d for d in docs if d],
                     "doc_unit": unit if documents is not None else f"{doc_size} consecutive lines"})

    def attempt(fn):
        try:
            fn()
        except FileNotFoundError as e:
            print(f"skipped: {e}", file=sys.stderr)

    ko = DATA / "eval" / "opus_mt_testsets"
    attempt(lambda: add("NTREX-128 eng", "en", "held-out", *ntrex("eng")))
    attempt(lambda: add("Tatoeba eng (odd lines)", "en", "held-out",
                        [s for i, s in enumerate(read_lines(ko / "eng-msa" / "tatoeba-test-v2021-08-07.eng"))
                         if i % 2 == 1]))
    attempt(lambda: add("NTREX-128 khm", "km", "held-out", *ntrex("khm")))
    attempt(lambda: add("Tatoeba khm", "km", "held-out", read_lines(ko / "eng-khm" / "tatoeba-test-v2021-08-07.khm")))
    attempt(lambda: add("TICO-19 khm", "km", "held-out", read_lines(ko / "eng-khm" / "tico19-test.khm")))
    attempt(lambda: add("FLoRes wikipedia khm", "km", "held-out",
                        read_lines(ko / "eng-khm" / "wikipedia.devtest.km-en.khm")))
    attempt(lambda: add("NTREX-128 msa", "ms", "held-out", *ntrex("msa")))
    attempt(lambda: add("Tatoeba zsm (odd lines)", "ms", "held-out", tatoeba_msa("zsm_Latn", 1)))
    attempt(lambda: add("Astro AWANI (dev)", "ms", "dev", *astroawani()))
    attempt(lambda: add("kumparan news (nlp-id, last 4k)", "id", "held-out",
                        read_lines(HELDOUT / "id_kumparan_heldout.txt.gz")))
    attempt(lambda: add("Debian Reference id", "id", "held-out", read_lines(HELDOUT / "id_debian_reference.txt.gz")))
    attempt(lambda: add("Tatoeba ind (odd lines)", "id", "held-out", tatoeba_msa("ind", 1)))
    attempt(lambda: add("TICO-19 msa (mostly id)", "id", "indicative", read_lines(ko / "eng-msa" / "tico19-test.msa")))
    for source, (_, lang, _) in split_sources().items():
        attempt(lambda source=source, lang=lang: add(f"{source} (test part)", lang, "held-out", split_part(source)))
    attempt(lambda: add("ms_news (test part)", "ms", "held-out", *news_part("ms_news"), unit="articles"))
    attempt(lambda: add("id_news (test part)", "id", "held-out", *news_part("id_news"), unit="40-line blocks"))
    # in a readable order: by language, the new sets after the older ones of the same language
    order = {"en": 0, "km": 1, "ms": 2, "id": 3}
    return sorted(sets, key=lambda s: order.get(s["lang"], 9))


def split_sources(name: str = "split.tsv") -> dict[str, tuple[str, str, str]]:
    """split.tsv (or split_news.tsv): {source: (path under shared/data, label, one letter a line: t test, d dev,
    r train, ...)}."""
    rows = [line.split("\t") for line in read_lines(HELDOUT / name) if not line.startswith("#")]
    return {name: (path, label, letters) for name, path, label, letters in rows}


def split_part(source: str, letter: str = "t") -> list[str]:
    """The lines of a split.tsv source in one part (t: test, the held-out 30%; d: dev; r: train)."""
    sources = split_sources()
    if source not in sources:
        raise FileNotFoundError(f"{source} is not in {HELDOUT / 'split.tsv'}")
    path, _, letters = sources[source]
    lines = read_lines(DATA / path)
    if len(lines) != len(letters):
        raise ValueError(f"{source}: {len(lines)} lines but the split has {len(letters)}; rerun split.py")
    return [t for t, p in zip(lines, letters) if p == letter]


def bucket(lang: str) -> str:
    return lang if lang in CLASSES else "other"


def in_documents(documents: list[list[str]]) -> tuple[list[tuple[str, float]], int]:
    """(language, confidence) of every sentence read inside its document (detect(per="sentence") with the
    document prior), and how many of them the document decided (Detection.by_document)."""
    answers, by_document = [], 0
    for doc in documents:
        parts = detect(Article.from_sentences(doc), per="sentence").parts
        assert len(parts) == len(doc)
        answers += [(p.lang, p.confidence) for p in parts]
        by_document += sum(p.by_document for p in parts)
    return answers, by_document


CALIBRATION_BINS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.01)


def calibration(answers: list[tuple[str, float]], lang: str) -> list[list]:
    """For the answers that are "ms" or "id": per confidence bin [lo, hi), [lo, n, mean confidence, accuracy].
    An honest confidence has the accuracy of each bin near its mean confidence."""
    rows = []
    for lo, hi in zip(CALIBRATION_BINS, CALIBRATION_BINS[1:]):
        got = [(c, a == lang) for a, c in answers if a in ("ms", "id") and lo <= c < hi]
        if got:
            rows.append([lo, len(got), round(sum(c for c, _ in got) / len(got), 4),
                         round(sum(ok for _, ok in got) / len(got), 4)])
    return rows


def run_set(s: dict) -> dict:
    out = {"name": s["name"], "lang": s["lang"], "split": s["split"], "doc_unit": s["doc_unit"]}
    for level in LEVELS:
        conf = collections.Counter()
        extra = {}
        t0 = time.perf_counter()
        if level == "in_document":
            answers, extra["by_document"] = in_documents(s["documents"])
        else:
            items = s["sentences"] if level == "sentence" else ["\n".join(d) for d in s["documents"]]
            answers = [identify(text)[:2] for text in items]
        if s["lang"] in ("ms", "id") and level != "document":
            extra["calibration"] = calibration(answers, s["lang"])
        langs = [a for a, _ in answers]
        for lang in langs:
            conf[bucket(lang)] += 1
        elapsed = time.perf_counter() - t0
        n = len(langs)
        out[level] = {"n": n, "accuracy": round(conf[s["lang"]] / n, 4) if n else None,
                      "confusion": {c: conf[c] for c in CLASSES}, "seconds": round(elapsed, 3), **extra}
    return out


def timing_1m() -> dict:
    """identify() on a 1,000,000-character document (NTREX Malay repeated), best of 3 after a warm-up."""
    try:
        base = "\n".join(ntrex("msa")[0])
    except FileNotFoundError:
        base = "Kerajaan Malaysia akan memperkenalkan dasar baharu bagi membantu rakyat. " * 100
    text = (base + "\n") * (1_000_000 // (len(base) + 1) + 1)
    text = text[:1_000_000]
    identify(text[:5000])  # warm-up: loads the models
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        result = identify(text)
        times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    identify("Kerajaan Malaysia akan memperkenalkan dasar baharu bagi membantu rakyat.")
    return {"chars": len(text), "result": list(result), "best_s": round(min(times), 4),
            "runs_s": [round(t, 4) for t in times]}


def speed(runs: int = 3) -> dict:
    """detect(sentence) sentences per second, one thread: NTREX-128 eng, khm, msa and kumparan held-out
    sentences, interleaved; a warm-up pass first (it loads pycld2, langid.py and the Malay model)."""
    from newsbrief import detect

    per_lang: dict[str, list[str]] = {}
    for code, lang in (("eng", "en"), ("khm", "km"), ("msa", "ms")):
        try:
            per_lang[lang] = ntrex(code)[0]
        except FileNotFoundError:
            pass
    per_lang["id"] = read_lines(HELDOUT / "id_kumparan_heldout.txt.gz")[:2000]
    per_lang = {lang: [s for s in v if s.strip()] for lang, v in per_lang.items()}
    mixed = [s for group in zip(*per_lang.values()) for s in group]
    for s in mixed:  # warm-up
        detect(s)
    out: dict = {"sentences": len(mixed), "runs": runs, "threads": 1}
    for name, items in [("all (interleaved)", mixed)] + list(per_lang.items()):
        best = best_cpu = None
        for _ in range(runs):
            t0, c0 = time.perf_counter(), time.process_time()
            for s in items:
                detect(s)
            elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
            best = elapsed if best is None else min(best, elapsed)
            best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
        out[name] = {"n": len(items), "best_s": round(best, 4), "sentences_per_s": round(len(items) / best),
                     "best_cpu_s": round(best_cpu, 4), "sentences_per_cpu_s": round(len(items) / best_cpu)}
    # sentences read inside their documents (the document prior): NTREX-128 msa, detect(per="sentence")
    try:
        docs = [Article.from_sentences(d) for d in ntrex("msa")[1]]
    except FileNotFoundError:
        return out
    n = sum(len(a.sentences) for a in docs)
    best = best_cpu = None
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        for a in docs:
            detect(a, per="sentence")
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        best = elapsed if best is None else min(best, elapsed)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
    out["ms in documents, per=sentence"] = {"n": n, "best_s": round(best, 4), "sentences_per_s": round(n / best),
                                            "best_cpu_s": round(best_cpu, 4),
                                            "sentences_per_cpu_s": round(n / best_cpu)}
    return out


def signature() -> dict:
    model = ROOT / "src" / "newsbrief" / "lid" / "data" / "msid.tsv.gz"
    return base_signature(("newsbrief", "pycld2", "langid"), msid_model_sha256=hashlib.sha256(
        model.read_bytes()).hexdigest() if model.exists() else None)


def other_variety(r: dict) -> str:
    """Malay sentences called "id" (or Indonesian called "ms"), alone -> inside their documents; "" for en, km."""
    other = {"ms": "id", "id": "ms"}.get(r["lang"])
    if other is None or "in_document" not in r:
        return ""
    return f"{r['sentence']['confusion'][other]} → {r['in_document']['confusion'][other]}"


def markdown(results: list[dict], timing: dict | None) -> str:
    """The report page; timing: the JSON's "timing_1m_chars" (with the detect(sentence) speed under
    "detect_sentence", so that `python -m benchmarks detection` renders it from the JSON as well)."""
    speeds = (timing or {}).get("detect_sentence")
    lines = ["| lang | set | split | sentences | sentence acc (alone) | in its document (prior) | decided by "
             "the document | called the other variety (alone → in document) | documents (unit) | document acc |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        def cell(level, r=r):
            acc = r[level]["accuracy"]
            target = TARGETS[level].get(r["lang"])
            mark = "" if acc is None or target is None or r["split"] != "held-out" else (
                " ✓" if acc >= target else " ✗")
            return "n/a" if acc is None else f"{100 * acc:.2f}%{mark}"
        in_doc = r.get("in_document", {})
        lines.append(f"| {r['lang']} | {r['name']} | {r['split']} | {r['sentence']['n']} | {cell('sentence')} | "
                     f"{cell('in_document') if in_doc else 'n/a'} | {in_doc.get('by_document', 'n/a')} | "
                     f"{other_variety(r)} | {r['document']['n']} ({r['doc_unit']}) | {cell('document')} |")
    lines.append("")
    lines.append("✓/✗: held-out figure meets / misses the target (sentence alone: en, km 99.5%, ms, id 97%; "
                 "sentence in its document and document: 99.5%). \"Alone\": identify() of the sentence, no prior; "
                 "\"in its document\": detect(Article.from_sentences(document), per=\"sentence\"), the document's "
                 "Malay-or-Indonesian variety is the prior (newsbrief.detection.SAME_VARIETY); \"decided by the "
                 "document\": sentences whose own best guess was the other variety (Detection.by_document). "
                 "The other errors "
                 "of Malay and Indonesian sets are mostly lines in neither (English titles, names, sports scores, "
                 "URLs): the prior decides only between Malay and Indonesian.")
    for level in LEVELS:
        if not all(level in r for r in results):
            continue
        lines += ["", f"Confusion ({level} level; rows: set, columns: predicted)", "",
                  "| set | true | " + " | ".join(CLASSES) + " |", "|---|---|" + "---|" * len(CLASSES)]
        for r in results:
            c = r[level]["confusion"]
            lines.append(f"| {r['name']} | {r['lang']} | " + " | ".join(str(c[k]) for k in CLASSES) + " |")
    pooled = {}
    for r in results:
        if r["lang"] not in ("ms", "id") or r["split"] != "held-out":
            continue
        for level in ("sentence", "in_document"):
            for lo, n, mean_conf, acc in r.get(level, {}).get("calibration", []):
                got = pooled.setdefault((level, lo), [0, 0.0, 0.0])
                got[0] += n
                got[1] += n * mean_conf
                got[2] += n * acc
    if pooled:
        lines += ["", "Confidence of the Malay-or-Indonesian answers, pooled over the held-out Malay and Indonesian "
                  "sets (an honest confidence: accuracy near the mean confidence in each bin):", "",
                  "| confidence | alone: n | alone: mean confidence | alone: accuracy | in document: n | "
                  "in document: mean confidence | in document: accuracy |", "|---|---|---|---|---|---|---|"]
        for lo, hi in zip(CALIBRATION_BINS, CALIBRATION_BINS[1:]):
            cells = []
            for level in ("sentence", "in_document"):
                n, conf_sum, acc_sum = pooled.get((level, lo), [0, 0.0, 0.0])
                cells += [str(n), f"{conf_sum / n:.3f}" if n else "", f"{100 * acc_sum / n:.2f}%" if n else ""]
            lines.append(f"| [{lo}, {min(hi, 1.0)}{')' if hi <= 1.0 else ']'} | " + " | ".join(cells) + " |")
    if speeds:
        lines += ["", f"detect(sentence), one sentence a call, one thread, best of {speeds['runs']} passes after a "
                  f"warm-up (target: 2,000 sentences/s). Wall clock, and per second of this process's CPU time "
                  f"(the machine may be shared; see the load average above):", "",
                  "| sentences | n | sentences/s (wall) | sentences per CPU second |", "|---|---|---|---|"]
        for name, v in speeds.items():
            if isinstance(v, dict):
                cpu = f"{v['sentences_per_cpu_s']:,}" if "sentences_per_cpu_s" in v else "n/a"
                lines.append(f"| {name} | {v['n']} | {v['sentences_per_s']:,} | {cpu} |")
    if timing:
        lines += ["", (f"identify() on a {timing['chars']:,}-character document: {timing['best_s']:.3f} s "
                  f"(best of 3; runs {timing['runs_s']}) -> {timing['result'][0]}")]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.detection", description=__doc__.split("\n\n")[0])
    ap.add_argument("--lang", nargs="+", action="append", metavar=("LANG", "FILE"),
                    help="evaluate FILE(s) (one sentence a line, .gz allowed) as language LANG; repeatable")
    ap.add_argument("--doc-size", type=int, default=10, help="lines per document where no ids exist (10)")
    ap.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results" / "detection.json")
    ap.add_argument("--no-timing", action="store_true", help="skip the 1M-character timing and the speed run")
    args = ap.parse_args(argv)

    if args.lang:
        sets = []
        for spec in args.lang:
            if len(spec) < 2:
                ap.error("--lang needs a language code and at least one file")
            lang, files = spec[0], spec[1:]
            for f in files:
                sents = read_lines(Path(f))
                sets.append({"name": Path(f).name, "lang": lang, "split": "held-out", "sentences":
                             [s for s in sents if s.strip()], "documents": chunk_docs(sents, args.doc_size),
                             "doc_unit": f"{args.doc_size} consecutive lines"})
    else:
        sets = default_sets(args.doc_size)
    results = [run_set(s) for s in sets]
    timing = None if args.no_timing else timing_1m()
    if timing is not None:
        timing["detect_sentence"] = speed()
    print(markdown(results, timing))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    report = {"benchmark": "language identification (newsbrief.lid.identify)", "signature": signature(),
              "targets": TARGETS, "results": results, "timing_1m_chars": timing}
    args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
