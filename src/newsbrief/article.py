"""The one data model every step reads and extends: Article -> Paragraph -> Sentence.

Offsets always point into Article.text exactly as given (text[start:end] is the
sentence), so nothing a later step attaches can drift from the source.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from .inputs import check_text
from .segment import ZERO_WIDTH, paragraph_spans, sentence_spans

_ZERO_WIDTH_RE = re.compile(f"[{ZERO_WIDTH}]")
_WHITESPACE_RE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """The form models see: NFC, no zero-width characters, single spaces."""
    text = _ZERO_WIDTH_RE.sub("", unicodedata.normalize("NFC", text))
    return _WHITESPACE_RE.sub(" ", text).strip()


@dataclass(eq=False)
class Sentence:
    text: str
    start: int
    end: int
    lang: str | None = None
    translations: dict[str, str] = field(default_factory=dict)  # target lang -> text

    @property
    def normalized(self) -> str:
        return normalize(self.text)

    def to_dict(self) -> dict[str, Any]:
        out = {"text": self.text, "start": self.start, "end": self.end, "lang": self.lang}
        if self.translations:
            out["translations"] = dict(self.translations)
        return out


@dataclass(eq=False)
class Paragraph:
    start: int
    end: int
    sentences: list[Sentence]
    lang: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "lang": self.lang,
                "sentences": [s.to_dict() for s in self.sentences]}


@dataclass(eq=False)
class Article:
    text: str
    paragraphs: list[Paragraph]
    id: str | None = None
    lang: str | None = None
    detection: Any = None  # newsbrief.detection.Detection once detected
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_text(cls, text: str, id: str | None = None, **meta: Any) -> "Article":
        """Check and segment text. Raises InputError for empty or binary text."""
        check_text(text, f"article {id}" if id else "input")
        paragraphs = []
        for p_start, p_end in paragraph_spans(text):
            sentences = [Sentence(text[s:e], s, e) for s, e in sentence_spans(text, p_start, p_end)]
            paragraphs.append(Paragraph(p_start, p_end, sentences))
        return cls(text=text, paragraphs=paragraphs, id=id, meta=meta)

    @classmethod
    def from_sentences(cls, sentences: list[str], id: str | None = None) -> "Article":
        """An Article whose sentences are exactly these texts, one paragraph each (no
        re-splitting): for text that is already segmented, like a summary or a test set."""
        text, paragraphs = "", []
        for sentence in sentences:
            start = len(text)
            text += sentence
            paragraphs.append(Paragraph(start, len(text), [Sentence(sentence, start, len(text))]))
            text += "\n\n"
        return cls(text=text[:-2] if sentences else "", paragraphs=paragraphs, id=id)

    @property
    def sentences(self) -> list[Sentence]:
        return [s for p in self.paragraphs for s in p.sentences]

    @property
    def fingerprint(self) -> str:
        """Hash of the text: what caches key on."""
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "lang": self.lang,
                               "paragraphs": [p.to_dict() for p in self.paragraphs]}
        if self.detection is not None:
            out["detection"] = self.detection.to_dict()
        if self.meta:
            out["meta"] = self.meta
        return out


def as_article(item: "str | Article", id: str | None = None) -> Article:
    """Accept either text or an Article wherever the API takes an article."""
    if isinstance(item, Article):
        return item
    if isinstance(item, str):
        return Article.from_text(item, id=id)
    raise TypeError(f"expected str or Article, got {type(item).__name__}")
