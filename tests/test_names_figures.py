"""Names survive translation (one rendering per article, invented names retried and flagged) and key
figures keep what they count through the reader's language (issue #21, items 2 and 4).

Fake backends stand in for a model that garbles names and counted nouns, so each check can fail."""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tiny_models import FakeBackend  # noqa: E402

import newsbrief as nb  # noqa: E402
from newsbrief.translation import SentenceTranslator, guards, names, translate  # noqa: E402

ARTICLE = ("Prime Minister Hun Manet met Malaysian Prime Minister Anwar Ibrahim in Kuala Lumpur on Monday. "
           "Hun Manet said Cambodia will share information with the Ministry of Interior. "
           "The Cambodian Journalists Alliance Association welcomed the talks, Hun Manet's office said.")


def test_names_are_found_without_their_titles():
    found = [name for _, _, name in names.find(ARTICLE.split(". ")[0], "en")]
    assert found == ["Hun Manet", "Malaysian", "Anwar Ibrahim", "Kuala Lumpur"]  # no "Prime Minister", no "Monday"
    assert [n for _, _, n in names.find("Hun Manet said Cambodia will share information.", "en")] == \
        ["Hun Manet", "Cambodia"]  # a name opening the sentence is still a name
    assert [n for _, _, n in names.find("The Ministry of Interior said Hun Manet's office agreed.", "en")] == \
        ["Hun Manet"]  # capitalised common words and the possessive are not part of a name
    assert names.find("Cambodia And Malaysia Reaffirm Commitment To Fight Scams", "en") == []  # a headline
    assert names.find("Eleven Malaysians were sent back.", "en") == []  # a plural demonym counts people
    assert [n for _, _, n in names.find("Perdana Menteri Anwar Ibrahim bertemu Hun Manet di Kemboja.", "ms")] == \
        ["Anwar Ibrahim", "Hun Manet", "Kemboja"]


def test_each_name_has_one_rendering_per_language():
    assert names.render("Hun Manet", "en", "ms") == "Hun Manet"  # copied as written
    assert names.render("Cambodia", "en", "ms") == "Kemboja"  # the CLDR name
    assert names.render("Malaysian", "en", "ms") == "Malaysia"  # "Perdana Menteri Malaysia"
    assert names.render("Cambodia", "en", "km") == "កម្ពុជា"
    assert names.render("Hun Manet", "en", "km") == "Hun Manet"  # no trusted Khmer form: the Latin one
    assert names.render("Kemboja", "ms", "en") == "Cambodia"


def _garbling(variants):
    """A fake model that writes each name a different way in every sentence it translates
    (as the embedded model wrote Hun Manet three ways), into Khmer or Malay."""
    calls = {"n": 0}

    def respond(text, src, tgt, beam):
        calls["n"] += 1
        out = text
        for name, spellings in variants.items():
            out = out.replace(name, spellings[calls["n"] % len(spellings)])
        return out if tgt != "km" else "ខ្មែរ " + out
    return respond


def test_a_name_is_written_one_way_in_every_sentence():
    variants = {"Hun Manet": ["ហ៊ុន ម៉ាណែត", "ហ្គាណាម៉ាន់តេ", "Hunmanat"], "Cambodia": ["Kambodia", "Kamboja"]}
    for to, manet, cambodia in (("km", "Hun Manet", "កម្ពុជា"), ("ms", "Hun Manet", "Kemboja")):
        translator = SentenceTranslator(FakeBackend(respond=_garbling(variants)))
        result = translate(ARTICLE, to=to, src="en", translator=translator, cache=None)
        assert [manet in s.target for s in result.sentences] == [True, True, True]
        assert cambodia in result.sentences[1].target
        for wrong in ("ហ្គាណាម៉ាន់តេ", "Hunmanat", "Kambodia", "Kamboja"):
            assert wrong not in result.text
        # without the protection the fake model's three spellings come through: the check can fail
        unprotected = translate(ARTICLE, to=to, src="en", cache=None, protect_names=False,
                                translator=SentenceTranslator(FakeBackend(respond=_garbling(variants))))
        assert not all("Hun Manet" in s.target for s in unprotected.sentences)


def test_the_users_glossary_wins_over_the_name_table():
    translator = SentenceTranslator(FakeBackend(respond=lambda text, src, tgt, beam: text))
    result = translate("Officials met in Cambodia on Monday.", to="ms", src="en", translator=translator,
                       glossary={"Cambodia": "Kampuchea"}, cache=None)
    assert "Kampuchea" in result.text and "Kemboja" not in result.text


def test_an_invented_name_is_suspicious_and_retried():
    assert guards.suspicious("Hun Manet met Anwar Ibrahim.", "Hun Manet bertemu Watamu.", src="en", tgt="ms") \
        == "invented name: Watamu"
    assert guards.suspicious("Hun Manet met Anwar Ibrahim.", "Hun Manet bertemu Anwar Ibrahim.",
                             src="en", tgt="ms") is None
    # translated titles and CLDR forms of the source's names are not invented
    assert guards.suspicious("The Prime Minister of Cambodia spoke.", "Perdana Menteri Kemboja berucap.",
                             src="en", tgt="ms") is None
    assert guards.suspicious("Hun Manet met Anwar.", "Hun Manet bertemu Watamu.", tgt="ms") is None  # no src

    def inventive(text, src, tgt, beam):
        return text.replace("met", "met Watamu and") if beam == 1 else text.replace("met", "bertemu")

    result = translate("Prime Minister Hun Manet met officials in Kuala Lumpur.", to="ms", src="en",
                       translator=SentenceTranslator(FakeBackend(respond=inventive)), cache=None)
    assert "Watamu" not in result.text and "Hun Manet" in result.text
    assert any("invented name: Watamu; retried" in note for note in result.notes)


def test_invented_names_in_latin_inside_khmer_and_from_malay():
    assert names.invented("Police arrested 185 people.", "ប៉ូលិស Kaimana ចាប់ ១៨៥ នាក់", "en", "km") == ["Kaimana"]
    assert names.invented("Hun Manet spoke.", "Hun Manet បាននិយាយ", "en", "km") == []
    assert names.invented("Kemboja akan berkongsi maklumat.", "Cambodia will share information.", "ms", "en") == []
    assert names.invented("Kemboja akan berkongsi maklumat.", "Cambodia will share it with Phnom Penh.",
                          "ms", "en") == ["Phnom", "Penh"]
    assert names.invented("The churches were full.", "Gereja-gereja itu penuh.", "en", "ms") == []  # reduplication
    # a Khmer source is checked too (issue #34): its romanization has no Watamu; ភ្នំពេញ reads "Phnom Penh"
    assert names.invented("ប៉ូលិសបានចាប់ ១៨៥ នាក់។", "Police arrested 185 people in Watamu.", "km", "en") == ["Watamu"]
    assert names.invented("ប៉ូលិសបានចាប់ ១៨៥ នាក់ នៅភ្នំពេញ។", "Police arrested 185 people in Phnom Penh.",
                          "km", "en") == []


def _malay_fake(wrong: dict[str, str]):
    """en->ms and ms->en word by word; `wrong` lets it mistranslate whole figure texts."""
    en_ms = {"people": "orang", "arrested": "ditangkap", "rescued": "diselamatkan", "police": "polis",
             "said": "berkata", "they": "mereka", "had": "telah", "and": "dan", "in": "di"}
    ms_en = {v: k for k, v in en_ms.items()} | {"perdana": "prime", "menteri": "ministers", "ditawan": "captured"}

    def respond(text, src, tgt, beam):
        if text in wrong:
            return wrong[text]
        table = en_ms if tgt == "ms" else ms_en
        return " ".join(table.get(w.lower(), w) for w in text.split())
    return respond


def test_a_key_figure_that_changes_what_it_counts_falls_back_to_the_article(tmp_path):
    text = ("Police in Cambodia said they had arrested 185 people in the raids on the compounds last week. "
            "They also rescued 495 people from the compounds, officials of the province told reporters.")
    translator = SentenceTranslator(FakeBackend(respond=_malay_fake({"185 people arrested":
                                                                     "185 perdana menteri ditawan"})))
    brief = nb.brief(text, to="ms", src="en", method="extractive", sentences=2, translator=translator, cache=None)
    figures = {f["text"]: f for f in brief.to_dict()["key_figures"]}
    arrested, rescued = figures["185 people arrested"], figures["495 people rescued"]
    assert arrested["reader_text"] == "185"  # its number alone: not English words to a Malay reader
    assert arrested["reader_check"]["status"] == "fallback"
    # "perdana menteri" is a role: put back as the glossary writes it, not as the fake would
    assert arrested["reader_check"]["round_trip"] == "185 prime minister captured"
    assert "does not count 'people'" in arrested["reader_check"]["note"]
    assert any("185 people arrested" in note and "read back" in note for note in brief.notes)
    assert rescued["reader_text"] == "495 orang diselamatkan"  # kept in the reader's language
    assert rescued["reader_check"] == {"status": "kept", "round_trip": "495 people rescued", "note": None}


def test_a_changed_number_or_a_lost_action_fails_the_round_trip():
    from newsbrief.facts import count_changed, key_figures

    figure = next(f for f in key_figures(["Police arrested 185 people on Monday."], lang="en") if f.kind == "count")
    assert (figure.noun, figure.action) == ("people", "arrested")
    assert count_changed(figure, "185 persons were detained", "en") is None  # the same count, other words
    assert count_changed(figure, "arrested 185 people", "en") is None
    assert count_changed(figure, "185 were arrested", "en") is None  # Khmer's classifier នាក់ counted the people
    assert "does not count" in count_changed(figure, "185 were injured", "en")
    assert "came back" in count_changed(figure, "186 people arrested", "en")
    assert "lost 'arrested'" in count_changed(figure, "185 people", "en")
    assert "does not count" in count_changed(figure, "185 prime ministers captured", "en")
    nationals = next(f for f in key_figures(["They sent 11 Malaysians back home."], lang="en") if f.kind == "count")
    assert "does not count 'Malaysians'" in count_changed(nationals, "11 people were sent back", "en")
    trafficking = next(f for f in key_figures(["Of that, 131 were sexual crimes and 26 were human trafficking."],
                                              lang="en") if f.value == 26)
    assert (trafficking.noun, trafficking.action) == ("human trafficking", "")
    assert "does not count" in count_changed(trafficking, "26 human caught", "en")  # the head noun must come back
    assert count_changed(trafficking, "26 cases of human trafficking", "en") is None


def test_faithfulness_across_languages_checks_names_not_titles():
    text = ("Prime Minister Hun Manet met Malaysian Prime Minister Anwar Ibrahim in Kuala Lumpur on Monday, "
            "officials said. The two leaders agreed to fight online scams together across the region.")

    def titles(text, src, tgt, beam):  # a faithful Malay rendering: titles translated, placeholders kept
        return text.replace("Prime Minister", "Perdana Menteri").replace(" met ", " bertemu ")

    def inventive(text, src, tgt, beam):
        return titles(text, src, tgt, beam) + " Kura Watamu"

    good = nb.brief(text, to="ms", src="en", method="extractive", sentences=1, cache=None,
                    translator=SentenceTranslator(FakeBackend(respond=titles)))
    assert good.faithfulness["faithful"] and "weekdays" in good.faithfulness["checked"], good.faithfulness
    assert "Malaysia Perdana Menteri Anwar Ibrahim" in good.summary  # "Malaysian" as CLDR's "Malaysia"
    bad = nb.brief(text, to="ms", src="en", method="extractive", sentences=1, cache=None,
                   translator=SentenceTranslator(FakeBackend(respond=inventive)))
    assert not bad.faithfulness["faithful"]
    assert "Watamu" in bad.faithfulness["unsupported"][0]["names"]
    assert re.search(r"invented name: .*Watamu", " ".join(bad.notes))


def test_placeholders_the_model_garbles_still_put_the_name_back():
    from newsbrief.translation.protect import Protector

    protector = Protector(glossary=[("Hun Manet", "Hun Manet"), ("Anwar Ibrahim", "Anwar Ibrahim"),
                                    ("Kuala Lumpur", "Kuala Lumpur")])
    masked = protector.mask("Hun Manet met Anwar Ibrahim in Kuala Lumpur.")
    assert masked.text == "XQ1X met XQ2X in XQ3X."
    notes: list[str] = []
    # forms the embedded model wrote on NTREX-128: a P inserted, the last X lost or turned into Y
    assert protector.unmask("XQP1X bertemu XQ2Y di XQ3.", masked, notes) == \
        "Hun Manet bertemu Anwar Ibrahim di Kuala Lumpur." and notes == []
    # and on dev news: a letter inserted after the first X
    assert protector.unmask("XSQ1X bertemu XQ2X di XQ3X.", masked, notes) == \
        "Hun Manet bertemu Anwar Ibrahim di Kuala Lumpur." and notes == []
    # and in the seed article's Malay brief: another letter for the Q (then only with the closing X)
    assert protector.unmask("XQ1X bertemu XJ2X di XJ3X.", masked, notes) == \
        "Hun Manet bertemu Anwar Ibrahim di Kuala Lumpur." and notes == []
    assert protector.unmask("XQ1X bertemu XQ2X di XQ3X dengan Xbox2X dan X5.", masked, notes) == \
        "Hun Manet bertemu Anwar Ibrahim di Kuala Lumpur dengan Xbox2X dan X5."
    assert protector.unmask("AXQ1X bertemu XQ2X di XQ3X.", masked, notes).endswith("Hun Manet.")  # not a placeholder


def test_into_english_a_capitalised_common_word_is_no_invented_name_but_a_person_is():
    """From Malay into English: a plural opening the sentence ("Protesters"), a demonym or an acronym
    is no name the translation invented (they were most of the check's flags on FLORES dev's human
    translations); an invented person still is."""
    from newsbrief.translation import names

    source = "Penunjuk perasaan di Yunani berharap untuk mengumpul petisyen untuk PBB."
    assert names.invented(source, "Protesters in Greece hope to collect a petition for the UN.", "ms", "en") == []
    assert names.invented(source, "Protesters in Greece hope to collect a petition, said Wang Chengyun.", "ms",
                          "en") == ["Wang", "Chengyun"]


def test_into_malay_a_capitalised_malay_word_is_no_invented_name_but_a_person_is():
    """From English into Malay: a common Malay word opening a phrase ("Sehingga kini", "Air
    Terjun", "Kanak-kanak"), an acronym Malay makes its own ("KDNK" for GDP) are no invented names
    (most of the check's flags on FLORES dev's human translations en->ms: 76 -> 26 of 997); a person
    the source does not name still is."""
    from newsbrief.translation import names

    source = "Until now, the Falls and the Boy King have been good for China's GDP."
    good = "Sehingga kini, Air Terjun dan Raja Kanak-kanak telah baik untuk KDNK China."
    assert names.invented(source, good, "en", "ms") == []
    # ("wang", money, is a Malay word: the name is caught by its other word)
    assert names.invented(source, good[:-1] + ", kata Wang Chengyun.", "en", "ms") == ["Chengyun"]
