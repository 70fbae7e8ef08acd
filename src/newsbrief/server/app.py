"""The web app: routes, limits, errors as JSON. A thin layer over newsbrief.server.service.

    uvicorn newsbrief.server.app:create_app --factory     # or: newsbrief serve

/             the page (static/: HTML, CSS, JS; no CDN, works offline)
/api/v1/...   brief, brief/file, translate, detect, summarize, models, health (JSON)
/translate, /detect, /languages   LibreTranslate-compatible (see libretranslate.py)
/docs         the API's OpenAPI page (Swagger UI served from the fastapi-offline package)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any, Literal, Optional

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from .._version import __version__
from ..errors import (
    BinaryInputError,
    ConfigError,
    EmptyInputError,
    EncodingError,
    InputError,
    MissingDependencyError,
    ModelNotFoundError,
    NewsbriefError,
    UnsupportedLanguageError,
)
from .config import ServerConfig
from .i18n import error_message, negotiate
from .jobs import ClientGone, JobPool, Overloaded, TimedOut
from .service import LANGUAGES, Service

log = logging.getLogger("newsbrief.server")

STATIC = resources.files("newsbrief.server") / "static"
# The page's policy: its own scripts and styles only, no inline script, nothing from elsewhere.
# Article text is shown with textContent, never parsed as HTML; this is the second fence.
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
            "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


# ---------------------------------------------------------------------------------- requests
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is an error, not ignored


Method = Literal["auto", "extractive", "abstractive"]


class BriefRequest(_Strict):
    text: str = Field(description="the article (plain text); HTML pages go to /api/v1/brief/file")
    to: Optional[str] = Field(None, description="the reader's language: en, km or ms (default: the article's)")
    src: Optional[str] = Field(None, description="the article's language (default: detected)")
    sentences: Optional[int] = Field(3, ge=1, le=20)
    max_words: Optional[int] = Field(None, ge=5, le=2000)
    method: Method = "auto"
    model: Optional[str] = Field(None, description="summarization model name (GET /api/v1/models)")
    translation_model: Optional[str] = Field(None, description="translation model name (GET /api/v1/models)")
    id: Optional[str] = Field(None, max_length=300, description="a label echoed back (e.g. a file name)")


class TranslateRequest(_Strict):
    text: str
    to: str = Field(description="en, km or ms")
    src: Optional[str] = Field(None, description="default: detected")
    model: Optional[str] = Field(None, description="translation model name (GET /api/v1/models)")


class DetectRequest(_Strict):
    text: str
    per: Literal["document", "paragraph", "sentence"] = "document"


class SummarizeRequest(_Strict):
    text: str
    sentences: Optional[int] = Field(3, ge=1, le=20)
    max_words: Optional[int] = Field(None, ge=5, le=2000)
    method: Method = "auto"
    model: Optional[str] = None
    lang: Optional[str] = Field(None, description="the article's language (default: detected)")


# ---------------------------------------------------------------------------------- errors
class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None,
                   lang: str = "en", **params) -> JSONResponse:
    """Every failure: {"error": what went wrong and what to do, "code": a stable word, "message":
    the same for a reader, in the request's language (lang: i18n.negotiate(Accept-Language);
    params fill the catalog's placeholders)}. `error` (English) is also what LibreTranslate clients read."""
    body = {"error": message, "code": code, "message": error_message(lang, code, message, **params)}
    return JSONResponse(body, status_code=status, headers={**(headers or {}), "Content-Language": lang})


def _lang(request: Request) -> str:
    return negotiate(request.headers.get("accept-language"))


_NEWSBRIEF_ERRORS: list[tuple[type, int, str]] = [
    (EmptyInputError, 400, "empty_input"), (BinaryInputError, 400, "binary_input"),
    (EncodingError, 400, "invalid_encoding"), (InputError, 400, "invalid_input"),
    (UnsupportedLanguageError, 400, "unsupported_language"), (ConfigError, 400, "invalid_option"),
    (ModelNotFoundError, 422, "no_model"), (MissingDependencyError, 501, "missing_package"),
    (Overloaded, 429, "busy"), (TimedOut, 503, "timeout"), (NewsbriefError, 400, "bad_request"),
]


def _newsbrief_error(exc: NewsbriefError, pool: JobPool, lang: str = "en") -> JSONResponse:
    for kind, status, code in _NEWSBRIEF_ERRORS:
        if isinstance(exc, kind):
            message = str(exc)
            if code == "no_model":
                message += (" In the API: name a model with translation_model (brief) or model (translate); "
                            "GET /api/v1/models lists them.")
            wait = pool.retry_after() if status in (429, 503) else None
            headers = {"Retry-After": str(wait)} if wait is not None else None
            return error_response(status, code, message, headers, lang, seconds=wait)
    raise AssertionError("unreachable: NewsbriefError is the last entry")


def _validation_message(exc: RequestValidationError) -> tuple[int, str, str, list[str]]:
    """(status, code, message, the fields at fault)"""
    parts, fields = [], []
    for err in exc.errors():
        if err.get("type") == "json_invalid":
            detail = (err.get("ctx") or {}).get("error", "")
            return 400, "invalid_json", (f"the request body is not valid JSON ({detail} at character "
                                         f"{err['loc'][-1]}); send a JSON object such as "
                                         f'{{"text": "...", "to": "ms"}} with Content-Type: application/json'), []
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        fields.append(where)
        if err.get("type") == "extra_forbidden":
            parts.append(f"unknown field {where!r}")
        elif err.get("type") == "missing":
            parts.append(f"field {where!r} is required")
        else:
            parts.append(f"{where}: {err.get('msg')}")
    return 422, "invalid_request", "; ".join(parts) + ". See /docs for the fields each endpoint takes.", fields


# ---------------------------------------------------------------------------------- middleware
class BodyLimit:
    """413 for a request body over the limit, whether it says its length or streams it; the
    body read here (bounded) is handed on to the app unchanged."""

    def __init__(self, app, max_body: int):
        self.app, self.max_body = app, max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        lang = negotiate(dict(scope["headers"]).get(b"accept-language", b"").decode("latin-1"))
        too_big = error_response(413, "too_large", f"the request body is over this server's limit of "
                                 f"{self.max_body:,} bytes; send a shorter text or one file at a time",
                                 lang=lang, limit=self.max_body)
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            return await too_big(scope, receive, send)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_body:
                return await too_big(scope, receive, send)
            if not message.get("more_body"):
                break
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()  # then: the client's disconnect, when it comes

        return await self.app(scope, replay, send)


class SecurityHeaders:
    """CSP and friends on every response (the docs page gets its own policy)."""

    def __init__(self, app, docs_csp: str):
        self.app, self.docs_csp = app, docs_csp

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        csp = self.docs_csp if scope["path"] == "/docs" else PAGE_CSP

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in (b"content-security-policy", b"x-content-type-options")]
                headers += [(b"content-security-policy", csp.encode()), (b"x-content-type-options", b"nosniff"),
                            (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY")]
                if scope["path"].startswith(("/api/", "/translate", "/detect", "/languages")):
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        return await self.app(scope, receive, with_headers)


# ---------------------------------------------------------------------------------- the app
def create_app(config: ServerConfig | None = None, service: Service | None = None) -> FastAPI:
    config = config or ServerConfig.from_env()
    service = service or Service(cache=config.cache)
    pool = JobPool(config.threads, config.queue, config.timeout)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        pool.shutdown()

    app = FastAPI(title="newsbrief", version=__version__, docs_url=None, redoc_url=None, lifespan=lifespan,
                  openapi_url="/api/v1/openapi.json",
                  description="Short, faithful briefs of news articles in English, Khmer and Malay. "
                              "Every error is JSON: {\"error\": message, \"code\": word}. With an API key "
                              "configured, send it as `Authorization: Bearer KEY` or `X-API-Key: KEY`.")
    app.state.config, app.state.service, app.state.pool = config, service, pool

    # -- errors: JSON with a message and a code; never a stack trace
    @app.exception_handler(NewsbriefError)
    async def _on_newsbrief_error(request: Request, exc: NewsbriefError):
        return _newsbrief_error(exc, pool, _lang(request))

    @app.exception_handler(ApiError)
    async def _on_api_error(request: Request, exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.headers, _lang(request))

    @app.exception_handler(ClientGone)
    async def _on_client_gone(request: Request, exc: ClientGone):
        return Response(status_code=499)  # nobody reads it; the work was dropped

    @app.exception_handler(RequestValidationError)
    async def _on_invalid(request: Request, exc: RequestValidationError):
        status, code, message, fields = _validation_message(exc)
        return error_response(status, code, message, lang=_lang(request), fields=", ".join(fields))

    @app.exception_handler(StarletteHTTPException)
    async def _on_http(request: Request, exc: StarletteHTTPException):
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "bad_request")
        message = {404: f"no such page or endpoint: {request.url.path}; the API is under /api/v1 (see /docs)",
                   405: f"{request.method} is not allowed on {request.url.path}; see /docs"}.get(
            exc.status_code, "the request body could not be read as JSON: send UTF-8 encoded JSON "
            "(invalid UTF-8 bytes, or a body that is not JSON)" if exc.status_code == 400
            else str(exc.detail))
        return error_response(exc.status_code, code, message, getattr(exc, "headers", None), _lang(request),
                              path=request.url.path, method=request.method)

    @app.exception_handler(Exception)
    async def _on_bug(request: Request, exc: Exception):
        log.exception("internal error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "newsbrief failed unexpectedly on this request; the server's "
                                                     "log has the details. Please report it with the input.",
                              lang=_lang(request))

    # -- API keys, compared in constant time
    def check_key(request: Request, given: str | None = None) -> None:
        if not config.api_keys:
            return
        auth = request.headers.get("authorization", "")
        given = given or request.headers.get("x-api-key") or (auth[7:] if auth.lower().startswith("bearer ") else None)
        if given and not isinstance(given, str):  # api_key in a LibreTranslate JSON body: any JSON value
            raise ApiError(400, "invalid_request", "api_key must be a string (the API key)")
        if not given:
            raise ApiError(401, "no_api_key", "this server needs an API key: send `Authorization: Bearer KEY` or "
                                              "`X-API-Key: KEY` (LibreTranslate clients: api_key)",
                           {"WWW-Authenticate": "Bearer"})
        ok = False
        for key in config.api_keys:  # every key compared, in constant time each
            ok |= hmac.compare_digest(given.encode("utf-8"), key.encode("utf-8"))
        if not ok:
            raise ApiError(403, "wrong_api_key", "the API key is not valid here; ask the server's operator for one")

    app.state.check_key = check_key

    async def authorized(request: Request) -> None:
        check_key(request)

    # with a result cache, a request asked before is answered from it without queueing (jobs.py)
    cached_first = bool(service.cache)

    async def run(request: Request, fn, *args, **kwargs) -> Any:
        return await pool.run(fn, *args, disconnected=request.is_disconnected, cached_first=cached_first, **kwargs)

    key = [Depends(authorized)]

    # -- the page
    @app.get("/", include_in_schema=False)
    async def page():
        return FileResponse(str(STATIC / "index.html"), media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    # -- the API
    @app.get("/api/v1/health", tags=["service"])
    async def health():
        """Whether the server is up, what it accepts, and how busy it is (no key needed)."""
        return {"status": "ok", "version": __version__, "auth": bool(config.api_keys),
                "languages": LANGUAGES, "max_body": config.max_body, "timeout_s": config.timeout,
                "threads": pool.threads, "queue": pool.queue, "in_progress": pool.admitted, "stats": pool.stats}

    @app.get("/api/v1/models", tags=["service"], dependencies=key)
    async def models(request: Request):
        """Translation models (installed or known) and the default for each direction (null: none)."""
        def work():
            return {"models": service.models(), "defaults": service.defaults()}
        return await pool.run(work, disconnected=request.is_disconnected)  # not a cached result: the pool

    @app.post("/api/v1/brief", tags=["newsbrief"], dependencies=key)
    async def brief(body: BriefRequest, request: Request):
        """A brief of one article: Brief.to_dict() plus detection, article_sentences,
        check_sentences (each problem of the translator with a code and params), note_codes (the
        notes as codes and params), warnings and warning_models."""
        return await run(request, service.brief, **body.model_dump())

    @app.post("/api/v1/brief/file", tags=["newsbrief"], dependencies=key, openapi_extra={
        "requestBody": {"required": True, "content": {
            "text/plain": {"schema": {"type": "string", "format": "binary"}},
            "text/html": {"schema": {"type": "string", "format": "binary"}}}}})
    async def brief_file(request: Request, to: Optional[str] = Query(None), src: Optional[str] = Query(None),
                         sentences: int = Query(3, ge=1, le=20), method: Method = Query("auto"),
                         translation_model: Optional[str] = Query(None),
                         name: str = Query("upload.txt", max_length=300, description="the file's name")):
        """A brief of one saved file sent as the raw body: a .txt (UTF-8) or a saved web page
        (.html, Content-Type text/html; its article text is extracted)."""
        data = await request.body()
        html = request.headers.get("content-type", "").startswith("text/html") or \
            name.lower().endswith((".html", ".htm"))

        def work():
            from ..inputs import decode, html_to_text, looks_like_html

            text = decode(data, name)
            if html or looks_like_html(text):
                text = html_to_text(text, name)
            return service.brief(text, to=to, src=src, sentences=sentences, method=method,
                                 translation_model=translation_model, id=name)
        return await run(request, work)

    @app.post("/api/v1/translate", tags=["newsbrief"], dependencies=key)
    async def translate(body: TranslateRequest, request: Request):
        """TranslationResult.to_dict() plus notes and warnings."""
        return await run(request, service.translate, **body.model_dump())

    @app.post("/api/v1/detect", tags=["newsbrief"], dependencies=key)
    async def detect(body: DetectRequest, request: Request):
        """Detection.to_dict(): lang, confidence, script, and parts when per= or mixed."""
        return await run(request, service.detect, body.text, body.per)

    @app.post("/api/v1/summarize", tags=["newsbrief"], dependencies=key)
    async def summarize(body: SummarizeRequest, request: Request):
        """Summary.to_dict(): in the article's own language."""
        return await run(request, service.summarize, **body.model_dump())

    from .libretranslate import add_routes

    add_routes(app, service, run, check_key)

    # -- API docs that work offline: Swagger UI from the fastapi-offline package
    docs_csp = _add_docs(app)
    app.add_middleware(BodyLimit, max_body=config.max_body)
    if config.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(config.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "X-API-Key", "Content-Type"])
    app.add_middleware(SecurityHeaders, docs_csp=docs_csp)

    return app


def _add_docs(app: FastAPI) -> str:
    """Mount Swagger UI's files (from the fastapi-offline package: no CDN) at /docs-static and
    serve /docs; returns the docs page's CSP."""
    from fastapi.openapi.docs import get_swagger_ui_html

    try:
        swagger_ui_path = resources.files("fastapi_offline") / "static"
    except ModuleNotFoundError:
        @app.get("/docs", include_in_schema=False)
        async def no_docs():
            return HTMLResponse("<p>The API docs page needs fastapi-offline: pip install 'newsbrief[server]'. "
                                "The schema is at <a href='/api/v1/openapi.json'>/api/v1/openapi.json</a>.</p>")
        return PAGE_CSP
    app.mount("/docs-static", StaticFiles(directory=str(swagger_ui_path)), name="docs-static")
    html = get_swagger_ui_html(openapi_url=app.openapi_url, title="newsbrief API",
                               swagger_js_url="/docs-static/swagger-ui-bundle.js",
                               swagger_css_url="/docs-static/swagger-ui.css",
                               swagger_favicon_url="/docs-static/favicon.png").body.decode()
    scripts = re.findall(r"<script>(.*?)</script>", html, flags=re.S)  # FastAPI's inline start-up script
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts)

    @app.get("/docs", include_in_schema=False)
    async def docs():
        return HTMLResponse(html)

    return (f"default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'")
