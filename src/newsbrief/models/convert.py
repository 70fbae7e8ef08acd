"""Conversion of transformers models to CTranslate2 (its own converter), optionally with a
target-language shortlist (vmap.txt, see shortlist.py)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Mapping

from ..errors import ConfigError, MissingDependencyError
from .registry import read_json, write_spec
from .resolution import ResolvedModel, resolve, user_model_dir


def convert_to_ct2(name_or_path: str | os.PathLike, output_dir: str | os.PathLike | None = None,
                   quantization: str = "int8", force: bool = False,
                   allow_download: bool | None = None,
                   shortlist: Mapping[str, Iterable[str]] | None = None) -> ResolvedModel:
    """Convert a transformers model to CTranslate2 with CTranslate2's own converter.

    The output folder (default: NAME-ct2-QUANT in the user model folder) gets the tokenizer
    files and a newsbrief.json, so it resolves and translates like any other model.
    shortlist (target language -> sample text in it) adds a vocabulary map (vmap.txt) that
    restricts decoding to those languages' subwords: see translation/shortlist.py.
    """
    try:
        from ctranslate2.converters import TransformersConverter
    except ImportError:
        raise MissingDependencyError("converting to CTranslate2 needs ctranslate2: "
                                     "pip install 'newsbrief[ct2]'") from None
    found = resolve(name_or_path, allow_download=allow_download)
    if found.spec.format != "transformers":
        raise ConfigError(f"{found.path} is already a CTranslate2 model.")
    out = Path(output_dir).expanduser() if output_dir else \
        user_model_dir() / f"{found.spec.name.split('/')[-1]}-ct2-{quantization}"
    if out.exists() and not force:
        raise ConfigError(f"{out} exists already; pass force=True (--force) to overwrite it.")
    tokenizer_files = [f.name for f in found.path.iterdir() if f.is_file() and f.name in _TOKENIZER_FILES]
    converter = _with_m2m100_codes(TransformersConverter)(str(found.path), copy_files=tokenizer_files)
    with tempfile.TemporaryDirectory() as tmp:
        vmap = None
        if shortlist:
            from .shortlist import write_vocab_map
            vmap = str(write_vocab_map(found.path, found.spec, shortlist, Path(tmp) / "vmap.txt"))
        converter.convert(str(out), vmap=vmap, quantization=quantization, force=force)
    positions = read_json(found.path / "config.json").get("max_position_embeddings")
    spec = replace(found.spec, name=out.name, format="ctranslate2",
                   max_positions=found.spec.max_positions or positions)
    write_spec(out, spec)
    return ResolvedModel(spec, out, "path")


def _with_m2m100_codes(converter_class):
    """CTranslate2's converter reads M2M100's __xx__ language codes from the tokenizer's
    special_tokens_map, where transformers 5 no longer lists them: the vocabulary then comes
    out 100 entries short and the conversion fails. Name them there, in id order."""
    class Converter(converter_class):
        def load_tokenizer(self, tokenizer_class, model_name_or_path, **kwargs):
            tokenizer = super().load_tokenizer(tokenizer_class, model_name_or_path, **kwargs)
            codes = getattr(tokenizer, "lang_token_to_id", None)
            if codes and not tokenizer.special_tokens_map.get("additional_special_tokens"):
                tokenizer.add_special_tokens({"additional_special_tokens": sorted(codes, key=codes.get)})
            return tokenizer
    return Converter


_TOKENIZER_FILES = {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "sentencepiece.bpe.model",
                    "vocab.json", "source.spm", "target.spm", "spiece.model", "added_tokens.json",
                    "generation_config.json"}
