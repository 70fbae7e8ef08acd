"""transformers seq2seq backend: NLLB-200 / M2M100 (forced first target token) and Marian
(``>>code<<`` target prefix on multilingual models). Loaded offline (local_files_only=True)
from a folder the resolver found; torch and transformers are imported here, on first use."""

from __future__ import annotations

import logging
import threading
from typing import Sequence

from ..models.causal_lm import import_torch
from ..models.resolution import ResolvedModel
from ..models.seq2seq import LanguageCodes, clean_output, load_seq2seq

log = logging.getLogger("newsbrief.translate")


class HFSeq2SeqBackend:
    """A transformers AutoModelForSeq2SeqLM on CPU (or another torch device)."""

    def __init__(self, resolved: ResolvedModel, device: str = "cpu", threads: int | None = None):
        torch, transformers = import_torch()
        if threads:
            torch.set_num_threads(threads)
        self.torch = torch
        self.spec = resolved.spec
        self.path = resolved.path
        self.model_id = resolved.id
        self.languages = tuple(resolved.spec.languages)
        self.tokenizer, self.model = load_seq2seq(resolved.path, device)
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
        return [c[0] for c in self.candidates(texts, src, tgt, n=1, beam_size=beam_size, max_new_tokens=max_new_tokens,
                                              no_repeat_ngram_size=no_repeat_ngram_size,
                                              repetition_penalty=repetition_penalty)]

    def candidates(self, texts: Sequence[str], src: str, tgt: str, *, n: int, beam_size: int, max_new_tokens: int,
                   no_repeat_ngram_size: int, repetition_penalty: float) -> list[list[tuple[str, int]]]:
        """The n best translations of each text (beam search of width max(beam_size, n))."""
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
                    **inputs, do_sample=False, num_beams=max(beam_size, n), num_return_sequences=n,
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
        return [results[i:i + n] for i in range(0, len(results), n)]
