"""Random Unicode through segmentation and detection: never a crash, offsets always exact."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsbrief as nb
from newsbrief.errors import InputError

# Every script, plus the characters that break naive splitters.
TRICKY = st.sampled_from(list(
    "។៕៖៛ល.!?…\"'”’»()\n\n \t\r\u200b\u200c\u200d\ufeff\u2060\u0301\u17d2\u17c1\x00\x01\x1b\x7f"
    "Dr. U.S. No. 5 1.5 Sdn. Bhd. ។ល។ ក ខ"))
TEXT = st.lists(st.one_of(st.characters(codec="utf-8"), TRICKY, st.sampled_from([
    "Polis berkata. ", "The police said. ", "ប៉ូលិសបាននិយាយ។ ", "Pemerintah Indonesia. "])),
    max_size=200).map("".join)


def _check(text: str) -> None:
    try:
        article = nb.Article.from_text(text)
    except InputError:
        return  # empty or binary-looking: a clear, expected refusal
    previous_end = 0
    for paragraph in article.paragraphs:
        assert paragraph.start < paragraph.end
        for sentence in paragraph.sentences:
            assert text[sentence.start:sentence.end] == sentence.text
            assert paragraph.start <= sentence.start < sentence.end <= paragraph.end
            assert sentence.start >= previous_end
            previous_end = sentence.end
            assert isinstance(sentence.normalized, str)
    detection = nb.detect(article, per="sentence")
    assert 0.0 <= detection.confidence <= 1.0
    assert len(detection.parts) == len(article.sentences)
    for part in detection.parts:
        assert 0.0 <= part.confidence <= 1.0 and isinstance(part.lang, str) and part.script


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_random_unicode_never_crashes_and_offsets_are_exact(text):
    _check(text)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x1780, max_codepoint=0x17FF) | st.sampled_from(" \u200b\n"),
               min_size=1, max_size=300))
def test_random_khmer(text):
    _check(text)
