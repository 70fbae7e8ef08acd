"""A warm result cache loads no model: a brief whose sentences are all cached, in a fresh process,
imports neither torch nor CTranslate2 (its keys come from the model's files, not from the loaded
model), and the keys stay honest: changed trained weights, another base, engine or compute type
miss; a moved model folder still hits. On the tiny Gemma translator of test_causal_translator."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from tiny_models import build_gemma_base, train_spm  # noqa: E402

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("ctranslate2")
pytest.importorskip("peft")

from test_causal_translator import _shipped  # noqa: E402

from newsbrief.cache import Cache  # noqa: E402
from newsbrief.translation.api import plan_backend  # noqa: E402
from newsbrief.translation.cached import model_hash  # noqa: E402

HEAVY = ("torch", "transformers", "ctranslate2", "safetensors", "sentencepiece", "tokenizers")
# written for this test (no publisher's text): four sentences, figures, names
ARTICLE = ("Police in Phnom Penh arrested 185 people on Monday in a raid on an online scam compound.\n\n"
           "The ministry said 42 of them were Malaysian citizens who had been held against their will.\n\n"
           "Officials in Kuala Lumpur said the victims would be flown home within two weeks.\n\n"
           "The raid followed a tip from a worker who escaped last month.\n")


@pytest.fixture(scope="module")
def gemma_base(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tiny-gemma-warm")
    return build_gemma_base(root / "base", train_spm(root / "spm"))


@pytest.fixture
def setup(gemma_base, tmp_path, monkeypatch):
    folder = _shipped(gemma_base, tmp_path / "tiny-gemma-mt")
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, "utf-8")
    env = {"NEWSBRIEF_MODELS": str(tmp_path / "user-models"), "NEWSBRIEF_CACHE": str(tmp_path / "cache"),
           "NEWSBRIEF_TRANSLATION_MODEL": str(folder)}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return folder, article


def summarize_in_a_fresh_process(article: Path, to: str) -> tuple[dict, set[str]]:
    """`newsbrief summarize ARTICLE --to TO --format json` in a new interpreter: (its JSON, the heavy
    modules it imported)."""
    probe = (f"import sys\nfrom newsbrief.cli import main\nrc = main(['summarize', {str(article)!r}, '--to', {to!r}, "
             f"'--format', 'json'])\nprint('LOADED:', *(m for m in {HEAVY!r} if m in sys.modules))\nsys.exit(rc)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    *body, loaded = done.stdout.rstrip("\n").split("\n")
    assert loaded.startswith("LOADED:")
    return json.loads("\n".join(body)), set(loaded.split()[1:])


@pytest.mark.slow  # four new processes, two of which load torch
def test_a_warm_brief_in_a_fresh_process_loads_no_model_and_a_changed_adapter_misses(setup, gemma_base):
    folder, article = setup
    cold, cold_loaded = summarize_in_a_fresh_process(article, "ms")
    assert {"torch", "ctranslate2"} <= cold_loaded  # the first run translated (and built the copy)
    assert cold["models"]["translate"] == "tiny-gemma-mt" and cold["target_lang"] == "ms"
    warm, warm_loaded = summarize_in_a_fresh_process(article, "ms")
    assert warm_loaded == set(), f"a warm cached brief imported {sorted(warm_loaded)}"
    assert warm == cold
    # the moved model folder: same files, same keys, still warm
    moved = folder.parent / "moved" / folder.name
    moved.parent.mkdir()
    shutil.copytree(folder, moved)
    data = json.loads((moved / "newsbrief.json").read_text())
    assert Path(data["base"]).is_absolute()  # the base folder is named by path; its hash is what counts
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NEWSBRIEF_TRANSLATION_MODEL", str(moved))
        again, again_loaded = summarize_in_a_fresh_process(article, "ms")
    assert again_loaded == set() and again == cold
    # retrained weights must miss: the model is loaded (and its copy rebuilt) to translate again
    _shipped(gemma_base, folder, seed=1)
    _, changed_loaded = summarize_in_a_fresh_process(article, "ms")
    assert {"torch", "ctranslate2"} <= changed_loaded


def test_model_hash_follows_the_files_not_the_folder(setup, gemma_base, tmp_path):
    folder, _ = setup
    store = Cache(tmp_path / "keys")

    def key(model=folder, **options) -> str:
        return model_hash(plan_backend(str(model), src="en", tgt="ms", **options), store)

    first = key()
    assert key() == first and not (tmp_path / "user-models").exists()  # nothing built to compute it
    moved = tmp_path / "elsewhere" / "tiny-gemma-mt"
    shutil.copytree(folder, moved)
    assert key(moved) == first
    assert len({first, key(compute_type="float32"), key(backend="transformers")}) == 3
    (moved / "MODEL_CARD.md").write_text("notes that change no weight")
    spec = json.loads((moved / "newsbrief.json").read_text())
    (moved / "newsbrief.json").write_text(json.dumps({**spec, "quality_warnings": {"en-ms": "chrF++ 1.0"}}))
    assert key(moved) == first  # re-measured limits are no new model
    (moved / "newsbrief.json").write_text(json.dumps({**spec, "max_input_tokens": 64}))
    assert key(moved) != first  # sentences would be cut differently
    (moved / "newsbrief.json").write_text(json.dumps(spec))
    assert key(moved) == first
    adapter = json.loads((moved / "adapter.json").read_text())
    (moved / "adapter.json").write_text(json.dumps({**adapter, "alpha": adapter["alpha"] * 2}))
    assert key(moved) != first
    other_base = tmp_path / "other-base"
    shutil.copytree(gemma_base, other_base)
    config = json.loads((other_base / "config.json").read_text())
    (other_base / "config.json").write_text(json.dumps({**config, "rms_norm_eps": 2 * config["rms_norm_eps"]}))
    spec = json.loads((folder / "newsbrief.json").read_text())
    (folder / "newsbrief.json").write_text(json.dumps({**spec, "base": str(other_base)}))
    assert key() != first
