"""The `newsbrief` command: a thin layer over the Python API.

Heavy modules are imported inside the command functions so that `newsbrief --help`
stays fast.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any, Callable

from . import __version__
from .cliutil import FORMATS, print_json
from .errors import NewsbriefError



def _preview(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_detect(args: argparse.Namespace) -> int:
    from .article import Article
    from .detect import detect
    from .inputs import read_input

    per = "sentence" if args.per_sentence else "paragraph" if args.per_paragraph else "document"
    results = []
    for path in args.files:
        article = Article.from_text(read_input(path), id=str(path))
        detection = detect(article, per=per)
        if args.format == "text":
            mixed = "  (mixed: " + ", ".join(f"{k} {v:.0%}" for k, v in detection.languages.items()) + ")" \
                if detection.mixed else ""
            print(f"{detection.lang}\t{detection.confidence:.2f}\t{detection.script}\t{path}{mixed}")
            for i, part in enumerate(detection.parts, 1):
                print(f"  {i:>4}\t{part.lang}\t{part.confidence:.2f}\t{_preview(article.text[part.start:part.end])}")
        else:
            result = {"file": str(path), **detection.to_dict()}
            if args.format == "jsonl":
                print_json(result, "jsonl")
            else:
                results.append(result)
    if args.format == "json":
        print_json(results[0] if len(results) == 1 else results, "json")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbrief",
        description="Short, faithful briefs of news articles in English, Khmer and Malay. "
                    "Everything runs offline on the models embedded in the package.",
        epilog="Run `newsbrief COMMAND --help` for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"newsbrief {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log progress (-vv for debug)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    detect = commands.add_parser(
        "detect", help="identify the language (en, km, ms, id) of articles",
        description="Identify the language of each FILE: English (en), Khmer (km), Malay (ms) or "
                    "Indonesian (id); other languages get their ISO 639-1 code, 'und' when unsure. "
                    "A document that mixes languages lists its parts.")
    detect.add_argument("files", nargs="+", metavar="FILE", help="a UTF-8 text file, or - for standard input")
    level = detect.add_mutually_exclusive_group()
    level.add_argument("--per-paragraph", action="store_true", help="also report each paragraph")
    level.add_argument("--per-sentence", action="store_true", help="also report each sentence")
    detect.add_argument("--format", choices=FORMATS, default="text",
                        help="text (default), json (one object, or a list for several files), jsonl (one a line)")
    detect.set_defaults(run=cmd_detect)

    from .translation.cli import add_commands as add_translation_commands

    add_translation_commands(commands)
    from .cache_cli import add_commands as add_cache_commands

    add_cache_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    logging.basicConfig(level=[logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)],
                        format="newsbrief: %(message)s")
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except NewsbriefError as exc:
        print(f"newsbrief: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("newsbrief: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `newsbrief detect big.txt | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
