"""Cache keys pinned: a cache filled by an earlier newsbrief of the same version must still hit.

The hex digests below were computed with the code as it stood before `newsbrief.cache` became
a package (commit 5f94dc4, newsbrief 0.1.0). If one of them changes, every user's cache misses:
change them only together with KEY_VERSION, on purpose.
"""

from __future__ import annotations

import dataclasses
import enum
from pathlib import Path

import pytest

import newsbrief.cache.keys as keys_module
from newsbrief.cache import fingerprint, model_files_hash

# The version is part of every key; pin it so that these digests outlive a version bump.
PINNED_VERSION = "0.1.0"


class Beam(enum.Enum):
    WIDE = 4


@dataclasses.dataclass
class Opts:
    to: str
    beam: int


CASES = {
    "translate": (
        ("translate", {"to": "km", "beam_size": 4}, "nllb-600M", "ab" * 32,
         "The minister said on Monday."),
        "9265dc9a6406c52aee99e11e8fd4a3c6a039ddc35054c1dc1c26ae82c3b3e54f"),
    "every kind of config value": (
        ("summarize", {"lang": "ms", "ratio": 0.25, "keep": {"b", "a"}, "pair": ("en", "km"),
                       "glossary": {"PM": "នាយករដ្ឋមន្ត្រី"}, "nan": float("nan"),
                       "inf": float("-inf"), "beam": Beam.WIDE, "opts": Opts("km", 2),
                       "blob": b"\x00\x01", "none": None, "flag": True},
         "sumy", None, "Menteri berkata pada hari Isnin.\n"),
        "d72147916a166a1b47dcdc4ca1ff3e4bab60c33cdfd4d66e83178e08fc087627"),
    "no config, no model": (
        ("detect", None, None, None, "សួស្តី"),
        "fd48ecda34d728b7361dfd46e1579acad365f9a6c32973188d4ff9e12b8cf13a"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_fingerprints_are_those_of_the_released_recipe(name, monkeypatch):
    monkeypatch.setattr(keys_module, "__version__", PINNED_VERSION)
    args, expected = CASES[name]
    assert fingerprint(*args) == expected


def _model(folder: Path) -> Path:
    for sub in ("tok", ".cache", "__pycache__"):
        (folder / sub).mkdir(parents=True)
    (folder / "config.json").write_text('{"d_model": 16}')
    (folder / "model.bin").write_bytes(bytes(range(256)) * 100)
    (folder / "tok" / "spm.model").write_bytes(b"spm" * 100)
    (folder / ".cache" / "x.lock").write_text("x")  # hidden: left out
    (folder / "__pycache__" / "a.pyc").write_bytes(b"x")  # left out
    return folder


def test_model_files_hash_is_that_of_the_released_recipe(tmp_path):
    folder = _model(tmp_path / "m")
    assert model_files_hash(folder) == "db33a75eee40bb0eb5b7c1978174960d524c19ce803d25baa28bed640f4efbf2"
    assert model_files_hash(folder / "model.bin") == (
        "e6f2d18dd10fc76adcfd2b07a0c30c34663230b529a8636a0c5a63abec8125b3")


def test_causal_lm_model_hash_is_that_of_the_released_recipe(tmp_path):
    """The embedded translator's cache keys come from its shipped files, not its built copy
    (translation.cached.model_hash, recipe newsbrief-causal-lm-v1); pinned like the rest."""
    from newsbrief.models import ModelSpec, ResolvedModel
    from newsbrief.translation.api import BackendPlan
    from newsbrief.translation.cached import model_hash

    base = _model(tmp_path / "base")
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    (shipped / "trained.safetensors").write_bytes(bytes(range(256)) * 10)
    (shipped / "adapter.json").write_text('{"r": 4, "alpha": 8}')
    (shipped / "vocab_map.json").write_text('{"keep": [0, 1, 2]}')
    (shipped / "MODEL_CARD.md").write_text("left out: it changes no output")
    spec = ModelSpec.from_dict({"name": "pinned-mt", "family": "causal-lm", "languages": ["en", "ms"],
                                "base": str(base), "scores": {"x": 1}})
    resolved = ResolvedModel(spec, shipped, "path")

    def plan(engine, compute_type):
        return BackendPlan(resolved, engine, (), lambda: None, compute_type)

    assert model_hash(plan("causal-lm/ctranslate2", "int8"), None) == (
        "83c92a3eebc2e822f58c2498efd8bef90d945b997dafb3ff99a28a7ee317e5e6")
    assert model_hash(plan("causal-lm/transformers", None), None) == (
        "f61d0572b33b686c28664d67666c917f9f46dbe48d1ead3689a947a962212766")
