"""Turning what the user hands us (str, bytes, a path, stdin) into checked text."""

from __future__ import annotations

import codecs
import os
import sys
from pathlib import Path

from .errors import BinaryInputError, EmptyInputError, EncodingError, InputFileError

# Control characters that never occur in real text; NUL and friends mean binary data.
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_BINARY_CONTROLS = {c for c in range(32) if chr(c) not in "\t\n\r\f\v"} | {0x7F}


def decode(data: bytes, source: str = "input") -> str:
    """Decode bytes as UTF-8 (a BOM selects UTF-8/16/32), refusing binary data."""
    if b"\x00" in data[:8192] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise BinaryInputError(f"{source} looks like binary data (it contains NUL bytes); give a UTF-8 text file.")
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                          (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            break
    else:
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise EncodingError(
            f"{source} is not valid {encoding.upper()}: byte 0x{data[exc.start]:02x} at byte offset {exc.start} "
            f"cannot be decoded. Convert the file to UTF-8 (e.g. `iconv -f LATIN1 -t UTF-8`).",
            byte_offset=exc.start,
        ) from None
    return check_text(text, source)


def check_text(text: str, source: str = "input") -> str:
    """Refuse empty or binary-looking text; return it unchanged otherwise."""
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    if all(ch.isspace() or ch in _ZERO_WIDTH for ch in text):
        raise EmptyInputError(f"{source} is empty or only whitespace; give the text of an article.")
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) in _BINARY_CONTROLS)
    if "\x00" in sample or controls > max(8, len(sample) // 100):
        raise BinaryInputError(f"{source} looks like binary data ({controls} control characters); give a text file.")
    return text


def read_input(path: str | os.PathLike) -> str:
    """Read a text file, or standard input when path is "-"."""
    if str(path) == "-":
        return decode(sys.stdin.buffer.read(), "standard input")
    p = Path(path)
    if p.is_dir():
        raise InputFileError(f"{p} is a folder; give a text file (or `-` for standard input).")
    if not p.exists():
        raise InputFileError(f"{p}: no such file.")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputFileError(f"{p}: cannot read it ({exc.strerror}).") from None
    return decode(data, str(p))


ARTICLE_SUFFIXES = (".txt", ".html", ".htm")


def looks_like_html(text: str) -> bool:
    head = text[:2000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in head)


def _trafilatura(what: str):
    try:
        import trafilatura
    except ImportError as exc:
        from .errors import MissingDependencyError
        raise MissingDependencyError(f"{what} needs trafilatura ({exc}): pip install 'newsbrief[html]'") from None
    return trafilatura


def html_to_text(html: str, source: str = "input") -> str:
    """The article text of an HTML page (trafilatura: main content, no menus or ads)."""
    trafilatura = _trafilatura(f"{source} is HTML; reading HTML")
    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    if not text or not text.strip():
        raise EmptyInputError(f"{source}: no article text found in this HTML page.")
    return text


def fetch_url(url: str) -> str:
    """Download a page (only ever when the user gave a URL) and extract its article text."""
    trafilatura = _trafilatura("reading a URL")
    html = trafilatura.fetch_url(url)
    if html is None:
        raise InputFileError(f"could not download {url} (offline, or the site refused); save the page and "
                             f"give the file instead.")
    return html_to_text(html, url)


def article_sources(source: str, suffixes: tuple[str, ...] = ARTICLE_SUFFIXES) -> list[str]:
    """The article sources one command-line argument stands for: every article file of a
    folder (sorted; files ending in one of `suffixes`), or the argument itself (a file, `-`,
    or a URL)."""
    path = Path(source)
    if source == "-" or source.startswith(("http://", "https://")) or not path.is_dir():
        return [source]
    files = sorted(str(p) for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes)
    if not files:
        raise InputFileError(f"{path} has no article files ({', '.join(suffixes)}).")
    return files


def read_article_text(source: str) -> str:
    """The article text of a file, `-` or URL; HTML (a saved page) is reduced to its article."""
    if source.startswith(("http://", "https://")):
        return fetch_url(source)
    text = read_input(source)
    if source.lower().endswith((".html", ".htm")) or looks_like_html(text):
        text = html_to_text(text, source)
    return text


def jsonl_rows(path: str | os.PathLike) -> list[tuple[int, "dict | InputFileError"]]:
    """(line number, row) for each non-blank line of a JSONL file of articles ({"text", and
    optional "id", "source", "date", "url"}); a line that is not such an object gives an
    InputFileError in its place, so one bad row does not lose the others."""
    import json

    rows: list[tuple[int, "dict | InputFileError"]] = []
    for number, line in enumerate(read_input(path).splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            rows.append((number, InputFileError(f"{path}:{number}: not valid JSON ({exc.msg}); each line must be "
                                                f"one object with a \"text\" field.")))
            continue
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            rows.append((number, InputFileError(f"{path}:{number}: expected an object with a \"text\" string "
                                                f"(and optional id, source, date, url).")))
            continue
        rows.append((number, row))
    return rows
