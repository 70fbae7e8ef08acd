import pytest

import newsbrief as nb
from newsbrief.errors import ConfigError
from newsbrief.pipeline import Failure, Pipeline

MS = "Polis menahan tiga lelaki yang disyaki menipu mangsa melalui tawaran kerja palsu di luar negara."
EN = "Police arrested three men suspected of cheating victims with fake job offers abroad."


class Tag:
    """A tiny step that needs the language and records it, counting its batches."""

    name = "tag"
    requires = frozenset({"lang"})
    provides = frozenset({"tag"})

    def __init__(self):
        self.batches = []

    def __call__(self, articles):
        self.batches.append(len(articles))
        for article in articles:
            if "FAIL" in article.text:
                raise ValueError("this article cannot be tagged")
            article.meta["tag"] = f"{article.lang}:{len(article.sentences)}"
        return articles


def test_requirements_are_checked_when_built():
    with pytest.raises(ConfigError, match="'tag' needs lang.*move detect before it"):
        Pipeline([Tag(), nb.Detect()])
    with pytest.raises(ConfigError, match="not a step"):
        Pipeline([lambda articles: articles])
    assert "detect, tag" in repr(Pipeline([nb.Detect(), Tag()]))


def test_run_many_keeps_order_and_batches_across_articles():
    tag = Tag()
    items = [EN, MS, nb.Article.from_text(EN + " " + EN), MS] * 3
    results = Pipeline([nb.Detect(), tag]).run_many(iter(items), batch_size=5)
    assert [r.meta["tag"] for r in results] == ["en:1", "ms:1", "en:2", "ms:1"] * 3
    assert tag.batches == [5, 5, 2]


def test_collect_isolates_the_bad_item():
    items = [EN, "", MS, "FAIL " + EN, EN]
    results = Pipeline([nb.Detect(), Tag()]).run_many(items, batch_size=8, errors="collect")
    assert [type(r).__name__ for r in results] == ["Article", "Failure", "Article", "Failure", "Article"]
    assert isinstance(results[1], Failure) and results[1].index == 1 and "empty" in results[1].message
    assert "cannot be tagged" in results[3].message
    with pytest.raises(ValueError):
        Pipeline([nb.Detect(), Tag()]).run_many(items, errors="raise")


def test_pandas_series_gives_a_dataframe():
    import pandas as pd
    series = pd.Series([EN, MS, ""], index=["a", "b", "c"])
    frame = Pipeline([nb.Detect(), Tag()]).run_many(series, errors="collect", progress=True)
    assert list(frame.index) == ["a", "b", "c"]
    assert list(frame["lang"][:2]) == ["en", "ms"] and list(frame["tag"][:2]) == ["en:1", "ms:1"]
    assert frame["error"].iloc[2].startswith("EmptyInputError")


def test_bad_options():
    with pytest.raises(ConfigError):
        Pipeline([]).run_many([EN], errors="ignore")
