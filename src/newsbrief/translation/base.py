"""The Translator interface, its configuration, the result types, and Chain (pivoting).

A *backend* (hf_seq2seq.HFSeq2SeqBackend, ct2.CT2Backend) knows one model: it counts tokens
and generates translations of short segments. A *Translator* turns a list of sentences into a
list of translations, one each, in order; SentenceTranslator does that over a backend (clause
splitting, length-sorted batches, coverage and repetition guards), Chain composes two
Translators through a pivot language.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, fields
from typing import Any, Mapping, Protocol, Sequence, runtime_checkable

from ..errors import ConfigError
from . import guards, variety


# Into Khmer a sentence takes more tokens than its source: on FLORES-200 dev (English -> Khmer, the
# embedded translator's tokenizer) 2.41x at the median and 4.06x at the 99th percentile, so the
# general allowance of 2x+10 cut 47% of the sentences, each then retried with a beam of 4 (all three
# of the seed article's Khmer brief sentences were). The allowance into a language is at least this.
OUTPUT_RATIO_BY_TARGET = {"km": 4.1}


@dataclass(frozen=True)
class TranslateConfig:
    """How sentences are translated. Unknown options are errors (see from_options)."""

    batch_size: int = 16
    beam_size: int = 1  # greedy: deterministic and fastest on CPU
    no_repeat_ngram_size: int = 4
    repetition_penalty: float = 1.0
    # max_new_tokens = ceil(input_tokens * max_output_ratio + max_output_extra), per batch
    max_output_ratio: float = 2.0
    max_output_extra: int = 10
    max_input_tokens: int | None = None  # default: the model's (NLLB: 512)
    # coverage guard: a translation is suspicious when empty, cut at max_new_tokens, looping,
    # or when len(target) / len(source) (characters) leaves [min_length_ratio, max_length_ratio]
    min_length_ratio: float = 0.2
    max_length_ratio: float = 5.0
    retry: bool = True
    retry_beam_size: int = 4
    protect_numbers: bool = True
    protect_urls: bool = True
    protect_names: bool = True  # names rendered one way per article and kept from the model (names.py)
    # dates, weekdays, months, roles and places rendered from CLDR and the news glossary and kept
    # from the model (newsbrief.facts.render)
    protect_facts: bool = True
    # candidates > 1: the greedy translation and the beam's n best, checked by their round trip
    # (translation/rerank.py); each sentence then gets a score. 1: the greedy translation only
    candidates: int = 1
    # into Malay: Indonesian words the model wrote given in their Malaysian form (variety.py)
    malaysian_words: bool = True

    def __post_init__(self) -> None:
        for name in ("batch_size", "beam_size", "retry_beam_size", "candidates"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{name} must be a positive integer, not {value!r}")
        if not isinstance(self.no_repeat_ngram_size, int) or self.no_repeat_ngram_size < 0:
            raise ConfigError(f"no_repeat_ngram_size must be an integer >= 0, not {self.no_repeat_ngram_size!r}")
        if self.max_input_tokens is not None and (not isinstance(self.max_input_tokens, int)
                                                  or self.max_input_tokens < 8):
            raise ConfigError(f"max_input_tokens must be an integer >= 8, not {self.max_input_tokens!r}")
        if self.max_output_ratio <= 0 or self.max_output_extra < 0 or self.repetition_penalty <= 0:
            raise ConfigError("max_output_ratio and repetition_penalty must be > 0, max_output_extra >= 0")
        if not 0 <= self.min_length_ratio < self.max_length_ratio:
            raise ConfigError("need 0 <= min_length_ratio < max_length_ratio")

    @classmethod
    def from_options(cls, base: "TranslateConfig | None" = None, **options: Any) -> "TranslateConfig":
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise ConfigError(f"unknown translation option(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        values = {f.name: getattr(base, f.name) for f in fields(cls)} if base else {}
        values.update(options)
        return cls(**values)

    def max_new_tokens(self, input_tokens: int, cap: int, tgt: str | None = None) -> int:
        ratio = max(self.max_output_ratio, OUTPUT_RATIO_BY_TARGET.get(tgt, 0.0))
        return max(8, min(cap, math.ceil(input_tokens * ratio + self.max_output_extra)))


@dataclass(frozen=True)
class AlignedSentence:
    source: str
    target: str
    # how well the translation carries the source back (round-trip chrF, 0-100; rerank.py), or
    # None where no candidates were compared
    score: float | None = None
    # what the translator's guards found in this sentence (split, retried, still suspicious, kept
    # in the source language), as they were noted: a reader should check such a sentence
    flags: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "score": self.score, "flags": list(self.flags)}


# The translator's notes name the sentence they concern ("segment of sentence 3: ...",
# "sentence 3 (140 tokens) split ..."): how notes are told apart per sentence, in one place
SENTENCE_NOTE = re.compile(r"\bsentence (\d+)")


def noted_sentence(note: str) -> int | None:
    """The 0-based sentence a translator's note concerns, or None for a note about the whole text."""
    match = SENTENCE_NOTE.search(note)
    return int(match.group(1)) - 1 if match else None


@dataclass(frozen=True)
class TranslationResult:
    source_lang: str
    target_lang: str
    text: str  # the whole translation, paragraphs separated by blank lines
    sentences: tuple[AlignedSentence, ...]
    model: str
    notes: tuple[str, ...] = field(default=())  # repairs and retries, for the curious

    def to_dict(self) -> dict[str, Any]:
        return {"source_lang": self.source_lang, "target_lang": self.target_lang, "text": self.text,
                "sentences": [s.to_dict() for s in self.sentences], "model": self.model}


@runtime_checkable
class Backend(Protocol):
    """One loaded model."""

    model_id: str
    languages: tuple[str, ...]
    max_input_tokens: int
    max_output_tokens: int

    def count_tokens(self, texts: Sequence[str], src: str, tgt: str) -> list[int]: ...

    def generate(self, texts: Sequence[str], src: str, tgt: str, *, beam_size: int, max_new_tokens: int,
                 no_repeat_ngram_size: int, repetition_penalty: float) -> list[tuple[str, int]]:
        """Translations of texts with the number of tokens each generated."""
        ...

    # optional: candidates(texts, src, tgt, *, n, beam_size, ...) -> the n best (text, tokens) of each


@runtime_checkable
class Translator(Protocol):
    model: str

    def supports(self, src: str, tgt: str) -> bool: ...

    def translate_sentences(self, sentences: Sequence[str], src: str, tgt: str, notes: list[str] | None = None,
                            scores: list[float | None] | None = None) -> list[str]:
        """Exactly one non-empty translation per sentence, in order; with a scores list, one
        score per sentence is appended to it (None where the translator has none)."""
        ...


class SentenceTranslator:
    """A Translator over one backend: split what is too long, batch by length, guard the output."""

    def __init__(self, backend: Backend, config: TranslateConfig | None = None):
        self.backend = backend
        self.config = config or TranslateConfig()
        self.model = backend.model_id

    def __repr__(self) -> str:
        return f"SentenceTranslator({self.model!r})"

    def supports(self, src: str, tgt: str) -> bool:
        spec = getattr(self.backend, "spec", None)
        if spec is not None:
            return spec.translates(src, tgt)
        return src != tgt and src in self.backend.languages and tgt in self.backend.languages

    @property
    def max_input_tokens(self) -> int:
        limit = self.backend.max_input_tokens
        if self.config.max_input_tokens is not None:
            limit = min(limit, self.config.max_input_tokens)
        return limit

    def translate_sentences(self, sentences: Sequence[str], src: str, tgt: str, notes: list[str] | None = None,
                            scores: list[float | None] | None = None) -> list[str]:
        notes = notes if notes is not None else []
        if scores is not None:
            scores.extend([None] * len(sentences))
        cfg = self.config
        limit = self.max_input_tokens - 2  # room for the language token and </s>

        def count(texts: Sequence[str]) -> list[int]:
            return self.backend.count_tokens(texts, src, tgt)

        # 1. segments: each sentence, or its clauses when it is too long for the model
        segments: list[str] = []
        owner: list[int] = []
        lengths: list[int] = []
        for i, (sentence, n) in enumerate(zip(sentences, count(sentences) if sentences else [])):
            if n <= limit:
                pieces, piece_lengths = [sentence], [n]
            else:
                pieces = guards.split_to_fit(sentence, limit, count)
                piece_lengths = count(pieces)
                notes.append(f"sentence {i + 1} ({n} tokens) split into {len(pieces)} parts")
            segments += pieces
            owner += [i] * len(pieces)
            lengths += piece_lengths

        # 2. length-sorted batches
        outputs: list[str] = [""] * len(segments)
        order = sorted(range(len(segments)), key=lambda k: (lengths[k], k))
        suspicious: list[tuple[int, str]] = []
        for start in range(0, len(order), cfg.batch_size):
            batch = order[start:start + cfg.batch_size]
            max_new = cfg.max_new_tokens(max(lengths[k] for k in batch), self.backend.max_output_tokens, tgt)
            generated = self.backend.generate(
                [segments[k] for k in batch], src, tgt, beam_size=cfg.beam_size, max_new_tokens=max_new,
                no_repeat_ngram_size=cfg.no_repeat_ngram_size, repetition_penalty=cfg.repetition_penalty)
            for k, (text, n_out) in zip(batch, generated):
                own_max = cfg.max_new_tokens(lengths[k], self.backend.max_output_tokens, tgt)
                text, reason = self._judge(segments[k], text, n_out >= max_new and n_out >= own_max, src, tgt)
                outputs[k] = text
                if reason:
                    suspicious.append((k, reason))

        # 3. coverage guard: retry suspicious segments with a wider beam, longer output and
        # stronger repetition limits; batched (in length order) as they are independent
        retried = self._retry([k for k, _ in sorted(suspicious)], segments, lengths, src, tgt) if cfg.retry else {}
        for k, reason in sorted(suspicious):
            text = outputs[k]
            if k in retried:
                again_text, again = retried[k]
                if guards.severity(again) <= guards.severity(reason):
                    text = again_text
                notes.append(f"segment of sentence {owner[k] + 1}: {reason}; retried"
                             + (f", still {again}" if again else ""))
            text = guards.drop_control_chars(segments[k], text)
            if not text.strip():
                text = segments[k]
                notes.append(f"segment of sentence {owner[k] + 1}: no translation; kept the source text")
            outputs[k] = text

        # 4. one translation per sentence
        joined: list[list[str]] = [[] for _ in sentences]
        for k, text in enumerate(outputs):
            joined[owner[k]].append(text.strip())
        return [" ".join(part for part in parts if part) or sentences[i] for i, parts in enumerate(joined)]

    def nbest(self, sentences: Sequence[str], src: str, tgt: str, n: int) -> list[list[str]]:
        """The beam's n best translations of each sentence, less those the guards find suspicious
        (no retries: these are extra candidates). A sentence too long for one segment, or a
        backend that cannot give candidates, gets none."""
        cfg = self.config
        out: list[list[str]] = [[] for _ in sentences]
        if not hasattr(self.backend, "candidates") or not sentences:
            return out
        lengths = self.backend.count_tokens(sentences, src, tgt)
        fits = sorted((k for k, n_tokens in enumerate(lengths) if n_tokens <= self.max_input_tokens - 2),
                      key=lambda k: (lengths[k], k))
        for start in range(0, len(fits), cfg.batch_size):
            batch = fits[start:start + cfg.batch_size]
            max_new = cfg.max_new_tokens(max(lengths[k] for k in batch), self.backend.max_output_tokens, tgt)
            generated = self.backend.candidates(
                [sentences[k] for k in batch], src, tgt, n=n, beam_size=n, max_new_tokens=max_new,
                no_repeat_ngram_size=cfg.no_repeat_ngram_size, repetition_penalty=cfg.repetition_penalty)
            for k, hypotheses in zip(batch, generated):
                for text, n_out in hypotheses:
                    text, reason = self._judge(sentences[k], text, n_out >= max_new, src, tgt)
                    if reason is None:
                        out[k].append(guards.drop_control_chars(sentences[k], text))
        return out

    def _retry(self, keys: list[int], segments: list[str], lengths: list[int], src: str,
               tgt: str) -> dict[int, tuple[str, str | None]]:
        """segment index -> (new translation, why it is still suspicious or None)."""
        cfg = self.config
        limit = self.backend.max_output_tokens
        out: dict[int, tuple[str, str | None]] = {}
        order = sorted(keys, key=lambda k: (lengths[k], k))
        for start in range(0, len(order), cfg.batch_size):
            batch = order[start:start + cfg.batch_size]
            first_try = max(cfg.max_new_tokens(lengths[k], limit, tgt) for k in batch)
            max_new = min(limit, max(first_try * 2, first_try + 16))
            generated = self.backend.generate(
                [segments[k] for k in batch], src, tgt, beam_size=cfg.retry_beam_size,
                max_new_tokens=max_new, no_repeat_ngram_size=min(cfg.no_repeat_ngram_size or 3, 3),
                repetition_penalty=max(cfg.repetition_penalty, 1.2))
            for k, (text, n_out) in zip(batch, generated):
                out[k] = self._judge(segments[k], text, n_out >= max_new, src, tgt)
        return out

    def _judge(self, source: str, text: str, cut: bool, src: str, tgt: str) -> tuple[str, str | None]:
        """A model output with its loops collapsed and, into Malay, its Indonesian words made
        Malaysian; and why it is suspicious (None: it looks fine)."""
        text, looped = guards.collapse_repetitions(text)
        if tgt == "ms" and self.config.malaysian_words:
            text = variety.malaysian_words(text)[0]
        cfg = self.config
        return text, guards.suspicious(source, text, cut=cut, looped=looped, min_ratio=cfg.min_length_ratio,
                                       max_ratio=cfg.max_length_ratio, tgt=tgt, src=src)


class Chain:
    """Translate through a pivot language: Chain(first, second) runs src->pivot then pivot->tgt."""

    def __init__(self, first: Translator, second: Translator, pivot: str = "en"):
        self.first = first
        self.second = second
        self.pivot = pivot
        self.model = first.model if first.model == second.model else f"{first.model} + {second.model}"

    @property
    def steps(self) -> tuple[Translator, Translator]:
        return (self.first, self.second)

    def __repr__(self) -> str:
        return f"Chain({self.first!r}, {self.second!r}, pivot={self.pivot!r})"

    def supports(self, src: str, tgt: str) -> bool:
        return self.first.supports(src, self.pivot) and self.second.supports(self.pivot, tgt)

    def translate_sentences(self, sentences: Sequence[str], src: str, tgt: str, notes: list[str] | None = None,
                            scores: list[float | None] | None = None) -> list[str]:
        """scores: those of the second hop (the translation into the reader's language)."""
        middle = self.first.translate_sentences(sentences, src, self.pivot, notes)
        return self.second.translate_sentences(middle, self.pivot, tgt, notes, scores)


def glossary_tuple(glossary: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    if glossary is None:
        return ()
    if not isinstance(glossary, Mapping):
        raise ConfigError("glossary must be a mapping {term: translation}")
    for term, target in glossary.items():
        if not isinstance(term, str) or not isinstance(target, str) or not term.strip():
            raise ConfigError(f"glossary entries must be non-empty strings: {term!r}: {target!r}")
    return tuple(glossary.items())
