"""Abstractive summarization with transformers models, found locally and never downloaded.

Two families:

- ``seq2seq``: ``AutoModelForSeq2SeqLM`` (BART, PEGASUS, T5, mT5). T5 checkpoints get the
  prefix from their config (``task_specific_params.summarization.prefix``, "summarize: ").
- ``causal-lm``: an instruction-tuned causal LM prompted through its chat template, from a
  transformers folder or a GGUF file (``gguf_file=...``, dequantised to float32; needs the
  ``gguf`` and ``accelerate`` packages). The prompt asks for N sentences / at most W words in
  the article's language, as plain text without preamble; a preamble the model adds anyway
  is stripped.

Decoding is greedy (``num_beams=1``) or beam search, never sampling. ``max_new_tokens``
follows the length request (tokens per word measured on the input itself), a repetition
guard (``no_repeat_ngram_size``; for causal LMs over the generated tokens only, so names
can still be copied from the article) stops loops, and the output is cut to the requested
number of sentences / words at sentence boundaries.

Long inputs are never cut silently: the only policy, ``truncation="lead"``, keeps the
leading paragraphs (then sentences) that fit the model's input budget, logs a warning and
reports it in ``AbstractiveSummary.truncation``; ``truncation="error"`` raises instead.

Models are named in the ``[summarizers.NAME]`` section of models/registry.toml
(``find_summarizer(lang)`` picks the first installed one covering the language, or None),
or given as a folder / .gguf path. ``newsbrief.summarize(text, method="auto")``
(summarization/summary.py) takes the abstractive path when find_summarizer finds a model
and the extractive one otherwise, and says which.
"""

from __future__ import annotations

import logging
import math
import os
import re
import threading
from dataclasses import dataclass
from typing import Any, Mapping

from ..article import Article, as_article, normalize
from ..errors import (
    ConfigError,
    InputError,
    MissingDependencyError,
    ModelNotFoundError,
    UnsupportedLanguageError,
)
from ..models import ModelSpec, ResolvedModel, default_cache, load_registry, resolve
from ..models.causal_lm import GeneratedOnly, check_gguf_support, import_torch, load_causal_lm
from ..models.registry import TASKS
from ..models.seq2seq import load_seq2seq
from ..segment import sentence_spans
from .extractive import count_units

log = logging.getLogger("newsbrief.summarize")

__all__ = ["AbstractiveSummarizer", "AbstractiveSummary", "Truncation", "find_summarizer",
           "strip_preamble", "cut_to_length", "SUMMARIZER_FAMILIES", "LANGUAGE_NAMES"]

SUMMARIZER_FAMILIES = TASKS["summarization"]
TRUNCATION_POLICIES = ("lead", "error")
LANGUAGE_NAMES = {"en": "English", "ms": "Malay", "km": "Khmer", "id": "Indonesian", "zh": "Chinese",
                  "th": "Thai", "vi": "Vietnamese", "fr": "French", "de": "German", "es": "Spanish"}
WORDS_PER_SENTENCE = 30      # budget per requested summary sentence (news summary sentences: ~20-25 words)
TOKEN_SLACK = 1.25           # head-room over the measured tokens-per-word ratio


# --------------------------------------------------------------------------- results

@dataclass(frozen=True)
class Truncation:
    """What the 'lead' policy kept of an input too long for the model."""

    policy: str
    kept_sentences: int
    total_sentences: int
    kept_tokens: int
    total_tokens: int
    limit_tokens: int

    @property
    def note(self) -> str:
        return (f"input truncated ({self.policy} policy): summarized the first {self.kept_sentences} of "
                f"{self.total_sentences} sentences ({self.kept_tokens} of {self.total_tokens} tokens; the model "
                f"takes {self.limit_tokens})")


@dataclass(frozen=True)
class AbstractiveSummary:
    text: str
    model_id: str
    max_new_tokens: int
    new_tokens: int
    input_tokens: int
    truncation: Truncation | None = None
    raw: str = ""  # the decoded output before preamble stripping and length cutting

    @property
    def truncated(self) -> bool:
        return self.truncation is not None

    @property
    def method(self) -> str:
        return f"abstractive:{self.model_id}"


@dataclass(frozen=True)
class _Plan:
    units: list[str]            # the input paragraphs (normalized text) as given to the model
    max_new_tokens: int
    input_tokens: int
    truncation: Truncation | None


# --------------------------------------------------------------------------- the summarizer

_PREAMBLE_RE = re.compile(
    r"^\s*(?:(?:sure|certainly|okay|ok|of course)\b[^\n]*?(?:[:.!]\s+|\n)|"
    r"here(?:'s| is| are)\b[^\n]*?:\s*|"
    r"(?:\*\*)?(?:the )?(?:article |news )?summary(?: of the article)?(?:\*\*)?\s*[:\-]\s*(?:\*\*)?|"
    r"(?:in summary|to summarize|in short),\s*)", re.IGNORECASE)
_MARKUP_RE = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+|\*\*|__|^#+\s*", re.MULTILINE)


_END_RE = re.compile(r"[.!?\u17d4\u17d5\"'\u201d\u2019)]\s*$")


def strip_preamble(text: str) -> str:
    """The summary without a chat preamble ("Sure! Here is a summary:"), labels, markdown or a
    headline line (a first line without sentence-final punctuation followed by more lines).
    Lines stay separated by newlines: each ends a sentence."""
    previous = None
    while previous != text:
        previous = text
        text = _PREAMBLE_RE.sub("", text, count=1)
    text = _MARKUP_RE.sub("", text)
    lines = [normalize(line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > 1 and not _END_RE.search(lines[0]) and len(lines[0].split()) <= 20:
        lines = lines[1:]
    return "\n".join(lines)


def cut_to_length(text: str, sentences: int | None, max_words: int | None) -> str:
    """At most `sentences` sentences and `max_words` words (Khmer: syllables), cut at sentence
    boundaries (a newline also ends a sentence); a first sentence longer than max_words is cut
    at a word (with '...')."""
    spans: list[str] = []
    for line in text.splitlines():
        line = normalize(line)
        spans += [line[s:e] for s, e in sentence_spans(line)] or ([line] if line else [])
    if sentences is not None:
        spans = spans[:sentences]
    if max_words is None:
        return " ".join(spans)
    kept: list[str] = []
    used = 0
    for s in spans:
        n = count_units(s)
        if used + n > max_words:
            break
        kept.append(s)
        used += n
    if kept:
        return " ".join(kept)
    if not spans:
        return ""
    words = spans[0].split()
    out: list[str] = []
    for w in words:
        if count_units(" ".join(out + [w])) > max_words:
            break
        out.append(w)
    return " ".join(out).rstrip(",;:") + ("..." if len(out) < len(words) else "")


def _drop_unfinished(text: str) -> str:
    spans = [(line, s, e) for line in text.splitlines() for s, e in sentence_spans(line)]
    if len(spans) < 2 or _END_RE.search(spans[-1][0][spans[-1][1]:spans[-1][2]]):
        return text
    line, start, _ = spans[-1]
    kept = [ln for ln in text.splitlines()]
    idx = max(i for i, ln in enumerate(kept) if ln is line or ln == line)
    kept[idx] = kept[idx][:start].rstrip()
    return "\n".join(ln for ln in kept if ln)


def _check_length(sentences: int | None, max_words: int | None) -> None:
    if sentences is None and max_words is None:
        raise ConfigError("give sentences=N or max_words=N (or both)")
    for name, value in (("sentences", sentences), ("max_words", max_words)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise ConfigError(f"{name} must be a positive integer, not {value!r}")


class AbstractiveSummarizer:
    """One summarization model. Loads lazily, once, through a ModelCache (the default one
    when none is given). Thread-safe: generation runs under a lock.

    `threads` sets torch's intra-op threads while this summarizer generates (restored after):
    token-by-token decoding of small models is often fastest with 1-2 threads, and much slower
    when torch's threads compete with other processes for the cores."""

    def __init__(self, model: "str | os.PathLike | ResolvedModel", *, cache=None,
                 languages: tuple[str, ...] | None = None, num_beams: int = 1, no_repeat_ngram_size: int = 3,
                 truncation: str = "lead", max_input_tokens: int | None = None, device: str = "cpu",
                 threads: int | None = None):
        if truncation not in TRUNCATION_POLICIES:
            raise ConfigError(f"truncation must be one of {', '.join(TRUNCATION_POLICIES)}, not {truncation!r}")
        if not isinstance(num_beams, int) or num_beams < 1:
            raise ConfigError(f"num_beams must be a positive integer, not {num_beams!r}")
        if not isinstance(no_repeat_ngram_size, int) or no_repeat_ngram_size < 0:
            raise ConfigError(f"no_repeat_ngram_size must be an integer >= 0 (0: off), not {no_repeat_ngram_size!r}")
        self.resolved = model if isinstance(model, ResolvedModel) else resolve(model, task="summarization")
        self.spec = self.resolved.spec
        self.family = self.spec.family
        self._languages = tuple(languages) if languages is not None else self.spec.languages
        self.num_beams = num_beams
        self.no_repeat_ngram_size = no_repeat_ngram_size
        self.truncation_policy = truncation
        self._max_input_override = max_input_tokens
        if threads is not None and (not isinstance(threads, int) or threads < 1):
            raise ConfigError(f"threads must be a positive integer or None, not {threads!r}")
        self.threads = threads
        self.device = device
        self._cache = cache
        self._lock = threading.Lock()
        self._hash: str | None = None
        self.last_notes: tuple[str, ...] = ()  # notes of the latest summarize() (truncation)

    def __repr__(self) -> str:
        return f"AbstractiveSummarizer({self.model_id!r}, family={self.family!r})"

    @property
    def model_id(self) -> str:
        return self.resolved.model_id

    @property
    def model_hash(self) -> str:
        """A fingerprint of the model files, for cache keys: names and sizes of every file,
        the full content of files under 16 MiB, the first and last MiB of larger ones
        (the weights), so it is cheap yet changes when the model does. Computed once."""
        if self._hash is None:
            import hashlib

            digest = hashlib.sha256()
            folder = self.resolved.path
            files = [folder / self.resolved.gguf_file] if self.resolved.gguf_file else sorted(
                p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
            for path in files:
                size = path.stat().st_size
                digest.update(f"{path.relative_to(folder)}\0{size}\0".encode())
                with open(path, "rb") as fh:
                    if size <= 16 << 20:
                        digest.update(fh.read())
                    else:
                        digest.update(fh.read(1 << 20))
                        fh.seek(size - (1 << 20))
                        digest.update(fh.read())
            self._hash = digest.hexdigest()[:16]
        return self._hash

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages this model summarizes (empty: not declared, e.g. a bare folder path)."""
        return self._languages

    # -- loading

    @property
    def _key(self) -> tuple:
        return ("summarizer", self.family, str(self.resolved.path), self.resolved.gguf_file, self.device)

    def _loaded(self) -> tuple[Any, Any]:
        if self._cache is None:
            self._cache = default_cache()
        return self._cache.get(self._key, self._load)

    @property
    def is_loaded(self) -> bool:
        return self._cache is not None and self._key in self._cache

    def _load(self) -> tuple[Any, Any]:
        path = self.resolved.path
        log.info("loading summarization model %s from %s", self.model_id, path)
        if self.family == "seq2seq":
            return load_seq2seq(path, self.device)
        tokenizer, model = load_causal_lm(path, self.resolved.gguf_file, self.device)
        if not getattr(tokenizer, "chat_template", None):
            raise ConfigError(f"{self.model_id} has no chat template; causal LMs are used as instruction-tuned "
                              f"chat models only.")
        return tokenizer, model

    # -- limits

    def _context(self, tokenizer, model) -> int:
        """The longest input newsbrief gives the model (tokens)."""
        config = model.config
        limits = [getattr(config, "max_position_embeddings", None), getattr(config, "n_positions", None)]
        tok_max = getattr(tokenizer, "model_max_length", None)
        if tok_max and tok_max < 1_000_000:
            limits.append(tok_max)
        limits += [self.spec.max_input_tokens, self._max_input_override]
        limits = [int(x) for x in limits if x]
        return min(limits) if limits else 512

    def _prefix(self, model) -> str:
        if self.spec.prefix is not None:
            return self.spec.prefix
        params = getattr(model.config, "task_specific_params", None) or {}
        prefix = (params.get("summarization") or {}).get("prefix")
        if prefix:
            return prefix
        return "summarize: " if getattr(model.config, "model_type", "") == "t5" else ""

    def _messages(self, body: str, lang: str, sentences: int | None, max_words: int | None) -> list[dict]:
        language = LANGUAGE_NAMES.get(lang, lang)
        length = []
        if sentences is not None:
            length.append(f"in {sentences} sentence{'s' if sentences != 1 else ''}")
        if max_words is not None:
            length.append(f"in at most {max_words} words")
        return [
            {"role": "system", "content": "You are a news editor who writes short, factual summaries."},
            {"role": "user", "content": (f"Summarize the news article below {' and '.join(length)}, in {language}. "
                                         f"Write only the summary as plain text: no title, no introduction, "
                                         f"no bullet points.\n\nArticle:\n{body}")},
        ]

    def _encode(self, tokenizer, model, body: str, lang: str, sentences, max_words) -> dict:
        if self.family == "seq2seq":
            return tokenizer(self._prefix(model) + body, return_tensors="pt")
        return tokenizer.apply_chat_template(self._messages(body, lang, sentences, max_words),
                                             add_generation_prompt=True, return_tensors="pt", return_dict=True)

    def _count(self, tokenizer, text: str) -> int:
        return len(tokenizer(text, add_special_tokens=False)["input_ids"])

    def plan(self, text: "str | Article", lang: str, sentences: int | None = 3,
             max_words: int | None = None) -> _Plan:
        """What summarize() will do: the input kept, max_new_tokens, and any truncation."""
        _check_length(sentences, max_words)
        tokenizer, model = self._loaded()
        article = as_article(text)
        paragraphs = [[s.normalized for s in p.sentences if s.normalized] for p in article.paragraphs]
        paragraphs = [p for p in paragraphs if p]
        if not paragraphs:
            raise InputError("nothing to summarize: the article has no sentences")
        body = "\n".join(" ".join(p) for p in paragraphs)
        total_tokens = self._count(tokenizer, body)
        # tokens per word of this text (and tokenizer): how long N words of summary will be
        ratio = min(max(total_tokens / max(count_units(body), 1), 1.0), 8.0)
        words = [w for w in (max_words, sentences * WORDS_PER_SENTENCE if sentences else None) if w is not None]
        max_new = math.ceil(min(words) * ratio * TOKEN_SLACK) + 8
        context = self._context(tokenizer, model)
        if self.family == "seq2seq":
            overhead = self._count(tokenizer, self._prefix(model)) + 2
            budget = context - overhead
            positions = getattr(model.config, "max_position_embeddings", None)
            if positions:
                max_new = min(max_new, int(positions) - 2)
        else:
            overhead = len(self._encode(tokenizer, model, "", lang, sentences, max_words)["input_ids"][0])
            max_new = min(max_new, max(context // 4, 16))
            budget = context - overhead - max_new
        if budget < 8:
            raise ConfigError(f"{self.model_id}: the model's input budget ({context} tokens) leaves no room for "
                              f"an article")
        truncation = None
        if total_tokens > budget:
            if self.truncation_policy == "error":
                raise InputError(f"the article has {total_tokens} tokens; {self.model_id} takes {budget}. Use "
                                 f"truncation='lead' to summarize its lead, or summarize it in parts.")
            kept: list[list[str]] = []
            used = 0
            n_sentences = sum(len(p) for p in paragraphs)
            for para in paragraphs:
                n = self._count(tokenizer, " ".join(para)) + 1
                if used + n <= budget:
                    kept.append(para)
                    used += n
                    continue
                part: list[str] = []
                for sent in para:
                    n = self._count(tokenizer, sent) + 1
                    if used + n > budget:
                        break
                    part.append(sent)
                    used += n
                if part:
                    kept.append(part)
                break
            if not kept:  # even the first sentence is too long: keep its leading tokens
                ids = tokenizer(paragraphs[0][0], add_special_tokens=False)["input_ids"][:budget]
                kept = [[tokenizer.decode(ids, skip_special_tokens=True)]]
                used = len(ids)
            truncation = Truncation("lead", sum(len(p) for p in kept), n_sentences, used, total_tokens, budget)
            log.warning("%s: %s", self.model_id, truncation.note)
            paragraphs = kept
        return _Plan([" ".join(p) for p in paragraphs], max_new, total_tokens, truncation)

    # -- summarizing

    def summarize_detailed(self, text: "str | Article", lang: str, sentences: int | None = 3,
                           max_words: int | None = None) -> AbstractiveSummary:
        if self._languages and lang not in self._languages:
            raise UnsupportedLanguageError(f"{self.model_id} summarizes {', '.join(self._languages)}, not "
                                           f"{lang!r}; use the extractive summarizer or another model.")
        torch, transformers = import_torch()
        with self._lock:
            plan = self.plan(text, lang, sentences, max_words)
            tokenizer, model = self._loaded()
            sep = " " if self.family == "seq2seq" else "\n"
            inputs = self._encode(tokenizer, model, sep.join(plan.units), lang, sentences, max_words)
            inputs = {k: v.to(self.device) for k, v in inputs.items()}
            prompt_len = inputs["input_ids"].shape[1]
            kwargs: dict[str, Any] = dict(do_sample=False, num_beams=self.num_beams, max_new_tokens=plan.max_new_tokens,
                                          min_length=0, num_return_sequences=1)
            if self.family == "seq2seq":
                kwargs["no_repeat_ngram_size"] = self.no_repeat_ngram_size
            else:
                kwargs["no_repeat_ngram_size"] = 0
                if self.no_repeat_ngram_size:
                    kwargs["logits_processor"] = transformers.LogitsProcessorList([GeneratedOnly(
                        transformers.NoRepeatNGramLogitsProcessor(self.no_repeat_ngram_size), prompt_len)])
                if model.generation_config.pad_token_id is None:
                    kwargs["pad_token_id"] = tokenizer.pad_token_id or tokenizer.eos_token_id
            for name in ("temperature", "top_p", "top_k"):  # sampling settings of the checkpoint: unused
                kwargs[name] = None
            previous = torch.get_num_threads()
            if self.threads:  # torch's thread count is process-wide: set for this call only
                torch.set_num_threads(self.threads)
            try:
                with torch.inference_mode():
                    out = model.generate(**inputs, **kwargs)
            finally:
                if self.threads:
                    torch.set_num_threads(previous)
        new = out[0, prompt_len:] if self.family == "causal-lm" else out[0, 1:]
        pad = model.generation_config.pad_token_id
        eos = model.generation_config.eos_token_id
        eos_ids = set(eos if isinstance(eos, list) else [eos])
        ids = [t for t in new.tolist() if t != pad or t in eos_ids]
        n_new = len(ids)
        raw = tokenizer.decode(new, skip_special_tokens=True, clean_up_tokenization_spaces=False)
        cleaned = strip_preamble(raw) if self.family == "causal-lm" else normalize(raw)
        if n_new >= plan.max_new_tokens:  # cut off by the budget: drop an unfinished last sentence
            cleaned = _drop_unfinished(cleaned)
        summary = cut_to_length(cleaned, sentences, max_words)
        self.last_notes = (plan.truncation.note,) if plan.truncation else ()
        return AbstractiveSummary(summary, self.model_id, plan.max_new_tokens, n_new, plan.input_tokens,
                                  plan.truncation, raw)

    def summarize(self, text: str, lang: str, sentences: int | None = 3, max_words: int | None = None) -> str:
        """The summary text (see summarize_detailed for the truncation report and token counts)."""
        return self.summarize_detailed(text, lang, sentences, max_words).text


# --------------------------------------------------------------------------- finding one

def find_summarizer(lang: str, model: "str | os.PathLike | None" = None, cache=None,
                    registry: Mapping[str, ModelSpec] | None = None,
                    **options: Any) -> AbstractiveSummarizer | None:
    """The best installed summarization model for `lang` (registry order, entries with
    auto = true only), or None.

    With `model` (a registry name, hub id, folder or .gguf path) that model, or
    ModelNotFoundError when it is not installed / UnsupportedLanguageError when it declares
    other languages. NEWSBRIEF_SUMMARIZATION_MODEL names a model too. Never downloads."""
    registry = load_registry(task="summarization") if registry is None else registry
    model = model or os.environ.get("NEWSBRIEF_SUMMARIZATION_MODEL") or None
    if model is not None:
        summarizer = AbstractiveSummarizer(resolve(model, registry=registry, task="summarization"), cache=cache,
                                           **options)
        if summarizer.languages and lang not in summarizer.languages:
            raise UnsupportedLanguageError(f"{summarizer.model_id} summarizes {', '.join(summarizer.languages)}, "
                                           f"not {lang!r}")
        return summarizer
    for spec in registry.values():
        if lang not in spec.languages or not spec.auto:
            continue
        try:
            resolved = resolve(spec.name, registry=registry, task="summarization")
        except ModelNotFoundError:
            continue
        if resolved.gguf_file:
            try:
                check_gguf_support()
            except MissingDependencyError as exc:
                log.info("%s is installed but cannot be read: %s; skipped", spec.name, exc)
                continue
        return AbstractiveSummarizer(resolved, cache=cache, **options)
    return None
