"""LibreTranslate-compatible endpoints, so that its clients and tools use newsbrief unchanged:
POST /translate, POST /detect, GET /languages (https://libretranslate.com/docs).

Requests come as JSON or as a form (application/x-www-form-urlencoded, what most clients
send); the API key, when the server has one, may also come as the `api_key` field.
Confidences are percentages (0-100), as LibreTranslate gives them.
"""

from __future__ import annotations

import json
from typing import Any, Callable
from urllib.parse import parse_qs

from fastapi import FastAPI, Request

from ..errors import ConfigError, InputError
from .service import LANGUAGES, Service


async def _fields(request: Request) -> dict[str, Any]:
    """The request's fields, from JSON or a url-encoded form (q may repeat: a list)."""
    body = await request.body()
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"the request body is not valid UTF-8 (byte offset {exc.start}); send UTF-8") from None
    if kind == "application/json" or (not kind and text.lstrip().startswith("{")):
        try:
            data = json.loads(text) if text.strip() else {}
        except json.JSONDecodeError as exc:
            raise InputError(f"the request body is not valid JSON ({exc.msg} at character {exc.pos}); send a "
                             f'JSON object such as {{"q": "...", "source": "auto", "target": "en"}}') from None
        if not isinstance(data, dict):
            raise InputError('the request body must be a JSON object such as {"q": "...", "target": "en"}')
        return data
    if kind in ("", "application/x-www-form-urlencoded"):
        form = parse_qs(text, keep_blank_values=True)
        return {k: (v if k == "q" and len(v) > 1 else v[0]) for k, v in form.items()}
    raise InputError(f"unsupported Content-Type {kind!r}: send application/json or application/x-www-form-urlencoded")


def _required(fields: dict[str, Any], name: str) -> Any:
    value = fields.get(name)
    if value is None or value == "" or value == []:
        raise InputError(f"invalid request: missing {name} parameter")
    return value


def _lang(code: Any, role: str, auto: bool = False) -> str | None:
    if auto and code == "auto":
        return None
    if not isinstance(code, str) or code not in LANGUAGES:
        raise ConfigError(f"{role} language {code!r} is not supported; newsbrief knows "
                          f"{', '.join(LANGUAGES)}{' (or auto)' if auto else ''}: GET /languages")
    return code


def add_routes(app: FastAPI, service: Service, run: Callable, check_key: Callable) -> None:
    @app.get("/languages", tags=["LibreTranslate"])
    async def languages(request: Request):
        """LibreTranslate: the languages, each with its targets."""
        key = request.query_params.get("api_key")
        if key is None and await request.body():  # libretranslatepy sends its key in a GET's body
            key = (await _fields(request)).get("api_key")
        check_key(request, key)
        return service.languages()

    @app.post("/detect", tags=["LibreTranslate"])
    async def detect(request: Request):
        """LibreTranslate: q (text) -> [{"language", "confidence" (0-100)}]."""
        fields = await _fields(request)
        check_key(request, fields.get("api_key"))
        q = _required(fields, "q")
        texts = q if isinstance(q, list) else [q]

        def work():
            found = [service.detect(t) for t in texts]
            return [{"language": d["lang"], "confidence": round(100 * d["confidence"], 1)} for d in found]
        result = await run(request, work)
        return [[d] for d in result] if isinstance(q, list) else result

    @app.post("/translate", tags=["LibreTranslate"])
    async def translate(request: Request):
        """LibreTranslate: q, source (or auto), target, format=text -> {"translatedText"} (a list for a list q);
        with source=auto also detectedLanguage."""
        fields = await _fields(request)
        check_key(request, fields.get("api_key"))
        q = _required(fields, "q")
        source = _lang(fields.get("source", "auto"), "source", auto=True)
        target = _lang(_required(fields, "target"), "target")
        if fields.get("format", "text") not in ("text", None):
            raise ConfigError("format=html is not supported here; send the text (format=text)")
        texts = q if isinstance(q, list) else [q]
        if not all(isinstance(t, str) for t in texts):
            raise InputError("q must be a string or a list of strings")

        def work():
            out, detected = [], []
            for text in texts:
                src = source
                if src is None:
                    found = service.detect(text)
                    detected.append({"language": found["lang"], "confidence": round(100 * found["confidence"], 1)})
                    src = found["lang"]
                out.append(service.translate(text, to=target, src=src)["text"])
            return out, detected
        out, detected = await run(request, work)
        if isinstance(q, list):
            answer: dict[str, Any] = {"translatedText": out}
            if detected:
                answer["detectedLanguage"] = detected
        else:
            answer = {"translatedText": out[0]}
            if detected:
                answer["detectedLanguage"] = detected[0]
        return answer
