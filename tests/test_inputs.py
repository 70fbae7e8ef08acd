"""Bad input gets a clear error, through the API and through the CLI (no traceback)."""

import pytest

import newsbrief as nb
from newsbrief.errors import (
    BinaryInputError,
    EmptyInputError,
    EncodingError,
    InputFileError,
)
from newsbrief.inputs import decode, read_input


@pytest.mark.parametrize("text", ["", "   \n\t  \n", "\u200b\u200b"])
def test_empty_text_is_refused(text):
    with pytest.raises(EmptyInputError, match="empty"):
        nb.Article.from_text(text) if text.strip() == "" else nb.detect(text)


def test_binary_bytes_are_refused():
    with pytest.raises(BinaryInputError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "image.png")


def test_control_characters_in_str_are_refused():
    with pytest.raises(BinaryInputError):
        nb.detect("abc\x01\x02\x03def\x04\x05\x06\x07\x08\x0e\x0f\x10\x11" * 3)


def test_invalid_utf8_names_the_byte_offset():
    data = "Polis berkata ".encode() + b"\xe9t\xe9 " + b"ok"
    with pytest.raises(EncodingError) as info:
        decode(data, "article.txt")
    assert info.value.byte_offset == 14
    assert "byte offset 14" in str(info.value)


def test_utf8_bom_and_utf16_are_read(tmp_path):
    (tmp_path / "bom.txt").write_bytes("\ufeffHello there.".encode("utf-8"))
    (tmp_path / "u16.txt").write_bytes("Helo semua.".encode("utf-16"))
    assert read_input(tmp_path / "bom.txt") == "Hello there."
    assert read_input(tmp_path / "u16.txt") == "Helo semua."


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputFileError, match="no such file"):
        read_input(tmp_path / "nope.txt")
    with pytest.raises(InputFileError, match="folder"):
        read_input(tmp_path)


def test_errors_share_one_hierarchy():
    for cls in (EmptyInputError, BinaryInputError, EncodingError, InputFileError):
        assert issubclass(cls, nb.NewsbriefError) and issubclass(cls, ValueError)


@pytest.mark.parametrize("make_input, expected", [
    (lambda d: (str(d / "missing.txt"), None), "no such file"),
    (lambda d: (str(d), None), "is a folder"),
    (lambda d: ("-", b""), "empty"),
    (lambda d: ("-", b" \n \n"), "empty"),
    (lambda d: ("-", b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00"), "binary"),
    (lambda d: ("-", b"abc\xff\xfedef"), "byte offset 3"),
])
def test_cli_reports_bad_input_without_traceback(run_cli, tmp_path, make_input, expected):
    path, stdin = make_input(tmp_path)
    result = run_cli("detect", path, stdin=stdin)
    stderr = result.stderr.decode()
    assert result.returncode == 1
    assert expected in stderr
    assert "Traceback" not in stderr
    assert stderr.startswith("newsbrief: error:")


def test_cli_usage_errors_exit_2(run_cli):
    result = run_cli("detect", "--format", "yaml", "x.txt")
    assert result.returncode == 2
    assert b"invalid choice" in result.stderr
