"""A tokenizer read straight from its tokenizer.json with the `tokenizers` library (Rust), with
the few methods of transformers' tokenizers that the embedded translator uses.

Loading it through transformers imported torch and transformers and parsed the 33 MB
tokenizer.json in Python: about 4 s and a few hundred MB of a translated brief that runs on
CTranslate2 and needs neither (profile in the #35 note). The encoding and decoding are the same:
transformers' fast tokenizer is this tokenizer.json run by the same library (tests compare them).

Even in Rust, Gemma's tokenizer.json (262,144 tokens, 514,906 merges) takes 0.6 s to read, most of
it the merges of scripts a brief never holds. So beside it goes, once, a subset (SUBSET_FILE): the
tokens made only of the characters of English, Malay and Khmer text (Latin, its punctuation and
currency signs, Khmer, and every character of the model's kept vocabulary), the byte and added
tokens, and the merges among those tokens, in their order: 0.36 s to read. A BPE merge joins two
tokens of the text into one, so on a text made of those characters no merge outside the subset
can ever apply, and the subset encodes it exactly as the whole does; a text with any other
character (a Chinese name), or an id outside the subset, goes to the whole tokenizer, read then.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Iterable, Sequence

SUBSET_FILE = "tokenizer.subset.json"
SUBSET_META = "tokenizer.subset.meta.json"
SUBSET_FORMAT = 1
# the characters a subset always covers: ASCII, Latin-1 and Latin Extended-A/B, general
# punctuation, currency signs, Khmer and Khmer symbols; tab, newline and SentencePiece's space
WIDE_RANGES = ((0x20, 0x7E), (0xA0, 0x24F), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x1780, 0x17FF), (0x19E0, 0x19FF))
SPACE_MARK = "\u2581"


def wide_chars() -> set[str]:
    return {chr(c) for low, high in WIDE_RANGES for c in range(low, high + 1)} | {"\t", "\n", SPACE_MARK}


class LightTokenizer:
    def __init__(self, folder: str | Path, chars: Iterable[str] = (), subset: bool = True):
        """folder: where tokenizer.json and tokenizer_config.json are. chars: characters the fast
        subset must cover (the embedded translator's kept tokens', so that decoding its output
        never needs the whole tokenizer). subset=False: always the whole tokenizer."""
        from tokenizers import Tokenizer

        folder = Path(folder)
        self._folder = folder
        self._lock = threading.Lock()
        self._whole_tokenizer = None
        self._chars: frozenset[str] | None = None  # None: self._tokenizer is the whole tokenizer
        wanted = set(chars)
        found = read_subset(folder, wanted) if subset else None
        if found is not None:
            self._tokenizer, self._chars, self._size = found
        else:
            self._tokenizer = self._whole_tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
            self._size = self._tokenizer.get_vocab_size(with_added_tokens=True)
            if subset:
                write_subset(folder, wanted, self._size)  # for the next time; nothing where it cannot be written
        config = json.loads((folder / "tokenizer_config.json").read_text("utf-8"))
        special = {name: config.get(name) for name in ("bos_token", "eos_token", "unk_token", "pad_token")}
        ids = {name: (self._tokenizer.token_to_id(token) if isinstance(token, str) else None)
               for name, token in special.items()}
        self.bos_token_id, self.eos_token_id = ids["bos_token"], ids["eos_token"]
        self.unk_token_id, self.pad_token_id = ids["unk_token"], ids["pad_token"]

    @property
    def uses_subset(self) -> bool:
        return self._chars is not None

    def _whole(self):
        """The whole tokenizer (read on first need when the subset was read)."""
        with self._lock:
            if self._whole_tokenizer is None:
                from tokenizers import Tokenizer

                self._whole_tokenizer = Tokenizer.from_file(str(self._folder / "tokenizer.json"))
            return self._whole_tokenizer

    def _for_texts(self, texts: Sequence[str]):
        if self._chars is None or all(self._chars.issuperset(t) for t in texts):
            return self._tokenizer
        return self._whole()

    def _for_ids(self, ids: Sequence[int]):
        if self._chars is None or all(self._tokenizer.id_to_token(i) is not None for i in ids):
            return self._tokenizer
        return self._whole()

    def __call__(self, texts: str | Sequence[str], add_special_tokens: bool = True) -> dict[str, list]:
        if isinstance(texts, str):
            tokenizer = self._for_texts([texts])
            return {"input_ids": tokenizer.encode(texts, add_special_tokens=add_special_tokens).ids}
        texts = list(texts)
        encoded = self._for_texts(texts).encode_batch(texts, add_special_tokens=add_special_tokens)
        return {"input_ids": [e.ids for e in encoded]}

    def __len__(self) -> int:
        return self._size

    def convert_ids_to_tokens(self, ids: int | Sequence[int]):
        if isinstance(ids, int):
            return self._for_ids([ids]).id_to_token(ids)
        ids = list(ids)
        tokenizer = self._for_ids(ids)
        return [tokenizer.id_to_token(i) for i in ids]

    def convert_tokens_to_ids(self, tokens: str | Sequence[str]):
        single = isinstance(tokens, str)
        tokens = [tokens] if single else list(tokens)
        ids = [self._tokenizer.token_to_id(t) for t in tokens]
        if self._chars is not None and any(i is None for i in ids):  # perhaps outside the subset
            ids = [self._whole().token_to_id(t) for t in tokens]
        return ids[0] if single else ids

    def decode(self, ids: Sequence[int], skip_special_tokens: bool = False,
               clean_up_tokenization_spaces: bool = False) -> str:
        if clean_up_tokenization_spaces:
            raise ValueError("LightTokenizer does not clean up tokenization spaces")
        ids = list(ids)
        return self._for_ids(ids).decode(ids, skip_special_tokens=skip_special_tokens)


def has_light_tokenizer(folder: str | Path) -> bool:
    folder = Path(folder)
    return (folder / "tokenizer.json").is_file() and (folder / "tokenizer_config.json").is_file()


def _source_stamp(folder: Path) -> dict[str, int]:
    stat = (folder / "tokenizer.json").stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def read_subset(folder: str | Path, chars: Iterable[str] = ()):
    """(subset Tokenizer, the characters it covers, the whole tokenizer's size), or None where
    there is no subset beside tokenizer.json, it was made from another tokenizer.json (size and
    time), or it does not cover chars."""
    from tokenizers import Tokenizer

    folder = Path(folder)
    try:
        meta = json.loads((folder / SUBSET_META).read_text("utf-8"))
        if meta.get("format") != SUBSET_FORMAT or meta.get("source") != _source_stamp(folder):
            return None
        covered = frozenset(meta["chars"])
        if not covered.issuperset(chars):
            return None
        return Tokenizer.from_file(str(folder / SUBSET_FILE)), covered, int(meta["vocab_size"])
    except Exception:  # noqa: BLE001 - a missing, partial or unreadable subset: the whole tokenizer
        return None


def subset_of(data: dict, chars: set[str]) -> dict | None:
    """The subset of a parsed tokenizer.json (see the module docstring) that encodes every text
    made of chars exactly as the whole does; None for a tokenizer whose pipeline this reasoning
    was not made for (only a byte-fallback BPE whose text is changed by nothing but spaces
    written as '▁', with no subword prefix or suffix, as Gemma's)."""
    model = data.get("model") or {}
    normalizer, pre = data.get("normalizer"), data.get("pre_tokenizer")
    if model.get("type") != "BPE" or not model.get("byte_fallback") or model.get("dropout") \
            or model.get("continuing_subword_prefix") or model.get("end_of_word_suffix"):
        return None
    if normalizer not in (None, {"type": "Replace", "pattern": {"String": " "}, "content": SPACE_MARK}):
        return None
    if pre not in (None, {"type": "Split", "pattern": {"String": " "}, "behavior": "MergedWithPrevious",
                          "invert": False}):
        return None
    chars = set(chars) | {SPACE_MARK}
    added = {token["id"] for token in data.get("added_tokens", [])}

    def is_byte(token: str) -> bool:
        return len(token) == 6 and token.startswith("<0x") and token.endswith(">")

    vocab = {token: i for token, i in model["vocab"].items() if i in added or is_byte(token) or chars.issuperset(token)}
    merges = []
    for merge in model["merges"]:
        if isinstance(merge, str) and merge.count(" ") != 1:
            return None  # a token with a space in the old "left right" form: not read the way tokenizers reads it
        left, right = merge.split(" ") if isinstance(merge, str) else merge
        if left in vocab and right in vocab and left + right in vocab:
            merges.append(merge)
    return {**data, "model": {**model, "vocab": vocab, "merges": merges}}


def write_subset(folder: str | Path, chars: Iterable[str] = (), size: int | None = None) -> bool:
    """Write the subset of folder/tokenizer.json covering wide_chars() and chars beside it (about
    two seconds, once); False where the folder cannot be written or the tokenizer is not one whose
    subset is exact (subset_of). size: the whole tokenizer's len(), when known."""
    folder = Path(folder)
    if not os.access(folder, os.W_OK):
        return False
    try:
        stamp = _source_stamp(folder)
        data = json.loads((folder / "tokenizer.json").read_text("utf-8"))
        covered = wide_chars() | set(chars)
        subset = subset_of(data, covered)
        if subset is None:
            return False
        if size is None:
            size = len(data["model"]["vocab"]) + sum(1 for t in data.get("added_tokens", [])
                                                     if t["content"] not in data["model"]["vocab"])
        del data
        _write_atomic(folder / SUBSET_FILE, json.dumps(subset, ensure_ascii=False))
        meta = {"format": SUBSET_FORMAT, "source": stamp, "vocab_size": size, "chars": "".join(sorted(covered))}
        _write_atomic(folder / SUBSET_META, json.dumps(meta, ensure_ascii=False))
        return True
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, "utf-8")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
