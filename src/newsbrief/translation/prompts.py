"""The prompt a causal-LM translator is trained and run with: one fixed line per direction.

    English: The ministry said 185 people were arrested.
    Malay:

The model continues with the translation and ends it with its end-of-sequence token (a
newline also ends it). Training examples whose source is machine-made (back-translation) say
so in the source label, ``English (synthetic): ...``, so that the model can tell them from human
text (tagged back-translation); translation never uses the tag. The training recipe (models/recipes/gemma_translation) and the
causal-LM backend import this module, so the two can never disagree.
"""

from __future__ import annotations

# Indonesian is a training-only label: the recipe's en->id contrast keeps "Malay" Malaysian
LANGUAGE_NAMES = {"en": "English", "km": "Khmer", "ms": "Malay", "id": "Indonesian"}


SYNTHETIC_TAG = " (synthetic)"


def prompt(text: str, src: str, tgt: str, synthetic: bool = False) -> str:
    """The text before the translation (the model's bos token goes before it)."""
    tag = SYNTHETIC_TAG if synthetic else ""
    return f"{LANGUAGE_NAMES[src]}{tag}: {' '.join(text.split())}\n{LANGUAGE_NAMES[tgt]}:"


def prompt_ids(tokenizer, vocab, texts, src: str, tgt: str, synthetic: bool = False) -> list[list[int]]:
    """The model's input for each text: bos + the prompt, in the trimmed vocabulary's ids
    (vocab: a newsbrief.models.vocab.VocabMap). Training and translation both call this."""
    encoded = tokenizer([prompt(t, src, tgt, synthetic) for t in texts], add_special_tokens=False)["input_ids"]
    return [vocab.encode([tokenizer.bos_token_id] + ids, tokenizer) for ids in encoded]


def target(translation: str) -> str:
    """How a translation follows the prompt in training (eos is appended as a token)."""
    return " " + " ".join(translation.split())
