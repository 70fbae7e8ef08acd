"""The library's notes as codes and parameters, for a reader in any language.

A brief's notes (the summarizer's, the translator's, the key figures' read-back) and the
translator's reasons for flagging a sentence are English text: written where the work is done and
kept as text in the result cache, so a cached brief has nothing else. Here each known note is
read into {"code", "params"} once, beside the text, so that the page says it from its catalogs
(note.<code>, reason.<code>); an unknown one is {"code": "other"} (the page says a note is there,
the JSON keeps its English). tests/test_server_notes.py runs the real producers against this.
"""

from __future__ import annotations

import re
from typing import Any

# producers: summarization/summary.py, translation/{base,rerank,protect,api}.py
# the sentence of the brief a note concerns, or the key figure (briefs._figure_notes)
_SENTENCE = r"(?:(?:(?:segment of )?sentence (?P<sentence>\d+)|key figure (?P<key_figure>\d+)):\s*)?"
_NOTES = [
    ("extractive_only", r"auto: no abstractive model installed for this language"),
    ("long_document", r"a very long document \((?P<sentences>\d+) sentences\): the summary was drawn from its first "
                      r"(?P<first>\d+)"),
    ("summary_replaced", r"replaced a generated sentence stating (?P<what>.+), not in the source, by source "
                         r"sentence (?P<source>\d+)"),
    ("split", r"sentence (?P<sentence>\d+) \(\d+ tokens\) split into (?P<parts>\d+) parts"),
    ("retried_still", _SENTENCE + r"(?P<reason>.+); retried, still (?P<still>.+)"),
    ("retried", _SENTENCE + r"(?P<reason>.+); retried"),
    ("kept_source", _SENTENCE + r"no translation; kept the source text"),
    ("candidate", _SENTENCE + r"candidate (?P<chosen>\d+) of (?P<count>\d+) reads back best .*"),
    ("dropped", _SENTENCE + r"model dropped (?P<terms>.+); appended"),
    ("numbers_repaired", _SENTENCE + r"numbers repaired: (?P<numbers>.+)"),
    ("broken_removed", _SENTENCE + r"broken characters \(U\+FFFD\) removed"),
]
_NOTES = [(code, re.compile(pattern, re.S)) for code, pattern in _NOTES]
# translation/guards.py suspicious(): why an output looked wrong
_REASONS = [("empty", "empty translation"), ("cut", "cut at the output length limit"), ("repetition", "repetition loop"),
            ("broken", "broken characters"), ("broken", "control characters"), ("script", "not in the target"),
            ("length", "too short"), ("length", "too long"), ("invented_name", "invented name")]
_QUOTED = re.compile(r"""'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)\"""")
_INTS = ("sentence", "key_figure", "sentences", "first", "source", "parts", "chosen", "count")


def reason_code(reason: str) -> str:
    return next((code for code, start in _REASONS if reason.startswith(start)), "other")


def note_code(note: str) -> dict[str, Any]:
    """{"code", "params"} of one note; the sentence it concerns 1-based, as the text says it."""
    for code, pattern in _NOTES:
        match = pattern.fullmatch(note.strip())
        if match:
            params: dict[str, Any] = {k: v for k, v in match.groupdict().items() if v is not None}
            for key in _INTS:
                if key in params:
                    params[key] = int(params[key])
            if "source" in params:  # the summarizer counts the article's sentences from 0
                params["source"] += 1
            for key in ("reason", "still"):
                if key in params:
                    params[key] = reason_code(params[key])
            if "terms" in params:  # repr()s, as the translator wrote them
                params["terms"] = [a or b for a, b in _QUOTED.findall(params["terms"])]
            if "numbers" in params:
                params["numbers"] = [n.strip() for n in params["numbers"].split(",")]
            return {"code": code, "params": params}
    return {"code": "other", "params": {}}


def brief_notes(data: dict[str, Any]) -> list[dict[str, Any]]:
    """note_code() of each of a brief's notes, in order; a key figure's note (briefs._check_figures)
    from the figure it names: what was shown and what its translation read back as."""
    figures = {f"key figure {f['text']!r} shown": f for f in data.get("key_figures", ())
               if (f.get("reader_check") or {}).get("status") == "fallback"}
    out = []
    for note in data.get("notes", ()):
        figure = next((f for prefix, f in figures.items() if note.startswith(prefix)), None)
        if figure is not None:
            out.append({"code": "key_figure", "params": {"figure": figure["text"], "shown": figure["reader_text"],
                                                         "back": figure["reader_check"]["round_trip"]}})
        else:
            out.append(note_code(note))
    return out


def problem_code(problem: dict[str, Any]) -> dict[str, Any]:
    """A flagged sentence's problem, with the code of the translator's flag it reports (judgement.py:
    "translator: <its note>"); the other kinds are structured already."""
    message = problem.get("message") or ""
    if problem.get("kind") == "translation" and message.startswith("translator: "):
        return {**problem, **note_code(message[len("translator: "):])}
    return problem
