"""Key figures: what each number counts, typed non-counts, spans, salience, and the
extractor measured on the hand-checked figures in tests/data/key_figures.jsonl."""

from __future__ import annotations

import json

import pytest

import newsbrief as nb
from newsbrief.facts import KINDS, figures_of, key_figures


def by_written(sentence, lang=None):
    return {f.written: (f.kind, f.counts) for f in figures_of(sentence, lang=lang)}


def test_example_article_figures_say_what_they_count(dated_example_article):
    article = nb.Article.from_text(dated_example_article)
    figures = key_figures(article, lang="en")
    texts = [f.text for f in figures]
    for expected in ("214 reports recorded", "96 foreign workers rescued", "58 families helped",
                     "12 suspected recruiters arrested", "40 investigators", "100,000 people"):
        assert expected in texts
    # the top ones are counts with an action, and every count ranks above the typed non-counts:
    # years, dates and durations are typed, not counted
    assert [f.text for f in figures[:2]] == ["214 reports recorded", "96 foreign workers rescued"]
    kinds = [f.kind for f in figures]
    assert kinds == sorted(kinds, key=lambda k: k != "count") and kinds.count("count") >= 8
    written = {f.written: f.kind for f in figures}
    assert written["2023"] == written["2024"] == written["2029"] == "year"
    assert written["five"] == written["15"] == "duration" and written["27"] == "date"
    # spans index the article text exactly; the sentence is the one it was found in
    for f in figures:
        assert dated_example_article[f.start:f.end] == f.written
        assert f.sentence_text == article.sentences[f.sentence].text
        assert f.kind in KINDS


def test_english_actions_before_and_after_the_number():
    assert by_written("Police arrested 40 suspects and rescued 120 workers on Friday.")["40"] == ("count", "suspects arrested")
    assert by_written("Police arrested 40 suspects and rescued 120 workers on Friday.")["120"] == ("count", "workers rescued")
    assert by_written("Officials said 23 Indonesians were deported back home.")["23"] == ("count", "Indonesians deported back")
    assert by_written("Three children died in the fire.")["Three"] == ("count", "children died")
    assert by_written("Some 1.5 million people fled.")["1.5 million"] == ("count", "people fled")


def test_typed_numbers_are_not_counts():
    figs = by_written("On March 3, 2024, at 9 pm, Lim, 45, paid RM50,000, 12% of the total, for a 5-year lease of 20 hectares.")
    assert figs["3"] == ("date", "") and figs["5"] == ("duration", "")
    assert figs["RM50,000"] == ("money", "") and figs["12"] == ("percent", "") and figs["45"] == ("age", "")
    assert figs["2024"] == ("year", "") and figs["9"] == ("time", "") and figs["20"] == ("measure", "")


def test_malay_passive_and_active_verbs():
    assert by_written("Polis menahan 12 orang suspek semalam.", "ms")["12"] == ("count", "suspek ditahan")
    assert by_written("Seramai 11 rakyat Malaysia dihantar pulang.", "ms")["11"] == ("count", "rakyat Malaysia dihantar pulang")
    assert by_written("Mahkamah menjatuhkan hukuman penjara tiga tahun.", "ms")["tiga"] == ("duration", "")
    assert by_written("Sebanyak 35 peratus keluar mengundi.", "ms")["35"] == ("percent", "")


def test_khmer_digits_spelled_numbers_and_values():
    figs = {f.written: f for f in figures_of("ប៉ូលិសបានចាប់ខ្លួនជនសង្ស័យចំនួន ១៨៥ នាក់ និងជួយសង្គ្រោះ ៤៩៥ នាក់។", lang="km")}
    assert figs["១៨៥"].counts == "ជនសង្ស័យ ចាប់ខ្លួន" and figs["១៨៥"].value == 185
    assert figs["៤៩៥"].counts == "នាក់ ជួយសង្គ្រោះ"
    spelled = {f.written: f for f in figures_of("គេបានរកឃើញ ពីរនាក់ នៅក្នុងផ្ទះ។", lang="km")}
    assert spelled["ពីរ"].value == 2 and spelled["ពីរ"].kind == "count"
    assert figures_of("គាត់បានធ្វើការជាមួយគេ។", lang="km") == []     # មួយ inside ជាមួយ "with" is no number
    assert {f.kind for f in figures_of("ចំណាយ ២ លាន ដុល្លារ និង ៩០ ភាគរយ", lang="km")} == {"money", "percent"}


def test_ascii_digits_in_khmer_text_take_khmer_scale_words_and_may_touch_letters():
    values = {f.written: f.value for f in figures_of("មនុស្ស 2.4 លាន នាក់ និង 2លាន នាក់បានចូលរួម។", lang="km")}
    assert values == {"2.4 លាន": 2_400_000, "2លាន": 2_000_000}
    assert [(f.written, f.kind) for f in figures_of("គាត់កើតនៅឆ្នាំ1953។", lang="km")] == [("1953", "year")]
    assert nb.facts.numbers("ឆ្នាំ1953 និង COVID19") == ["1953"]  # Latin letters still make a code
    assert figures_of("COVID19 cases rose.") == []


def test_brief_json_gives_every_figure_and_text_shows_the_top_few(dated_example_article, run_cli, tmp_path):
    path = tmp_path / "example.txt"
    path.write_text(dated_example_article, "utf-8")
    data = json.loads(run_cli("summarize", str(path), "--format", "json", "--no-cache").stdout)
    figures = data["key_figures"]
    assert len(figures) >= 12 and {"written", "value", "kind", "counts", "start", "end", "sentence"} <= set(figures[0])
    text = run_cli("summarize", str(path), "--no-cache").stdout.decode("utf-8")
    line = next(x for x in text.splitlines() if x.startswith("Key figures: "))
    assert line.count(";") == 4 and "214 reports recorded" in line and "2023" not in line


def test_extractor_on_the_hand_checked_figures(shared_data):
    """>= 100 figures in English, Malay and Khmer, checked by hand. The rules were developed
    looking at this set, so these are development figures, not held-out ones; the floors
    guard against regressions."""
    from benchmarks.key_figures import evaluate, load_gold

    rows = load_gold(shared_data)
    scores = evaluate(rows)["scores"]
    assert scores["all"]["figures"] >= 100 and {"en", "ms", "km"} <= set(scores)
    assert scores["all"]["precision"] >= 90 and scores["all"]["recall"] >= 90
    assert scores["all"]["count_precision"] >= 80 and scores["all"]["count_recall"] >= 80


def test_extractor_on_the_held_out_figures(shared_data):
    """118 hand-checked figures of NTREX-128 lines in English, Malay and Khmer that the rules
    were not written on (benchmarks/key_figures.py says how they were chosen). Floors a few
    points under the measured 69.1 precision / 64.4 recall: its misses (measures and sports
    scores taken for counts) are known and left for a fix checked on other data."""
    from benchmarks.key_figures import HELDOUT, evaluate, load_gold

    scores = evaluate(load_gold(shared_data, HELDOUT))["scores"]
    assert scores["all"]["figures"] >= 100 and {"en", "ms", "km"} <= set(scores)
    assert scores["all"]["precision"] >= 65 and scores["all"]["recall"] >= 60
