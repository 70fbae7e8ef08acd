"""Translation candidates checked by their round trip (translation/rerank.py), with a scripted
backend whose candidates and back-translations are known, and the n-best of the real backends
on tiny random models (structure only)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tiny_models import FakeBackend  # noqa: E402

import newsbrief as nb  # noqa: E402
from newsbrief.cache import Cache  # noqa: E402
from newsbrief.translation import SentenceTranslator, TranslateConfig  # noqa: E402
from newsbrief.translation.cached import CachedTranslator  # noqa: E402
from newsbrief.translation.rerank import RoundTripReranker, round_trip_chrf  # noqa: E402

SOURCE = "The police arrested 185 people in Phnom Penh."
GREEDY = "Polis menahan 185 menteri di Phnom Penh."          # reads back with the wrong noun
GOOD = "Polis menahan 185 orang di Phnom Penh."
INVENTED = "Polis menahan 185 orang di Watamu."
BACK = {GREEDY: "The police detained 185 ministers in Phnom Penh.",
        GOOD: "The police arrested 185 people in Phnom Penh.",
        INVENTED: "The police detained 185 people in Watamu."}


class Scripted(FakeBackend):
    """Greedy gives GREEDY; the beam's n best are GOOD and INVENTED; back-translation reads BACK."""

    def __init__(self):
        super().__init__(respond=lambda text, src, tgt, beam: BACK.get(text, text) if tgt == "en" else GREEDY)
        self.nbest_calls: list[int] = []

    def candidates(self, texts, src, tgt, *, n, beam_size, max_new_tokens, no_repeat_ngram_size,
                   repetition_penalty):
        self.nbest_calls.append(n)
        assert beam_size >= n
        return [[(INVENTED, 8), (GOOD, 8), (GREEDY, 8)][:n] for _ in texts]


def reranker(n=3, backend=None):
    backend = backend or Scripted()
    forward = SentenceTranslator(backend, TranslateConfig(candidates=n))
    return RoundTripReranker(forward, SentenceTranslator(backend), n)


def test_the_candidate_that_reads_back_best_wins_and_its_score_is_given():
    notes, scores = [], []
    out = reranker().translate_sentences([SOURCE], "en", "ms", notes, scores)
    assert out == [GOOD]
    assert scores == [pytest.approx(round_trip_chrf(BACK[GOOD], SOURCE), abs=0.05)] and scores[0] == 100.0
    # (the beam's first that the guards pass is GOOD here: INVENTED names a town the source does not)


def test_ties_keep_the_greedy_translation_and_a_backend_without_candidates_gives_greedy_only():
    backend = Scripted()
    backend.candidates = lambda texts, src, tgt, **kw: [[(GREEDY, 8)] for _ in texts]
    scores = []
    assert reranker(backend=backend).translate_sentences([SOURCE], "en", "ms", None, scores) == [GREEDY]
    assert scores[0] < 100
    plain = FakeBackend(respond=lambda text, src, tgt, beam: "x " + text)
    forward = SentenceTranslator(plain, TranslateConfig(candidates=4))
    assert RoundTripReranker(forward, SentenceTranslator(plain), 4).translate_sentences(["A b c."], "en", "ms") \
        == ["x A b c."]


def test_suspicious_candidates_are_not_considered():
    backend = Scripted()
    looping = "orang orang orang orang orang orang orang orang orang"
    backend.candidates = lambda texts, src, tgt, **kw: [[(looping, 9), ("", 0)] for _ in texts]
    assert reranker(backend=backend).translate_sentences([SOURCE], "en", "ms") == [GREEDY]


def test_a_candidate_must_keep_the_placeholders_themselves_not_digits_that_look_like_them():
    """The seed article's Malay brief once kept a candidate whose names were garbled into digits:
    sorted with the numbers, its "2" and "3" stood in for the placeholders XQ2X and XQ3X."""
    source = "XQ1X said XQ2X will help XQ3X."
    lost = "XQ1X berkata bahawa 2 akan membantu 3."
    kept = "XQ1X berkata bahawa XQ2X akan membantu XQ3X."
    backend = Scripted()
    backend.respond = lambda text, src, tgt, beam: "XQ1X said nothing." if tgt == "ms" else (
        source if text in (lost, kept) else text)
    backend.candidates = lambda texts, src, tgt, **kw: [[(lost, 9), (kept, 9)] for _ in texts]
    assert reranker(backend=backend).translate_sentences([source], "en", "ms") == [kept]
    backend.candidates = lambda texts, src, tgt, **kw: [[(lost, 9)] for _ in texts]
    assert reranker(backend=backend).translate_sentences([source], "en", "ms") == ["XQ1X said nothing."]


def test_a_candidate_with_a_garbled_placeholder_that_unmask_restores_is_still_a_candidate():
    """The placeholder XQ2X garbled as "XJ2X" (unmask puts the name back): its digit is no number."""
    source = "XQ1X said XQ2X will help 185 people."
    garbled = "XQ1X berkata XJ2X akan membantu 185 orang."
    backend = Scripted()
    backend.respond = lambda text, src, tgt, beam: "XQ1X said nothing." if tgt == "ms" else (
        source if text == garbled else text)
    backend.candidates = lambda texts, src, tgt, **kw: [[(garbled, 9)] for _ in texts]
    assert reranker(backend=backend).translate_sentences([source], "en", "ms") == [garbled]
    # a garbled placeholder still does not replace a number the source has
    backend.candidates = lambda texts, src, tgt, **kw: [[("XQ1X berkata XJ2X akan membantu orang.", 9)]
                                                        for _ in texts]
    assert reranker(backend=backend).translate_sentences([source], "en", "ms") == ["XQ1X said nothing."]


def test_translate_gives_each_sentence_its_score_and_the_cache_replays_it(tmp_path):
    backend = Scripted()
    translator = CachedTranslator(reranker(backend=backend), Cache(tmp_path / "c"))
    # the scripted backend knows whole sentences, not the placeholders name protection puts in them
    plain = dict(protect_names=False, protect_facts=False, cache=None)
    first = nb.translate(SOURCE, to="ms", src="en", translator=translator, **plain)
    assert first.sentences[0].target == GOOD and first.sentences[0].score == 100.0
    assert first.to_dict()["sentences"][0]["score"] == 100.0
    calls = len(backend.calls)
    again = nb.translate(SOURCE, to="ms", src="en", translator=translator, **plain)
    assert len(backend.calls) == calls  # nothing translated
    assert again.sentences[0].score == 100.0 and again.sentences[0].target == GOOD
    # without candidates there is no score
    greedy = nb.translate(SOURCE, to="ms", src="en", translator=SentenceTranslator(Scripted()), **plain)
    assert greedy.sentences[0].score is None and greedy.sentences[0].target == GREEDY


def test_candidates_are_part_of_the_cache_key_but_greedy_keys_are_unchanged(tmp_path):
    store = Cache(tmp_path / "c")
    greedy = CachedTranslator(SentenceTranslator(Scripted()), store)
    assert greedy.translate_sentences([SOURCE], "en", "ms") == [GREEDY]
    assert CachedTranslator(reranker(), store).translate_sentences([SOURCE], "en", "ms") == [GOOD]
    # the greedy key has no 'candidates' field in its decoding (into Malay, it names the Malaysian
    # words' table instead of the malaysian_words option: tests/test_malaysian_words.py)
    from dataclasses import asdict

    from newsbrief.cache import fingerprint
    from newsbrief.translation.cached import STEP
    from newsbrief.translation.variety import rule
    config = {"src": "en", "tgt": "ms", "decoding": asdict(TranslateConfig()), "value": "target+notes"}
    del config["decoding"]["candidates"]
    del config["decoding"]["protect_facts"]  # applied before the translator: not in the key
    config["decoding"]["malaysian_words"] = rule()
    key = fingerprint(STEP, config, "fake", None, SOURCE)
    assert store.get_many(STEP, [key])[key]["target"] == GREEDY


def test_candidates_must_be_a_positive_integer():
    with pytest.raises(nb.NewsbriefError, match="candidates"):
        TranslateConfig(candidates=0)


def test_a_brief_gives_each_sentence_its_translation_score_and_the_desk_marks_a_low_one():
    from newsbrief.judgement import LOW_ROUND_TRIP
    from newsbrief.server.service import _to_check

    options = dict(to="ms", src="en", method="extractive", sentences=1, protect_names=False, protect_facts=False,
                   cache=None)
    brief = nb.brief(SOURCE, translator=reranker(), **options)
    assert brief.sentences[0].text == GOOD and brief.sentences[0].translation_score == 100.0
    assert brief.to_dict()["sentences"][0]["translation_score"] == 100.0
    assert not any("reads back" in r for c in _to_check(brief.faithfulness) for r in c["reasons"])
    # every candidate reads back as something else: a low score, marked for the reader
    backend = Scripted()
    backend.respond = lambda text, src, tgt, beam: "Nothing of the kind." if tgt == "en" else GREEDY
    low = nb.brief(SOURCE, translator=reranker(backend=backend), **options)
    assert low.sentences[0].translation_score < LOW_ROUND_TRIP
    assert any("reads back poorly" in r for c in _to_check(low.faithfulness) for r in c["reasons"])
    # into the article's own language nothing is translated: no score
    assert nb.brief(SOURCE, to="en", method="extractive", cache=None).sentences[0].translation_score is None


def test_a_candidate_that_loses_a_placeholder_or_a_number_is_not_considered():
    backend = Scripted()
    masked = "The police arrested XQ1X people in XQ2X."
    greedy = "Polis menahan XQ1X menteri di XQ2X."
    backend.respond = lambda text, src, tgt, beam: masked if tgt == "en" and "XQ2X" in text else (
        "The police arrested people." if tgt == "en" else greedy)
    # the candidate without XQ2X would read back as well as any: it must not be chosen
    backend.candidates = lambda texts, src, tgt, **kw: [[("Polis menahan XQ1X orang.", 5)] for _ in texts]
    assert reranker(backend=backend).translate_sentences([masked], "en", "ms") == [greedy]


def test_into_malay_a_malaysian_candidate_ranks_before_an_indonesian_one_that_reads_back_better():
    from newsbrief.lid import identify

    source = "Officials said the money was not paid because the office was closed."
    indonesian = "Pejabat mengatakan uang itu tidak dibayarkan karena kantornya sudah tutup."
    malaysian = "Pegawai berkata wang itu tidak dibayar kerana pejabat itu telah ditutup."
    assert identify(indonesian)[0] == "id" and identify(malaysian)[0] == "ms"
    back = {indonesian: source, malaysian: "Officers said the money was not paid as the office was shut."}
    backend = Scripted()
    backend.respond = lambda text, src, tgt, beam: back.get(text, text) if tgt == "en" else indonesian
    backend.candidates = lambda texts, src, tgt, **kw: [[(malaysian, 8)] for _ in texts]
    scores: list = []
    assert reranker(backend=backend).translate_sentences([source], "en", "ms", None, scores) == [malaysian]
    assert scores[0] < round_trip_chrf(source, source)  # chosen although it reads back worse
    # into another language the variety is not asked: the better read-back wins
    assert reranker(backend=backend).translate_sentences([source], "en", "km") == [indonesian]
