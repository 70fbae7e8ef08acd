"""The `cache` command (path | stats | clear); newsbrief.cli calls add_commands(subparsers).

Only the cache package (standard library) is imported, so `newsbrief --help` stays light.
"""

from __future__ import annotations

import argparse

from ..cliutil import print_json

FORMATS = ("text", "json")


def _human(n: int) -> str:
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


def _open(args: argparse.Namespace):
    from ..cache import open_cache

    return open_cache(args.cache if args.cache else True)


def _disabled_note() -> str:
    from ..cache import ENV_PATH

    return f"the cache is disabled ({ENV_PATH}=off); unset {ENV_PATH} or pass --cache PATH"


def cmd_cache_path(args: argparse.Namespace) -> int:
    from ..cache import Cache

    cache = _open(args)
    if not isinstance(cache, Cache):
        if args.format == "json":
            print_json({"folder": None, "file": None, "exists": False, "enabled": False})
        else:
            print(_disabled_note())
        return 0
    if args.format == "json":
        print_json({"folder": str(cache.folder), "file": str(cache.path),
                     "exists": cache.path.exists(), "enabled": True})
    else:
        print(cache.folder)
    return 0


def cmd_cache_stats(args: argparse.Namespace) -> int:
    with _open(args) as cache:
        stats = cache.stats()
    if args.step:
        stats["steps"] = {k: v for k, v in stats["steps"].items() if k == args.step}
    if args.format == "json":
        print_json(stats)
        return 0
    if stats["path"] is None:
        print(_disabled_note())
        return 0

    def rate(value: float | None) -> str:
        return "-" if value is None else f"{value:.1%}"

    print(f"cache    {stats['path']}{'' if stats['exists'] else '  (not created yet)'}")
    print(f"entries  {stats['entries']}")
    print(f"size     {_human(stats['bytes'])} of {_human(stats['max_bytes'])} "
          f"(file {_human(stats['file_bytes'])})")
    print(f"hits     {stats['hits']}  misses {stats['misses']}  hit rate {rate(stats['hit_rate'])}")
    if stats["steps"]:
        width = max(len("step"), *(len(s) for s in stats["steps"]))
        print()
        print(f"{'step':<{width}}  {'entries':>8}  {'size':>10}  {'hits':>8}  {'misses':>8}  hit rate")
        for step, row in stats["steps"].items():
            print(f"{step:<{width}}  {row['entries']:>8}  {_human(row['bytes']):>10}  "
                  f"{row['hits']:>8}  {row['misses']:>8}  {rate(row['hit_rate'])}")
    return 0


def cmd_cache_clear(args: argparse.Namespace) -> int:
    with _open(args) as cache:
        removed = cache.clear(args.step)
        path = cache.path
    if args.format == "json":
        print_json({"removed": removed, "step": args.step, "path": None if path is None else str(path)})
    elif path is None:
        print(_disabled_note())
    else:
        what = f"of step {args.step!r} " if args.step else ""
        print(f"removed {removed} entries {what}from {path}")
    return 0


def add_commands(commands: "argparse._SubParsersAction") -> None:
    """Register `cache path|stats|clear` on the top-level subparsers."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--cache", metavar="PATH",
                        help="the cache folder (default: $NEWSBRIEF_CACHE, else the per-user cache folder)")
    common.add_argument("--format", choices=FORMATS, default="text", help="text (default) or json")

    cache = commands.add_parser(
        "cache", help="inspect or empty the result cache",
        description="Every detection, translation and summary is cached on disk under a key made "
                    "of the step, its settings, the model and its files, the newsbrief version and "
                    "the input text. These commands show where the cache is, what it holds, and "
                    "empty it.")
    actions = cache.add_subparsers(dest="cache_command", metavar="ACTION", required=True)

    path = actions.add_parser("path", parents=[common], help="print the cache folder",
                              description="Print the cache folder (it may not exist yet).")
    path.set_defaults(run=cmd_cache_path)

    stats = actions.add_parser("stats", parents=[common],
                               help="entries, size and hit rate per step",
                               description="Entries, size and hit rate (all processes together), "
                                           "per step.")
    stats.add_argument("--step", metavar="NAME", help="only this step (e.g. translate)")
    stats.set_defaults(run=cmd_cache_stats)

    clear = actions.add_parser("clear", parents=[common], help="remove cached results",
                               description="Remove every cached result, or those of one step.")
    clear.add_argument("--step", metavar="NAME", help="only this step (e.g. translate)")
    clear.set_defaults(run=cmd_cache_clear)
