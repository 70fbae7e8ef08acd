"""Vocabulary shortlists for CTranslate2: let the decoder score only the target language's subwords.

The output projection is the largest single cost of a decoder step when the vocabulary is big
(NLLB: 256k entries). CTranslate2 can restrict it per batch with a vocabulary map (``vmap.txt``,
lines ``source n-gram<TAB>candidate target tokens``; an empty n-gram lists tokens that are
always candidates), applied with ``translate_batch(use_vmap=True)``.

A shortlist here is every subword the model's tokenizer produces on sample text of the target
language, plus a rule per vocabulary entry letting the decoder copy a source subword (names,
numbers and codes are copied into any language, and sample text never has them all). Marian
models carry the target language in the source (``>>khm<<``), so one map holds a rule per
target language; NLLB/M2M100 put it in the target prefix, which a map cannot key on, so their
map serves one target language and goes on an empty n-gram line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Mapping

from ..errors import ConfigError
from .seq2seq import LanguageCodes, load_tokenizer


def language_subwords(tokenizer, texts: Iterable[str], batch_size: int = 1000) -> set[str]:
    """The subword tokens the tokenizer produces on these texts (special tokens excluded)."""
    special = set(tokenizer.all_special_tokens)
    seen: set[str] = set()
    batch: list[str] = []

    def flush() -> None:
        for ids in tokenizer(batch, add_special_tokens=False)["input_ids"]:
            seen.update(tokenizer.convert_ids_to_tokens(ids))
        batch.clear()

    for text in texts:
        batch.append(text)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return seen - special


def vocab_map_lines(spec, tokenizer, samples: Mapping[str, Iterable[str]]) -> list[str]:
    """vmap.txt lines for a model: samples maps each target language to text in it."""
    codes = LanguageCodes(spec, tokenizer)
    if not samples:
        raise ConfigError("a shortlist needs sample text in at least one target language")
    if not codes.prefix and len(samples) != 1:
        raise ConfigError(f"model {spec.name} ({spec.family}) names the target language in the target prefix, "
                          f"which a vocabulary map cannot key on: give sample text for exactly one target "
                          f"language (a converted copy per language), not {', '.join(sorted(samples))}")
    lines = []
    for lang in sorted(samples):
        tokens = sorted(language_subwords(tokenizer, samples[lang]))
        if not tokens:
            raise ConfigError(f"the sample text for {lang!r} is empty")
        key = codes.token(lang) if codes.prefix else ""
        lines.append(f"{key}\t{' '.join(tokens)}")
    # one rule per key: a later line would replace a language rule, so language tokens get none
    skip = set(tokenizer.all_special_tokens) | {line.split("\t")[0] for line in lines}
    vocabulary = tokenizer.get_vocab()
    lines += [f"{token}\t{token}" for token in sorted(vocabulary, key=vocabulary.get)
              if token not in skip and token and not any(c.isspace() for c in token)]
    return lines


def write_vocab_map(model_dir: str | Path, spec, samples: Mapping[str, Iterable[str]], out: str | Path) -> Path:
    """Write the vocabulary map of the transformers model in model_dir to out."""
    lines = vocab_map_lines(spec, load_tokenizer(model_dir), samples)
    out = Path(out)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out
