"""Candidates checked by their round trip: a Translator that wraps a SentenceTranslator.

For each sentence it takes the beam's n best (those the guards pass that keep every placeholder
and number of the source; the greedy translation, with every guard and retry, where none is
left), translates each candidate back into the source language, and
keeps the one whose back-translation is closest to the source by chrF (sacrebleu). A small
model's free paraphrase and its invented names both read back badly, so the round trip is a
check that needs no reference. Into Malay, a candidate read as Indonesian ranks below every
Malaysian one. Ties keep the beam's first. The winner's round-trip chrF
(0-100) is the sentence's score: a brief marks the sentences it is least sure of by it.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Sequence

from .base import SentenceTranslator, Translator
from .protect import NUMBER_RE, PLACEHOLDER_RE


# How candidates are chosen: part of the cache key of every translation with candidates > 1, so a
# change of rule is a cache miss, not an old choice served again
RULE = ("round-trip chrF; into Malay, Malaysian first; placeholders apart from numbers, read outside them; "
        "read-backs not retried; the beam's n best, greedy only where the beam gives none")


@cache
def _chrf():
    from sacrebleu.metrics import CHRF  # imported on first use: sacrebleu is not light

    return CHRF()


def prepare() -> None:
    """Import and build the chrF scorer now (0.1 s of sacrebleu), on a thread that has the time."""
    _chrf()


def round_trip_chrf(back: str, source: str) -> float:
    return _chrf().sentence_score(back, [source]).score


def _slots(text: str) -> tuple[list[str], list[str]]:
    """The protected placeholders (names, URLs) and, apart, the numbers a text holds: apart, so
    that digits the model left of a garbled placeholder cannot stand in for a lost one. Numbers are
    read outside placeholders, so a garbled one ("XJ2X", which unmask restores) is no number."""
    placeholders = sorted(m.group(1) for m in PLACEHOLDER_RE.finditer(text))
    return placeholders, sorted(NUMBER_RE.findall(PLACEHOLDER_RE.sub(" ", text)))


def _indonesian(text: str, tgt: str) -> bool:
    """A Malay candidate the Malay/Indonesian discriminator reads as Indonesian: the reader asked
    for Malaysian Malay, and a small model drifts into the variety its pretraining saw most."""
    if tgt != "ms":
        return False
    from ..lid import identify  # the light discriminator, no model

    return identify(text)[0] == "id"


def _unique(texts: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    return [t for t in texts if t.strip() and not (t in seen or seen.add(t))]


class RoundTripReranker:
    def __init__(self, forward: SentenceTranslator, backward: Translator, n: int):
        self.forward = forward
        self.backward = backward
        self.n = n
        self.model = forward.model
        # what CachedTranslator keys on: the forward model and its configuration (n included)
        self.backend = forward.backend
        self.config = forward.config

    def __repr__(self) -> str:
        return f"RoundTripReranker({self.forward!r}, back={self.backward!r}, n={self.n})"

    def supports(self, src: str, tgt: str) -> bool:
        return self.forward.supports(src, tgt) and self.backward.supports(tgt, src)

    def translate_sentences(self, sentences: Sequence[str], src: str, tgt: str, notes: list[str] | None = None,
                            scores: list[float | None] | None = None) -> list[str]:
        # the beam's n best are the candidates; the greedy translation (with the guards' retries) only
        # where the beam gave none: a separate greedy pass cost a third of a Malay brief's time and,
        # on the first 150 NTREX-128 lines en->ms, chrF++ 45.17 -> 45.38 and the Malaysian share
        # (89.3%) unchanged without it
        extra = self.forward.nbest(sentences, src, tgt, self.n)
        # a candidate must carry every placeholder and number of its source: the round trip barely
        # notices one lost, and the reader would lose a name or a figure
        pools = [_unique([c for c in more if _slots(c) == _slots(sentence)]) for sentence, more in zip(sentences, extra)]
        need = [i for i, pool in enumerate(pools) if not pool]
        if need:
            greedy = self.forward.translate_sentences([sentences[i] for i in need], src, tgt, notes)
            for i, text in zip(need, greedy):
                pools[i] = [text]
        # which candidates read as Indonesian, and the chrF scorer, made while the model reads them back
        with ThreadPoolExecutor(1) as aside:
            varieties = aside.submit(lambda: ([[not _indonesian(c, tgt) for c in pool] for pool in pools], _chrf()))
            back = self.backward.translate_sentences([c for pool in pools for c in pool], tgt, src)
            malaysian_in, _ = varieties.result()
        chosen: list[str] = []
        at = 0
        for i, (sentence, pool) in enumerate(zip(sentences, pools)):
            marks = [round_trip_chrf(back[at + k], sentence) for k in range(len(pool))]
            at += len(pool)
            # a Malaysian candidate before any Indonesian one, then the best read-back
            malaysian = malaysian_in[i]
            best = max(range(len(pool)), key=lambda k: (malaysian[k], marks[k], -k))
            if best and notes is not None:
                notes.append(f"sentence {i + 1}: candidate {best + 1} of {len(pool)} reads back best "
                             f"(round-trip chrF {marks[best]:.1f} vs the beam's first {marks[0]:.1f})")
            chosen.append(pool[best])
            if scores is not None:
                scores.append(round(marks[best], 1))
        return chosen
