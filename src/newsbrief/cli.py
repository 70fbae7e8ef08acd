"""The `newsbrief` command: a thin layer over the Python API.

Heavy modules are imported inside the command functions so that `newsbrief --help`
stays fast.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from typing import Callable

from ._version import __version__
from .cliutil import (
    FORMATS,
    SafeStream,
    add_cache_options,
    cache_option,
    configure_logging,
    error_line,
    print_json,
    sanitize,
)
from .errors import ConfigError, NewsbriefError


def _preview(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_detect(args: argparse.Namespace) -> int:
    from .article import Article
    from .detection import detect
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


# Text and Markdown show the most salient counts, sums and shares (briefs.SHOWN_FIGURES, the ones
# put in the reader's language); JSON has every figure.


def _brief_text(data: dict, source: str, markdown: bool) -> str:
    faith = data["faithfulness"]
    faith_line = faith["verdict"]
    if faith["repaired"]:
        faith_line += f"; repaired sentences {', '.join(str(i + 1) for i in faith['repaired'])} from the source"
    # a flagged sentence is shown beside its source, source first, so a reader can check it
    to_check = [(s["sentence"] + 1, s["source"], s["text"], "; ".join(p["message"] for p in s["problems"]))
                for s in faith["sentences"] if s["flagged"]]
    top = [f for f in data["key_figures"] if f["shown"]]
    figures = "; ".join(f["reader_text"] for f in top) or "none found"
    models = ", ".join(f"{k}={v}" for k, v in data["models"].items() if v)
    head = f"{source} ({data['source_lang']} -> {data['target_lang']})"
    if markdown:
        lines = [f"## {head}", "", *[f"- {s['text']}" for s in data["sentences"]], "",
                 f"**Key figures:** {figures}", "", f"**Faithfulness:** {faith_line}", ""]
        if to_check:
            lines += ["| # | source | brief | why |", "|---|---|---|---|",
                      *[f"| {n} | {_cell(source)} | {_cell(text)} | {_cell(why)} |" for n, source, text, why in to_check],
                      ""]
        lines += [f"*Models: {models}*"]
    else:
        lines = [f"# {head}", data["summary"], "", f"Key figures: {figures}", f"Faithfulness: {faith_line}"]
        for n, source, text, why in to_check:
            lines += [f"  Check sentence {n}: {why}", f"    source: {source}", f"    brief:  {text}"]
        lines += [f"Models: {models}"]
    lines += [f"Note: {note}" for note in data["notes"]]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """Text in a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def cmd_summarize(args: argparse.Namespace) -> int:
    from .article import Article
    from .briefs import brief_many
    from .inputs import article_sources, read_article_text
    from .pipeline import Failure

    sources = [item for source in args.inputs for item in article_sources(source)]
    items, failures = [], 0
    for source in sources:  # a file that cannot be read is reported; the others go on
        try:
            items.append(Article.from_text(read_article_text(source), id=source))
        except NewsbriefError as exc:
            if len(sources) == 1:
                raise
            print(error_line(exc), file=sys.stderr)
            failures += 1
    engine = {"engine": "ray", "workers": args.workers, "address": args.address} if args.engine == "ray" else {}
    if not engine and (args.workers is not None or args.address is not None):
        raise ConfigError("--workers and --address go with --engine ray")
    results = brief_many(items, to=args.to, src=args.src, sentences=args.sentences, max_words=args.max_words,
                         method=args.method, model=args.model, translation_model=args.translation_model,
                         cache=cache_option(args), progress=len(items) > 1 and sys.stderr.isatty(),
                         errors="collect" if len(items) > 1 else "raise", **engine,
                         **({"candidates": args.candidates} if args.candidates is not None else {}))
    collected = []
    for article, result in zip(items, results):
        if isinstance(result, Failure):
            print(error_line(f"{article.id}: {result.error}"), file=sys.stderr)
            failures += 1
            continue
        data = result.to_dict()
        if args.format in ("text", "markdown"):
            print(_brief_text(data, article.id, args.format == "markdown"))
        elif args.format == "jsonl":
            print_json(data, "jsonl")
        else:
            collected.append(data)
    if args.format == "json":
        print_json(collected[0] if len(sources) == 1 else collected)  # one article: one object
    return 1 if failures else 0


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

    summarize = commands.add_parser(
        "summarize", help="brief articles: a short, faithful summary in the reader's language",
        description="Summarize each article (a text or HTML file, a folder of them, - for standard input, or a "
                    "URL when online) in its own language, translate the summary into --to, and check each "
                    "sentence against its source: numbers, names, dates, weekdays, months, places and roles (and, "
                    "into Malay, how the translation reads back); a sentence that fails a check is shown beside "
                    "its source, and the brief is called faithful only when none does. Works offline with the embedded "
                    "extractive summarizer; uses an abstractive model when one is installed (--method).")
    summarize.add_argument("inputs", nargs="+", metavar="FILE|DIR|-|URL")
    summarize.add_argument("--to", choices=("en", "km", "ms"), default=None,
                           help="the reader's language (default: the article's own)")
    summarize.add_argument("--src", choices=("en", "km", "ms"), default=None,
                           help="the article's language (default: detected)")
    summarize.add_argument("--sentences", type=int, default=3, help="sentences in the brief (default 3)")
    summarize.add_argument("--max-words", type=int, default=None, help="at most this many words")
    summarize.add_argument("--method", choices=("auto", "abstractive", "extractive"), default="auto",
                           help="auto (default): abstractive when a model for the language is installed, "
                                "else extractive")
    summarize.add_argument("--model", default=None, metavar="NAME|PATH", help="summarization model")
    summarize.add_argument("--translation-model", default=None, metavar="NAME|PATH",
                           help="translation model (default: the embedded one; see `newsbrief models list`)")
    summarize.add_argument("--candidates", type=int, default=None, metavar="N",
                           help="translation candidates checked by their round trip (default: 4 into Malay, "
                                "where on news they gave +0.9 chrF++ and 91%% Malaysian Malay instead of 85%%; "
                                "1 elsewhere); each brief sentence's translation_score in JSON")
    summarize.add_argument("--format", choices=(*FORMATS, "markdown"), default="text",
                           help="text (default), json, jsonl (one brief a line) or markdown")
    add_cache_options(summarize)
    summarize.add_argument("--engine", choices=("local", "ray"), default="local",
                           help="local (default): this process; ray: Ray Data workers that each load the models "
                                "once (pip install 'newsbrief[ray]'); the same briefs, in input order")
    summarize.add_argument("--address", default=None, metavar="ADDR",
                           help="with --engine ray: the Ray cluster (auto, HOST:PORT or ray://HOST:10001; "
                                "default: RAY_ADDRESS, else a local Ray on this machine)")
    summarize.add_argument("--workers", type=int, default=None, metavar="N",
                           help="with --engine ray: worker processes (default: one per CPU of the cluster)")
    summarize.set_defaults(run=cmd_summarize)

    from .commands import cache, digest, models, serve, translate

    for module in (translate, digest, models, cache, serve):
        module.add_commands(commands)
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings (a weak model, a library's advice) as one plain line on stderr."""
    print(f"newsbrief: warning: {sanitize(str(message))}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    configure_logging(args.verbose)
    warnings.showwarning = _show_warning
    run: Callable[[argparse.Namespace], int] = args.run
    stdout = sys.stdout
    if getattr(args, "format", "text") not in ("json", "jsonl"):
        sys.stdout = SafeStream(stdout)  # text and Markdown: no terminal control from the article
    try:
        return run(args)
    except NewsbriefError as exc:
        print(error_line(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("newsbrief: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `newsbrief detect big.txt | head`
        sys.stderr.close()
        return 0
    finally:
        sys.stdout = stdout


if __name__ == "__main__":
    sys.exit(main())
