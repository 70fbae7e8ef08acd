"""The brief's judgement, one capability for every front door (brief, brief_many, digest, the
server, the CLI): translate a brief's sentences in one batch the way a reader should get them,
then check each against the source it rests on and say which ones a reader must double-check.

A sentence is flagged when any check fails:
- a number (digits or words), date, weekday, month, place or role of the source that the
  translation does not state, or one it states that the source does not (newsbrief.facts.compare);
- a name the translation invented, or a Khmer-script name of the source it left out
  (translation.names.invented and missing);
- a number or name the summary sentence states that the article does not (the summarizer's check);
- broken characters or a placeholder fragment in the output;
- the translator's guards still unhappy after a retry, or the source kept untranslated;
- a meaning score under its threshold: the round trip of the candidates compared (into Malay).
The verdict is "faithful" only when no sentence is flagged; results are structured (Problem), not
notes to be parsed back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from .facts import Problem, compare, unsupported

# Round-trip-checked candidates (TranslateConfig.candidates) by the reader's language, where they
# pay: on all of NTREX-128 en->ms with the shipped model, greedy 42.73 -> 43.62 chrF++ and 84.8% ->
# 91.1% read as Malaysian, at 5.0x the CPU (first chosen on dev data; benchmarks/results/
# translation_quality_gemma_en-ms_full_candidates4.md, translation_candidates_en-ms_dev.md):
# a brief is a handful of sentences.
# Into Khmer the pilot measured +0.2 (16.1 -> 16.3) at about 3x: not worth it yet.
BRIEF_CANDIDATES = {"ms": 4}
# a translation whose round trip (the greedy translation read back, or into Malay the best of the
# candidates' round trips) reads back under this chrF (0-100) is flagged for its meaning: per
# (source, reader's language), the highest threshold that flags at most 10% of the human
# translations of 80 held-out dev lines (models/recipes/meaning_threshold/results.json: ROC AUC
# 0.88 en-km, 0.89 km-en, 0.83 en-ms, 0.81 ms-en; recall at it only 33%, 33%, 50%, 21% of the
# worst 30% outputs). Other directions (km<->ms, through English): LOW_ROUND_TRIP. The other
# signals measured there (AUC en-km / km-en / en-ms / ms-en): CTranslate2's mean token
# log-probability .55 / .61 / .69 / .54, the fact and name checks .48 / .43 / .68 / .45 (they flag on
# their own already), multilingual-e5 cosine .88 / .78 / .70 / .67; e5 beside the round trip would
# catch 63% / 29% / 54% / 42% instead, but embedding a brief's sentences took 1-3 s here (an
# optional extra, and the 5-second budget): not used.
MEANING_THRESHOLDS = {("en", "km"): 17.3, ("km", "en"): 11.6, ("en", "ms"): 35.2, ("ms", "en"): 32.0}
LOW_ROUND_TRIP = 40.0
FACT_KINDS = ("numbers", "names", "dates", "weekdays", "months", "places", "roles")
# what the output may never carry: a broken character, or a placeholder (XQ1X) the model garbled
# the translator's flags that leave a sentence in doubt: a guard still unhappy after the retry,
# the source kept, a protected term the model dropped (put back at the end of the sentence)
_UNRESOLVED = ("still", "kept the source", "model dropped")
_GARBLED = re.compile(r"\ufffd|(?<![A-Za-z])XQ\d*|(?<![A-Za-z])X\d+X|\dX\d")
# what a placeholder the model lost leaves: empty brackets, or an article or preposition right
# before punctuation ("the issue of the , the Sunday", "Suruhanjaya ... Malaysia ()"); and a bare
# "X7" the source does not have
_EMPTY_SLOT = re.compile(r"\(\s*\)|(?<![\w'’-])(?:the|of|a|an|to|for|and|dan|di|ke|yang|dengan|daripada)\s+[,.;:)]",
                         re.IGNORECASE)
_LOOSE_PLACEHOLDER = re.compile(r"(?<![\w-])X\d+(?![\w-])")
_NOTE_PLACE = re.compile(r"^(?:segment of )?sentence \d+:\s*")  # its number in the translated batch


@dataclass(frozen=True)
class Translated:
    text: str  # in the reader's language
    score: float | None = None  # round-trip chrF where candidates were compared
    flags: tuple[str, ...] = ()  # the translator's guards' findings for this sentence


@dataclass(frozen=True)
class SentenceJudgement:
    index: int
    text: str  # what the reader gets
    source: str  # the sentence in the article's language
    problems: tuple[Problem, ...] = ()
    score: float | None = None

    @property
    def flagged(self) -> bool:
        return bool(self.problems)

    def to_dict(self) -> dict[str, Any]:
        return {"sentence": self.index, "text": self.text, "source": self.source, "flagged": self.flagged,
                "translation_score": self.score, "problems": [p.to_dict() for p in self.problems]}


@dataclass(frozen=True)
class Judgement:
    sentences: tuple[SentenceJudgement, ...]
    checked: tuple[str, ...]
    repaired: tuple[int, ...] = field(default=())  # summary sentences replaced by their source

    @property
    def faithful(self) -> bool:
        return not any(s.flagged for s in self.sentences)

    @property
    def flagged(self) -> tuple[SentenceJudgement, ...]:
        return tuple(s for s in self.sentences if s.flagged)

    def verdict(self) -> str:
        """One line for a reader: what was checked, or which sentences to check and why."""
        if self.faithful:
            return (f"faithful: every sentence passed every check ({', '.join(self.checked)}; "
                    f"{len(self.sentences)} sentences checked)")
        return f"NOT FAITHFUL: check {len(self.flagged)} of {len(self.sentences)} sentences: " + "; ".join(
            f"sentence {s.index + 1}: " + ", ".join(p.describe() for p in s.problems) for s in self.flagged)

    def to_dict(self) -> dict[str, Any]:
        legacy = [{"sentence": s.index, "numbers": [p.translation or p.source for p in s.problems if p.kind == "number"],
                   "names": [p.translation or p.source for p in s.problems if p.kind == "name"],
                   "problems": [p.to_dict() for p in s.problems]} for s in self.flagged]
        return {"faithful": self.faithful, "verdict": self.verdict(), "sentences_checked": len(self.sentences),
                "checked": ", ".join(self.checked), "sentences": [s.to_dict() for s in self.sentences],
                "flagged": [s.index for s in self.flagged], "unsupported": legacy, "repaired": list(self.repaired)}


def translate_for_reader(texts: Sequence[str], src: str, to: str, translation_model: str | None, cache: Any,
                         options: dict[str, Any]) -> tuple[list[Translated], str | None, list[str]]:
    """(translations, model, notes) of texts into the reader's language in one batched call, with
    the brief's decoding (candidates checked by their round trip where they pay)."""
    if to == src or not texts:
        return [Translated(t) for t in texts], None, []
    from .article import Article
    from .translation import translate

    forward = {"candidates": BRIEF_CANDIDATES.get(to, 1), **options}
    result = translate(Article.from_sentences(list(texts)), to=to, src=src, model=translation_model, cache=cache,
                       **forward)
    return [Translated(pair.target, pair.score, pair.flags) for pair in result.sentences], result.model, \
        list(result.notes)


def read_back(translated: Sequence[Translated], sources: Sequence[str], src: str, to: str,
              translation_model: str | None, cache: Any, options: dict[str, Any]) -> list[Translated]:
    """Each translation without a score, read back into the article's language (one greedy batch,
    no retries): its round-trip chrF is its meaning score, what the judgement checks it by."""
    todo = [i for i, t in enumerate(translated) if t.score is None]
    if to == src or not todo:
        return list(translated)
    from dataclasses import replace

    from .article import Article
    from .translation import translate
    from .translation.rerank import round_trip_chrf

    back = translate(Article.from_sentences([translated[i].text for i in todo]), to=src, src=to,
                     model=translation_model, cache=cache, **{**options, "candidates": 1, "retry": False})
    out = list(translated)
    for i, pair in zip(todo, back.sentences):
        out[i] = replace(out[i], score=round(round_trip_chrf(pair.target, sources[i]), 1))
    return out


def judge(sentences: Sequence[tuple[str, str, str]], src: str, to: str,
          translated: Sequence[Translated] | None = None, repaired: Sequence[int] = ()) -> Judgement:
    """Check each (reader's text, source sentence, what the source rests on in the article) and say
    what is wrong with it. translated: the translator's scores and flags, one per sentence."""
    translated = translated or [Translated(text) for text, _, _ in sentences]
    return judge_mixed([(text, source, basis, src, t) for (text, source, basis), t in zip(sentences, translated)],
                       to, repaired)


def judge_mixed(sentences: Sequence[tuple[str, str, str, str, Translated]], to: str,
                repaired: Sequence[int] = ()) -> Judgement:
    """judge() for sentences from articles in several languages (a digest's story): each
    (reader's text, source sentence, its basis in the article, the article's language, translated)."""
    langs = {src for _, _, _, src, _ in sentences}
    if langs - {to}:
        checked: tuple[str, ...] = FACT_KINDS
    else:
        checked = ("numbers", "names") if "km" not in langs else ("numbers",)
    if any(t.score is not None for *_, t in sentences):
        checked = (*checked, "meaning (round trip)")
    out = tuple(_judge_one(i, *entry, to) for i, entry in enumerate(sentences))
    return Judgement(out, checked, tuple(repaired))


def _repeats(text: str, source: str, to: str, times: int = 4) -> str | None:
    """A run of three words an English or Malay output says `times` times or more and the source
    fewer: a model caught in a loop. (Three times is how human translations enumerate: "the power
    of legislation, the power of ... and the power of"; Khmer writes no spaces between words.)"""
    from collections import Counter

    if to == "km":
        return None

    def runs(words: list[str]) -> Counter:
        return Counter(" ".join(words[i:i + 3]) for i in range(len(words) - 2))

    said = runs(re.findall(r"\w+", text.lower()))
    source_said = runs(re.findall(r"\w+", source.lower()))
    return next((run for run, n in said.most_common(3) if n >= times and source_said[run] < times), None)


def _judge_one(index: int, text: str, source: str, basis: str, src: str, t: Translated,
               to: str) -> SentenceJudgement:
    from .translation import names

    problems: list[Problem] = []
    # the summary sentence against the article (an abstractive summary may invent)
    summary_check = unsupported(source, basis, check_names=src != "km")
    problems += [Problem("number", None, n, f"not in the article: {n}") for n in summary_check.numbers]
    problems += [Problem("name", None, n, f"not in the article: {n}") for n in summary_check.names]
    if src != to:
        problems += compare(source, text, src, to)
        problems += [Problem("name", None, n) for n in names.invented(basis, text, src, to)]
        problems += [Problem("name", n, None) for n in names.missing(source, text, src, to)]
        problems += [Problem("garbled", None, m.group(0), "broken characters or a placeholder in the output")
                     for m in _GARBLED.finditer(text)][:1]
        problems += [Problem("garbled", None, m.group(0), f"a word lost from the output: {m.group(0)!r}")
                     for m in [*_EMPTY_SLOT.finditer(text), *(m for m in _LOOSE_PLACEHOLDER.finditer(text)
                                                           if m.group(0) not in source)]][:1]
        if (loop := _repeats(text, source, to)) is not None:
            problems.append(Problem("garbled", None, loop, f"the output repeats itself: {loop!r}"))
        problems += [Problem("translation", None, None, f"translator: {_NOTE_PLACE.sub('', flag)}") for flag in t.flags
                     if any(sign in flag for sign in _UNRESOLVED)]
        if t.score is not None and t.score < MEANING_THRESHOLDS.get((src, to), LOW_ROUND_TRIP):
            problems.append(Problem("meaning", None, None,
                                    f"meaning: reads back poorly (round-trip chrF {t.score:.0f} of 100)"))
    return SentenceJudgement(index, text, source, tuple(problems), t.score)
