"""The prompt a causal-LM translator is trained and run with: one fixed line per direction.

    English: The ministry said 185 people were arrested.
    Malay:

The model continues with the translation and ends it with its end-of-sequence token (a
newline also ends it). The training recipe (models/recipes/gemma_translation) and the
causal-LM backend import this module, so the two can never disagree.
"""

from __future__ import annotations

LANGUAGE_NAMES = {"en": "English", "km": "Khmer", "ms": "Malay"}


def prompt(text: str, src: str, tgt: str) -> str:
    """The text before the translation (the model's bos token goes before it)."""
    return f"{LANGUAGE_NAMES[src]}: {' '.join(text.split())}\n{LANGUAGE_NAMES[tgt]}:"


def target(translation: str) -> str:
    """How a translation follows the prompt in training (eos is appended as a token)."""
    return " " + " ".join(translation.split())
