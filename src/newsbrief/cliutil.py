"""Pieces every command shares: output formats and the result-cache options."""

from __future__ import annotations

import argparse
import json
from typing import Any

FORMATS = ("text", "json", "jsonl")


def print_json(obj: Any, fmt: str = "json") -> None:
    """json: indented; jsonl: one object on one line."""
    if fmt == "jsonl":
        print(json.dumps(obj, ensure_ascii=False))
    else:
        print(json.dumps(obj, ensure_ascii=False, indent=2))


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
