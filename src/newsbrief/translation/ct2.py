"""CTranslate2 backend (CPU, int8 by default): the fast way to run the same models.

Folders are made with newsbrief.models.convert_to_ct2 (CTranslate2's own
TransformersConverter), which copies the tokenizer files next to model.bin; the tokenizer
is read with transformers, offline.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Sequence

from ..errors import MissingDependencyError, ModelNotFoundError
from ..models.resolution import ResolvedModel
from ..models.seq2seq import LanguageCodes, clean_output, load_tokenizer


def cpu_split(threads: int | None) -> tuple[int, int]:
    """(workers, threads per worker) for `threads` CPU threads (default: the usable cores).

    Articles are translated in batches, so throughput wins: workers (CTranslate2 replicas sharing
    one copy of the weights) each decode a share of a batch with one thread, instead of one
    worker spreading every small matrix product over all threads. Measured on 2 cores with
    NLLB-600M dimensions (benchmarks/results/translation_speed.md), two one-thread workers vs one
    two-thread worker: batch of 16 1.15x (1.54x with a shortlist); one sentence 0.75x (1.27x
    with a shortlist), since a lone sentence then runs on one thread."""
    if not threads:
        threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    workers = min(threads, 4)
    return workers, max(1, threads // workers)


def open_engine(kind: str, path, device: str, compute_type: str, threads: int | None, fix: str,
                tokenizer_path=None, tokenizer_loader=None):
    """(tokenizer, ctranslate2.Translator or Generator, workers) of a CTranslate2 folder (its
    tokenizer in tokenizer_path, default the folder itself); a folder that does not load is a
    ModelNotFoundError that ends with `fix` (what to do about it)."""
    try:
        import ctranslate2
    except ImportError:
        raise MissingDependencyError("the CTranslate2 backend needs ctranslate2: pip install ctranslate2") from None
    try:
        tokenizer = (tokenizer_loader or load_tokenizer)(tokenizer_path or path)
        workers, per_worker = cpu_split(threads) if device == "cpu" else (1, 0)
        engine = getattr(ctranslate2, kind)(str(path), device=device, compute_type=compute_type,
                                            inter_threads=workers, intra_threads=per_worker)
    except (OSError, ValueError, RuntimeError, KeyError, TypeError, AttributeError) as exc:
        raise ModelNotFoundError(f"could not load the CTranslate2 model in {path} ({type(exc).__name__}: {exc}). "
                                 f"{fix}") from exc
    return tokenizer, engine, workers


class CT2Backend:
    def __init__(self, resolved: ResolvedModel, device: str = "cpu", compute_type: str = "int8",
                 threads: int | None = None):
        self.spec = resolved.spec
        self.path = resolved.path
        self.model_id = resolved.id
        self.languages = tuple(resolved.spec.languages)
        self.tokenizer, self.translator, self.workers = open_engine(
            "Translator", resolved.path, device, compute_type, threads,
            "Convert it again with `newsbrief models convert NAME --to ct2`.")
        self.codes = LanguageCodes(resolved.spec, self.tokenizer)
        self.compute_type = compute_type
        # a vocabulary map converted in (vmap.txt) restricts decoding to the target language's subwords
        self.use_vmap = (Path(resolved.path) / "vmap.txt").is_file()
        positions = resolved.spec.max_positions or 2 * resolved.spec.max_input_tokens
        self.max_input_tokens = min(resolved.spec.max_input_tokens, positions)
        self.max_output_tokens = positions - 2
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        shortlist = ", shortlist" if self.use_vmap else ""
        return f"CT2Backend({self.model_id!r}, {self.path}, {self.compute_type}{shortlist})"

    def source_tokens(self, texts: Sequence[str], src: str, tgt: str) -> list[list[str]]:
        with self._lock:
            encoded = self.tokenizer(self.codes.source_texts(texts, src, tgt))["input_ids"]
        return [self.tokenizer.convert_ids_to_tokens(ids) for ids in encoded]

    def count_tokens(self, texts: Sequence[str], src: str, tgt: str) -> list[int]:
        return [len(tokens) for tokens in self.source_tokens(texts, src, tgt)]

    def decode(self, texts: Sequence[str], src: str, tgt: str, *, beam_size: int, max_new_tokens: int,
               no_repeat_ngram_size: int, repetition_penalty: float, n: int = 1) -> list[list[list[str]]]:
        """The n best target token sequences CTranslate2 decodes for each text (without a forced
        language token)."""
        source = self.source_tokens(texts, src, tgt)
        forced = self.codes.forced_bos(tgt)
        prefix = [[forced] for _ in source] if forced else None
        max_len = max_new_tokens + (1 if forced else 0)
        results = self.translator.translate_batch(
            source, target_prefix=prefix, beam_size=beam_size, max_decoding_length=max_len,
            no_repeat_ngram_size=no_repeat_ngram_size, repetition_penalty=repetition_penalty,
            max_input_length=0, num_hypotheses=n, sampling_topk=1, use_vmap=self.use_vmap,
            max_batch_size=-(-len(source) // self.workers))  # one share of the batch per worker
        return [[tokens[1:] if forced and tokens and tokens[0] == forced else tokens for tokens in result.hypotheses]
                for result in results]

    def generate(self, texts: Sequence[str], src: str, tgt: str, *, beam_size: int, max_new_tokens: int,
                 no_repeat_ngram_size: int, repetition_penalty: float) -> list[tuple[str, int]]:
        return [c[0] for c in self.candidates(texts, src, tgt, n=1, beam_size=beam_size, max_new_tokens=max_new_tokens,
                                              no_repeat_ngram_size=no_repeat_ngram_size,
                                              repetition_penalty=repetition_penalty)]

    def candidates(self, texts: Sequence[str], src: str, tgt: str, *, n: int, beam_size: int, max_new_tokens: int,
                   no_repeat_ngram_size: int, repetition_penalty: float) -> list[list[tuple[str, int]]]:
        """The n best translations of each text (beam search of width max(beam_size, n))."""
        forced = 1 if self.codes.forced_bos(tgt) else 0  # the forced token counts as generated
        out = []
        for hypotheses in self.decode(texts, src, tgt, beam_size=max(beam_size, n), max_new_tokens=max_new_tokens,
                                      no_repeat_ngram_size=no_repeat_ngram_size,
                                      repetition_penalty=repetition_penalty, n=n):
            texts_out = []
            for tokens in hypotheses:
                ids = self.tokenizer.convert_tokens_to_ids(tokens)
                text = self.tokenizer.decode(ids, skip_special_tokens=True, clean_up_tokenization_spaces=False)
                texts_out.append((clean_output(text), len(tokens) + forced))
            out.append(texts_out)
        return out
