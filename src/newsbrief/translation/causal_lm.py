"""Causal-LM translation backends: the embedded Gemma translator on transformers or CTranslate2.

A causal LM translates by continuing a fixed prompt per direction (translation/prompts.py):
``<bos>English: ...\\nKhmer:``; generation stops at its end-of-sequence token or at a newline.
The model's vocabulary is trimmed (models/vocab.py): inputs are encoded with the original
tokenizer and mapped to the trimmed ids (byte fallback for the rest); outputs map back.

Both backends give SentenceTranslator the same interface as the seq2seq ones, so every guard
(coverage, repetition, numbers, glossary, alignment, pivot km<->ms) applies unchanged. The
repetition limits (no_repeat_ngram_size, repetition_penalty) count the generated tokens only:
a translation must be free to copy names and numbers from the prompt.
"""

from __future__ import annotations

import threading
from typing import Sequence

from ..models.causal_lm import GeneratedOnly, import_torch
from ..models.vocab import VocabMap
from .prompts import prompt_ids

MAX_INPUT_TOKENS = 128   # source tokens per segment (training examples were <= 256 tokens in all)
MAX_OUTPUT_TOKENS = 320


class _Prompting:
    """Prompt encoding and output decoding shared by both engines."""

    tokenizer: object
    vocab: VocabMap

    def _prompt_ids(self, texts: Sequence[str], src: str, tgt: str) -> list[list[int]]:
        return prompt_ids(self.tokenizer, self.vocab, texts, src, tgt)

    def count_tokens(self, texts: Sequence[str], src: str, tgt: str) -> list[int]:
        with self._lock:
            return [len(ids) for ids in self.tokenizer(list(texts), add_special_tokens=False)["input_ids"]]

    def _text(self, new_ids: Sequence[int]) -> str:
        original = self.vocab.decode(new_ids)
        text = self.tokenizer.decode(original, skip_special_tokens=True, clean_up_tokenization_spaces=False)
        return " ".join(text.split("\n", 1)[0].split())


class HFCausalLMBackend(_Prompting):
    """The merged model in float32 on torch (built in memory from the base and the adapter)."""

    def __init__(self, resolved, device: str = "cpu", threads: int | None = None, base_dir=None):
        from ..models.causal_translator import base_dir_for, load_merged

        torch, transformers = import_torch()
        if threads:
            torch.set_num_threads(threads)
        self.torch, self.transformers = torch, transformers
        self.spec = resolved.spec
        self.path = resolved.path
        self.model_id = resolved.spec.built_from or resolved.id  # a built copy is its source's
        self.languages = tuple(resolved.spec.languages)
        self.tokenizer, self.model, self.vocab = load_merged(resolved.path, base_dir or base_dir_for(resolved.spec.base))
        self.model = self.model.to(device)
        self.device = device
        self.max_input_tokens = MAX_INPUT_TOKENS
        self.max_output_tokens = MAX_OUTPUT_TOKENS
        self._stop = [self.vocab.new_id(self.tokenizer.eos_token_id), self.vocab.new_id(_newline_id(self.tokenizer))]
        self._pad = self.vocab.new_id(self.tokenizer.pad_token_id)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"HFCausalLMBackend({self.model_id!r}, {self.path})"

    def generate(self, texts: Sequence[str], src: str, tgt: str, *, beam_size: int, max_new_tokens: int,
                 no_repeat_ngram_size: int, repetition_penalty: float) -> list[tuple[str, int]]:
        return [c[0] for c in self.candidates(texts, src, tgt, n=1, beam_size=beam_size, max_new_tokens=max_new_tokens,
                                              no_repeat_ngram_size=no_repeat_ngram_size,
                                              repetition_penalty=repetition_penalty)]

    def candidates(self, texts: Sequence[str], src: str, tgt: str, *, n: int, beam_size: int, max_new_tokens: int,
                   no_repeat_ngram_size: int, repetition_penalty: float) -> list[list[tuple[str, int]]]:
        """The n best translations of each text (beam search of width max(beam_size, n))."""
        torch, transformers = self.torch, self.transformers
        with self._lock:
            prompts = self._prompt_ids(texts, src, tgt)
            longest = max(len(p) for p in prompts)
            ids = torch.full((len(prompts), longest), self._pad, dtype=torch.long)
            mask = torch.zeros_like(ids)
            for row, p in enumerate(prompts):  # left padding: every prompt ends where generation starts
                ids[row, longest - len(p):] = torch.tensor(p)
                mask[row, longest - len(p):] = 1
            processors = []
            if no_repeat_ngram_size:
                processors.append(GeneratedOnly(transformers.NoRepeatNGramLogitsProcessor(no_repeat_ngram_size), longest))
            if repetition_penalty != 1.0:
                processors.append(GeneratedOnly(transformers.RepetitionPenaltyLogitsProcessor(repetition_penalty),
                                                longest))
            with torch.inference_mode():
                out = self.model.generate(
                    input_ids=ids.to(self.device), attention_mask=mask.to(self.device), do_sample=False,
                    num_beams=max(beam_size, n), num_return_sequences=n, max_new_tokens=max_new_tokens,
                    eos_token_id=self._stop, pad_token_id=self._pad,
                    logits_processor=transformers.LogitsProcessorList(processors),
                    temperature=None, top_p=None, top_k=None)
        results = []
        for row in out[:, longest:].tolist():
            end = next((i for i, t in enumerate(row) if t in self._stop), None)
            new = row[:end] if end is not None else row
            results.append((self._text(new), len(new) + (1 if end is not None else 0)))
        return [results[i:i + n] for i in range(0, len(results), n)]


class CT2CausalLMBackend(_Prompting):
    """The built CTranslate2 folder (int8 by default), with one-thread workers sharing each batch."""

    def __init__(self, resolved, device: str = "cpu", compute_type: str = "int8", threads: int | None = None):
        from .ct2 import open_engine

        self.spec = resolved.spec
        self.path = resolved.path
        self.model_id = resolved.spec.built_from or resolved.id  # a built copy is its source's
        self.languages = tuple(resolved.spec.languages)
        from functools import partial

        from ..models.causal_translator import TOKENIZER_DIR
        from ..models.light_tokenizer import LightTokenizer, has_light_tokenizer

        # the tokenizer without torch and transformers where its tokenizer.json is there (a built copy),
        # read from its subset for English, Malay and Khmer that covers every kept token's characters
        tokenizer_path = resolved.path / TOKENIZER_DIR
        vocabulary = _vocabulary(resolved.path)
        self.tokenizer, self.generator, self.workers = open_engine(
            "Generator", resolved.path, device, compute_type, threads, "Delete the folder to have it built again.",
            tokenizer_path=tokenizer_path,
            tokenizer_loader=partial(LightTokenizer, chars=set().union(*vocabulary))
            if has_light_tokenizer(tokenizer_path) else None)
        self.vocab = VocabMap.load(resolved.path)
        self.compute_type = compute_type
        self.max_input_tokens = MAX_INPUT_TOKENS
        self.max_output_tokens = MAX_OUTPUT_TOKENS
        # the kept tokens in trimmed-id order: CTranslate2's vocabulary.json, which the build wrote from them
        self._tokens = vocabulary if len(vocabulary) == len(self.vocab) else \
            self.tokenizer.convert_ids_to_tokens(self.vocab.keep)
        self._index = {token: i for i, token in enumerate(self._tokens)}
        self._stop = [self._tokens[self.vocab.new_id(self.tokenizer.eos_token_id)],
                      self._tokens[self.vocab.new_id(_newline_id(self.tokenizer))]]
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"CT2CausalLMBackend({self.model_id!r}, {self.path}, {self.compute_type})"

    def generate(self, texts: Sequence[str], src: str, tgt: str, *, beam_size: int, max_new_tokens: int,
                 no_repeat_ngram_size: int, repetition_penalty: float) -> list[tuple[str, int]]:
        return [c[0] for c in self.candidates(texts, src, tgt, n=1, beam_size=beam_size, max_new_tokens=max_new_tokens,
                                              no_repeat_ngram_size=no_repeat_ngram_size,
                                              repetition_penalty=repetition_penalty)]

    def candidates(self, texts: Sequence[str], src: str, tgt: str, *, n: int, beam_size: int, max_new_tokens: int,
                   no_repeat_ngram_size: int, repetition_penalty: float) -> list[list[tuple[str, int]]]:
        """The n best translations of each text (beam search of width max(beam_size, n))."""
        with self._lock:
            prompts = self._prompt_ids(texts, src, tgt)
        start = [[self._tokens[i] for i in p] for p in prompts]
        # max_length counts generated tokens only, and the results leave the prompt out, also
        # for prompts longer than the shortest (measured: the same as one prompt at a time)
        results = self.generator.generate_batch(
            start, max_length=max_new_tokens, beam_size=max(beam_size, n), num_hypotheses=n, sampling_topk=1,
            no_repeat_ngram_size=no_repeat_ngram_size, repetition_penalty=repetition_penalty,
            end_token=self._stop, include_prompt_in_result=False, return_end_token=True,
            max_batch_size=-(-len(start) // self.workers))
        out = []
        for result in results:
            hypotheses = []
            for tokens in result.sequences:
                ended = bool(tokens) and tokens[-1] in self._stop
                new = tokens[:-1] if ended else tokens
                hypotheses.append((self._text([self._index[t] for t in new]), len(new) + (1 if ended else 0)))
            out.append(hypotheses)
        return out


def _vocabulary(folder) -> list[str]:
    """A CTranslate2 folder's vocabulary (the kept tokens' strings; empty when unreadable)."""
    import json

    try:
        tokens = json.loads((folder / "vocabulary.json").read_text("utf-8"))
    except (OSError, ValueError):
        return []
    return tokens if isinstance(tokens, list) and all(isinstance(t, str) for t in tokens) else []


def _newline_id(tokenizer) -> int:
    ids = tokenizer("\n", add_special_tokens=False)["input_ids"]
    return ids[-1]
