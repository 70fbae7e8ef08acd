"""The desk's languages on the server side: the same catalogs the page loads
(static/i18n/<lang>.json), the language a request asks for (Accept-Language), and the error
messages in it.

An API error keeps its English `error` (what scripts, logs and LibreTranslate clients read)
and its `code`, and carries a `message` for the reader in the request's language: in English
the `error` itself; in Khmer or Malay the catalog's `error.<code>`, with the request's own
numbers (a limit, a wait) in that language's conventions (CLDR, through babel when installed).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

LANGUAGES = ("en", "km", "ms")
DEFAULT = "en"
CATALOGS = resources.files("newsbrief.server") / "static" / "i18n"
_TAG = re.compile(r"^\s*([A-Za-z]{1,8}|\*)(?:-[A-Za-z0-9]{1,8})*\s*$")


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    """key -> text of one language's catalog (the entries' metadata left out)."""
    data = json.loads((CATALOGS / f"{lang}.json").read_text("utf-8"))
    return {key: entry if isinstance(entry, str) else entry["text"]
            for key, entry in data.items() if not key.startswith("_")}


def negotiate(accept_language: str | None) -> str:
    """The desk's language a request prefers: the Accept-Language entry with the highest q
    (ties: the first) whose primary subtag is en, km or ms; English when none is."""
    best, best_q = DEFAULT, 0.0
    for part in (accept_language or "").split(","):
        tag, _, params = part.partition(";")
        if not _TAG.match(tag):
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0  # a weight that is not a number: the entry is left out
        primary = tag.strip().split("-")[0].lower()
        if primary in LANGUAGES and q > best_q:
            best, best_q = primary, q
    return best


def _number(value: Any, lang: str) -> str:
    try:
        from babel.numbers import format_decimal
    except ImportError:  # babel comes with the server extra; without it digits stay as Python writes them
        return f"{value:,}"
    return format_decimal(value, locale=lang)


def _seconds(value: Any, lang: str) -> str:
    try:
        from babel.units import format_unit
    except ImportError:
        return f"{value} s"
    return format_unit(value, "duration-second", length="short", locale=lang)


def error_message(lang: str, code: str, english: str, **params: Any) -> str:
    """The reader's message for an error: the English one as it is, else the catalog's
    error.<code> (numbers as `limit`, waits in seconds as `seconds`)."""
    if lang == DEFAULT or f"error.{code}" not in catalog(lang):
        return english
    values = {k: v for k, v in params.items() if v is not None}
    if "limit" in values:
        values["limit"] = _number(values["limit"], lang)
    if "seconds" in values:
        values["time"] = _seconds(values.pop("seconds"), lang)
    text = catalog(lang)[f"error.{code}"]
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), m.group(0))), text)
