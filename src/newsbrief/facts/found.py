"""A fact found in a sentence: its kind, a key that is the same in every language, and where it is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Found:
    kind: str  # "date", "weekday", "month", "role", "place"
    key: Any  # language-independent: weekday 0-6, month 1-12, (day, month, year), a role or place id
    start: int
    end: int
    text: str  # as written in the sentence
