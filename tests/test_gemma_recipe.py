"""The Gemma translation recipe's evaluation helpers: the dev set rebuilt from hashes, and a
checkpoint turned into a model folder newsbrief reads."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

RECIPE = Path(__file__).resolve().parent.parent / "models" / "recipes" / "gemma_translation"
sys.path.insert(0, str(RECIPE))
import dev_set  # noqa: E402


def _pool(path: Path, rows: list[tuple[str, str, str]]) -> None:
    path.write_text("".join(json.dumps({"src_lang": "en", "tgt_lang": lang, "src": src, "tgt": tgt,
                                        "origin": "test"}) + "\n" for lang, src, tgt in rows), "utf-8")


def test_dev_set_rebuilds_the_named_lines_in_their_order(tmp_path):
    _pool(tmp_path / "valid.jsonl", [("km", "One.", "មួយ។"), ("ms", "Two.", "Dua."), ("ms", "Three.", "Tiga.")])
    _pool(tmp_path / "valid_news.jsonl", [("km", "Four.", "បួន។")])
    names = {"en-km": [dev_set.sha1("Four."), dev_set.sha1("One.")], "en-ms": [dev_set.sha1("Three.")]}
    dev_set.build(tmp_path, tmp_path / "dev", names)
    assert (tmp_path / "dev" / "en-km.en").read_text("utf-8") == "Four.\nOne.\n"
    assert (tmp_path / "dev" / "en-km.km").read_text("utf-8") == "បួន។\nមួយ។\n"
    assert (tmp_path / "dev" / "en-ms.ms").read_text("utf-8") == "Tiga.\n"


def test_dev_set_refuses_pools_without_its_lines(tmp_path):
    _pool(tmp_path / "valid.jsonl", [("ms", "Two.", "Dua.")])
    with pytest.raises(SystemExit, match="1 of 2 dev lines"):
        dev_set.build(tmp_path, tmp_path / "dev", {"en-ms": [dev_set.sha1("Two."), dev_set.sha1("Gone.")]})


def test_committed_dev_lines_name_80_lines_a_direction():
    names = json.loads(dev_set.LINES.read_text("utf-8"))
    assert {d: len(set(h)) for d, h in names.items()} == {"en-km": 80, "en-ms": 80}


def test_checkpoint_becomes_a_model_folder_under_its_own_name(tmp_path, monkeypatch):
    import as_model

    from newsbrief.models import load_registry
    from newsbrief.models.resolution import infer_spec

    checkpoint = tmp_path / "run"
    checkpoint.mkdir()
    for name in as_model.FILES:
        (checkpoint / name).write_bytes(name.encode())
    out = tmp_path / "newsbrief-gemma-mt-trial"
    monkeypatch.setattr(sys, "argv", ["as_model.py", str(checkpoint), str(out)])
    as_model.main()
    assert all((out / name).read_bytes() == name.encode() for name in as_model.FILES)
    spec, shipped = infer_spec(out), load_registry()["newsbrief-gemma-mt"]
    assert (spec.name, spec.embedded, spec.quality_warnings) == ("newsbrief-gemma-mt-trial", False, {})
    assert spec.languages == shipped.languages
