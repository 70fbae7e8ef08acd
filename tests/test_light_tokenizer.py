"""The embedded translator's tokenizer read from its subset for English, Malay and Khmer
(models/light_tokenizer.py): written once beside tokenizer.json, it must encode and decode every
text exactly as the whole tokenizer does, and never be read when it might not."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

tokenizers = pytest.importorskip("tokenizers")

from newsbrief.models.light_tokenizer import (  # noqa: E402
    SUBSET_FILE,
    SUBSET_META,
    LightTokenizer,
    write_subset,
)

CORPUS = [
    "The ministry said 185 people were arrested on Monday in Phnom Penh.",
    "Kerajaan berkata 185 orang ditahan pada hari Isnin di Kuala Lumpur.",
    "Prime Minister Hun Manet met Anwar Ibrahim; they signed a memorandum on scams.",
    "Polis menahan suspek di Johor Bahru selepas siasatan penipuan dalam talian.",
    "ក្រសួងមហាផ្ទៃបាននិយាយថា មនុស្ស ១៨៥ នាក់ ត្រូវបានចាប់ខ្លួន។",
    "“On defence and security,” he said – the talks continue.",
    "Café owners in Zürich and Málaga were fined €1,500.",
    "Αθήνα and Ελλάδα are Greek words; 北京 and 上海 are Chinese; Москва is Russian.",
    "Ελληνικά νέα: η κυβέρνηση είπε ότι συνελήφθησαν 185 άτομα.",
    "新闻：政府说有185人被捕。上海和北京的警察。",
] * 3

IN_SET = ["The ministry said 12 people were held in Kuala Lumpur.", "Polis berkata suspek ditahan semalam.",
          "ក្រសួងបាននិយាយ ថ្ងៃច័ន្ទ។", "English: “Security,” he said – in 2024.\nMalay:", "naïve café in Zürich",
          "   spaced   out   ", ""]
OUT_OF_SET = ["Athens is Αθήνα in Greek.", "Shanghai (上海) police said 185 people were held.", "Москва"]


def _gemma_like(folder: Path) -> Path:
    """A byte-fallback BPE laid out as Gemma's: spaces written as '▁' and the whole text one word,
    special and byte tokens added, merges of Latin, Khmer, Greek and Chinese text."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

    special = ["<pad>", "<eos>", "<bos>", "<unk>"] + [f"<0x{b:02X}>" for b in range(256)]
    tokenizer = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True))
    tokenizer.normalizer = normalizers.Replace(" ", "\u2581")
    tokenizer.pre_tokenizer = pre_tokenizers.Split(" ", "merged_with_previous")
    tokenizer.train_from_iterator(CORPUS, trainers.BpeTrainer(vocab_size=900, special_tokens=special,
                                                              show_progress=False))
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(folder / "tokenizer.json"))
    (folder / "tokenizer_config.json").write_text(json.dumps(
        {"bos_token": "<bos>", "eos_token": "<eos>", "unk_token": "<unk>", "pad_token": "<pad>"}))
    return folder


def _whole(folder: Path):
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(folder / "tokenizer.json"))


def test_the_subset_is_written_once_and_encodes_and_decodes_as_the_whole_tokenizer(tmp_path):
    folder = _gemma_like(tmp_path / "tokenizer")
    first = LightTokenizer(folder)
    assert not first.uses_subset and (folder / SUBSET_FILE).is_file() and (folder / SUBSET_META).is_file()
    subset = json.loads((folder / SUBSET_FILE).read_text("utf-8"))["model"]
    whole_json = json.loads((folder / "tokenizer.json").read_text("utf-8"))["model"]
    # the Greek and Chinese tokens and their merges are left out, nothing else
    assert len(subset["merges"]) < len(whole_json["merges"]) and len(subset["vocab"]) < len(whole_json["vocab"])
    assert not any(t for t in subset["vocab"] if any("\u0370" <= c <= "\u03ff" or "\u4e00" <= c <= "\u9fff" for c in t))

    light, whole = LightTokenizer(folder), _whole(folder)
    assert light.uses_subset
    for texts in (IN_SET, OUT_OF_SET, IN_SET + OUT_OF_SET, CORPUS):
        expected = [e.ids for e in whole.encode_batch(texts, add_special_tokens=False)]
        assert light(texts, add_special_tokens=False)["input_ids"] == expected
        assert [light(t)["input_ids"] for t in texts] == [e.ids for e in whole.encode_batch(texts)]
        for ids in expected:
            assert light.decode(ids, skip_special_tokens=True) == whole.decode(ids, skip_special_tokens=True)
            assert light.convert_ids_to_tokens(ids) == [whole.id_to_token(i) for i in ids]
    greek = whole.token_to_id(next(t for t in whole.get_vocab() if "\u03b1" in t))
    assert light.convert_ids_to_tokens(greek) == whole.id_to_token(greek)
    assert light.convert_tokens_to_ids(["<bos>", "<0x41>", whole.id_to_token(greek)]) == \
        [whole.token_to_id("<bos>"), whole.token_to_id("<0x41>"), greek]
    assert len(light) == whole.get_vocab_size(with_added_tokens=True)
    assert (light.bos_token_id, light.eos_token_id, light.pad_token_id) == (2, 1, 0)


def test_a_text_within_the_subset_never_reads_the_whole_tokenizer(tmp_path, monkeypatch):
    folder = _gemma_like(tmp_path / "tokenizer")
    assert write_subset(folder)
    light = LightTokenizer(folder)
    expected = [e.ids for e in _whole(folder).encode_batch(IN_SET, add_special_tokens=False)]
    monkeypatch.setattr(LightTokenizer, "_whole", lambda self: pytest.fail("read the whole tokenizer"))
    assert light(IN_SET, add_special_tokens=False)["input_ids"] == expected
    assert [light.decode(ids) for ids in expected]


def test_a_stale_or_narrow_subset_is_not_read(tmp_path):
    folder = _gemma_like(tmp_path / "tokenizer")
    assert write_subset(folder)
    assert LightTokenizer(folder).uses_subset
    # characters the caller needs covered (a model's kept tokens) that the subset lacks: the whole, then a wider subset
    assert not LightTokenizer(folder, chars="αβ").uses_subset
    assert LightTokenizer(folder, chars="αβ").uses_subset
    assert LightTokenizer(folder, chars="αβ")(["Αθήνα αβ"])["input_ids"] == [_whole(folder).encode("Αθήνα αβ").ids]
    # a tokenizer.json changed after the subset was made
    stat = (folder / "tokenizer.json").stat()
    os.utime(folder / "tokenizer.json", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert not LightTokenizer(folder).uses_subset
    assert LightTokenizer(folder).uses_subset  # made again
    (folder / SUBSET_FILE).write_text("{not json")
    light = LightTokenizer(folder, subset=True)
    assert not light.uses_subset
    assert light(IN_SET)["input_ids"] == [e.ids for e in _whole(folder).encode_batch(IN_SET)]


def test_no_subset_for_a_tokenizer_it_would_not_be_exact_for_or_a_folder_it_cannot_write(tmp_path, monkeypatch):
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    folder = tmp_path / "wordpiece"
    folder.mkdir()
    tokenizer = Tokenizer(models.WordPiece(unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.train_from_iterator(CORPUS, trainers.WordPieceTrainer(vocab_size=300, special_tokens=["<unk>"],
                                                                    show_progress=False))
    tokenizer.save(str(folder / "tokenizer.json"))
    (folder / "tokenizer_config.json").write_text(json.dumps({"unk_token": "<unk>"}))
    assert not write_subset(folder)
    assert not LightTokenizer(folder).uses_subset and not (folder / SUBSET_FILE).exists()

    readonly = _gemma_like(tmp_path / "readonly")
    monkeypatch.setattr("newsbrief.models.light_tokenizer.os.access", lambda path, mode: False)
    light = LightTokenizer(readonly)
    assert not light.uses_subset and not (readonly / SUBSET_FILE).exists()
    assert light(IN_SET)["input_ids"] == [e.ids for e in _whole(readonly).encode_batch(IN_SET)]
