"""A causal LM's vocabulary trimmed to the tokens English, Khmer and Malay use.

Gemma 3 has 262,144 tokens; its output layer (tied to the input embedding) is then 168M of
its 268M parameters and most of the compute per generated token. A trimmed model keeps a
sorted list of original token ids (``keep``): the special tokens, the 256 byte tokens and the
tokens seen in the training text. Text is still encoded with the original tokenizer; a token
outside the kept set is spelled with byte tokens (byte fallback), so every text encodes and
decodes losslessly. Only the embedding matrix changes: rows are selected, never the module
replaced (Gemma scales its embeddings inside ``Gemma3TextScaledWordEmbedding``).

Nothing heavy is imported here; ``trim_model`` takes an already loaded torch model.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..errors import ConfigError

VOCAB_FILE = "vocab_map.json"


def byte_token_ids(tokenizer) -> list[int]:
    """The original ids of the byte tokens <0x00>..<0xFF>, in byte order."""
    ids = tokenizer.convert_tokens_to_ids([f"<0x{b:02X}>" for b in range(256)])
    unk = tokenizer.unk_token_id
    if any(i is None or i == unk for i in ids):
        raise ConfigError("this tokenizer has no byte-fallback tokens (<0x00>..<0xFF>); it cannot be trimmed")
    return list(ids)


def count_tokens(tokenizer, texts: Iterable[str]) -> Counter:
    counts: Counter = Counter()
    for text in texts:
        counts.update(tokenizer(text, add_special_tokens=False)["input_ids"])
    return counts


class VocabMap:
    """Original token ids <-> the ids of a trimmed model."""

    def __init__(self, keep: Sequence[int], byte_ids: Sequence[int], base_vocab_size: int,
                 pieces: dict[int, bytes] | None = None):
        keep = sorted(set(int(i) for i in keep) | set(byte_ids))
        if keep and (keep[0] < 0 or keep[-1] >= base_vocab_size):
            raise ConfigError(f"vocabulary map: ids must lie in [0, {base_vocab_size})")
        self.keep = keep
        self.byte_ids = list(byte_ids)
        self.base_vocab_size = base_vocab_size
        self._new = {old: new for new, old in enumerate(keep)}
        self._pieces = pieces or {}  # original id -> its UTF-8 bytes, for ids outside keep

    def __len__(self) -> int:
        return len(self.keep)

    def __contains__(self, old_id: int) -> bool:
        return old_id in self._new

    def new_id(self, old_id: int) -> int:
        return self._new[old_id]

    def encode(self, old_ids: Iterable[int], tokenizer=None) -> list[int]:
        """Trimmed ids of a sequence of original ids; ids outside the kept set are spelled
        as byte tokens (the tokenizer gives their text when it is not known yet)."""
        out: list[int] = []
        for old in old_ids:
            new = self._new.get(old)
            if new is not None:
                out.append(new)
                continue
            data = self._pieces.get(old)
            if data is None:
                if tokenizer is None:
                    raise ConfigError(f"token {old} is outside the trimmed vocabulary; pass the tokenizer")
                data = token_bytes(tokenizer, old)
                self._pieces[old] = data
            out += [self._new[self.byte_ids[b]] for b in data]
        return out

    def decode(self, new_ids: Iterable[int]) -> list[int]:
        """Original ids of trimmed ids (the tokenizer decodes those)."""
        keep = self.keep
        return [keep[i] for i in new_ids]

    def to_dict(self) -> dict[str, Any]:
        return {"base_vocab_size": self.base_vocab_size, "byte_ids": self.byte_ids, "keep": self.keep}

    def save(self, folder: str | os.PathLike) -> Path:
        path = Path(folder) / VOCAB_FILE
        path.write_text(json.dumps(self.to_dict(), separators=(",", ":")) + "\n", "utf-8")
        return path

    @classmethod
    def load(cls, folder: str | os.PathLike) -> "VocabMap":
        path = Path(folder) / VOCAB_FILE
        try:
            data = json.loads(path.read_text("utf-8"))
            return cls(data["keep"], data["byte_ids"], int(data["base_vocab_size"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"{path}: not a readable vocabulary map ({type(exc).__name__}: {exc})") from None

    @classmethod
    def from_texts(cls, tokenizer, texts: Iterable[str], min_count: int = 1) -> "VocabMap":
        """Keep the special tokens, the byte tokens and every token seen min_count times."""
        counts = count_tokens(tokenizer, texts)
        specials = [i for i in tokenizer.all_special_ids if i is not None]
        keep = specials + [i for i, n in counts.items() if n >= min_count]
        return cls(keep, byte_token_ids(tokenizer), len(tokenizer))


def token_bytes(tokenizer, old_id: int) -> bytes:
    """The UTF-8 bytes a token stands for (SentencePiece's '▁' is a space)."""
    piece = tokenizer.convert_ids_to_tokens(old_id)
    if piece.startswith("<0x") and piece.endswith(">") and len(piece) == 6:
        return bytes([int(piece[3:5], 16)])
    return piece.replace("\u2581", " ").encode("utf-8")


def trim_model(model, vocab: VocabMap) -> None:
    """Keep only vocab.keep rows of the (tied) input embedding and output layer, in place."""
    import torch

    embedding = model.get_input_embeddings()
    if embedding.weight.shape[0] != vocab.base_vocab_size:
        raise ConfigError(f"the model has {embedding.weight.shape[0]} embeddings; the vocabulary map is for "
                          f"{vocab.base_vocab_size}")
    index = torch.tensor(vocab.keep, dtype=torch.long)
    # replace the weight, never the module: Gemma's embedding module scales by sqrt(hidden)
    embedding.weight = torch.nn.Parameter(embedding.weight.data.index_select(0, index).clone())
    embedding.num_embeddings = len(vocab)
    if embedding.padding_idx is not None:
        embedding.padding_idx = vocab.new_id(embedding.padding_idx) if embedding.padding_idx in vocab else None
    output = model.get_output_embeddings()
    if output is not None:
        if getattr(model.config, "tie_word_embeddings", False):
            output.weight = embedding.weight
        else:
            output.weight = torch.nn.Parameter(output.weight.data.index_select(0, index).clone())
        output.out_features = len(vocab)
    model.config.vocab_size = len(vocab)
    if hasattr(model, "vocab_size"):  # Gemma3ForCausalLM reads its own copy in the loss
        model.vocab_size = len(vocab)
    for name in ("pad_token_id", "bos_token_id", "eos_token_id"):
        value = getattr(model.config, name, None)
        if isinstance(value, int) and value in vocab:
            setattr(model.config, name, vocab.new_id(value))
    generation = getattr(model, "generation_config", None)
    if generation is not None:
        for name in ("pad_token_id", "bos_token_id", "eos_token_id"):
            value = getattr(generation, name, None)
            if isinstance(value, int):
                setattr(generation, name, vocab.new_id(value) if value in vocab else None)
            elif isinstance(value, list):
                setattr(generation, name, [vocab.new_id(v) for v in value if v in vocab])
