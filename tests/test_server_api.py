"""The REST API (newsbrief.server) served by uvicorn on a free loopback port: every endpoint,
every kind of bad request, the limits (body size, queue, timeout, a client that goes away),
API keys and the security headers."""

from __future__ import annotations

import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from serving import serve

from newsbrief.errors import ConfigError
from newsbrief.server.app import create_app
from newsbrief.server.config import ServerConfig
from newsbrief.server.service import Service

EXAMPLE = (Path(__file__).resolve().parents[1] / "examples" / "scam-compounds-en.txt").read_text("utf-8")
KEY = "test-key-0123456789abcdef"


@pytest.fixture(scope="module")
def url():
    with serve(create_app(ServerConfig())) as base:
        yield base


@pytest.fixture(scope="module")
def client(url):
    with httpx.Client(base_url=url, timeout=60) as c:
        yield c


def assert_error(response: httpx.Response, status: int, code: str, *words: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code, body
    assert "Traceback" not in response.text and 'File "' not in response.text
    for word in words:
        assert word in body["error"], body
    return body


# ------------------------------------------------------------------------------ endpoints
def test_health_and_models(client):
    health = client.get("/api/v1/health").json()
    assert health["status"] == "ok" and health["auth"] is False and set(health["languages"]) == {"en", "km", "ms"}
    models = client.get("/api/v1/models").json()
    assert any(m["name"] == "newsbrief-gemma-mt" for m in models["models"])
    # the directions with a default: the registry's
    from newsbrief.models import registry_default
    for direction in ("en-km", "km-en", "en-ms", "ms-en"):
        assert models["defaults"][direction] == registry_default(*direction.split("-")), direction


def test_detect_document_and_paragraphs(client):
    assert client.post("/api/v1/detect", json={"text": EXAMPLE}).json()["lang"] == "en"
    mixed = "Kerajaan Malaysia akan memperketat kawalan sempadan bagi membanteras sindiket penipuan dalam talian.\n\n" \
            + EXAMPLE.split("\n\n")[1]
    data = client.post("/api/v1/detect", json={"text": mixed, "per": "paragraph"}).json()
    assert [p["lang"] for p in data["parts"]] == ["ms", "en"]


def test_summarize(client):
    data = client.post("/api/v1/summarize", json={"text": EXAMPLE, "sentences": 2, "method": "extractive"}).json()
    assert data["lang"] == "en" and len(data["sentences"]) == 2 and data["method"].startswith("extractive")
    assert all(s["text"] in EXAMPLE for s in data["sentences"])


def test_brief_has_the_library_fields_and_what_the_page_shows(client):
    from newsbrief import brief

    data = client.post("/api/v1/brief", json={"text": EXAMPLE, "to": "en", "method": "extractive"}).json()
    expected = brief(EXAMPLE, to="en", method="extractive").to_dict()  # the same (shared) result cache
    for field in expected:
        assert data[field] == expected[field], field
    assert data["detection"]["lang"] == "en" and data["detection"]["other_paragraphs"] == []
    # side by side: every source sentence a brief sentence points to is there, with its text
    shown = {s["index"]: s["text"] for s in data["article_sentences"]}
    for sentence in data["sentences"]:
        for i in sentence["source_sentences"]:
            assert shown[i].strip() and shown[i] in EXAMPLE
    assert data["check_sentences"] == [] and data["warnings"] == []


def test_brief_of_files_txt_and_html(client):
    body = EXAMPLE.encode("utf-8")
    data = client.post("/api/v1/brief/file", params={"to": "en", "name": "a.txt"}, content=body,
                       headers={"content-type": "text/plain"}).json()
    assert data["id"] == "a.txt" and data["source_lang"] == "en" and len(data["sentences"]) == 3
    paragraphs = "".join(f"<p>{p}</p>" for p in EXAMPLE.split("\n\n")[1:])
    page = (f"<!doctype html><html><head><title>t</title></head><body><nav>Home | World | Sport</nav>"
            f"<article><h1>Scam compounds</h1>{paragraphs}</article><footer>(c) a paper</footer></body></html>")
    data = client.post("/api/v1/brief/file", params={"to": "en", "name": "page.html"}, content=page.encode(),
                       headers={"content-type": "text/html"}).json()
    assert data["id"] == "page.html" and data["sentences"] and "Home | World" not in data["summary"]


def test_brief_into_a_direction_without_a_default_names_the_model_to_choose(client, monkeypatch):
    import newsbrief.models.resolution as resolution

    monkeypatch.setattr(resolution, "registry_default", lambda src=None, tgt=None: "")  # a registry without one
    body = assert_error(client.post("/api/v1/brief", json={"text": EXAMPLE, "to": "km"}), 422, "no_model",
                        "en->km", "newsbrief-gemma-mt", "translation_model")
    assert "/api/v1/models" in body["error"]


def test_translate_to_the_same_language_is_the_text(client):
    data = client.post("/api/v1/translate", json={"text": "One. Two.", "to": "en", "src": "en"}).json()
    assert data["text"] == "One. Two." and data["model"] == "identity" and len(data["sentences"]) == 2


def test_openapi_and_offline_docs(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/brief", "/api/v1/brief/file", "/api/v1/translate", "/api/v1/detect", "/api/v1/summarize",
                 "/api/v1/models", "/api/v1/health", "/translate", "/detect", "/languages"):
        assert path in schema["paths"], path
    docs = client.get("/docs")
    assert docs.status_code == 200 and "cdn" not in docs.text.lower()
    for asset in ("/docs-static/swagger-ui-bundle.js", "/docs-static/swagger-ui.css"):
        assert asset in docs.text and client.get(asset).status_code == 200


def test_page_and_its_assets_are_served_with_a_strict_policy(client):
    page = client.get("/")
    assert page.status_code == 200 and "<textarea" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    for asset in ("/static/app.js", "/static/style.css"):
        assert client.get(asset).status_code == 200
    assert "http" not in page.text.replace('"http-equiv', "")  # nothing loaded from elsewhere


# ------------------------------------------------------------------------------ bad requests
@pytest.mark.parametrize("request_args, status, code, words", [
    (dict(json={"text": ""}), 400, "empty_input", ["empty"]),
    (dict(json={"text": "   \n\t "}), 400, "empty_input", ["empty"]),
    (dict(json={"text": "\x00\x01\x02\x03" * 40}), 400, "binary_input", ["binary"]),
    (dict(content=b'{"text": "caf\xe9"}', headers={"content-type": "application/json"}), 400, "bad_request",
     ["UTF-8"]),
    (dict(content=b'{"text": "abc"', headers={"content-type": "application/json"}), 400, "invalid_json",
     ["not valid JSON"]),
    (dict(content=b"text=abc", headers={"content-type": "application/x-www-form-urlencoded"}), 422,
     "invalid_request", ["body"]),
    (dict(json={"text": EXAMPLE, "to": "fr"}), 400, "unsupported_language", ["'fr'"]),
    (dict(json={"text": EXAMPLE, "to": "en", "colour": "red"}), 422, "invalid_request", ["unknown field 'colour'"]),
    (dict(json={"to": "en"}), 422, "invalid_request", ["'text' is required"]),
    (dict(json={"text": EXAMPLE, "sentences": 0}), 422, "invalid_request", ["sentences"]),
    (dict(json={"text": EXAMPLE, "to": "ms", "translation_model": "../../etc/passwd"}), 400, "invalid_option",
     ["not a path"]),
    (dict(json={"text": EXAMPLE, "to": "ms", "translation_model": "/tmp/model"}), 400, "invalid_option",
     ["not a path"]),
    (dict(json={"text": EXAMPLE, "to": "ms", "translation_model": "no-such-model"}), 400, "invalid_option",
     ["not installed", "/api/v1/models"]),
    (dict(json=["text"]), 422, "invalid_request", []),
])
def test_bad_brief_requests(client, request_args, status, code, words):
    assert_error(client.post("/api/v1/brief", **request_args), status, code, *words)


def test_bad_files(client):
    def post(data: bytes, name="f.txt"):
        return client.post("/api/v1/brief/file", params={"to": "en", "name": name}, content=data,
                           headers={"content-type": "text/plain"})
    assert_error(post(b"caf\xe9 au lait. " * 20), 400, "invalid_encoding", "byte offset 3", "UTF-8")
    assert_error(post(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "photo.txt"), 400, "binary_input", "binary")
    assert_error(post(b""), 400, "empty_input")
    assert_error(client.post("/api/v1/brief/file", params={"to": "en", "name": "../../etc/passwd"}, content=b""),
                 400, "empty_input")  # the name is a label, never opened


def test_bad_translate_and_detect_requests(client):
    assert_error(client.post("/api/v1/translate", json={"text": "Hello there.", "to": "id"}), 400,
                 "unsupported_language", "'id'")
    assert_error(client.post("/api/v1/translate", json={"text": "Hello there.", "to": "fr", "src": "en"}), 400,
                 "unsupported_language", "'fr'")
    assert_error(client.post("/api/v1/detect", json={"text": "x", "per": "word"}), 422, "invalid_request", "per")
    assert_error(client.get("/api/v1/nothing"), 404, "not_found", "/docs")
    assert_error(client.get("/api/v1/brief"), 405, "method_not_allowed")


def test_oversized_bodies_get_413():
    with serve(create_app(ServerConfig(max_body=4096))) as base, httpx.Client(base_url=base, timeout=30) as c:
        big = json.dumps({"text": "word " * 2000}).encode()
        assert_error(c.post("/api/v1/brief", content=big, headers={"content-type": "application/json"}), 413,
                     "too_large", "4,096 bytes")

        def chunks():  # no Content-Length: counted as it streams
            for _ in range(10):
                yield b"x" * 1000
        assert_error(c.post("/api/v1/brief/file", content=chunks(), params={"name": "big.txt"}), 413, "too_large")
        assert c.post("/api/v1/detect", json={"text": "Hello there, this is fine."}).status_code == 200


def test_an_unexpected_failure_is_a_500_without_details():
    class Broken(Service):
        def detect(self, text, per="document"):
            raise RuntimeError("secret internals at /srv/newsbrief/thing.py line 12")

    with serve(create_app(ServerConfig(), Broken())) as base:
        response = httpx.post(f"{base}/api/v1/detect", json={"text": "Hello there."}, timeout=30)
    body = assert_error(response, 500, "internal_error", "report")
    assert "secret" not in json.dumps(body) and "thing.py" not in response.text


# ------------------------------------------------------------------------------ API keys, CORS
def test_api_keys(tmp_path):
    with serve(create_app(ServerConfig(api_keys=(KEY,)))) as base, httpx.Client(base_url=base, timeout=30) as c:
        payload = {"text": "Hello there, friends."}
        assert c.get("/api/v1/health").json()["auth"] is True  # health needs no key
        assert_error(c.post("/api/v1/detect", json=payload), 401, "no_api_key", "X-API-Key")
        assert_error(c.post("/api/v1/detect", json=payload, headers={"X-API-Key": KEY[:-1] + "X"}), 403,
                     "wrong_api_key")
        assert_error(c.post("/api/v1/detect", json=payload, headers={"Authorization": "Bearer nope"}), 403,
                     "wrong_api_key")
        assert c.post("/api/v1/detect", json=payload, headers={"X-API-Key": KEY}).status_code == 200
        assert c.post("/api/v1/detect", json=payload, headers={"Authorization": f"Bearer {KEY}"}).status_code == 200
        assert_error(c.post("/detect", data={"q": "Hello there."}), 401, "no_api_key")
        assert c.post("/detect", data={"q": "Hello there.", "api_key": KEY}).status_code == 200
        assert_error(c.get("/languages", params={"api_key": "wrong-key-wrong-key"}), 403, "wrong_api_key")


def test_keys_are_compared_in_constant_time():
    import inspect

    from newsbrief.server import app

    source = inspect.getsource(app.create_app)
    assert "hmac.compare_digest" in source and "given == key" not in source


def test_cors_is_off_unless_configured():
    origin = {"Origin": "https://elsewhere.example"}
    with serve(create_app(ServerConfig())) as base:
        response = httpx.get(f"{base}/api/v1/health", headers=origin)
        assert "access-control-allow-origin" not in response.headers
    with serve(create_app(ServerConfig(cors_origins=("https://elsewhere.example",)))) as base:
        response = httpx.get(f"{base}/api/v1/health", headers=origin)
        assert response.headers["access-control-allow-origin"] == "https://elsewhere.example"


def test_listening_beyond_loopback_needs_a_key(run_cli, tmp_path):
    with pytest.raises(ConfigError, match="API key"):
        ServerConfig(host="0.0.0.0")
    assert ServerConfig(host="0.0.0.0", api_keys=(KEY,)).host == "0.0.0.0"
    assert ServerConfig(host="::1").host == "::1"
    done = run_cli("serve", "--host", "0.0.0.0", "--port", "8765")
    assert done.returncode == 2 and b"API key" in done.stderr and b"Traceback" not in done.stderr
    short = tmp_path / "keys.txt"
    short.write_text("short\n")
    done = run_cli("serve", "--host", "0.0.0.0", "--api-key-file", str(short))
    assert done.returncode == 2 and b"16" in done.stderr


# ------------------------------------------------------------------------------ under pressure
class Gate(Service):
    """detect() of a text starting with "block" waits until released; records what ran."""

    def __init__(self):
        super().__init__(cache=False)
        self.release = threading.Event()
        self.ran: list[str] = []

    def detect(self, text, per="document"):
        self.ran.append(text)
        if text.startswith("block"):
            self.release.wait(20)
        return super().detect(text, per)


def _wait_for(predicate, seconds=10.0):
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def test_a_full_queue_answers_429_at_once():
    gate = Gate()
    app = create_app(ServerConfig(threads=1, queue=1), gate)
    with serve(app) as base, ThreadPoolExecutor(2) as pool:
        first = pool.submit(httpx.post, f"{base}/api/v1/detect", json={"text": "block one"}, timeout=30)
        _wait_for(lambda: gate.ran == ["block one"])
        second = pool.submit(httpx.post, f"{base}/api/v1/detect", json={"text": "block two"}, timeout=30)
        _wait_for(lambda: app.state.pool.admitted == 2)
        t0 = time.monotonic()
        third = httpx.post(f"{base}/api/v1/detect", json={"text": "Hello there."}, timeout=30)
        assert time.monotonic() - t0 < 2
        assert_error(third, 429, "busy", "retry after")
        assert int(third.headers["Retry-After"]) >= 1
        lt = httpx.post(f"{base}/detect", data={"q": "Hello there."}, timeout=30)  # LibreTranslate: the same
        assert lt.status_code == 429 and "error" in lt.json()
        gate.release.set()
        assert first.result().status_code == 200 and second.result().status_code == 200
        assert httpx.post(f"{base}/api/v1/detect", json={"text": "Hello again."}, timeout=30).status_code == 200


def test_a_request_over_the_timeout_gets_503_with_retry_after():
    gate = Gate()
    with serve(create_app(ServerConfig(threads=1, timeout=0.5), gate)) as base:
        t0 = time.monotonic()
        response = httpx.post(f"{base}/api/v1/detect", json={"text": "block"}, timeout=30)
        assert time.monotonic() - t0 < 5
        gate.release.set()
    assert_error(response, 503, "timeout", "0.5 s")
    assert "Retry-After" in response.headers


def test_a_client_that_goes_away_cancels_its_queued_work():
    gate = Gate()
    app = create_app(ServerConfig(threads=1, queue=4), gate)
    with serve(app) as base, ThreadPoolExecutor(1) as pool:
        first = pool.submit(httpx.post, f"{base}/api/v1/detect", json={"text": "block first"}, timeout=30)
        _wait_for(lambda: gate.ran == ["block first"])
        host, port = base.removeprefix("http://").split(":")
        body = json.dumps({"text": "queued then abandoned"}).encode()
        with socket.create_connection((host, int(port))) as sock:
            sock.sendall(b"POST /api/v1/detect HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            _wait_for(lambda: app.state.pool.admitted == 2)
        _wait_for(lambda: app.state.pool.stats["abandoned"] == 1)
        gate.release.set()
        assert first.result().status_code == 200
        _wait_for(lambda: app.state.pool.admitted == 0)
    assert gate.ran == ["block first"]  # the abandoned request's work never ran


# ------------------------------------------------------------------------------ the real translator
@pytest.mark.slow
def test_an_english_article_briefed_in_malay(client):
    """End to end with the embedded translator (en->ms has it as default)."""
    data = client.post("/api/v1/brief", json={"text": EXAMPLE, "to": "ms"}, timeout=600).json()
    assert data["source_lang"] == "en" and data["target_lang"] == "ms"
    assert data["models"]["translate"] == "newsbrief-gemma-mt"
    assert len(data["sentences"]) == 3
    for sentence in data["sentences"]:
        assert sentence["text"] and sentence["text"] != sentence["source_text"] and sentence["source_text"] in EXAMPLE
    from newsbrief import detect

    assert detect(data["summary"]).lang == "ms"
    assert "214" in data["summary"]  # numbers survive (protected, and checked)
    assert [f["text"] for f in data["key_figures"]] and all(f["reader_text"] for f in data["key_figures"])
    assert set(data["faithfulness"]) >= {"faithful", "unsupported", "sentences_checked"}
    flagged = {p["sentence"] for p in data["faithfulness"]["unsupported"]}
    assert flagged <= {c["sentence"] for c in data["check_sentences"]}  # every unfaithful sentence is marked


def test_the_result_cache_is_the_one_the_cli_uses(run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSBRIEF_CACHE", str(tmp_path / "shared-cache"))
    article = tmp_path / "a.txt"
    article.write_text(EXAMPLE.replace("Tuesday", "Wednesday"), encoding="utf-8")
    with serve(create_app(ServerConfig())) as base:
        served = httpx.post(f"{base}/api/v1/brief", json={"text": article.read_text("utf-8"), "to": "en"},
                            timeout=60).json()
    stats = json.loads(run_cli("cache", "stats", "--format", "json").stdout)
    assert stats["steps"]["summarize"]["entries"] == 1 and stats["steps"]["summarize"]["misses"] == 1
    done = run_cli("summarize", str(article), "--to", "en", "--format", "json")
    assert done.returncode == 0 and json.loads(done.stdout)["summary"] == served["summary"]
    stats = json.loads(run_cli("cache", "stats", "--format", "json").stdout)
    assert stats["steps"]["summarize"]["hits"] >= 1 and stats["steps"]["summarize"]["entries"] == 1


def test_sentences_to_check_are_the_judgements_flagged_sentences_with_their_source():
    from newsbrief.judgement import Translated, judge
    from newsbrief.server.service import _to_check

    verdict = judge([("Polis menahan 12 suspek pada hari Jumaat.", "The police arrested 12 suspects on Monday.",
                      "The police arrested 12 suspects on Monday."),
                     ("Mereka dibebaskan.", "They were freed.", "They were freed."),
                     ("Mereka dibebaskan semula.", "They were freed again.", "They were freed again.")], "en", "ms",
                    [Translated("Polis menahan 12 suspek pada hari Jumaat."), Translated("Mereka dibebaskan."),
                     Translated("Mereka dibebaskan semula.",
                                flags=("segment of sentence 3: looping output; retried, still looping",))])
    checks = _to_check(verdict.to_dict())
    assert [c["sentence"] for c in checks] == [0, 2]
    assert checks[0]["source"] == "The police arrested 12 suspects on Monday."
    assert checks[0]["reasons"] == ["weekday changed: source: Monday; translation: hari Jumaat"]
    assert checks[1]["reasons"] == ["translator: looping output; retried, still looping"]
