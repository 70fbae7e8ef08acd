"""What a test may need that a bare clone of the repository lacks: the shared corpora, a browser.

A test that cannot run without one of them asks for it here. On a contributor's machine it then skips
with a reason that says what to set or install; with NEWSBRIEF_REQUIRE_ALL=1 (set by .ci/run, which
provides everything) it fails instead, so that CI runs every test.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("NEWSBRIEF_SHARED_DATA", REPO.parent / "shared" / "data"))


def skip_or_fail(reason: str) -> None:
    if os.environ.get("NEWSBRIEF_REQUIRE_ALL") == "1":
        pytest.fail(f"{reason} (NEWSBRIEF_REQUIRE_ALL=1: this run must not skip it)", pytrace=False)
    pytest.skip(reason)


def shared_data_path(*parts: str) -> Path:
    """A path under the development corpora (NEWSBRIEF_SHARED_DATA, default ../shared/data)."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        skip_or_fail(f"needs the development corpora: {path} not found (set NEWSBRIEF_SHARED_DATA "
                     "to the folder that holds them)")
    return path


def chromium_executable() -> str:
    """Debian's chromium, which Playwright drives (`playwright install` cannot download browsers here)."""
    path = os.environ.get("NEWSBRIEF_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).exists():
        skip_or_fail(f"needs a chromium browser at {path}: apt-get install --no-install-recommends "
                     "chromium fonts-khmeros (or set NEWSBRIEF_CHROMIUM)")
    return path
