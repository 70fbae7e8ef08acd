"""The learned extractive scorer (data/scorer.json, models/recipes/extractive_scorer/)."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from newsbrief.article import Article
from newsbrief.errors import ConfigError
from newsbrief.summarization import summarize_extractive
from newsbrief.summarization.extractive import (
    FEATURES,
    HEURISTIC_METHOD,
    METHOD,
    learned_scores,
    load_scorer,
    sentence_features,
)

# The lede is vague; the third sentence carries the story: its key figures, and the words
# the rest of the article repeats (scam compounds, online fraud, crackdown).
FIGURES = """Authorities in two countries have stepped up their work against online fraud in recent months, officials said on Friday.

Officials from both governments met in the capital this week to discuss the next steps of their cooperation against fraud.

Police in both countries arrested 185 people and rescued 495 workers from scam compounds, including 11 Malaysians sent back home, in the crackdown on online fraud.

The ministers said the crackdown on scam compounds and online fraud would continue next year.

Both sides also talked about trade, tourism and education during the two-day visit.

The meeting ended with a promise to meet again later in the year in Kuala Lumpur."""


def test_scorer_file_loads_with_plain_numbers():
    raw = json.loads(resources.files("newsbrief.summarization").joinpath("data/scorer.json").read_text("utf-8"))
    scorer = load_scorer()
    assert scorer == raw
    assert scorer["features"] == list(FEATURES)
    for profile in ("single", "multi"):
        params = scorer["profiles"][profile]
        for key in ("mean", "scale", "weights"):
            assert len(params[key]) == len(FEATURES)
            assert all(isinstance(v, (int, float)) and np.isfinite(v) for v in params[key])
        assert all(v > 0 for v in params["scale"])
        assert isinstance(params["bias"], (int, float))
        assert "held-out" not in json.dumps(params.get("trained_on", {}))


def test_features_shape_and_non_content_rows():
    art = Article.from_text("Breaking News\n\n" + FIGURES)
    feats, junk, sim, units, heuristic = sentence_features(art)
    assert feats.shape == (len(art.sentences), len(FEATURES))
    assert junk[0] and not any(junk[1:])          # the headline is set aside
    assert not feats[0].any()
    assert sim.shape == (len(art.sentences),) * 2
    assert np.isfinite(feats).all()


def test_scores_are_deterministic():
    art = Article.from_text(FIGURES)
    first = summarize_extractive(art, sentences=2, scorer="learned")
    again = summarize_extractive(Article.from_text(FIGURES), sentences=2, scorer="learned")
    assert first == again
    assert first.method == METHOD
    feats, junk, *_ = sentence_features(art)
    assert learned_scores(feats, junk, "multi") == learned_scores(feats, junk, "multi")
    assert all(0 < s < 1 for s in first.scores)


def test_later_sentence_with_the_key_figures_beats_the_lede():
    art = Article.from_text(FIGURES)
    out = summarize_extractive(art, sentences=2, scorer="learned")
    assert 2 in out.indices and 0 not in out.indices, out.scores
    assert max(range(len(out.scores)), key=out.scores.__getitem__) == 2
    assert summarize_extractive(art, sentences=1, scorer="learned").indices != (0,)
    # the heuristic (position first) takes the lede
    assert summarize_extractive(art, sentences=1, scorer="heuristic").indices == (0,)
    assert 0 in summarize_extractive(art, sentences=2, scorer="heuristic").indices


def test_heuristic_scorer_is_still_available():
    art = Article.from_text(FIGURES)
    out = summarize_extractive(art, sentences=2, scorer="heuristic")
    assert out.method == HEURISTIC_METHOD
    with pytest.raises(ConfigError):
        summarize_extractive(art, scorer="magic")


def test_auto_uses_the_learned_scorer_only_where_held_out_data_backed_it():
    from newsbrief.summarization.extractive import METHOD, method_for

    art = Article.from_text(FIGURES)
    assert summarize_extractive(art, sentences=2, lang="en").method == METHOD == method_for("en")
    for lang in ("ms", "km", None):
        out = summarize_extractive(art, sentences=2, lang=lang)
        assert out.method == method_for(lang) == summarize_extractive(art, sentences=2, scorer="heuristic").method
