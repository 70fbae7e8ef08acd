"""Article text is untrusted: the CLI's text and Markdown output carry no terminal control
characters, JSON escapes them, and a library's log lines do not bury newsbrief's error."""

from __future__ import annotations

import json
import re

import pytest

from newsbrief.cliutil import dumps, sanitize

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

EVIL = ("Police said \x1b[31m185 people\x1b[0m were arrested in a raid on the compound near the border.\x07 "
        "They rescued 495 victims\x1b]0;owned\x07 who had been held there for several months.\n\n"
        "The \x9b2J operation was the largest this year, officials told reporters\x08\x08 on Tuesday.\r\n")


def test_sanitize_removes_escape_sequences_and_controls_but_keeps_newline_and_tab():
    assert sanitize("a\x1b[31mred\x1b[0m b") == "ared b"
    assert sanitize("title\x1b]0;owned\x07 after") == "title after"      # OSC, BEL-terminated
    assert sanitize("x\x1b]2;t\x1b\\y") == "xy"                           # OSC, ST-terminated
    assert sanitize("bell\x07 back\x08 cr\r del\x7f c1\x85\x9b2J end") == "bell back cr del c1 end"
    assert sanitize("line\n\tindented") == "line\n\tindented"
    assert sanitize("ខ្មែរ Melayu café ”quotes”") == "ខ្មែរ Melayu café ”quotes”"
    # an unterminated OSC loses its introducer, not the text after it
    assert sanitize("a\x1b]0;rest of the article") == "a0;rest of the article"
    assert CONTROL.search(sanitize(EVIL)) is None


def test_json_escapes_every_control_character_and_round_trips():
    text = dumps({"s": EVIL})
    assert CONTROL.search(text.replace("\n", "")) is None
    assert "\\u001b[31m" in text and "\\u009b" in text and "\\u0007" in text
    assert json.loads(text) == {"s": EVIL}
    line = dumps({"s": EVIL}, "jsonl")
    assert "\n" not in line and json.loads(line) == {"s": EVIL}


@pytest.fixture()
def evil_file(tmp_path):
    path = tmp_path / "evil.txt"
    path.write_text(EVIL, "utf-8")
    return path


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_summarize_text_and_markdown_print_no_control_characters(run_cli, evil_file, fmt):
    done = run_cli("summarize", str(evil_file), "--format", fmt, "--no-cache")
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode("utf-8")
    assert CONTROL.search(out.replace("\n", "").replace("\t", "")) is None
    assert "185 people were arrested" in out and "495 victims who had been held" in out


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_summarize_json_escapes_and_keeps_the_text(run_cli, evil_file, fmt):
    done = run_cli("summarize", str(evil_file), "--format", fmt, "--no-cache")
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode("utf-8")
    assert CONTROL.search(out.replace("\n", "")) is None
    data = json.loads(out)
    assert "\x1b[31m185 people" in data["summary"]   # the data itself is kept as given


def test_detect_text_output_is_sanitized(run_cli, evil_file):
    done = run_cli("detect", str(evil_file), "--per-paragraph")
    assert done.returncode == 0, done.stderr
    assert CONTROL.search(done.stdout.decode("utf-8").replace("\n", "").replace("\t", "")) is None


def test_error_lines_are_sanitized(run_cli, tmp_path):
    done = run_cli("summarize", str(tmp_path / "no\x1b[2Jsuch.txt"))
    assert done.returncode == 1
    err = done.stderr.decode("utf-8")
    assert err.startswith("newsbrief: error: ") and "\x1b" not in err


def test_garbage_html_gives_one_error_line_and_details_with_verbose(run_cli, tmp_path):
    pytest.importorskip("trafilatura")
    page = tmp_path / "page.html"
    page.write_text("just text, no tags at all", "utf-8")
    done = run_cli("summarize", str(page), "--no-cache")
    assert done.returncode == 1
    lines = done.stderr.decode("utf-8").strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsbrief: error: ") and "no article text" in lines[0]
    verbose = run_cli("-v", "summarize", str(page), "--no-cache").stderr.decode("utf-8").splitlines()
    assert any(line.startswith("newsbrief: [trafilatura] ") for line in verbose)
    assert verbose[-1] == lines[0]


def test_cli_logging_shows_newsbrief_records_and_hides_other_libraries_unless_verbose():
    import io
    import logging

    from newsbrief.cliutil import configure_logging

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        for verbose, expect_other in ((0, False), (1, True)):
            buf = io.StringIO()
            handler = configure_logging(verbose, buf)
            logging.getLogger("newsbrief.test").warning("own \x1b[31mwarning")
            logging.getLogger("trafilatura.core").error("library complaint")
            out = buf.getvalue()
            assert "newsbrief: own warning" in out and "\x1b" not in out
            assert ("newsbrief: [trafilatura] library complaint" in out) is expect_other
            root.removeHandler(handler)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
