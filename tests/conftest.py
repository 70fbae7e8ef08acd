from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from needs import REPO, shared_data_path

EXAMPLES = REPO / "examples"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The development corpora, for tests that measure on them (skipped on a bare clone)."""
    return shared_data_path()


@pytest.fixture(scope="session")
def example_article() -> str:
    """English, written for the project (CC0): the article the README's first command briefs."""
    return (EXAMPLES / "scam-compounds-en.txt").read_text("utf-8")


@pytest.fixture(scope="session")
def dated_example_article(example_article) -> str:
    """The example and a paragraph written for the tests: the example has counts only, this adds
    a date, years and durations, which key figures must type rather than count."""
    return (example_article.rstrip() + "\n\nThe arrangement, signed on March 27, 2024, will run for five years, "
            "until 2029. Last year police arrested 12 suspected recruiters, who face up to 15 years in prison "
            "under a 2023 law.\n")


@pytest.fixture(scope="session")
def khmer_article() -> str:
    """An NTREX-128 news document in Khmer (CC BY-SA 4.0, examples/README.md)."""
    return (EXAMPLES / "china-hiv-km.txt").read_text("utf-8")


@pytest.fixture(scope="session")
def malay_article() -> str:
    """The same NTREX-128 document in Malay."""
    return (EXAMPLES / "china-hiv-ms.txt").read_text("utf-8")


@pytest.fixture(scope="session")
def run_cli():
    """Run the real `newsbrief` command in a subprocess, as a user would."""
    def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "newsbrief", *args], input=stdin,
                              capture_output=True, timeout=300)
    return run


@pytest.fixture(autouse=True, scope="session")
def _private_result_cache(tmp_path_factory):
    """Tests never read or write the user's own result cache."""
    folder = tmp_path_factory.mktemp("result-cache")
    previous = os.environ.get("NEWSBRIEF_CACHE")
    os.environ["NEWSBRIEF_CACHE"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("NEWSBRIEF_CACHE", None)
    else:
        os.environ["NEWSBRIEF_CACHE"] = previous


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, for the page's tests (skips, or fails under
    NEWSBRIEF_REQUIRE_ALL, where it is not installed: tests/needs.py)."""
    from needs import chromium_executable

    executable = chromium_executable()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable)
        yield browser
        browser.close()
