"""Translations into Malay come out in Malaysian words (translation/variety.py): a model that writes
Indonesian ("karena", "uang", "pemerintah") is corrected word by word, names are left alone, and
the cache keys of other directions do not change."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tiny_models import FakeBackend  # noqa: E402

from newsbrief.cache import Cache  # noqa: E402
from newsbrief.lid import identify  # noqa: E402
from newsbrief.translation import SentenceTranslator, TranslateConfig  # noqa: E402
from newsbrief.translation.cached import CachedTranslator  # noqa: E402
from newsbrief.translation.variety import malaysian_words, rule  # noqa: E402

INDONESIAN = "Karena uangnya hilang, pemerintah Amerika Serikat membutuhkan informasi tentang kasus-kasus itu."


@pytest.mark.parametrize("text, expected, count", [
    (INDONESIAN, "Kerana wangnya hilang, kerajaan Amerika Syarikat memerlukan maklumat tentang kes-kes itu.", 8),
    ("Dia dibawa ke rumah   sakit pada hari Kamis.", "Dia dibawa ke hospital pada hari Khamis.", 2),
    ("“Bisakah mereka datang?” tanya polis.", "“Bolehkah mereka datang?” tanya polis.", 1),
    ("PERSEN", "PERSEN", 0),  # upper case: an acronym, perhaps
    ("Pemain itu menyertai Tim Rangers.", "Pemain itu menyertai Tim Rangers.", 0),  # a name inside a sentence
    ("Timbalan menteri berkata ia bermasalah.", "Timbalan menteri berkata ia bermasalah.", 0),  # not whole words
    ("Meskipun begitu, setelah itu.", "Meskipun begitu, setelah itu.", 0),  # Malaysian too: not in the table
])
def test_indonesian_words_get_their_malaysian_form(text, expected, count):
    assert malaysian_words(text) == (expected, count)


def test_the_discriminator_reads_the_corrected_sentence_as_malaysian():
    assert identify(INDONESIAN)[0] == "id"
    assert identify(malaysian_words(INDONESIAN)[0])[0] == "ms"


def _indonesian_model(text, src, tgt, beam):
    return "Karena pemerintah membutuhkan uang." if tgt == "ms" else "Because the government needs money."


class WithCandidates(FakeBackend):
    def candidates(self, texts, src, tgt, *, n, **options):
        return [[(self.respond(text, src, tgt, n), 5)] * n for text in texts]


def test_the_translator_corrects_every_output_into_malay_only():
    translator = SentenceTranslator(WithCandidates(respond=_indonesian_model))
    assert translator.translate_sentences(["Because the government needs money."], "en", "ms") == [
        "Kerana kerajaan memerlukan wang."]
    assert translator.nbest(["Because the government needs money."], "en", "ms", 2) == [
        ["Kerana kerajaan memerlukan wang."] * 2]
    assert translator.translate_sentences(["Karena pemerintah membutuhkan uang."], "ms", "en") == [
        "Because the government needs money."]
    as_written = SentenceTranslator(FakeBackend(respond=_indonesian_model), TranslateConfig(malaysian_words=False))
    assert as_written.translate_sentences(["x"], "en", "ms") == ["Karena pemerintah membutuhkan uang."]


class Recording:
    """A stand-in translator that records what the cache asked it to translate."""

    def __init__(self, config: TranslateConfig):
        self.model, self.config, self.backend, self.asked = "m", config, object(), []

    def supports(self, src, tgt):
        return True

    def translate_sentences(self, sentences, src, tgt, notes=None, scores=None):
        self.asked.extend(sentences)
        return list(sentences)


def test_the_option_and_the_table_are_in_the_key_into_malay_only(tmp_path, monkeypatch):
    store = Cache(tmp_path / "c")
    for tgt in ("ms", "km"):
        CachedTranslator(Recording(TranslateConfig()), store).translate_sentences(["A."], "en", tgt)
    off = Recording(TranslateConfig(malaysian_words=False))
    CachedTranslator(off, store).translate_sentences(["A."], "en", "km")
    assert off.asked == []  # into Khmer the option changes nothing, so its key stays
    CachedTranslator(off, store).translate_sentences(["A."], "en", "ms")
    assert off.asked == ["A."]
    monkeypatch.setattr("newsbrief.translation.variety._table_text", lambda: "uang\twang\n")
    rule.cache_clear()
    try:
        edited = Recording(TranslateConfig())
        CachedTranslator(edited, store).translate_sentences(["A."], "en", "ms")
        assert edited.asked == ["A."]  # an edited table: a miss, not the old translation
    finally:
        rule.cache_clear()
