"""newsbrief: short, faithful briefs of news articles in English, Khmer and Malay.

    import newsbrief as nb
    nb.detect("Kerajaan Malaysia akan ...")   # Detection(lang="ms", ...)
    article = nb.Article.from_text(text)        # paragraphs -> sentences with offsets

Importing this package is cheap: models and heavy libraries (torch, transformers)
load on first use.
"""

from __future__ import annotations

import logging
from importlib import import_module
from typing import TYPE_CHECKING

from ._version import __version__

# The library never configures logging; the CLI does.
logging.getLogger("newsbrief").addHandler(logging.NullHandler())

_LAZY = {
    "Article": "newsbrief.article",
    "Paragraph": "newsbrief.article",
    "Sentence": "newsbrief.article",
    "Detection": "newsbrief.detection",
    "Detect": "newsbrief.detection",
    "detect": "newsbrief.detection",
    "translate": "newsbrief.translation",
    "Translate": "newsbrief.translation",
    "TranslateConfig": "newsbrief.translation",
    "TranslationResult": "newsbrief.translation",
    "Chain": "newsbrief.translation",
    "ModelCache": "newsbrief.models",
    "summarize": "newsbrief.summarization",
    "Summary": "newsbrief.summarization",
    "brief": "newsbrief.briefs",
    "Brief": "newsbrief.briefs",
    "brief_many": "newsbrief.briefs",
    "digest": "newsbrief.digests",
    "Digest": "newsbrief.digests",
    "Pipeline": "newsbrief.pipeline",
    "NewsbriefError": "newsbrief.errors",
    "InputError": "newsbrief.errors",
    "UnsupportedLanguageError": "newsbrief.errors",
    "ConfigError": "newsbrief.errors",
    "ModelNotFoundError": "newsbrief.errors",
    "MissingDependencyError": "newsbrief.errors",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'newsbrief' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # for editors and type checkers only
    from .article import Article, Paragraph, Sentence
    from .briefs import Brief, brief, brief_many
    from .detection import Detect, Detection, detect
    from .digests import Digest, digest
    from .errors import (
        ConfigError,
        InputError,
        MissingDependencyError,
        ModelNotFoundError,
        NewsbriefError,
        UnsupportedLanguageError,
    )
    from .models import ModelCache
    from .pipeline import Pipeline
    from .summarization import Summary, summarize
    from .translation import (
        Chain,
        Translate,
        TranslateConfig,
        TranslationResult,
        translate,
    )
