"""Benchmark results: Markdown tables, the page with signature and command, JSON + .md, PNG plots."""

import json

import pytest

from benchmarks.report import command, markdown_table, page, write


def test_markdown_table_aligns_numbers_right_and_escapes_cells():
    table = markdown_table(["system", "chrF++", "note"], [["copy", 6.67, None], ["dict|ionary", 19.4, "a\nb"]])
    assert table.splitlines() == ["| system | chrF++ | note |",
                                  "|---|---:|---|",
                                  "| copy | 6.67 | – |",
                                  "| dict\\|ionary | 19.4 | a b |"]


def test_markdown_table_takes_explicit_alignment_and_refuses_ragged_rows():
    assert markdown_table(["a", "b"], [["x", "1"]], numeric=[False, True]).splitlines()[1] == "|---|---:|"
    assert markdown_table(["ok"], [[True], [False]]).splitlines()[2:] == ["| yes |", "| no |"]
    with pytest.raises(ValueError, match="2 cells"):
        markdown_table(["a", "b", "c"], [["x", 1]])


def test_page_carries_signature_and_command_and_write_both_files(tmp_path):
    sig = {"date": "2026-01-01T00:00:00+00:00", "git_commit": "abc123", "cpu": "Test CPU", "cpu_count": 2,
           "python": "3.11.0", "packages": {"newsbrief": "0.1.0"}}
    cmd = command("translation-quality", ["--limit", "5", "--src", "a file.txt"])
    assert cmd == "python -m benchmarks translation-quality --limit 5 --src 'a file.txt'"
    text = page("Title", sig, cmd, "| a |\n|---|\n| 1 |")
    assert text.startswith("# Title\n")
    assert "abc123" in text and "Test CPU (2 cores)" in text and "newsbrief 0.1.0" in text
    assert f"Produced by: `{cmd}`" in text and text.endswith("| 1 |\n")
    json_path, md_path = write(tmp_path / "out" / "x", {"signature": sig, "results": [1]}, text)
    assert json.loads(json_path.read_text("utf-8"))["signature"]["git_commit"] == "abc123"
    assert md_path.read_text("utf-8") == text and md_path.name == "x.md"
    with pytest.raises(ValueError, match="signature"):
        write(tmp_path / "y", {"results": []}, text)


def test_bar_chart_writes_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    from benchmarks.plots import bar_chart

    path = bar_chart(tmp_path / "q.png", ["en->km", "km->en"], {"copy": [6.7, 6.0], "dictionary": [19.4, None]},
                     "chrF++", "test")
    assert path == tmp_path / "q.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
