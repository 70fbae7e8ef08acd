"""The `translate` command; newsbrief.cli calls add_commands(subparsers).

Command functions import the heavy modules when they run, so `newsbrief --help` stays light.
"""

from __future__ import annotations

import argparse
import json

from ..cliutil import FORMATS, add_cache_options, cache_option
from ..cliutil import print_json as _print_json
from ..errors import ConfigError, InputFileError

LANGS = ("en", "km", "ms")


def read_glossary(path: str) -> dict[str, str]:
    """A glossary file: a JSON object {term: translation}, or TSV lines `term<TAB>translation`."""
    from pathlib import Path

    p = Path(path)
    if not p.is_file():
        raise InputFileError(f"{p}: no such glossary file.")
    text = p.read_text("utf-8")
    if p.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{p} is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{p}: a JSON glossary is one object {{term: translation}}.")
        return {str(k): str(v) for k, v in data.items()}
    glossary = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            raise ConfigError(f"{p}:{number}: expected `term<TAB>translation`, got {line!r}")
        glossary[parts[0].strip()] = parts[1].strip()
    return glossary


def cmd_translate(args: argparse.Namespace) -> int:
    from ..article import Article
    from ..inputs import read_input
    from ..translation import translate

    glossary = read_glossary(args.glossary) if args.glossary else None
    options = {k: v for k, v in (("beam_size", args.beam_size), ("batch_size", args.batch_size),
                                 ("candidates", args.candidates)) if v is not None}
    results = []
    for path in args.files:
        article = Article.from_text(read_input(path), id=str(path))
        result = translate(article, to=args.to, src=args.src, model=args.model, glossary=glossary,
                           keep=tuple(args.keep or ()), backend=args.backend, threads=args.threads,
                           allow_download=True if args.allow_download else None, cache=cache_option(args),
                           **options)
        if args.format == "text":
            if args.align:
                for pair in result.sentences:
                    print(f"{' '.join(pair.source.split())}\t{pair.target}")
            else:
                print(result.text)
        elif args.format == "jsonl":
            _print_json(result.to_dict(), "jsonl")
        else:
            results.append(result.to_dict())
    if args.format == "json":
        _print_json(results[0] if len(results) == 1 else results, "json")
    return 0


def add_commands(commands: "argparse._SubParsersAction") -> None:
    """Register `translate` on the main parser's subparsers."""
    tr = commands.add_parser(
        "translate", help="translate articles between English, Khmer and Malay, sentence by sentence",
        description="Translate each FILE into --to: en<->km and en<->ms directly, km<->ms through English. "
                    "Models are found locally (NEWSBRIEF_MODELS, the project's models/, the Hugging Face "
                    "cache) and never downloaded unless --allow-download or NEWSBRIEF_ALLOW_DOWNLOAD=1.")
    tr.add_argument("files", nargs="+", metavar="FILE", help="a UTF-8 text file, or - for standard input")
    tr.add_argument("--to", required=True, choices=LANGS, help="target language")
    tr.add_argument("--src", choices=LANGS, help="source language (default: detected)")
    tr.add_argument("--model", metavar="NAME|PATH", help="registry name, model folder or Hugging Face id "
                    "(default: NEWSBRIEF_TRANSLATION_MODEL or an installed model)")
    tr.add_argument("--align", action="store_true", help="text format: print `source<TAB>translation` per sentence")
    add_cache_options(tr)
    tr.add_argument("--format", choices=FORMATS, default="text",
                    help="text (default), json (one object with source_lang, target_lang, text, sentences, "
                         "model), jsonl (one object a line)")
    tr.add_argument("--backend", choices=("auto", "transformers", "ctranslate2"), default="auto")
    tr.add_argument("--glossary", metavar="FILE", help="term translations: JSON {term: translation} or TSV")
    tr.add_argument("--keep", action="append", metavar="TERM", help="a term to leave untranslated (repeatable)")
    tr.add_argument("--beam-size", type=int, help="beam size (default 1: greedy)")
    tr.add_argument("--batch-size", type=int, help="sentences per batch (default 16)")
    tr.add_argument("--candidates", type=int, metavar="N",
                    help="N > 1: the greedy translation and the beam's N best, each translated back; the one that "
                         "reads back closest to the source is kept and each sentence gets that score (about 5x "
                         "the CPU; default 1)")
    tr.add_argument("--threads", type=int,
                    help="CPU threads for the model (default: all usable cores; CTranslate2 runs them as "
                         "up to 4 workers that share each batch)")
    tr.add_argument("--allow-download", action="store_true",
                    help="fetch a missing model from the Hugging Face hub")
    tr.set_defaults(run=cmd_translate)
