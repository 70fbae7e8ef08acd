"""Pieces every command shares: output formats, terminal-safe output, logging, the
result-cache options."""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from typing import Any, TextIO

FORMATS = ("text", "json", "jsonl")

# Article text is untrusted (scraped pages): an escape sequence in it must not reach the
# terminal, where it can recolour, hide or rewrite what the user reads, retitle the window
# or ring the bell. Whole ANSI/VT sequences (CSI "ESC [ ... final", OSC "ESC ] ... BEL|ST",
# other two-byte ESC sequences, 8-bit CSI) go; any other C0/C1 control character and DEL
# goes too, except newline and tab. An unterminated OSC loses only its introducer (the
# text after it is the article's).
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"          # CSI ... final byte
    r"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])[^\x07\x1b\x9c\n]{0,512}(?:\x07|\x1b\\|\x9c)"  # OSC/DCS/.. BEL|ST
    r"|\x1b[ -/]*[0-~]?"                          # other ESC sequences (ESC c, ESC ( B, ...)
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def sanitize(text: str) -> str:
    """text without terminal control: escape sequences and C0/C1 controls (but \\n, \\t) removed."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


class SafeStream:
    """A text stream that passes everything written through sanitize() (text and
    Markdown output); everything else is the wrapped stream's."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(sanitize(text))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


_C1_AND_DEL = re.compile(r"[\x7f-\x9f]")


def dumps(obj: Any, fmt: str = "json") -> str:
    """JSON with every control character escaped: json.dumps escapes U+0000-U+001F itself;
    DEL and C1 (U+007F-U+009F, which ensure_ascii=False leaves raw) are escaped here, so the
    output is plain to a terminal and decodes to the same strings."""
    text = json.dumps(obj, ensure_ascii=False, indent=None if fmt == "jsonl" else 2)
    return _C1_AND_DEL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def print_json(obj: Any, fmt: str = "json") -> None:
    """json: indented; jsonl: one object on one line."""
    print(dumps(obj, fmt))


def error_line(message: object) -> str:
    """The one line a failure prints on stderr."""
    return f"newsbrief: error: {sanitize(str(message))}"


class _Formatter(logging.Formatter):
    """newsbrief's records as "newsbrief: message"; another library's as
    "newsbrief: [library] message"; both sanitized (messages can quote the input)."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + self.formatException(record.exc_info)
        origin = record.name.split(".")[0]
        prefix = "newsbrief: " if origin == "newsbrief" else f"newsbrief: [{origin}] "
        return prefix + sanitize(message)


def configure_logging(verbose: int, stream: TextIO | None = None) -> logging.Handler:
    """The CLI's logging (the library configures none): newsbrief's own records from
    WARNING (-v: INFO, -vv: DEBUG); other libraries' records (trafilatura's complaints
    about a page, a model library's chatter) only with -v, so that a failure reads as
    one newsbrief error line and the details are there when asked for."""
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)]
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(_Formatter())
    handler.addFilter(lambda record: verbose > 0 or record.name.split(".")[0] == "newsbrief")
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_newsbrief_cli", False)]:
        root.removeHandler(old)
    handler._newsbrief_cli = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def add_cache_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--cache", metavar="PATH", default=None,
                       help="result cache folder (default: NEWSBRIEF_CACHE or the per-user cache folder)")
    group.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")


def cache_option(args: argparse.Namespace) -> "str | bool | None":
    """What the API's cache= argument should be for these command-line options."""
    if args.no_cache:
        return None
    return args.cache if args.cache else True
