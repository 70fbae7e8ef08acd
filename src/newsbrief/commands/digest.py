"""The `digest` command: stories across articles; newsbrief.cli calls add_commands(subparsers)."""

from __future__ import annotations

import argparse
import sys

from ..cliutil import FORMATS, add_cache_options, cache_option, error_line, print_json
from ..errors import ConfigError, NewsbriefError

LANGS = ("en", "km", "ms")
SUFFIXES = (".txt", ".html", ".htm", ".jsonl")


def read_items(inputs: list[str]) -> tuple[list[dict], list[tuple[str, Exception]]]:
    """Rows {text, id, ...} from files, folders, saved HTML and JSONL files (one article a line),
    and the (id, error) of each that could not be read."""
    from ..inputs import article_sources, jsonl_rows, read_article_text

    items: list[dict] = []
    bad: list[tuple[str, Exception]] = []
    for source in (s for given in inputs for s in article_sources(given, SUFFIXES)):
        try:
            if source.lower().endswith(".jsonl"):
                for number, row in jsonl_rows(source):
                    if isinstance(row, Exception):
                        bad.append((f"{source}:{number}", row))
                    else:
                        items.append({**row, "id": str(row["id"]) if row.get("id") is not None
                                      else f"{source}:{number}"})
            else:
                items.append({"text": read_article_text(source), "id": source})
        except NewsbriefError as exc:
            bad.append((source, exc))
    return items, bad


def story_text(number: int, story: dict, markdown: bool) -> str:
    """One story for people: its articles, the cited brief, figures compared, entities."""
    refs = {a["id"]: i for i, a in enumerate(story["articles"], 1)}
    langs = ", ".join(sorted({a["lang"] for a in story["articles"]}))
    dates = story["dates"]
    span = f", {dates['first']}" + (f" to {dates['last']}" if dates["last"] != dates["first"] else "") \
        if dates else ""
    n = len(story["articles"])
    head = f"Story {number}: {n} article{'s' * (n != 1)} ({langs}{span})"
    cite = lambda ids: "[" + ", ".join(str(refs[i]) for i in ids) + "]"  # noqa: E731
    articles = [f"[{i}] {a['id']} ({', '.join(x for x in (a['source'], a['lang'], a['date']) if x)}): {a['title']}"
                for i, a in enumerate(story["articles"], 1)]
    sentences = [f"{s['text']} {cite(s['cites'])}" for s in story["sentences"]]
    shared = [f for f in story["figures"] if not f["single_source"]]
    single = [f for f in story["figures"] if f["single_source"]]

    def figure(f: dict) -> str:
        return f"{f['reader_text'] or f['reported_by'][0]['text']} {cite([r['article'] for r in f['reported_by']])}"
    disagreements = [f"{d['first']['reported_by'][0]['text']} {cite([r['article'] for r in d['first']['reported_by']])}"
                     f" vs {d['second']['reported_by'][0]['text']} "
                     f"{cite([r['article'] for r in d['second']['reported_by']])}" for d in story["disagreements"]]
    faith = story["faithfulness"]
    faith_line = faith["verdict"]
    blocks = [("Articles", articles), ("Brief", sentences)]
    if n > 1:
        blocks += [("Figures reported by several sources", [figure(f) for f in shared[:8]]),
                   ("DISAGREEMENTS", disagreements),
                   ("Figures only one source reports", [figure(f) for f in single[:8]])]
    else:
        blocks += [("Figures", [figure(f) for f in story["figures"][:6]])]
    blocks += [("Entities", ["; ".join(story["entities"])] if story["entities"] else [])]
    lines = [f"## {head}" if markdown else f"# {head}"]
    for title, items in blocks:
        if not items:
            continue
        if markdown:
            lines += ["", f"**{title}:**", *[f"- {x}" for x in items]]
        else:
            lines += [f"{title}:", *[f"  {x}" for x in items]]
    lines += ["", f"*Faithfulness: {faith_line}*" if markdown else f"Faithfulness: {faith_line}"]
    return "\n".join(lines) + "\n"


def cmd_digest(args: argparse.Namespace) -> int:
    from ..digests import digest

    items, bad = read_items(args.inputs)
    for source, exc in bad:
        print(error_line(f"{source}: {exc}"), file=sys.stderr)
    if not items:
        raise ConfigError("no article could be read; see the errors above.") if bad else \
            ConfigError("no articles given.")
    engine = {"engine": "ray", "workers": args.workers, "address": args.address} if args.engine == "ray" else {}
    if not engine and (args.workers is not None or args.address is not None):
        raise ConfigError("--workers and --address go with --engine ray")
    if args.threshold is not None:
        engine["threshold"] = args.threshold
    result = digest(items, to=args.to, sentences=args.sentences, src=args.src,
                    translation_model=args.translation_model, cache=cache_option(args),
                    progress=len(items) > 1 and sys.stderr.isatty(), **engine)
    for failure in result.failures:
        print(error_line(f"{failure.id}: {failure.error}"), file=sys.stderr)
    data = result.to_dict()
    data["failures"] = [{"id": s, "error": f"{type(e).__name__}: {e}"} for s, e in bad] + data["failures"]
    if args.format == "json":
        print_json(data)
    elif args.format == "jsonl":
        for number, story in enumerate(data["stories"], 1):
            print_json({"story": number, **story}, "jsonl")
    else:
        for number, story in enumerate(data["stories"], 1):
            print(story_text(number, story, args.format == "markdown"))
        models = ", ".join(f"{k}={v}" for k, v in data["models"].items() if v)
        print(f"Models: {models}" + "".join(f"\nNote: {note}" for note in data["notes"]))
    return 1 if bad or result.failures else 0


def add_commands(commands: "argparse._SubParsersAction") -> None:
    dg = commands.add_parser(
        "digest", help="group articles about the same event across languages and brief each story once",
        description="Group articles (text or HTML files, folders of them, JSONL files with one "
                    '{"text", "id", "source", "date", "url"} object a line) in English, Khmer and Malay into '
                    "stories, largest first. Each story gets one brief in --to whose sentences cite the "
                    "articles that say them, its figures compared across sources (disagreements flagged, "
                    "figures only one source reports marked), and its entities. An article that cannot be "
                    "read or is in another language is reported on stderr; the others are digested.")
    dg.add_argument("inputs", nargs="+", metavar="FILE|DIR")
    dg.add_argument("--to", required=True, choices=LANGS, help="the reader's language")
    dg.add_argument("--src", choices=LANGS, default=None, help="every article's language (default: detected)")
    dg.add_argument("--sentences", type=int, default=4, help="sentences in each story's brief (default 4)")
    dg.add_argument("--threshold", type=float, default=None, metavar="T",
                    help="how alike two articles must be to share a story, in (0, 1]: their title-and-lead "
                         "similarity (multilingual embeddings) plus shared figures and names (default: "
                         "newsbrief.digests.DEFAULT_THRESHOLD, tuned on FLORES-200 and TICO-19 dev; higher: stricter)")
    dg.add_argument("--translation-model", default=None, metavar="NAME|PATH",
                    help="translation model (default: the embedded one)")
    dg.add_argument("--format", choices=(*FORMATS, "markdown"), default="text",
                    help="text (default), json (one object: stories, failures), jsonl (one story a line), markdown")
    add_cache_options(dg)
    dg.add_argument("--engine", choices=("local", "ray"), default="local",
                    help="local (default) or ray: the per-article work on Ray Data workers (pip install "
                         "'newsbrief[ray]')")
    dg.add_argument("--address", default=None, metavar="ADDR", help="with --engine ray: the Ray cluster")
    dg.add_argument("--workers", type=int, default=None, metavar="N", help="with --engine ray: worker processes")
    dg.set_defaults(run=cmd_digest)
