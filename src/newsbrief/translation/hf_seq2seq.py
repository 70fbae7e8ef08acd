"""transformers seq2seq backend: NLLB-200 / M2M100 (forced first target token) and Marian
(``>>code<<`` target prefix on multilingual models). Loaded offline (local_files_only=True)
from a folder the resolver found; torch and transformers are imported here, on first use."""

from __future__ import annotations

import logging
import re
import threading
from typing import Sequence

from ..errors import (
    MissingDependencyError,
    ModelNotFoundError,
    UnsupportedLanguageError,
)
from ..models import ResolvedModel

log = logging.getLogger("newsbrief.translate")


def _import():
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise MissingDependencyError(f"the transformers backend needs torch and transformers ({exc.name} is "
                                     f"missing): pip install newsbrief (with -c constraints.txt for the CPU "
                                     f"build of torch)") from None
    return torch, transformers


_LANG_TOKEN_RE = re.compile(r">>[\w-]+<<|__[a-z]{2,3}__")


def clean_output(text: str) -> str:
    """Decoded text without stray language tokens."""
    return " ".join(_LANG_TOKEN_RE.sub(" ", text).split())


def load_tokenizer(path):
    _, transformers = _import()
    return transformers.AutoTokenizer.from_pretrained(str(path), local_files_only=True)


class LanguageCodes:
    """How one model names languages, and how its inputs and first target token are built."""

    def __init__(self, spec, tokenizer):
        self.spec = spec
        self.family = spec.family
        self.tokenizer = tokenizer
        vocab = tokenizer.get_vocab()
        if self.family == "marian":
            self.prefix = spec.target_prefix if spec.target_prefix is not None else any(
                f">>{code}<<" in vocab for code in spec.codes.values())
        else:
            self.prefix = False
            for lang in spec.languages:
                # M2M100Tokenizer keeps its __xx__ codes outside get_vocab(): ask for the id too
                if self.token(lang) not in vocab and \
                        tokenizer.convert_tokens_to_ids(self.token(lang)) in (None, tokenizer.unk_token_id):
                    raise UnsupportedLanguageError(f"model {spec.name}: its tokenizer has no language token "
                                                   f"{self.token(lang)!r} for {lang}")

    def code(self, lang: str) -> str:
        try:
            return self.spec.codes[lang]
        except KeyError:
            raise UnsupportedLanguageError(f"model {self.spec.name} does not translate {lang!r}; it covers "
                                           f"{', '.join(self.spec.languages)}") from None

    def token(self, lang: str) -> str:
        """The language token: eng_Latn (NLLB), __en__ (M2M100), >>eng<< (Marian)."""
        code = self.code(lang)
        if self.family == "m2m100":
            return f"__{code}__"
        if self.family == "marian":
            return f">>{code}<<"
        return code

    def source_texts(self, texts: Sequence[str], src: str, tgt: str) -> list[str]:
        """Texts as the tokenizer gets them (Marian: with the >>tgt<< prefix); sets the source
        language of NLLB/M2M100 tokenizers (callers hold the backend's lock)."""
        if self.family == "marian":
            return [f"{self.token(tgt)} {t}" for t in texts] if self.prefix else list(texts)
        self.tokenizer.src_lang = self.code(src) if self.family == "nllb" else self.code(src)
        return list(texts)

    def forced_bos(self, tgt: str) -> str | None:
        return None if self.family == "marian" else self.token(tgt)


class HFSeq2SeqBackend:
    """A transformers AutoModelForSeq2SeqLM on CPU (or another torch device)."""

    def __init__(self, resolved: ResolvedModel, device: str = "cpu", threads: int | None = None):
        torch, transformers = _import()
        if threads:
            torch.set_num_threads(threads)
        self.torch = torch
        self.spec = resolved.spec
        self.path = resolved.path
        self.model_id = resolved.id
        self.languages = tuple(resolved.spec.languages)
        try:
            self.tokenizer = load_tokenizer(resolved.path)
            self.model = transformers.AutoModelForSeq2SeqLM.from_pretrained(str(resolved.path), local_files_only=True)
            self.model = self.model.to(device).eval()
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ModelNotFoundError(f"could not load the model in {resolved.path} ({type(exc).__name__}: {exc}). "
                                     f"Is the folder complete (config.json, weights, tokenizer files)?") from exc
        self.device = device
        self.codes = LanguageCodes(resolved.spec, self.tokenizer)
        config = self.model.config
        positions = getattr(config, "max_position_embeddings", None) or 1024
        self.max_input_tokens = min(resolved.spec.max_input_tokens, positions)
        self.max_output_tokens = positions - 2
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"HFSeq2SeqBackend({self.model_id!r}, {self.path})"

    def count_tokens(self, texts: Sequence[str], src: str, tgt: str) -> list[int]:
        with self._lock:
            encoded = self.tokenizer(self.codes.source_texts(texts, src, tgt))["input_ids"]
        return [len(ids) for ids in encoded]

    def generate(self, texts: Sequence[str], src: str, tgt: str, *, beam_size: int, max_new_tokens: int,
                 no_repeat_ngram_size: int, repetition_penalty: float) -> list[tuple[str, int]]:
        torch = self.torch
        with self._lock:
            inputs = self.tokenizer(self.codes.source_texts(texts, src, tgt), return_tensors="pt",
                                    padding=True).to(self.device)
            forced = self.codes.forced_bos(tgt)
            extra = {}
            if forced is not None:
                extra["forced_bos_token_id"] = self.tokenizer.convert_tokens_to_ids(forced)
            with torch.inference_mode():
                out = self.model.generate(
                    **inputs, do_sample=False, num_beams=beam_size, num_return_sequences=1,
                    max_new_tokens=max_new_tokens, no_repeat_ngram_size=no_repeat_ngram_size,
                    repetition_penalty=repetition_penalty, **extra)
        eos = self.model.generation_config.eos_token_id
        eos_ids = set(eos if isinstance(eos, list) else [eos])
        pad = self.model.generation_config.pad_token_id
        results = []
        for row in out.tolist():
            new = row[1:]  # after the decoder start token
            ended = any(t in eos_ids for t in new)
            n_new = sum(1 for t in new if t != pad) if ended else max_new_tokens
            text = self.tokenizer.decode(row, skip_special_tokens=True, clean_up_tokenization_spaces=False)
            results.append((clean_output(text), n_new))
        return results
