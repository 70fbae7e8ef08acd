from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("NEWSBRIEF_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"development data not found at {SHARED_DATA}; set NEWSBRIEF_SHARED_DATA")
    return SHARED_DATA


@pytest.fixture(scope="session")
def seed_article(shared_data) -> str:
    return (shared_data / "articles" / "seed-camboja-cambodia-malaysia-scams.txt").read_text("utf-8")


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
