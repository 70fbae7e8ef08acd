"""What each endpoint does, in plain Python over newsbrief's API (no web framework here).

The answers are the library's to_dict() fields; brief() adds what the page shows beside
them: the detected language of each paragraph in another language, the article sentences
each brief sentence came from, the sentences to double-check, and the models' warnings.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

from ..errors import ConfigError, InputError, ModelNotFoundError
from .notes import brief_notes, problem_code

LANGUAGES = {"en": "English", "km": "Khmer", "ms": "Malay"}
# a model is named, never given as a path (nothing a client sends may point into the file system)
_MODEL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


class Service:
    """The work behind the endpoints. One per worker process: models and the result cache
    are loaded once (newsbrief's shared ModelCache, the CLI's result cache) and shared by
    every request."""

    def __init__(self, cache: bool = True):
        self.cache = cache
        self._names: frozenset[str] | None = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ models
    def models(self) -> list[dict[str, Any]]:
        from ..models import list_models

        rows = []
        for entry in list_models():
            spec = entry.spec
            rows.append({"name": spec.name, "kind": "translation", "family": spec.family,
                         "languages": list(spec.languages), "directions": list(spec.directions),
                         "installed": entry.installed, "embedded": spec.embedded, "license": spec.license,
                         "approx_size_gb": spec.approx_size_gb, "description": spec.description,
                         "quality_warnings": dict(spec.quality_warnings), "warning": spec.warning})
        return rows

    def defaults(self) -> dict[str, str | None]:
        """The default translation model per direction ("en-ms"), None where there is none
        (km<->ms goes through English: both legs need one)."""
        from ..models import default_model

        def one(src: str, tgt: str) -> str | None:
            try:
                return _short(default_model(src, tgt))
            except ModelNotFoundError:
                return None

        direct = {(a, b): one(a, b) for a in LANGUAGES for b in LANGUAGES if a != b and "en" in (a, b)}
        out = {f"{a}-{b}": m for (a, b), m in direct.items()}
        for a, b in (("km", "ms"), ("ms", "km")):
            first, second = direct[(a, "en")], direct[("en", b)]
            out[f"{a}-{b}"] = (first if first == second else f"{first} + {second}") if first and second else None
        return out

    def check_model(self, name: str | None) -> str | None:
        """A model name a client sent: an installed model's name, never a path."""
        if name is None or name == "":
            return None
        if not isinstance(name, str) or not _MODEL_NAME.fullmatch(name):
            raise ConfigError("model must be the name of an installed model (GET /api/v1/models lists them), "
                              "not a path")
        with self._lock:
            if self._names is None or name not in self._names:  # look again: one may have been installed
                self._names = frozenset(row["name"] for row in self.models() if row["installed"])
            known = self._names
        if name not in known:
            raise ConfigError(f"model {name!r} is not installed here; GET /api/v1/models lists the installed "
                              f"ones ({', '.join(sorted(known)) or 'none'})")
        return name

    # ------------------------------------------------------------------ steps
    # Every step's result is in the result cache (detections too), so that a request asked
    # before is answered by lookups alone: the server tries that first (jobs.JobPool, cache_only)
    # and queues only the requests that need the work.
    def detect(self, text: str, per: str = "document") -> dict[str, Any]:
        return self._detection(_article(text), per).to_dict()

    def _detection(self, article, per: str):
        """detect(article, per=per), kept in the result cache (step "detect", a key of its own)."""
        from importlib import resources

        from ..cache import fingerprint, model_files_hash, open_cache
        from ..detection import SAME_VARIETY, Detection, detect

        if per not in ("document", "paragraph", "sentence"):
            return detect(article, per=per)  # its error
        store = open_cache(self.cache)
        key = fingerprint("detect", {"per": per, "same_variety": SAME_VARIETY, "value": "Detection"}, "newsbrief.lid",
                          model_files_hash(Path(str(resources.files("newsbrief.lid") / "data"))), article.text)
        found = store.get("detect", key)
        if found:
            return Detection.from_dict(found)
        detection = detect(article, per=per)
        store.put("detect", key, detection.to_dict(digits=None))
        return detection

    def summarize(self, text: str, sentences: int | None = 3, max_words: int | None = None,
                  method: str = "extractive", model: str | None = None, lang: str | None = None) -> dict[str, Any]:
        from ..detection import Detect
        from ..summarization import summarize

        article = _article(text)
        if lang is None:  # what summarize() would detect, from the result cache
            lang = Detect(cache=self.cache).one(article).lang
        return summarize(article, sentences=sentences, max_words=max_words, method=method,
                         model=self.check_model(model), lang=lang, cache=self.cache).to_dict()

    def translate(self, text: str, to: str, src: str | None = None, model: str | None = None) -> dict[str, Any]:
        from ..translation import translate

        model = self.check_model(model)
        article = _article(text)
        if src is None:  # what translate() would detect, from the result cache (it names an unknown one)
            found = self._detection(article, "document").lang
            src = found if found in LANGUAGES else None
        result = translate(article, to=to, src=src, model=model, cache=self.cache)
        return {**result.to_dict(), "notes": list(result.notes),
                "warnings": [f"{name} ({a}->{b}): {text}"
                             for name, a, b, text in _quality_warnings(result.model, result.source_lang, to)]}

    def brief(self, text: str, to: str | None = None, src: str | None = None, sentences: int | None = 3,
              max_words: int | None = None, method: str = "auto", model: str | None = None,
              translation_model: str | None = None, id: str | None = None) -> dict[str, Any]:
        from ..briefs import brief

        article = _article(text, id)
        model = self.check_model(model)
        translation_model = self.check_model(translation_model)
        detection = self._detection(article, "paragraph")
        if src is None and detection.lang in LANGUAGES:  # detected once, here, for the brief too
            src = detection.lang
        result = brief(article, to=to, src=src, sentences=sentences, max_words=max_words, method=method,
                       model=model, translation_model=translation_model, cache=self.cache)
        data = result.to_dict()
        if id is not None:
            data["id"] = id
        used = sorted({i for s in result.sentences for i in s.source_sentences})
        others = [{"paragraph": i, "lang": p["lang"], "confidence": p["confidence"],
                   "text": _preview(article.text[p["start"]:p["end"]])}
                  for i, p in enumerate(detection.to_dict().get("parts", []))
                  if p["lang"] not in (detection.lang, "und")]
        data["detection"] = {"lang": detection.lang, "confidence": round(detection.confidence, 4),
                             "script": detection.script, "other_paragraphs": others}
        data["article_sentences"] = [{"index": i, "text": article.sentences[i].text} for i in used]
        data["check_sentences"] = _to_check(data["faithfulness"])
        data["note_codes"] = brief_notes(data)  # the notes, for a reader in any language (notes.py)
        warnings = _quality_warnings(result.models.get("translate"), result.source_lang, result.target_lang)
        data["warnings"] = [f"{name} ({a}->{b}): {text}" for name, a, b, text in warnings]
        data["warning_models"] = [{"model": name, "source": a, "target": b} for name, a, b, _ in warnings]
        return data

    def languages(self) -> list[dict[str, Any]]:
        """LibreTranslate's /languages: every language, the others as targets (km<->ms pivots)."""
        return [{"code": code, "name": name, "targets": [c for c in LANGUAGES if c != code]}
                for code, name in LANGUAGES.items()]


def _article(text: Any, id: str | None = None):
    from ..article import Article

    if not isinstance(text, str):
        raise InputError("text must be a string holding the article")
    return Article.from_text(text, id=id)


def _preview(text: str, width: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _short(name: str) -> str:
    return name.rstrip("/").rsplit("/", 1)[-1]


def _to_check(faithfulness: dict[str, Any]) -> list[dict[str, Any]]:
    """Brief sentences to double-check, with why: the judgement's flagged sentences
    (newsbrief.judgement), source beside each."""
    return [{"sentence": s["sentence"], "source": s["source"], "text": s["text"],
             "problems": [problem_code(p) for p in s["problems"]], "reasons": [p["message"] for p in s["problems"]]}
            for s in faithfulness["sentences"] if s["flagged"]]


def _quality_warnings(model: str | None, src: str, tgt: str) -> list[tuple[str, str, str, str]]:
    """The registry's measured limits of the translation model in the directions it ran: (model,
    source, target, the limit)."""
    if not model or model == "identity" or src == tgt:
        return []
    from ..models import load_registry

    registry = load_registry()
    legs = [(src, tgt)] if "en" in (src, tgt) else [(src, "en"), ("en", tgt)]
    out = []
    for name in {n.strip() for n in model.split("+")}:
        spec = registry.get(name) or registry.get(_short(name).split("-ct2-")[0])
        if spec is None:
            continue
        for a, b in legs:
            text = spec.quality_warning(a, b)
            if text:
                out.append((spec.name, a, b, text))
    return sorted(set(out))
