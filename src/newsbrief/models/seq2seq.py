"""Transformers seq2seq models (NLLB-200 / M2M100 / Marian): their tokenizer, and how each
family names languages (NLLB's eng_Latn with a forced first target token, M2M100's __en__,
Marian's >>eng<< source prefix). Shared by the translation backends, shortlists and conversion;
transformers is imported on first use."""

from __future__ import annotations

import re
from typing import Sequence

from ..errors import UnsupportedLanguageError
from .causal_lm import import_torch


def load_seq2seq(path, device: str = "cpu"):
    """(tokenizer, model) of a transformers seq2seq folder (BART, PEGASUS, T5, NLLB, Marian), offline."""
    from ..errors import ModelNotFoundError

    torch, transformers = import_torch()
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        model = transformers.AutoModelForSeq2SeqLM.from_pretrained(str(path), local_files_only=True,
                                                                   dtype=torch.float32)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ModelNotFoundError(f"could not load the model in {path} ({type(exc).__name__}: {exc}). Is the folder "
                                 f"complete (config.json, weights, tokenizer files)?") from exc
    return tokenizer, model.to(device).eval()


def load_tokenizer(path):
    _, transformers = import_torch()
    return transformers.AutoTokenizer.from_pretrained(str(path), local_files_only=True)


_LANG_TOKEN_RE = re.compile(r">>[\w-]+<<|__[a-z]{2,3}__")


def clean_output(text: str) -> str:
    """Decoded text without stray language tokens."""
    return " ".join(_LANG_TOKEN_RE.sub(" ", text).split())


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
