"""The library's notes read into codes and parameters (server/notes.py), on notes its real producers
wrote (the translator's guards and repairs, the summarizer, the key figures' read-back): the page
says each from its catalogs, in the reader's language; a note it does not know is "other"."""

from __future__ import annotations

from tiny_models import FakeBackend

import newsbrief as nb
from newsbrief.server.notes import brief_notes, note_code, problem_code
from newsbrief.translation import SentenceTranslator

SENTENCE = "Police in Cambodia arrested 157 people on Monday, officials said."


def notes_of(respond, text=SENTENCE, keep=(), **backend):
    translator = SentenceTranslator(FakeBackend(respond=respond, **backend))
    return nb.translate(text, to="ms", src="en", translator=translator, keep=keep, cache=None).notes


def test_what_the_translator_repaired_is_read_with_what_it_names():
    # a model that writes one stock sentence: the names, the weekday and the number it dropped are put back
    notes = notes_of(lambda text, src, tgt, beam: "Polis berkata.", keep=["O'Neil"],
                     text="Police in Cambodia arrested 157 people on Monday, O'Neil said.")
    found = [note_code(n) for n in notes]
    dropped = next(f for f in found if f["code"] == "dropped")
    assert dropped["params"]["sentence"] == 1 and {"Cambodia", "O'Neil"} <= set(dropped["params"]["terms"])
    assert {"code": "numbers_repaired", "params": {"sentence": 1, "numbers": ["157"]}} in found


def test_the_translators_retries_and_splits_are_read():
    assert [note_code(n) for n in notes_of(lambda text, src, tgt, beam: "")] == [
        {"code": "retried_still", "params": {"sentence": 1, "reason": "empty", "still": "empty"}},
        {"code": "kept_source", "params": {"sentence": 1}}]
    looped = [note_code(n) for n in notes_of(lambda text, src, tgt, beam: "x " * 200)]
    assert looped[0] == {"code": "retried_still", "params": {"sentence": 1, "reason": "repetition", "still": "repetition"}}
    split = [note_code(n) for n in notes_of(lambda text, src, tgt, beam: text, max_input_tokens=8)]
    assert split[0]["code"] == "split" and split[0]["params"]["parts"] > 1


def test_the_summarizers_note_and_an_unknown_one():
    summary = nb.summarize("Police arrested 12 people. They were taken to court. Officials said more would follow.")
    assert [note_code(n)["code"] for n in summary.notes] == ["extractive_only"]
    assert note_code("a note no producer writes") == {"code": "other", "params": {}}


def test_a_briefs_flags_and_key_figure_notes_are_coded():
    from newsbrief.server.service import _to_check

    class Stock:  # into Malay a stock sentence, back into English another: every check fails
        model = "stock"

        def supports(self, src, tgt):
            return src != tgt

        def translate_sentences(self, sentences, src, tgt, notes=None, scores=None):
            return ["Polis berkata." if tgt == "ms" else "Nothing of the kind happened." for _ in sentences]

    article = ("Police in Cambodia arrested 157 people in raids on Monday, officials said. "
               "They also rescued 495 people from the compounds, the governor told reporters.")
    data = nb.brief(article, to="ms", src="en", method="extractive", translator=Stock(), cache=None).to_dict()
    coded = brief_notes(data)
    assert len(coded) == len(data["notes"]) and all(n["code"] != "other" for n in coded), list(zip(data["notes"], coded))
    figures = [n["params"] for n in coded if n["code"] == "key_figure"]
    shown = [f for f in data["key_figures"] if f["reader_check"] and f["reader_check"]["status"] == "fallback"]
    assert figures and [f["figure"] for f in figures] == [f["text"] for f in shown]
    assert all(f["shown"].isdigit() for f in figures)  # its number alone, not the article's words
    problems = [p for c in _to_check(data["faithfulness"]) for p in c["problems"] if p["kind"] == "translation"]
    assert problems and all(p["code"] in ("dropped", "numbers_repaired") for p in problems), problems
    assert problem_code({"kind": "place", "source": "Bavet", "translation": None, "message": "x"}) == \
        {"kind": "place", "source": "Bavet", "translation": None, "message": "x"}


def test_a_note_on_a_key_figures_translation_is_coded_with_the_figure():
    """A brief's translator notes name a key figure's translation "key figure N" (briefs._figure_notes):
    read with its code and the figure's place, as a sentence's note is."""
    from newsbrief.briefs import _figure_notes

    notes = notes_of(lambda text, src, tgt, beam: "Polis berkata.",
                     text="Police arrested 157 people. 495 people rescued")
    named = [note_code(n) for n in _figure_notes(notes, 1)]
    assert {"code": "numbers_repaired", "params": {"key_figure": 1, "numbers": ["495"]}} in named, named
    assert {"code": "numbers_repaired", "params": {"sentence": 1, "numbers": ["157"]}} in named, named
