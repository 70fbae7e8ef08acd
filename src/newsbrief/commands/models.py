"""`newsbrief models`: list, info, import, convert and download models (translators and summarizers).

Command functions import the heavy modules when they run, so `newsbrief --help` stays light.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..cliutil import FORMATS
from ..cliutil import print_json as _print_json
from ..errors import ConfigError

LANGS = ("en", "km", "ms")


def _summarizers() -> list[dict[str, Any]]:
    """The registry's summarization models, each with where it is installed (or not)."""
    from ..errors import ModelNotFoundError
    from ..models import load_registry, resolve

    rows = []
    registry = load_registry(task="summarization")
    for name, spec in registry.items():
        try:
            location = str(resolve(name, registry=registry, task="summarization").path)
        except ModelNotFoundError:
            location = None
        rows.append({"kind": "summarization", "name": name, "family": spec.family,
                     "languages": list(spec.languages), "approx_size_gb": spec.approx_size_gb,
                     "license": spec.license, "auto": spec.auto, "installed": location is not None,
                     "location": location})
    return rows


def cmd_models_list(args: argparse.Namespace) -> int:
    from ..models import list_models

    entries = list_models()
    summarizers = _summarizers()
    if args.format == "text":
        print("translation models:")
        for entry in entries:
            spec = entry.spec
            where = f"{entry.source}: {entry.location}" if entry.installed else "not installed"
            size = f"{spec.approx_size_gb} GB" if spec.approx_size_gb else ""
            print(f"  {spec.name:<28} {spec.family:<9} {spec.format:<12} {','.join(spec.languages):<9} "
                  f"{size:<8} {spec.license or '':<13} {where}")
        if not entries:
            print("  none known; import one with `newsbrief models import PATH`")
        print("summarization models (the extractive summarizer is built in):")
        for row in summarizers:
            size = f"{row['approx_size_gb']} GB" if row["approx_size_gb"] else ""
            where = f"installed: {row['location']}" if row["installed"] else "not installed"
            auto = "" if row["auto"] else "  (used only when named)"
            print(f"  {row['name']:<28} {row['family']:<9} {'':<12} {','.join(row['languages']):<9} "
                  f"{size:<8} {row['license'] or '':<13} {where}{auto}")
    else:
        rows = [{"kind": "translation", **entry.to_dict()} for entry in entries] + summarizers
        if args.format == "jsonl":
            for row in rows:
                _print_json(row, "jsonl")
        else:
            _print_json(rows, "json")
    return 0


def cmd_models_info(args: argparse.Namespace) -> int:
    from ..models import model_info

    entry = model_info(args.name)
    if args.format == "text":
        for key, value in entry.to_dict().items():
            print(f"{key}: {value}")
    else:
        _print_json(entry.to_dict(), args.format)
    return 0


def cmd_models_import(args: argparse.Namespace) -> int:
    from ..models import import_model

    found = import_model(args.path, name=args.name, link=args.link, force=args.force)
    print(f"imported {found.spec.name} ({found.spec.family}, {', '.join(found.spec.languages)}) into {found.path}")
    return 0


def read_shortlist_samples(specs: list[str]) -> dict[str, list[str]]:
    """--shortlist LANG=FILE options -> {lang: the file's lines}."""
    from ..inputs import read_input

    samples: dict[str, list[str]] = {}
    for spec in specs:
        lang, sep, path = spec.partition("=")
        if not sep or lang not in LANGS or not path:
            raise ConfigError(f"--shortlist takes LANG=FILE with LANG one of {', '.join(LANGS)}, not {spec!r}")
        samples.setdefault(lang, []).extend(line for line in read_input(path).splitlines() if line.strip())
    return samples


def cmd_models_convert(args: argparse.Namespace) -> int:
    from ..models import convert_to_ct2

    if args.to != "ct2":
        raise ConfigError(f"--to must be ct2, not {args.to!r}")
    found = convert_to_ct2(args.name, output_dir=args.output, quantization=args.quantization, force=args.force,
                           allow_download=True if args.allow_download else None,
                           shortlist=read_shortlist_samples(args.shortlist or []))
    print(f"converted to CTranslate2 ({args.quantization}): {found.path}  (use it with --model {found.spec.name})")
    return 0


def cmd_models_download(args: argparse.Namespace) -> int:
    import sys

    from ..models.download import describe_plan, download_model, plan_download

    if args.quantization and args.to != "ct2":
        raise ConfigError("--quantization goes with --to ct2")
    if args.shortlist and args.to != "ct2":
        raise ConfigError("--shortlist goes with --to ct2 (it restricts the CTranslate2 model's decoding)")
    if args.dry_run:
        plan = plan_download(args.name, revision=args.revision)
        if args.format == "text":
            print("\n".join(describe_plan(plan)))
            print("(dry run: nothing was fetched)")
        else:
            _print_json(plan.to_dict(), args.format)
        return 0
    result = download_model(args.name, revision=args.revision, to=args.to,
                            quantization=args.quantization or "int8",
                            shortlist=read_shortlist_samples(args.shortlist or []) or None, force=args.force,
                            progress=True if args.progress else None if sys.stderr.isatty() else False)
    plan = result.plan
    use = (f"use it with --model {result.converted_name or plan.name}" if plan.kind != "summarization" else
           f"summarize --method abstractive uses it (or --model {plan.name})")
    if args.format == "text":
        if result.already_installed:
            print(f"{plan.name} is installed already at {plan.commit[:12]} ({plan.hub_id}@{plan.revision}): {result.path}")
        else:
            resumed = f", {result.resumed_bytes} resumed" if result.resumed_bytes else ""
            print(f"downloaded {plan.hub_id}@{plan.revision} (commit {plan.commit[:12]}, {len(plan.files)} files, "
                  f"{plan.total_bytes} bytes: {result.fetched_bytes} fetched{resumed}; verified) into {result.path}")
        if result.converted:
            print(f"converted to CTranslate2 ({args.quantization or 'int8'}): {result.converted}")
        print(f"({use})")
    else:
        _print_json({**plan.to_dict(), "path": str(result.path), "fetched_bytes": result.fetched_bytes,
                     "resumed_bytes": result.resumed_bytes, "already_installed": result.already_installed,
                     "converted": str(result.converted) if result.converted else None}, args.format)
    return 0


def add_commands(commands: "argparse._SubParsersAction") -> None:
    """Register `models` on the main parser's subparsers."""
    models = commands.add_parser("models", help="list, inspect, import, convert and download models",
                                 description="Translation models: those newsbrief knows and those installed.")
    sub = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    ls = sub.add_parser("list", help="known and installed models")
    ls.add_argument("--format", choices=FORMATS, default="text")
    ls.set_defaults(run=cmd_models_list)
    info = sub.add_parser("info", help="details of one model")
    info.add_argument("name", metavar="NAME")
    info.add_argument("--format", choices=FORMATS, default="text")
    info.set_defaults(run=cmd_models_info)
    imp = sub.add_parser("import", help="copy (or link) a local model folder into the user model folder")
    imp.add_argument("path", metavar="PATH")
    imp.add_argument("--name", help="the name to register it under (default: the folder name)")
    imp.add_argument("--link", action="store_true", help="symlink instead of copying")
    imp.add_argument("--force", action="store_true", help="replace a model of the same name")
    imp.set_defaults(run=cmd_models_import)
    conv = sub.add_parser("convert", help="convert a model to CTranslate2 (fast CPU inference)")
    conv.add_argument("name", metavar="NAME")
    conv.add_argument("--to", default="ct2", choices=("ct2",))
    conv.add_argument("--quantization", default="int8",
                      choices=("int8", "int8_float32", "int8_float16", "int16", "float16", "bfloat16", "float32"))
    conv.add_argument("--output", metavar="DIR", help="output folder (default: NAME-ct2-QUANT in the user model folder)")
    conv.add_argument("--force", action="store_true", help="overwrite the output folder")
    conv.add_argument("--shortlist", action="append", metavar="LANG=FILE",
                      help="restrict decoding to the subwords the model's tokenizer produces on FILE, text in "
                           "target language LANG (repeatable for Marian models; one language for NLLB/M2M100): "
                           "faster on large vocabularies")
    conv.add_argument("--allow-download", action="store_true",
                      help="fetch the model from the Hugging Face hub if it is not found locally")
    conv.set_defaults(run=cmd_models_convert)

    down = sub.add_parser(
        "download", help="fetch a model from the Hugging Face hub into the user model folder",
        description="Download a translation or summarization model (a name from `newsbrief models list`, or a "
                    "Hugging Face id OWNER/NAME) with huggingface_hub into the user model folder "
                    "(NEWSBRIEF_MODELS, else the per-user data folder): only config, tokenizer and weights "
                    "(safetensors when there are any), each file checked against the hub's hashes, resumed "
                    "where it stopped when run again after an interruption. HF_ENDPOINT and HF_TOKEN are "
                    "honoured. Offline it says so (exit 3).")
    down.add_argument("name", metavar="NAME|HF_ID")
    down.add_argument("--revision", metavar="R", help="branch, tag or commit (default: main)")
    down.add_argument("--to", choices=("ct2",), default=None, help="convert to CTranslate2 after downloading")
    down.add_argument("--quantization", default=None,
                      choices=("int8", "int8_float32", "int8_float16", "int16", "float16", "bfloat16", "float32"),
                      help="with --to ct2 (default int8)")
    down.add_argument("--shortlist", action="append", metavar="LANG=FILE",
                      help="with --to ct2: restrict decoding to LANG's subwords (as in `models convert`)")
    down.add_argument("--dry-run", action="store_true", help="print the files that would be fetched and their size")
    down.add_argument("--force", action="store_true", help="replace a different model of the same name")
    down.add_argument("--progress", action="store_true", help="progress bar on stderr even when it is not a terminal")
    down.add_argument("--format", choices=FORMATS, default="text")
    down.set_defaults(run=cmd_models_download)
