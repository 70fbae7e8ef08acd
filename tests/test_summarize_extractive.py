from __future__ import annotations

import time

import pytest

from newsbrief.article import Article
from newsbrief.errors import ConfigError
from newsbrief.summarization import (
    METHOD,
    ExtractiveSummary,
    ScorerConfig,
    count_units,
    lead,
    summarize_extractive,
)


NEWS = """Flood waters forced 3,000 families from their homes in Kelantan on Monday, officials said.

The state disaster committee said 42 relief centres had been opened across five districts.

Rain is expected to continue until Thursday, according to the meteorological department.

"We have never seen the river rise this fast," said one resident of Kuala Krai.

The army has sent boats and trucks to help move families to the relief centres."""

KHMER = ("ក្រសួងសុខាភិបាលបានប្រកាសថា មានអ្នកជំងឺថ្មីចំនួន ១២ នាក់នៅរាជធានីភ្នំពេញ។ "
         "អ្នកជំងឺទាំងនោះកំពុងទទួលការព្យាបាលនៅមន្ទីរពេទ្យ។ "
         "ក្រសួងបានអំពាវនាវឱ្យប្រជាពលរដ្ឋលាងដៃឱ្យបានញឹកញាប់។")


# What a copy of the article saved from a news site adds around it (written for this test): the site's
# name, and a photo caption printed twice, each time with its credit.
CAPTION = ("Malaysian and Cambodian police officers at a joint press conference in Kuala Lumpur, March 12, 2024. "
           "(Royal Malaysia Police)")


@pytest.fixture(scope="module")
def example(example_article) -> Article:
    return Article.from_text(example_article)


@pytest.fixture(scope="module")
def web_copy(example_article) -> Article:
    headline, body = example_article.split("\n\n", 1)
    return Article.from_text(f"Regional News Desk\n\n{headline}\n\n{CAPTION}\n{CAPTION}\n\n{body}")


def test_web_copy_skips_site_name_headline_captions_and_credits(web_copy):
    out = summarize_extractive(web_copy, sentences=3, lang="en")
    assert isinstance(out, ExtractiveSummary)
    assert out.method == METHOD
    assert len(out.indices) == 3
    assert list(out.indices) == sorted(out.indices)
    assert len(out.scores) == len(web_copy.sentences)
    texts = out.sentences(web_copy)
    for t in texts:
        assert "(Royal Malaysia Police)" not in t
        assert t != "Regional News Desk"
        assert not t.startswith("Malaysian and Cambodian police officers at a joint")
    # site name, headline, two captions and two credit lines score 0
    assert web_copy.sentences[0].normalized == "Regional News Desk"
    assert web_copy.sentences[3].normalized == "(Royal Malaysia Police)"
    assert all(out.scores[i] == 0 for i in range(6))
    # the lede (the new working arrangement between the two police forces) is chosen
    assert any("will share information on online scam networks" in t for t in texts)
    assert out.text(web_copy) == " ".join(texts)


def test_example_article_is_deterministic_and_fast(example):
    first = summarize_extractive(example, sentences=3)
    assert summarize_extractive(Article.from_text(example.text), sentences=3) == first
    best = min(_timed(lambda: summarize_extractive(example, sentences=3)) for _ in range(5))
    # a sanity bound only (speed is measured by benchmarks/summarization.py, not tested here)
    assert best < 1.0, f"{best * 1000:.1f} ms for a ~300-word article"


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def test_max_words_budget(example):
    out = summarize_extractive(example, sentences=None, max_words=60)
    total = sum(count_units(example.sentences[i].normalized) for i in out.indices)
    assert 1 <= len(out.indices) and total <= 60
    # one tiny budget still gives one sentence
    assert len(summarize_extractive(example, sentences=None, max_words=1).indices) == 1
    # both limits: whichever is hit first
    assert len(summarize_extractive(example, sentences=1, max_words=1000).indices) == 1
    both = summarize_extractive(example, sentences=10, max_words=60)
    assert both.indices == out.indices


def test_more_sentences_than_article_returns_all_content(web_copy):
    out = summarize_extractive(web_copy, sentences=500)
    assert len(out.indices) == len(set(out.indices))
    assert not set(out.indices) & set(range(6))  # still no site name, headline, caption or credit line
    assert set(out.indices) == {i for i, s in enumerate(out.scores) if s > 0}
    small = Article.from_text(NEWS)
    assert summarize_extractive(small, sentences=50).indices == tuple(range(5))


def test_small_news_text():
    art = Article.from_text(NEWS)
    out = summarize_extractive(art, sentences=2)
    assert out.indices[0] == 0                  # the lede
    assert 3 not in out.indices                  # the quote is not summary material here
    assert summarize_extractive(art, sentences=1).indices == (0,)


def test_one_sentence_article():
    art = Article.from_text("The central bank raised its policy rate to 3 per cent on Thursday.")
    assert summarize_extractive(art).indices == (0,)
    assert summarize_extractive(art, sentences=None, max_words=2).indices == (0,)


def test_article_of_only_non_content_still_gives_one_sentence():
    art = Article.from_text("Breaking News\n\n(Reuters photo)")
    out = summarize_extractive(art, sentences=3)
    assert len(out.indices) == 1
    assert all(s == 0 for s in out.scores)


def test_article_without_sentences():
    empty = Article(text="", paragraphs=[])
    assert summarize_extractive(empty).indices == ()


def test_duplicates_are_not_chosen_twice():
    sent = "The minister announced a new budget for schools and hospitals in the capital on Friday."
    art = Article.from_text(f"{sent} {sent} Teachers welcomed the plan but said it came too late for this year.")
    out = summarize_extractive(art, sentences=2)
    assert out.indices == (0, 2)


def test_khmer_input():
    art = Article.from_text(KHMER)
    assert len(art.sentences) == 3
    out = summarize_extractive(art, sentences=2)
    assert len(out.indices) == 2 and out.indices[0] == 0
    assert all(s > 0 for s in out.scores)
    # max_words counts Khmer syllables
    first = count_units(art.sentences[0].normalized)
    assert summarize_extractive(art, sentences=None, max_words=first).indices == (0,)


def test_khmer_article(khmer_article):
    art = Article.from_text(khmer_article)
    out = summarize_extractive(art, sentences=3)
    assert len(out.indices) == 3 and out.indices[0] == 1  # the lede, not the headline before it
    assert out.scores[0] == 0  # a headline: no sentence-final ។
    assert all(art.sentences[i].normalized.endswith("។") for i in out.indices)


def test_malay_input():
    text = ("KUALA LUMPUR: Kerajaan akan menaikkan gaji minimum kepada RM1,700 sebulan mulai Februari depan, "
            "kata Perdana Menteri hari ini. Langkah itu dijangka memberi manfaat kepada 4.4 juta pekerja. "
            "Kesatuan sekerja menyambut baik keputusan tersebut.")
    out = summarize_extractive(Article.from_text(text), sentences=1)
    assert out.indices == (0,)


def test_count_units():
    assert count_units("Hello, world: 3 new cases!") == 5
    assert count_units("ប្រទេសកម្ពុជា") == 6
    assert count_units("ឯកឧត្តម TANAKA") == 6  # ឯ ក ឧ ត្ត ម + TANAKA
    assert count_units(" — ") == 0


def test_lead_baseline():
    art = Article.from_text(NEWS)
    assert lead(art, 3).indices == (0, 1, 2)
    assert lead(art, sentences=None, max_words=1).indices == (0,)


@pytest.mark.parametrize("kwargs", [dict(sentences=0), dict(sentences=-1), dict(sentences=True),
                                    dict(sentences=None), dict(sentences=2, max_words=0),
                                    dict(sentences=1.5)])
def test_bad_budgets_raise(kwargs):
    with pytest.raises(ConfigError):
        summarize_extractive(Article.from_text(NEWS), **kwargs)


def test_config_is_checked_and_frozen():
    with pytest.raises(ConfigError):
        ScorerConfig(pos_scale=0)
    with pytest.raises(ConfigError):
        ScorerConfig(redundancy=0)
    with pytest.raises(ConfigError):
        ScorerConfig(ideal_words=(10, 5))
    with pytest.raises(ConfigError):
        ScorerConfig(w_cent="0.5")  # type: ignore[arg-type]
    with pytest.raises(ConfigError):
        ScorerConfig(w_len=-1)
    with pytest.raises(TypeError):
        ScorerConfig(unknown=1)
    with pytest.raises(AttributeError):
        ScorerConfig().w_pos = 2  # type: ignore[misc]


def test_custom_similarity_replaces_tfisf_centrality():
    import dataclasses

    import numpy as np
    art = Article.from_text(NEWS)
    n = len(art.sentences)
    sim = np.zeros((n, n))
    sim[4, :] = sim[:, 4] = 1.0  # the last sentence is similar to everything
    cfg = dataclasses.replace(ScorerConfig(), w_pos=0.0, w_len=0.0)
    out = summarize_extractive(art, sentences=1, config=cfg, similarity=sim, scorer="heuristic")
    assert out.method.endswith("+sim")
    assert out.indices == (4,)
    with pytest.raises(ConfigError):
        summarize_extractive(art, similarity=np.zeros((2, 2)))


def test_book_length_input_is_summarized_in_bounded_memory():
    from newsbrief.summarization.extractive import MAX_CANDIDATES

    text = "\n\n".join(f"Police in district {i} rescued {i} workers from a compound on the border."
                       for i in range(MAX_CANDIDATES * 3))
    article = Article.from_text(text)
    summary = summarize_extractive(article, sentences=3)
    assert len(summary.scores) == len(article.sentences) == MAX_CANDIDATES * 3
    assert len(summary.indices) == 3 and max(summary.indices) < MAX_CANDIDATES
    import newsbrief as nb
    assert any("first 600" in note for note in nb.summarize(article, method="extractive", cache=None).notes)


def test_a_dateline_with_a_time_stamp_or_a_khmer_byline_is_not_a_brief_sentence():
    from newsbrief.summarization.extractive import _non_content

    sentences = ["Sat, 27 July 2019 09:34 AM ដោយ ៖ សុខ ជា",
                 "ប៉ូលិសបានចាប់ខ្លួនជនសង្ស័យ ១២ នាក់ នៅភ្នំពេញ កាលពីថ្ងៃចន្ទ ក្នុងប្រតិបត្តិការមួយ ប្រឆាំងការឆបោកតាមអនឡាញ។"]
    assert _non_content(sentences, [12, 40], [6, 6]) == [True, False]


def test_share_buttons_prompts_tweets_and_source_lines_are_not_brief_sentences():
    """Lines of real Khmer and English news pages that speak to the reader or of the page."""
    from newsbrief.summarization.extractive import _non_content, count_units

    page = ["សូមទស្សនារូបភាពខាងក្រោម៖", "តោះទៅមើលរូបភាពទាំងនោះបន្តិចទៅមើល៖", "ចុចអាន៖ រៀបចំបន្ទប់ ដោយដាក់ធ្នើរតុបតែង។",
            "ប្រភព៖ freshnews។", "© ២០១៩ រក្សាសិទ្ធិគ្រប់យ៉ាង។", "Share this article with: Share on Facebook Share on Twitter.",
            "Thank you all — Hun Manet (@hunmanet) July 27, 2019 pic.twitter.com/abc."]
    news = ["ប៉ូលិសបានចាប់ខ្លួនជនសង្ស័យ ១២ នាក់ នៅភ្នំពេញ កាលពីថ្ងៃចន្ទ ក្នុងប្រតិបត្តិការមួយ ប្រឆាំងការឆបោកតាមអនឡាញ។",
            "Police arrested 12 suspects in Phnom Penh on Monday in an operation against online scams, officials said.",
            "Read the statement: the ministry said 214 cases were reported."]  # "read" alone is no prompt
    sentences = page + news
    units = [count_units(s) for s in sentences]
    assert _non_content(sentences, units, [6] * len(sentences)) == [True] * len(page) + [False] * len(news)
