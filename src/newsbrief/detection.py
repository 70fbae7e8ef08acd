"""Language detection on the article model: whole documents, paragraphs, sentences.

The per-span classifier lives in newsbrief.lid (script first, then a statistical
model that knows Malay, then a Malay-vs-Indonesian discriminator). This module
decides which spans to ask about and how their answers combine.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .article import Article, as_article
from .errors import ConfigError

SUPPORTED = ("en", "km", "ms")  # what translation and summaries serve; "id" is detected too
Granularity = Literal["document", "paragraph", "sentence"]

# A paragraph in another language counts as a part of a mixed document only when
# the classifier is this sure of it; short, unsure spans follow their neighbours.
_MIXED_MIN_CONFIDENCE = 0.8

# Document prior for Malay vs Indonesian: the chance that a sentence or paragraph of an article is in the
# article's own variety. Articles rarely switch between Malaysian Malay and Indonesian (a quote from across the
# border is the exception), so a part without a marker word takes the article's variety, while a part whose own
# evidence is strong (log-odds beyond about 4) keeps its own. Set a priori, not tuned: the labelled documents
# are all single-variety, so tuning on them would only push it to 1 (models/recipes/lid_ms_id/prior_dev.py shows
# the trade-off on development data: how many inserted sentences of the other variety it overrules).
SAME_VARIETY = 0.98
_MSID = ("ms", "id")


@dataclass(frozen=True)
class Detection:
    lang: str  # ISO 639-1 ("en", "km", "ms", "id", ...) or "und"
    confidence: float  # 0..1
    script: str  # ISO 15924 ("Latn", "Khmr", ...)
    start: int = 0
    end: int = 0
    parts: tuple["Detection", ...] = field(default=())
    # True when the article's own variety decided this part (Malay vs Indonesian): alone, the part leaned the
    # other way; its confidence is then the probability with the article's variety as the prior.
    by_document: bool = False

    @property
    def languages(self) -> dict[str, float]:
        """Share of characters in each language, over the parts (or the whole)."""
        if not self.parts:
            return {self.lang: 1.0}
        sizes = Counter()
        for part in self.parts:
            sizes[part.lang] += part.end - part.start
        total = sum(sizes.values()) or 1
        return {lang: round(n / total, 4) for lang, n in sizes.most_common()}

    @property
    def mixed(self) -> bool:
        return len([lang for lang in self.languages if lang != "und"]) > 1

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Detection":
        return cls(data["lang"], data["confidence"], data["script"], data["start"], data["end"],
                   tuple(cls.from_dict(p) for p in data.get("parts", ())), bool(data.get("by_document", False)))

    def to_dict(self, digits: int | None = 4) -> dict[str, Any]:
        """digits: confidence rounded for display; None keeps it exact (for the cache)."""
        confidence = self.confidence if digits is None else round(self.confidence, digits)
        out = {"lang": self.lang, "confidence": confidence, "script": self.script, "start": self.start,
               "end": self.end}
        if self.by_document:
            out["by_document"] = True
        if self.parts:
            out["mixed"] = self.mixed
            out["languages"] = self.languages
            out["parts"] = [p.to_dict(digits) for p in self.parts]
        return out


_LID_DATA = Path(__file__).resolve().parent / "lid" / "data"  # the classifier's weights: part of the cache key


def _identify(text: str, start: int, end: int, seen: dict | None = None) -> Detection:
    """identify() of text[start:end]; `seen` (span text -> result) spares asking twice about the same string
    (a one-sentence text is its own paragraph and sentence)."""
    from .lid import identify

    span = text[start:end]
    if seen is None:
        result = identify(span)
    else:
        result = seen.get(span)
        if result is None:
            result = seen[span] = identify(span)
    lang, confidence, script = result
    return Detection(lang, float(confidence), script, start, end)


def msid_prior(whole: Detection) -> float | None:
    """P(Malay) for a part of a document detected as `whole`, before reading the part; None unless the document
    is Malay or Indonesian. Its confidence weighs in: an unsure document is a weaker prior."""
    if whole.lang not in _MSID:
        return None
    p_same = whole.confidence * SAME_VARIETY + (1.0 - whole.confidence) * (1.0 - SAME_VARIETY)
    return p_same if whole.lang == "ms" else 1.0 - p_same


def _in_document(text: str, start: int, end: int, prior: float | None, seen: dict | None = None) -> Detection:
    """A part of a document: its own detection, or, when it is Malay or Indonesian and the document has a
    variety (prior), the detection with the document's variety as the prior (see SAME_VARIETY)."""
    own = _identify(text, start, end, seen)
    if prior is None or own.lang not in _MSID:
        return own
    from .lid import identify

    lang, confidence, script = identify(text[start:end], msid_prior=prior)
    return Detection(lang, float(confidence), script, start, end, by_document=lang != own.lang)


def detect(text: "str | Article", per: Granularity = "document") -> Detection:
    """Detect the language of a text or Article.

    per="document" gives one Detection; when paragraphs confidently differ in
    language its `parts` list them (one per paragraph) and `mixed` is True.
    per="paragraph" or "sentence" always fills `parts` at that level.

    Malay vs Indonesian: a part of a document detected as "ms" or "id" is read with the document's own variety
    as the prior (SAME_VARIETY), so that a short or marker-free sentence or paragraph takes the article's
    variety while one with clear evidence of the other keeps it; such parts have by_document=True when the
    document decided. A text that is a single sentence or paragraph keeps its own best guess.
    """
    if per not in ("document", "paragraph", "sentence"):
        raise ConfigError(f"per must be 'document', 'paragraph' or 'sentence', not {per!r}")
    article = as_article(text)
    seen: dict = {}
    whole = _identify(article.text, 0, len(article.text), seen)
    if per == "sentence":
        prior = _prior_for_parts(whole, article.sentences)
        parts = tuple(_in_document(article.text, s.start, s.end, prior, seen) for s in article.sentences)
    elif per == "paragraph":
        prior = _prior_for_parts(whole, article.paragraphs)
        parts = tuple(_in_document(article.text, p.start, p.end, prior, seen) for p in article.paragraphs)
    else:
        paragraphs = tuple(_identify(article.text, p.start, p.end, seen) for p in article.paragraphs)
        sure = [p for p in paragraphs if p.confidence >= _MIXED_MIN_CONFIDENCE and p.lang != "und"]
        parts = paragraphs if len({p.lang for p in sure}) > 1 else ()
    return Detection(whole.lang, whole.confidence, whole.script, 0, len(article.text), parts)


def _prior_for_parts(whole: Detection, parts: list) -> float | None:
    """The document prior, or None when there is no other part to learn it from (a lone sentence or paragraph
    keeps its own best guess: the document is the part itself)."""
    return msid_prior(whole) if len(parts) > 1 else None


class Detect:
    """Pipeline step: fills Article.lang, Paragraph.lang and Sentence.lang.

    A sentence keeps its paragraph's language unless the classifier is sure it
    differs (a Khmer quote inside an English paragraph), since short spans are noisy.
    Malay vs Indonesian: paragraphs and sentences are read with the article's own
    variety as the prior (see detect()), so only a sentence with clear evidence of
    the other variety gets it.
    """

    name = "detect"
    requires: frozenset[str] = frozenset()
    provides = frozenset({"lang"})

    def __init__(self, cache: Any = None):
        """cache: a result cache (see newsbrief.cache.open_cache); None: detect every time."""
        from .cache import open_cache

        self.cache = open_cache(cache)

    def __call__(self, articles: list[Article]) -> list[Article]:
        for article in articles:
            self.one(article)
        return articles

    def one(self, article: Article) -> Article:
        from .cache import fingerprint, model_files_hash

        key = fingerprint(self.name, {"per": "paragraph+sentence", "same_variety": SAME_VARIETY}, "newsbrief.lid",
                          model_files_hash(_LID_DATA), article.text)
        found = self.cache.get(self.name, key)
        if found:
            detection, langs = Detection.from_dict(found["detection"]), found["sentences"]
        else:
            detection = detect(article, per="paragraph")
            prior = _prior_for_parts(detection, article.sentences)
            langs = [[self._sentence_lang(article, s, part, prior) for s in p.sentences]
                     for p, part in zip(article.paragraphs, detection.parts)]
            self.cache.put(self.name, key, {"detection": detection.to_dict(digits=None), "sentences": langs})
        article.detection = detection
        article.lang = detection.lang
        for paragraph, part, sentence_langs in zip(article.paragraphs, detection.parts, langs):
            paragraph.lang = part.lang if part.lang != "und" else detection.lang
            for sentence, lang in zip(paragraph.sentences, sentence_langs):
                sentence.lang = lang
        return article

    @staticmethod
    def _sentence_lang(article: Article, sentence: Any, paragraph_part: Detection, prior: float | None) -> str:
        paragraph_lang = paragraph_part.lang
        own = _in_document(article.text, sentence.start, sentence.end, prior)
        # ms vs id: without the article's variety as the prior, too close to call per sentence
        close = {own.lang, paragraph_lang} == set(_MSID) and prior is None
        differs = (own.lang not in ("und", paragraph_lang) and own.confidence >= _MIXED_MIN_CONFIDENCE
                   and not close)
        return own.lang if differs else paragraph_lang
