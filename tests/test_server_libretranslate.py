"""LibreTranslate-compatible endpoints, checked with a real LibreTranslate client from PyPI
(libretranslatepy, which sends url-encoded forms) and with JSON as LibreTranslate's docs show."""

from __future__ import annotations

import urllib.error

import httpx
import pytest
from libretranslatepy import LibreTranslateAPI
from serving import serve

from newsbrief.server.app import create_app
from newsbrief.server.config import ServerConfig

KEY = "lt-client-key-0123456789"


@pytest.fixture(scope="module")
def url():
    with serve(create_app(ServerConfig(timeout=300))) as base:
        yield base


def test_languages_and_detect_with_the_client(url):
    lt = LibreTranslateAPI(url)
    languages = {row["code"]: row for row in lt.languages()}
    assert set(languages) == {"en", "km", "ms"}
    assert languages["km"]["name"] == "Khmer" and set(languages["km"]["targets"]) == {"en", "ms"}
    detected = lt.detect("Kerajaan Malaysia akan memperketat kawalan sempadan bagi membanteras sindiket penipuan.")
    assert detected[0]["language"] == "ms" and 50 < detected[0]["confidence"] <= 100  # a percentage
    assert lt.detect("ប៉ូលីសកម្ពុជា និងម៉ាឡេស៊ី នឹងចែករំលែកព័ត៌មាន។")[0]["language"] == "km"


def test_translate_with_the_client_same_language_and_errors(url):
    lt = LibreTranslateAPI(url)
    assert lt.translate("Police arrested 12 people.", "en", "en") == "Police arrested 12 people."
    with pytest.raises(urllib.error.HTTPError) as failed:
        lt.translate("Police arrested 12 people.", "en", "fr")
    assert failed.value.code == 400 and b"'fr'" in failed.value.read()
    with pytest.raises(urllib.error.HTTPError) as failed:
        lt.translate("", "en", "ms")
    assert failed.value.code == 400 and b"missing q" in failed.value.read()


@pytest.mark.slow
def test_translate_with_the_client_english_to_malay_and_auto(url):
    """The embedded translator, as a LibreTranslate client sees it."""
    lt = LibreTranslateAPI(url)
    out = lt.translate("The police arrested 185 people on Tuesday.", "en", "ms")
    assert "185" in out and out != "The police arrested 185 people on Tuesday."
    answer = httpx.post(f"{url}/translate", json={"q": "The police arrested 185 people on Tuesday.",
                                                  "source": "auto", "target": "ms", "format": "text"},
                        timeout=300).json()
    assert answer["translatedText"] == out  # the same model, and the sentence now comes from the cache
    assert answer["detectedLanguage"]["language"] == "en" and answer["detectedLanguage"]["confidence"] > 50


def test_json_requests_lists_and_bad_input(url):
    post = lambda body, **kw: httpx.post(f"{url}/translate", timeout=60, **body, **kw)  # noqa: E731
    answer = post({"json": {"q": ["One.", "Two."], "source": "en", "target": "en"}}).json()
    assert answer == {"translatedText": ["One.", "Two."]}
    for body, status, words in [
        ({"content": b'{"q": "x"', "headers": {"content-type": "application/json"}}, 400, "not valid JSON"),
        ({"content": b"q=caf\xe9&target=en", "headers": {"content-type": "application/x-www-form-urlencoded"}},
         400, "UTF-8"),
        ({"json": {"q": "Hello.", "source": "en"}}, 400, "missing target"),
        ({"json": {"q": "Hello.", "source": "xx", "target": "en"}}, 400, "'xx'"),
        ({"json": {"q": "Hello.", "source": "en", "target": "ms", "format": "html"}}, 400, "format=html"),
        ({"json": {"q": "\x00\x01\x02\x03" * 30, "source": "en", "target": "en"}}, 400, "binary"),
        ({"content": b"<q>x</q>", "headers": {"content-type": "application/xml"}}, 400, "Content-Type"),
    ]:
        response = post(body)
        assert response.status_code == status and words in response.json()["error"], (body, response.text)
    detect = httpx.post(f"{url}/detect", json={"q": ""}, timeout=30)
    assert detect.status_code == 400 and "missing q" in detect.json()["error"]


def test_the_client_with_an_api_key():
    with serve(create_app(ServerConfig(api_keys=(KEY,)))) as base:
        assert LibreTranslateAPI(base, api_key=KEY).detect("Hello there, my friends.")[0]["language"] == "en"
        assert len(LibreTranslateAPI(base, api_key=KEY).languages()) == 3
        with pytest.raises(urllib.error.HTTPError) as failed:
            LibreTranslateAPI(base, api_key="wrong-wrong-wrong-wrong").detect("Hello there, my friends.")
        assert failed.value.code == 403
        with pytest.raises(urllib.error.HTTPError) as failed:
            LibreTranslateAPI(base).languages()
        assert failed.value.code == 401
