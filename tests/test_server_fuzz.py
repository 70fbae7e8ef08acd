"""A seeded fuzz of every POST endpoint, in process: malformed JSON bodies, fields of every JSON
type, near-valid values (language codes, lone surrogates, NUL), forms and raw bytes. Whatever
comes, the answer is a 4xx with a JSON error or a 2xx, never a 5xx.

No model is loaded: the shared ModelCache refuses every load (a request that would translate
gets the server's "no model" answer), and the result cache is the tests' private one.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from newsbrief.errors import ModelNotFoundError
from newsbrief.models import ModelCache
from newsbrief.server.app import create_app
from newsbrief.server.config import ServerConfig

KEY = "fuzz-key-0123456789abcdef"
TEXT = "Police arrested 12 people on Monday.\n\nThe suspects were taken to Phnom Penh, officials said."
# a valid request to each endpoint (none needs a model); the fuzz changes, drops or adds fields
VALID = {
    "/api/v1/brief": {"text": TEXT, "to": "en", "src": None, "sentences": 2, "max_words": None, "method": "auto",
                      "model": None, "translation_model": None, "id": "a.txt"},
    "/api/v1/translate": {"text": TEXT, "to": "en", "src": "en", "model": None},
    "/api/v1/detect": {"text": TEXT, "per": "paragraph"},
    "/api/v1/summarize": {"text": TEXT, "sentences": 1, "max_words": None, "method": "extractive", "model": None,
                          "lang": None},
    "/translate": {"q": TEXT, "source": "en", "target": "en", "format": "text", "api_key": KEY},
    "/detect": {"q": [TEXT, "Hello."], "api_key": KEY},
}
NEAR = ["en", "km", "ms", "id", "auto", "xx", "", " ", "document", "paragraph", "sentence", "extractive",
        "abstractive", "auto", "text", "html", "newsbrief-gemma-mt", "../../etc/passwd", "/tmp", "\ud800", "\x00",
        "a\x00b", "\udcff\ud83d", "Police arrested 12 people on Monday.", "ប៉ូលីសកម្ពុជា ២១៤ នាក់។",
        "Polis menahan 12 orang.\n\nKerajaan Malaysia akan bertindak.", KEY]
# a URL holds no lone surrogate
URL_SAFE = [s for s in NEAR if not any("\ud800" <= c <= "\udfff" for c in s)]
scalars = (st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.sampled_from([0, 1, 3, 20, 21, -1, 2001])
           | st.floats(allow_nan=False) | st.text(max_size=30) | st.sampled_from(NEAR))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=6)


@st.composite
def requests(draw):
    """(path, keyword arguments for TestClient.post)."""
    path = draw(st.sampled_from(sorted(VALID) + ["/api/v1/brief/file"]))
    if path == "/api/v1/brief/file":
        names = st.sampled_from(["to", "src", "sentences", "method", "translation_model", "name", "junk"])
        params = draw(st.dictionaries(names, st.text(max_size=12) | st.sampled_from(URL_SAFE), max_size=4))
        body = draw(st.binary(max_size=200) | st.sampled_from(NEAR).map(lambda s: s.encode("utf-8", "surrogatepass")))
        kind = draw(st.sampled_from(["text/plain", "text/html", "application/octet-stream"]))
        return path, {"params": params, "content": body, "headers": {"content-type": kind}}
    fields = dict(VALID[path])
    for name in draw(st.lists(st.sampled_from(sorted(fields) + ["junk"]), min_size=1, max_size=3, unique=True)):
        if draw(st.integers(0, 4)) == 0:
            fields.pop(name, None)
        else:
            fields[name] = draw(values)
    shape = draw(st.sampled_from(["json", "json", "json", "not-an-object", "bytes", "form"]))
    if shape == "json":
        return path, {"content": json.dumps(fields), "headers": {"content-type": "application/json"}}
    if shape == "not-an-object":
        return path, {"content": json.dumps(draw(values)), "headers": {"content-type": "application/json"}}
    if shape == "form":
        form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in fields.items()}
        body = urlencode(form, encoding="utf-8", errors="surrogatepass")
        return path, {"content": body, "headers": {"content-type": "application/x-www-form-urlencoded"}}
    kind = draw(st.sampled_from(["application/json", "", "text/plain"]))
    return path, {"content": draw(st.binary(max_size=100)), "headers": {"content-type": kind} if kind else {}}


@pytest.fixture(scope="module")
def client():
    from fastapi.testclient import TestClient

    refuse = pytest.MonkeyPatch()

    def no_model(self, key, load):
        raise ModelNotFoundError("the fuzz test loads no model")
    refuse.setattr(ModelCache, "get", no_model)
    app = create_app(ServerConfig(api_keys=(KEY,), timeout=30))
    with TestClient(app, raise_server_exceptions=False, headers={"X-API-Key": KEY}) as c:
        yield c
    refuse.undo()


@seed(20261206)
@settings(max_examples=400, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(requests())
def test_no_malformed_request_gets_a_5xx(client, request_):
    path, options = request_
    response = client.post(path, **options)
    assert response.status_code < 500, (path, options, response.status_code, response.text[:500])
    if response.status_code >= 400:
        body = response.json()
        assert body["code"] and body["error"], body


def test_the_fuzz_reaches_past_validation(client):
    """The fuzz's answers are not all the same refusal: near-valid values get through (a guard that
    the strategies exercise the endpoints, not only the validator)."""
    assert client.post("/translate", json={"q": "Hello.", "source": "en", "target": "en"}).status_code == 200
    assert client.post("/translate", json={"target": True, "source": {}, "q": 939957156}).status_code == 400
    assert client.post("/translate", json={"q": "Hi.", "target": "ms", "api_key": 5}).status_code == 400
    assert client.post("/api/v1/translate", json={"text": "Hello.", "to": "ms", "src": "en"}).status_code == 422
