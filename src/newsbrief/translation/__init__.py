"""Sentence-aligned translation between English, Khmer and Malay (the API is in api.py).

    import newsbrief as nb
    result = nb.translate(text, to="km")
    result.text, result.sentences[0].source, result.sentences[0].target

Modules: api (translate, get_translator, load_backend), base (the Translator interface,
SentenceTranslator, Chain), guards, protect (numbers, URLs, glossary), cached (the result
cache), prompts, and one module per backend: hf_seq2seq, ct2, causal_lm.
"""

from . import guards
from .api import (
    DIRECT_PAIRS,
    LANGUAGES,
    PIVOT,
    Translate,
    check_pair,
    get_translator,
    load_backend,
    translate,
)
from .base import AlignedSentence, Backend, Chain, SentenceTranslator, TranslateConfig, TranslationResult, Translator

__all__ = ["translate", "get_translator", "load_backend", "check_pair", "Translate", "Translator", "Backend",
           "Chain", "SentenceTranslator", "TranslateConfig", "TranslationResult", "AlignedSentence", "LANGUAGES",
           "DIRECT_PAIRS", "PIVOT", "guards"]
