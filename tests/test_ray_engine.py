"""brief_many(engine="ray") and `summarize DIR --engine ray` on a local Ray (2 CPUs, no
dashboard, started once for the session): the same briefs as the local engine, in input
order, a bad article collected in place, and each worker loading a model once, not once per
article. The translation model is the tiny M2M100 of tests/tiny_models.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tiny_models import build_all  # noqa: E402

import newsbrief as nb  # noqa: E402
from newsbrief import ray_engine  # noqa: E402
from newsbrief.errors import InputError  # noqa: E402
from newsbrief.pipeline import Failure  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:Recommended. pip install sacremoses")]


@pytest.fixture(scope="session")
def ray_local():
    import ray

    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING")
    yield ray
    ray.shutdown()


@pytest.fixture(scope="session")
def tiny(tmp_path_factory):
    return build_all(tmp_path_factory.getbasetemp() / "tiny-translation-models")


@pytest.fixture(scope="session")
def articles(example_article, malay_article, khmer_article) -> list[str]:
    def parts(text: str, n: int) -> list[str]:
        paragraphs = text.split("\n\n")
        return ["\n\n".join(paragraphs[i::n]) for i in range(n)]

    # 2 English (no translation to en), 4 Malay and 1 Khmer (translated), 1 empty (fails)
    return parts(example_article, 2) + parts(malay_article, 4) + [khmer_article, ""]


def as_dicts(results) -> list:
    return [r.to_dict() if not isinstance(r, Failure) else ("failure", r.index, type(r.error).__name__, str(r.error))
            for r in results]


def test_ray_gives_the_local_engine_s_briefs_in_order(ray_local, tiny, articles):
    options = dict(to="en", errors="collect", translation_model=str(tiny["m2m100"]), batch_size=3, cache=None)
    local = nb.brief_many(articles, **options)
    remote = nb.brief_many(articles, engine="ray", workers=2, **options)
    assert len(remote) == len(articles)
    assert as_dicts(remote) == as_dicts(local)
    assert isinstance(remote[-1], Failure) and remote[-1].index == len(articles) - 1
    assert isinstance(remote[-1].error, InputError)
    assert [r.source_lang for r in remote[:-1]] == ["en"] * 2 + ["ms"] * 4 + ["km"]
    assert remote[2].models["translate"] and remote[0].models["translate"] is None


def test_models_load_once_per_worker_not_per_article(ray_local, tiny, articles):
    from newsbrief.briefs import _brief_chunk

    results, stats = ray_engine.run_briefs(
        articles, _brief_chunk, to="en", src=None, cache=None, errors="collect", batch_size=1, workers=2, address=None,
        progress=False, options={"translation_model": str(tiny["m2m100"])})
    translated = sum(1 for r in results if not isinstance(r, Failure) and r.models["translate"])
    assert translated == 5
    assert sum(s.articles for s in stats.values()) == len(articles)
    assert sum(s.batches for s in stats.values()) == len(articles)      # one article per batch
    assert 1 <= len(stats) <= 2
    assert all(s.model_loads <= 1 for s in stats.values()), stats      # each worker loads it once ...
    assert sum(s.model_loads for s in stats.values()) < translated       # ... not once per article
    assert all(s.peak_rss_mb > 50 for s in stats.values())


def test_errors_raise_raises_the_first_failure_as_locally(ray_local, tiny, articles):
    with pytest.raises(InputError) as local:
        nb.brief_many(articles[:2] + [""], to="en", cache=None)
    with pytest.raises(InputError) as remote:
        nb.brief_many(articles[:2] + [""], to="en", cache=None, engine="ray", workers=1)
    assert str(remote.value) == str(local.value)


def test_a_series_gives_the_same_dataframe(ray_local, articles):
    pd = pytest.importorskip("pandas")
    series = pd.Series(articles[:2] + [""], index=["a", "b", "c"])
    local = nb.brief_many(series, errors="collect", cache=None)
    remote = nb.brief_many(series, errors="collect", cache=None, engine="ray", workers=2)
    pd.testing.assert_frame_equal(remote, local)
    assert remote.loc["c", "error"].startswith("EmptyInputError")


def test_bad_engine_options_are_refused():
    from newsbrief.errors import ConfigError

    with pytest.raises(ConfigError, match="engine must be"):
        nb.brief_many(["x"], engine="spark")
    with pytest.raises(ConfigError, match="go with engine='ray'"):
        nb.brief_many(["x"], workers=2)


def test_cli_summarize_dir_on_ray_matches_local(ray_local, tiny, articles, tmp_path, run_cli):
    folder = tmp_path / "articles"
    folder.mkdir()
    for i, text in enumerate(articles[:-1][:5]):
        (folder / f"article-{i}.txt").write_text(text, encoding="utf-8")
    common = ("summarize", str(folder), "--to", "en", "--format", "jsonl", "--no-cache",
              "--translation-model", str(tiny["m2m100"]))
    local = run_cli(*common)
    address = ray_local.get_runtime_context().gcs_address   # the session's Ray, as a cluster
    remote = run_cli(*common, "--engine", "ray", "--workers", "2", "--address", address)
    assert local.returncode == 0, local.stderr.decode()
    assert remote.returncode == 0, remote.stderr.decode()
    lines = remote.stdout.decode().splitlines()
    assert len(lines) == 5 and lines == local.stdout.decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == sorted(str(p) for p in folder.iterdir())


def test_without_ray_the_engine_says_what_to_install(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("The ministry said on Monday that rice exports rose by ten percent.\n", encoding="utf-8")
    code = ("import sys; sys.modules['ray'] = None; from newsbrief.cli import main; "
            f"sys.exit(main(['summarize', {str(article)!r}, '--engine', 'ray', '--no-cache']))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 3
    assert out.stderr.strip().splitlines() == [
        "newsbrief: error: engine='ray' (--engine ray) needs Ray Data: pip install 'newsbrief[ray]'"]


def test_importing_newsbrief_and_help_load_no_ray():
    code = ("import sys, newsbrief, newsbrief.briefs, newsbrief.ray_engine, newsbrief.cli\n"
            "try:\n    newsbrief.cli.main(['summarize', '--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('ray', 'torch', 'huggingface_hub') if m in sys.modules), file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "--engine {local,ray}" in out.stdout and out.stderr.strip().splitlines()[-1] == "[]"
