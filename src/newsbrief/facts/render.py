"""The facts of a sentence written in another language: the terms translation protects (a
placeholder for the model, the rendering put back after it), so that weekdays, months, dates,
roles and places are not left to a model that gets them wrong ("Friday" for "Monday")."""

from __future__ import annotations

from typing import Iterable

from . import calendar, places, roles

KINDS = ("date", "weekday", "month", "role", "place")
_RENDER = {"date": calendar.render, "weekday": calendar.render, "month": calendar.render,
           "role": roles.render, "place": places.render}


def renderings(sentences: Iterable[str], src: str, tgt: str, kinds: Iterable[str] = KINDS) -> list[tuple[str, str]]:
    """(the fact as the source writes it, its rendering in tgt) for each fact of the sentences;
    a place whose rendering is the same text is left to the name protection."""
    kinds = set(kinds)
    out: dict[str, str] = {}
    for sentence in sentences:
        found = [*calendar.find(sentence, src), *roles.find(sentence, src), *places.find(sentence, src)]
        taken: list[tuple[int, int]] = []
        for fact in sorted(found, key=lambda f: (f.start, -(f.end - f.start))):
            if fact.kind not in kinds or any(fact.start < b and a < fact.end for a, b in taken):
                continue
            taken.append((fact.start, fact.end))
            rendered = _RENDER[fact.kind](fact, tgt)
            if rendered != fact.text:
                out.setdefault(fact.text, rendered)
    return list(out.items())
