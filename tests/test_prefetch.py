"""A translator loaded ahead (translation.api.prefetch): on a thread of its own, once, into the
ModelCache that translate() then takes it from; and a brief with no result cache starts it while
the article is summarized, a cached brief never."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from tiny_models import FakeBackend  # noqa: E402

import newsbrief as nb  # noqa: E402
from newsbrief.errors import ModelNotFoundError  # noqa: E402
from newsbrief.models import ModelCache, ModelSpec, ResolvedModel  # noqa: E402
from newsbrief.translation import api  # noqa: E402

ARTICLE = ("The ministry said 185 people were arrested in Phnom Penh on Monday. Police rescued 495 people "
           "from a compound near the border. Officials said 157 cases were recorded this year, up from 120. "
           "The two countries agreed to share information on online scams.")


@pytest.fixture
def fake_model(monkeypatch, tmp_path):
    """Every model resolves to one fake backend; loads records the thread of each load."""
    loads: list[str] = []
    state = {"fail": False, "languages": ("en", "km", "ms")}
    folder = tmp_path / "fake-model"
    folder.mkdir()
    (folder / "config.json").write_text("{}")

    def plan_backend(model=None, *, src=None, tgt=None, **options):
        spec = ModelSpec(name="fake", family="causal-lm", languages=state["languages"],
                         codes={lang: lang for lang in state["languages"]})
        resolved = ResolvedModel(spec, folder, "path")

        def load():
            loads.append(threading.current_thread().name)
            if state["fail"]:
                raise ModelNotFoundError("the fake model is gone")
            return FakeBackend(languages=state["languages"])
        return api.BackendPlan(resolved, "transformers", ("fake", options.get("device", "cpu")), load)
    monkeypatch.setattr(api, "plan_backend", plan_backend)
    return loads, state


def test_prefetch_loads_once_on_its_own_thread_and_translate_takes_that_model(fake_model):
    loads, _ = fake_model
    models, ready = ModelCache(), []
    thread = api.prefetch("en", "ms", models=models, then=lambda: ready.append(len(loads)))
    thread.join()
    assert loads == ["newsbrief-prefetch"] and ready == [1] and len(models) == 1
    result = nb.translate("The ministry said 185 people were arrested.", to="ms", src="en", models=models,
                          cache=None)
    assert result.text.startswith("[ms] ") and "185" in result.text
    back = nb.translate(result.text, to="en", src="ms", models=models, cache=None)  # the read-back direction
    assert back.text and loads == ["newsbrief-prefetch"]
    assert api.prefetch("en", "ms", models=models) is None  # loaded already: nothing to do


def test_prefetch_loads_nothing_that_translate_would_not(fake_model):
    loads, state = fake_model
    models = ModelCache()
    assert api.prefetch("en", "en", models=models) is None
    assert api.prefetch("en", "id", models=models) is None
    state["languages"] = ("en", "km")
    assert api.prefetch("en", "ms", models=models) is None
    assert loads == [] and len(models) == 0


def test_a_failed_load_ahead_is_tried_again_and_reported_by_translate(fake_model):
    loads, state = fake_model
    models, ready = ModelCache(), []
    state["fail"] = True
    api.prefetch("en", "km", models=models, then=lambda: ready.append(True)).join()
    assert loads == ["newsbrief-prefetch"] and ready == [] and len(models) == 0
    with pytest.raises(ModelNotFoundError, match="the fake model is gone"):
        nb.translate("Police said 12 people were held.", to="km", src="en", models=models, cache=None)
    assert loads == ["newsbrief-prefetch", "MainThread"]


def test_a_brief_with_no_cache_loads_its_translator_ahead_and_a_cached_one_does_not(fake_model, tmp_path):
    loads, _ = fake_model
    models = ModelCache()
    uncached = nb.brief(ARTICLE, to="km", src="en", method="extractive", cache=None, models=models)
    assert loads == ["newsbrief-prefetch"]
    assert uncached.sentences and all(s.text.startswith("[km] ") for s in uncached.sentences)
    many = nb.brief_many([ARTICLE, ARTICLE], to="ms", src="en", method="extractive", cache=None,
                         models=ModelCache())
    assert [b.target_lang for b in many] == ["ms", "ms"] and loads[1:] == ["newsbrief-prefetch"]

    loads.clear()
    cached = nb.brief(ARTICLE, to="km", src="en", method="extractive", cache=tmp_path / "cache",
                      models=ModelCache())
    assert "newsbrief-prefetch" not in loads and len(loads) == 1  # loaded when a sentence was missing
    assert [s.text for s in cached.sentences] == [s.text for s in uncached.sentences]
    loads.clear()
    nb.brief(ARTICLE, to="km", src="en", method="extractive", cache=tmp_path / "cache", models=ModelCache())
    assert loads == []  # every sentence cached: no model loaded
