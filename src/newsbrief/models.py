"""Translation models: the registry, where models are found, and the shared model cache.

Resolution never downloads on its own. A name or path is looked up in this order:

1. an explicit path (a folder holding a model);
2. the folders in ``NEWSBRIEF_MODELS`` (``os.pathsep``-separated; the first is also where
   ``import_model`` puts models), else the user model folder;
3. the project's ``models/`` folder (embedded models);
4. the Hugging Face cache (``HF_HUB_CACHE``, ``HF_HOME/hub`` or ``~/.cache/huggingface/hub``),
   read offline;
5. the hub, only when the caller allows it (``allow_download=True`` or
   ``NEWSBRIEF_ALLOW_DOWNLOAD=1``).

Otherwise ModelNotFoundError says where it looked and what to run.

Each model folder may carry a ``newsbrief.json`` with its spec (family, language codes, ...);
folders imported or converted by newsbrief always do. Without it the spec comes from the
registry entry or is inferred from the folder's config and tokenizer files.

Nothing heavy is imported here: torch, transformers and ctranslate2 load in the backends.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
import tomllib
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from .errors import ConfigError, MissingDependencyError, ModelNotFoundError

log = logging.getLogger("newsbrief.models")


def _project_models() -> Path:
    """models/ of a source checkout (src layout), else the copy a wheel ships as newsbrief/_models."""
    checkout = Path(__file__).resolve().parents[2] / "models"
    packaged = Path(__file__).resolve().parent / "_models"
    return checkout if (checkout / "registry.toml").is_file() or not packaged.is_dir() else packaged


PROJECT_MODELS = _project_models()
REGISTRY_PATH = PROJECT_MODELS / "registry.toml"
SPEC_FILE = "newsbrief.json"
FAMILIES = ("nllb", "m2m100", "marian")
FORMATS = ("transformers", "ctranslate2")

# The language codes each family uses for newsbrief's languages.
FAMILY_CODES: dict[str, dict[str, str]] = {
    "nllb": {"en": "eng_Latn", "km": "khm_Khmr", "ms": "zsm_Latn"},
    "m2m100": {"en": "en", "km": "km", "ms": "ms"},
    "marian": {"en": "eng", "km": "khm", "ms": "zsm"},
}

_TRUE = {"1", "true", "yes", "on"}


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
    """What newsbrief needs to know about a translation model."""

    name: str
    family: str
    languages: tuple[str, ...]
    codes: Mapping[str, str]
    hub_id: str | None = None
    format: str = "transformers"
    max_input_tokens: int = 512
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

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise ConfigError(f"model {self.name!r}: family must be one of {', '.join(FAMILIES)}, not {self.family!r}")
        if self.format not in FORMATS:
            raise ConfigError(f"model {self.name!r}: format must be one of {', '.join(FORMATS)}, not {self.format!r}")
        missing = [lang for lang in self.languages if lang not in self.codes]
        if missing and not (self.family == "marian" and self.target_prefix is False):
            raise ConfigError(f"model {self.name!r}: no language code for {', '.join(missing)}")
        if not isinstance(self.max_input_tokens, int) or self.max_input_tokens < 8:
            raise ConfigError(f"model {self.name!r}: max_input_tokens must be an integer >= 8")
        object.__setattr__(self, "languages", tuple(self.languages))
        object.__setattr__(self, "directions", tuple(self.directions))
        for direction in self.directions:
            a, _, b = direction.partition("-")
            if a not in self.languages or b not in self.languages:
                raise ConfigError(f"model {self.name!r}: direction {direction!r} is not SRC-TGT between its "
                                  f"languages {', '.join(self.languages)}")
        object.__setattr__(self, "codes", dict(self.codes))
        object.__setattr__(self, "scores", dict(self.scores))

    def translates(self, src: str, tgt: str) -> bool:
        if src == tgt or src not in self.languages or tgt not in self.languages:
            return False
        return not self.directions or f"{src}-{tgt}" in self.directions

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], name: str | None = None) -> "ModelSpec":
        data = checked_entry(cls, data, name, "model")
        if "codes" not in data and data["family"] in FAMILY_CODES:
            data["codes"] = {k: v for k, v in FAMILY_CODES[data["family"]].items() if k in data["languages"]}
        data.setdefault("codes", {})
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["languages"] = list(self.languages)
        out["directions"] = list(self.directions)
        return {k: v for k, v in out.items() if v not in (None, "", {}, []) or k in ("scores",)}


@dataclass(frozen=True)
class ResolvedModel:
    spec: ModelSpec
    path: Path
    source: str  # "path", "NEWSBRIEF_MODELS", "project", "hf-cache", "download"

    @property
    def id(self) -> str:
        return self.spec.hub_id or self.spec.name


# --------------------------------------------------------------------------- registry

def read_registry(path: str | os.PathLike | None = None) -> dict[str, Any]:
    """registry.toml as parsed TOML ({} when there is none); every registry reader starts here."""
    path = Path(path) if path else REGISTRY_PATH
    if not path.is_file():
        return {}
    with open(path, "rb") as fh:
        try:
            return tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path} is not valid TOML: {exc}") from None


def load_registry(path: str | os.PathLike | None = None) -> dict[str, ModelSpec]:
    """The translation models named in registry.toml, by name."""
    return {name: ModelSpec.from_dict(entry, name) for name, entry in read_registry(path).get("models", {}).items()}


def _registry_default(path: Path | None = None) -> str:
    return str(read_registry(path).get("default_translation", "") or "")


def user_model_dir() -> Path:
    """Where import_model puts models: the first NEWSBRIEF_MODELS folder, else the user data folder."""
    env = os.environ.get("NEWSBRIEF_MODELS")
    if env:
        return Path(env.split(os.pathsep)[0]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("newsbrief")) / "models"


def search_dirs() -> list[tuple[str, Path]]:
    """Local folders searched for models by name, in order, with the name of each place."""
    env = os.environ.get("NEWSBRIEF_MODELS")
    dirs: list[tuple[str, Path]] = []
    if env:
        dirs += [("NEWSBRIEF_MODELS", Path(p).expanduser()) for p in env.split(os.pathsep) if p]
    else:
        dirs.append(("user models", user_model_dir()))
    dirs.append(("project", PROJECT_MODELS))
    return dirs


def hf_cache_dir() -> Path:
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "hub"
    return Path.home() / ".cache" / "huggingface" / "hub"


def download_allowed(allow_download: bool | None = None) -> bool:
    if allow_download is not None:
        return bool(allow_download)
    return os.environ.get("NEWSBRIEF_ALLOW_DOWNLOAD", "").strip().lower() in _TRUE


def _is_model_dir(path: Path) -> bool:
    return path.is_dir() and ((path / "config.json").is_file() or (path / "model.bin").is_file()
                              or (path / SPEC_FILE).is_file())


def _hf_cache_snapshot(hub_id: str, cache: Path | None = None) -> Path | None:
    """The snapshot folder of hub_id in the Hugging Face cache, read without any network."""
    repo = (cache or hf_cache_dir()) / ("models--" + hub_id.replace("/", "--"))
    snapshots = repo / "snapshots"
    if not snapshots.is_dir():
        return None
    ref = repo / "refs" / "main"
    if ref.is_file():
        snap = snapshots / ref.read_text().strip()
        if _is_model_dir(snap):
            return snap
    candidates = sorted((p for p in snapshots.iterdir() if _is_model_dir(p)), key=lambda p: p.stat().st_mtime)
    return candidates[-1] if candidates else None


def infer_spec(path: Path, name: str | None = None, base: ModelSpec | None = None) -> ModelSpec:
    """The spec of a model folder: its newsbrief.json, else the registry entry, else inferred."""
    spec_file = path / SPEC_FILE
    if spec_file.is_file():
        try:
            data = json.loads(spec_file.read_text("utf-8"))
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{spec_file} is not valid JSON: {exc}") from None
        return ModelSpec.from_dict(data)
    is_ct2 = (path / "model.bin").is_file()
    if base is not None:
        return replace(base, format="ctranslate2") if is_ct2 else base
    config = _read_json(path / "config.json")
    tok_config = _read_json(path / "tokenizer_config.json")
    model_type = config.get("model_type", "")
    tok_class = str(tok_config.get("tokenizer_class", ""))
    name = name or path.name
    if is_ct2:
        raise ConfigError(f"{path} holds a CTranslate2 model without {SPEC_FILE}; convert models with "
                          f"`newsbrief models convert` (which writes it) or add {SPEC_FILE} naming its family "
                          f"and language codes.")
    if model_type == "m2m_100":
        family = "nllb" if "nllb" in tok_class.lower() or "nllb" in name.lower() else "m2m100"
        max_in = 512 if family == "nllb" else int(config.get("max_position_embeddings", 1024))
        return ModelSpec(name=name, family=family, languages=("en", "km", "ms"),
                         codes=FAMILY_CODES[family], max_input_tokens=max_in,
                         architecture=(config.get("architectures") or [None])[0])
    if model_type == "marian":
        vocab = _read_json(path / "vocab.json")
        prefixed = {tok[2:-2] for tok in vocab if tok.startswith(">>") and tok.endswith("<<")}
        codes = {}
        for lang, code in FAMILY_CODES["marian"].items():
            for candidate in (code, f"{code}_{'Khmr' if lang == 'km' else 'Latn'}", lang):
                if candidate in prefixed:
                    codes[lang] = candidate
                    break
        if len(codes) < 2:
            raise ConfigError(f"{path}: a Marian model whose languages newsbrief cannot tell (no >>code<< "
                              f"tokens for en/km/ms). Add {SPEC_FILE} with family, languages and target_prefix.")
        return ModelSpec(name=name, family="marian", languages=tuple(codes), codes=codes,
                         max_input_tokens=int(config.get("max_position_embeddings", 512)), target_prefix=True,
                         architecture=(config.get("architectures") or [None])[0])
    raise ConfigError(f"{path}: not a translation model newsbrief can use (model_type {model_type!r}); "
                      f"supported: NLLB-200 / M2M100 and Marian seq2seq models.")


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {}


def _local_models(dirs: Iterable[tuple[str, Path]]) -> dict[str, tuple[str, Path]]:
    found: dict[str, tuple[str, Path]] = {}
    for where, root in dirs:
        if root.is_dir():
            for child in sorted(root.iterdir()):
                if _is_model_dir(child) and child.name not in found:
                    found[child.name] = (where, child)
    return found


def resolve(name_or_path: str | os.PathLike, allow_download: bool | None = None,
            registry: Mapping[str, ModelSpec] | None = None) -> ResolvedModel:
    """Find a model by path or name; see the module docstring for the order."""
    registry = load_registry() if registry is None else registry
    text = str(name_or_path)
    path = Path(text).expanduser()
    if path.is_dir():
        if not _is_model_dir(path):
            raise ModelNotFoundError(f"{path} is a folder but holds no model (no config.json or model.bin).")
        base = _registry_by_path(registry, path) or _registry_lookup(registry, path.name)
        return ResolvedModel(infer_spec(path, base=base), path, "path")
    if text.startswith(("/", ".", "~")) or text.count("/") > 1 or "\\" in text or path.exists():
        raise ModelNotFoundError(f"{path}: no such model folder.")

    base = _registry_lookup(registry, text)
    names = [text]
    if base is not None:
        names += [base.name] + ([base.hub_id.replace("/", "--"), base.hub_id.split("/")[-1]] if base.hub_id else [])
    searched: list[str] = []
    for where, root in search_dirs():
        for candidate in dict.fromkeys(names):
            folder = root / candidate
            if _is_model_dir(folder):
                return ResolvedModel(infer_spec(folder, text, base), folder, where)
        searched.append(f"{root} ({where})")
    if base is not None and base.path:
        folder = (REGISTRY_PATH.parent / base.path)
        if _is_model_dir(folder):
            return ResolvedModel(infer_spec(folder, base=base), folder, "project")
    hub_id = base.hub_id if base is not None else (text if "/" in text else None)
    if hub_id:
        snap = _hf_cache_snapshot(hub_id)
        searched.append(f"{hf_cache_dir()} (Hugging Face cache, {hub_id})")
        if snap is not None:
            return ResolvedModel(infer_spec(snap, text, base), snap, "hf-cache")
        if download_allowed(allow_download):
            snap = _download(hub_id)
            return ResolvedModel(infer_spec(snap, text, base), snap, "download")
    known = ", ".join(registry) or "none"
    if hub_id:
        how = (f"To fetch it once from the Hugging Face hub (about {base.approx_size_gb} GB) run with "
               f"NEWSBRIEF_ALLOW_DOWNLOAD=1 (or pass allow_download=True), or run "
               f"`huggingface-cli download {hub_id}`; or copy a local copy in with "
               f"`newsbrief models import PATH`." if base is not None and base.approx_size_gb else
               f"To fetch it from the Hugging Face hub run with NEWSBRIEF_ALLOW_DOWNLOAD=1 "
               f"(or pass allow_download=True), or run `huggingface-cli download {hub_id}`; "
               f"or `newsbrief models import PATH` for a local copy.")
    else:
        how = (f"Give a model folder, a name from the registry ({known}), a Hugging Face id, "
               f"or import a local model with `newsbrief models import PATH`.")
    raise ModelNotFoundError(f"translation model {text!r} was not found. Looked in: {'; '.join(searched)}. {how}")


def _registry_lookup(registry: Mapping[str, ModelSpec], name: str) -> ModelSpec | None:
    if name in registry:
        return registry[name]
    for spec in registry.values():
        if spec.hub_id and name in (spec.hub_id, spec.hub_id.replace("/", "--"), spec.hub_id.split("/")[-1]):
            return spec
    return None


def _registry_by_path(registry: Mapping[str, ModelSpec], path: Path) -> ModelSpec | None:
    if path.parent.name == "snapshots" and path.parent.parent.name.startswith("models--"):
        hub_id = path.parent.parent.name[len("models--"):].replace("--", "/")
        return _registry_lookup(registry, hub_id)
    return None


def _download(hub_id: str) -> Path:
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        raise MissingDependencyError("downloading models needs huggingface_hub: pip install huggingface_hub") from None
    log.info("downloading %s from the Hugging Face hub", hub_id)
    try:
        return Path(snapshot_download(hub_id, cache_dir=str(hf_cache_dir())))
    except Exception as exc:  # network errors come in many types
        raise ModelNotFoundError(f"could not download {hub_id} from the Hugging Face hub ({type(exc).__name__}: "
                                 f"{exc}). Check the network, or copy the model folder here and run "
                                 f"`newsbrief models import PATH`.") from None


def default_model(src: str | None = None, tgt: str | None = None,
                  registry: Mapping[str, ModelSpec] | None = None) -> str:
    """The model to use when none is given: NEWSBRIEF_TRANSLATION_MODEL, else a model the user
    installed (imported, in NEWSBRIEF_MODELS or the Hugging Face cache) that covers the pair,
    else the embedded model named by the registry's default_translation."""
    env = os.environ.get("NEWSBRIEF_TRANSLATION_MODEL")
    if env:
        return env
    registry = load_registry() if registry is None else registry
    wanted = {lang for lang in (src, tgt) if lang}
    user_dirs = [(where, folder) for where, folder in search_dirs() if where != "project"]
    for name, (_, folder) in _local_models(user_dirs).items():
        try:
            spec = infer_spec(folder, name, _registry_lookup(registry, name))
        except ConfigError:
            continue
        if wanted <= set(spec.languages):
            return str(folder)
    for spec in registry.values():
        if spec.hub_id and _hf_cache_snapshot(spec.hub_id) is not None and wanted <= set(spec.languages):
            return spec.name
    default = _registry_default()
    if default:
        return default
    raise ModelNotFoundError(
        "no translation model is installed (and none is embedded in this copy of newsbrief); newsbrief never "
        "downloads one on its own. Either import a local model folder with `newsbrief models import PATH`, "
        "name one with --model / model= (e.g. nllb-200-distilled-600M, fetched once with "
        "NEWSBRIEF_ALLOW_DOWNLOAD=1), or set NEWSBRIEF_TRANSLATION_MODEL. `newsbrief models list` shows "
        "the known models.")


# --------------------------------------------------------------------------- list / info / import

@dataclass(frozen=True)
class ModelEntry:
    spec: ModelSpec
    installed: bool
    location: str | None
    source: str | None

    def to_dict(self) -> dict[str, Any]:
        return {**self.spec.to_dict(), "installed": self.installed, "location": self.location,
                "source": self.source}


def list_models(registry: Mapping[str, ModelSpec] | None = None) -> list[ModelEntry]:
    """Known models (the registry) and local ones, with where each is installed (if it is)."""
    registry = load_registry() if registry is None else registry
    entries: list[ModelEntry] = []
    seen: set[Path] = set()
    for name in registry:
        try:
            found = resolve(name, allow_download=False, registry=registry)
            entries.append(ModelEntry(found.spec, True, str(found.path), found.source))
            seen.add(found.path.resolve())
        except ModelNotFoundError:
            entries.append(ModelEntry(registry[name], False, None, None))
    for name, (where, folder) in _local_models(search_dirs()).items():
        if folder.resolve() in seen or name in registry:
            continue
        try:
            spec = infer_spec(folder, name)
        except ConfigError:
            continue
        entries.append(ModelEntry(spec, True, str(folder), where))
    return entries


def model_info(name_or_path: str, registry: Mapping[str, ModelSpec] | None = None) -> ModelEntry:
    registry = load_registry() if registry is None else registry
    try:
        found = resolve(name_or_path, allow_download=False, registry=registry)
        return ModelEntry(found.spec, True, str(found.path), found.source)
    except ModelNotFoundError:
        spec = _registry_lookup(registry, name_or_path)
        if spec is None:
            raise
        return ModelEntry(spec, False, None, None)


def import_model(path: str | os.PathLike, name: str | None = None, link: bool = False,
                 force: bool = False, dest: str | os.PathLike | None = None, **spec_fields: Any) -> ResolvedModel:
    """Copy (or symlink, link=True) a local model folder into the user model folder and
    register it there with a newsbrief.json, so that it resolves by name afterwards."""
    src = Path(path).expanduser().resolve()
    if not _is_model_dir(src):
        raise ModelNotFoundError(f"{src}: no model folder there (expected config.json or a CTranslate2 model.bin).")
    registry = load_registry()
    base = _registry_by_path(registry, src) or _registry_lookup(registry, name or src.name)
    spec = infer_spec(src, name or src.name, base)
    spec = replace(spec, name=name or spec.name, **spec_fields)
    target = Path(dest).expanduser() if dest else user_model_dir()
    target.mkdir(parents=True, exist_ok=True)
    folder = target / spec.name
    if folder.exists() or folder.is_symlink():
        if not force:
            raise ConfigError(f"{folder} exists already; pass force=True (--force) to replace it.")
        if folder.is_symlink() or folder.is_file():
            folder.unlink()
        else:
            shutil.rmtree(folder)
    if link:
        folder.symlink_to(src, target_is_directory=True)
        if not (src / SPEC_FILE).is_file():
            log.warning("linked %s without a %s; its spec is inferred each time", src, SPEC_FILE)
    else:
        shutil.copytree(src, folder)
        write_spec(folder, spec)
    return ResolvedModel(spec, folder, "NEWSBRIEF_MODELS" if os.environ.get("NEWSBRIEF_MODELS") else "user models")


def write_spec(folder: Path, spec: ModelSpec) -> None:
    (folder / SPEC_FILE).write_text(json.dumps(spec.to_dict(), ensure_ascii=False, indent=2) + "\n", "utf-8")


def convert_to_ct2(name_or_path: str | os.PathLike, output_dir: str | os.PathLike | None = None,
                   quantization: str = "int8", force: bool = False,
                   allow_download: bool | None = None,
                   shortlist: Mapping[str, Iterable[str]] | None = None) -> ResolvedModel:
    """Convert a transformers model to CTranslate2 with CTranslate2's own converter.

    The output folder (default: NAME-ct2-QUANT in the user model folder) gets the tokenizer
    files and a newsbrief.json, so it resolves and translates like any other model.
    shortlist (target language -> sample text in it) adds a vocabulary map (vmap.txt) that
    restricts decoding to those languages' subwords: see translation/shortlist.py.
    """
    try:
        from ctranslate2.converters import TransformersConverter
    except ImportError:
        raise MissingDependencyError("converting to CTranslate2 needs ctranslate2: "
                                     "pip install 'newsbrief[ct2]'") from None
    found = resolve(name_or_path, allow_download=allow_download)
    if found.spec.format != "transformers":
        raise ConfigError(f"{found.path} is already a CTranslate2 model.")
    out = Path(output_dir).expanduser() if output_dir else \
        user_model_dir() / f"{found.spec.name.split('/')[-1]}-ct2-{quantization}"
    if out.exists() and not force:
        raise ConfigError(f"{out} exists already; pass force=True (--force) to overwrite it.")
    tokenizer_files = [f.name for f in found.path.iterdir() if f.is_file() and f.name in _TOKENIZER_FILES]
    converter = _with_m2m100_codes(TransformersConverter)(str(found.path), copy_files=tokenizer_files)
    with tempfile.TemporaryDirectory() as tmp:
        vmap = None
        if shortlist:
            from .translation.shortlist import write_vocab_map
            vmap = str(write_vocab_map(found.path, found.spec, shortlist, Path(tmp) / "vmap.txt"))
        converter.convert(str(out), vmap=vmap, quantization=quantization, force=force)
    positions = _read_json(found.path / "config.json").get("max_position_embeddings")
    spec = replace(found.spec, name=out.name, format="ctranslate2",
                   max_positions=found.spec.max_positions or positions)
    write_spec(out, spec)
    return ResolvedModel(spec, out, "path")


def _with_m2m100_codes(converter_class):
    """CTranslate2's converter reads M2M100's __xx__ language codes from the tokenizer's
    special_tokens_map, where transformers 5 no longer lists them: the vocabulary then comes
    out 100 entries short and the conversion fails. Name them there, in id order."""
    class Converter(converter_class):
        def load_tokenizer(self, tokenizer_class, model_name_or_path, **kwargs):
            tokenizer = super().load_tokenizer(tokenizer_class, model_name_or_path, **kwargs)
            codes = getattr(tokenizer, "lang_token_to_id", None)
            if codes and not tokenizer.special_tokens_map.get("additional_special_tokens"):
                tokenizer.add_special_tokens({"additional_special_tokens": sorted(codes, key=codes.get)})
            return tokenizer
    return Converter


_TOKENIZER_FILES = {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "sentencepiece.bpe.model",
                    "vocab.json", "source.spm", "target.spm", "spiece.model", "added_tokens.json",
                    "generation_config.json"}


# --------------------------------------------------------------------------- the shared cache

class ModelCache:
    """Loaded models, shared by key (path + backend options). One explicit object: pass your
    own to translate(cache=...) to isolate, or use default_cache() to share in a process."""

    def __init__(self, max_models: int | None = None):
        self._items: dict[tuple, Any] = {}
        self._lock = threading.RLock()
        self.max_models = max_models

    def get(self, key: tuple, load: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                value = self._items.pop(key)
                self._items[key] = value  # most recently used last
                return value
            value = load()
            self._items[key] = value
            if self.max_models is not None:
                while len(self._items) > self.max_models:
                    self._items.pop(next(iter(self._items)))
            return value

    def __contains__(self, key: tuple) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    def keys(self) -> list[tuple]:
        return list(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_DEFAULT_CACHE: list[ModelCache] = []


def default_cache() -> ModelCache:
    """The process-wide ModelCache translate() uses when given none."""
    if not _DEFAULT_CACHE:
        _DEFAULT_CACHE.append(ModelCache())
    return _DEFAULT_CACHE[0]
