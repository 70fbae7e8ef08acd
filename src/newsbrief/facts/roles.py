"""Roles and institutions of news (police, court, prosecutor, prime minister, ministry, ...) in
English, Malay and Khmer, from the checked news glossary (data/news_glossary.json: each entry
says how often its forms were seen in Khmer and Malaysian news and in parallel text;
models/recipes/news_glossary/ rebuilds it)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from .found import Found
from .lexicon import Lexicon


@cache
def glossary() -> dict:
    return json.loads((resources.files("newsbrief") / "data" / "news_glossary.json").read_text("utf-8"))


@cache
def lexicon() -> Lexicon:
    return Lexicon("role", glossary()["roles"])


def find(text: str, lang: str) -> list[Found]:
    return lexicon().find(text, lang)


def checked_key(key: str) -> str:
    """The role a check compares: the navy is checked as the army (translators write it so)."""
    return lexicon().entries[key].get("checked_as", key)


def render(found: Found, lang: str) -> str:
    return lexicon().render(found, lang)
