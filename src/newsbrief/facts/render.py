"""The facts of a sentence written in another language: the terms translation protects (a
placeholder for the model, the rendering put back after it), so that weekdays, months, dates,
roles and places are not left to a model that gets them wrong ("Friday" for "Monday")."""

from __future__ import annotations

import re
from typing import Callable, Iterable

from . import calendar, places, roles

KINDS = ("date", "weekday", "month", "role", "place")
_RENDER = {"date": calendar.render, "weekday": calendar.render, "month": calendar.render,
           "role": roles.render, "place": places.render}


_NEXT_WORD = re.compile(r"\s+([A-Z][\w-]*)")


def renderings(sentences: Iterable[str], src: str, tgt: str, kinds: Iterable[str] = KINDS,
               common_word: Callable[[str], bool] = lambda word: False) -> list[tuple[str, str]]:
    """(the fact as the source writes it, its rendering in tgt) for each fact of the sentences;
    a place whose rendering is the same text is left to the name protection. A Malay role that
    heads a title, a capitalised common word after it ("Menteri Pertahanan", "Tentera Laut",
    "Mahkamah Tertinggi"), is left to the model: alone it came out "Minister Protection"."""
    kinds = set(kinds)
    out: dict[str, str] = {}
    for sentence in sentences:
        found = [*calendar.find(sentence, src), *roles.find(sentence, src), *places.find(sentence, src)]
        taken: list[tuple[int, int]] = []
        for fact in sorted(found, key=lambda f: (f.start, -(f.end - f.start))):
            if fact.kind not in kinds or any(fact.start < b and a < fact.end for a, b in taken):
                continue
            if fact.kind == "role" and src == "ms" and (after := _NEXT_WORD.match(sentence, fact.end)) \
                    and common_word(after[1]):
                continue
            taken.append((fact.start, fact.end))
            rendered = _RENDER[fact.kind](fact, tgt)
            if rendered != fact.text:
                out.setdefault(fact.text, rendered)
    return list(out.items())
