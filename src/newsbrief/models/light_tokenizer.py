"""A tokenizer read straight from its tokenizer.json with the `tokenizers` library (Rust), with
the few methods of transformers' tokenizers that the embedded translator uses.

Loading it through transformers imported torch and transformers and parsed the 33 MB
tokenizer.json in Python: about 4 s and a few hundred MB of a translated brief that runs on
CTranslate2 and needs neither (profile in the #35 note). The encoding and decoding are the same:
transformers' fast tokenizer is this tokenizer.json run by the same library (tests compare them).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence


class LightTokenizer:
    def __init__(self, folder: str | Path):
        from tokenizers import Tokenizer

        folder = Path(folder)
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        config = json.loads((folder / "tokenizer_config.json").read_text("utf-8"))
        special = {name: config.get(name) for name in ("bos_token", "eos_token", "unk_token", "pad_token")}
        ids = {name: (self._tokenizer.token_to_id(token) if isinstance(token, str) else None)
               for name, token in special.items()}
        self.bos_token_id, self.eos_token_id = ids["bos_token"], ids["eos_token"]
        self.unk_token_id, self.pad_token_id = ids["unk_token"], ids["pad_token"]

    def __call__(self, texts: str | Sequence[str], add_special_tokens: bool = True) -> dict[str, list]:
        if isinstance(texts, str):
            return {"input_ids": self._tokenizer.encode(texts, add_special_tokens=add_special_tokens).ids}
        encoded = self._tokenizer.encode_batch(list(texts), add_special_tokens=add_special_tokens)
        return {"input_ids": [e.ids for e in encoded]}

    def __len__(self) -> int:
        return self._tokenizer.get_vocab_size(with_added_tokens=True)

    def convert_ids_to_tokens(self, ids: int | Sequence[int]):
        if isinstance(ids, int):
            return self._tokenizer.id_to_token(ids)
        return [self._tokenizer.id_to_token(i) for i in ids]

    def convert_tokens_to_ids(self, tokens: str | Sequence[str]):
        if isinstance(tokens, str):
            return self._tokenizer.token_to_id(tokens)
        return [self._tokenizer.token_to_id(t) for t in tokens]

    def decode(self, ids: Sequence[int], skip_special_tokens: bool = False,
               clean_up_tokenization_spaces: bool = False) -> str:
        if clean_up_tokenization_spaces:
            raise ValueError("LightTokenizer does not clean up tokenization spaces")
        return self._tokenizer.decode(list(ids), skip_special_tokens=skip_special_tokens)


def has_light_tokenizer(folder: str | Path) -> bool:
    folder = Path(folder)
    return (folder / "tokenizer.json").is_file() and (folder / "tokenizer_config.json").is_file()
