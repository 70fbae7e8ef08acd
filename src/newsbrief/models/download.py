"""Fetch a model from the Hugging Face hub into the user model folder: `newsbrief models download`
and the ``allow_download=`` path of resolution share download_model().

What it does, in order:

1. asks the hub (``HF_ENDPOINT``, else huggingface.co) for the repository's file list at the
   revision (``HfApi.model_info(files_metadata=True)``): the commit, each file's size, git blob
   id and, for LFS files, sha256;
2. picks only what newsbrief loads: config, generation config, tokenizer files and the weights
   (safetensors when the repository has them, else PyTorch .bin; sharded weights with their
   index);
3. fetches each file through huggingface_hub's HTTP session (its headers, token and endpoint)
   into ``<models>/.downloads/NAME/``, appending to a ``.part`` file as bytes arrive, so that a
   dropped connection is retried and an interrupted run resumes where it stopped (an HTTP Range
   request), across processes;
4. checks every file against the hub's hashes (sha256 for LFS files, the git blob sha1 for the
   others); a file that fails is deleted and the download stops with DownloadError;
5. only when every file is there and verified, renames the staging folder to
   ``<models>/NAME`` (one rename, so a partial folder is never where models are looked for),
   writes ``download.json`` (hub id, revision, commit, file hashes) and, for translation
   models, ``newsbrief.json``;
6. optionally converts the result to CTranslate2 (``convert_to_ct2``).

huggingface_hub's own snapshot_download is not used for the transfer: since huggingface_hub
1.x it downloads each file to a process-unique temporary file and deletes it on failure, so an
interrupted multi-GB weights file starts again from byte 0 on the next run.

Nothing here runs at import time; huggingface_hub is imported when a download starts.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..errors import ConfigError, MissingDependencyError, ModelNotFoundError

log = logging.getLogger("newsbrief.models")

STAGING = ".downloads"          # under the model folder: not a model folder itself
PROVENANCE = "download.json"
RETRIES = 5                     # per file, counted from the last time bytes arrived
BACKOFF_S = 1.0                 # seconds before a retry, doubled each time (max 8 s)
CHUNK = 1 << 20

CONFIG_FILES = ("config.json", "generation_config.json")
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json",
                   "sentencepiece.bpe.model", "spiece.model", "tokenizer.model", "source.spm", "target.spm",
                   "vocab.json", "vocab.txt", "merges.txt", "chat_template.jinja")
_LFS_SUFFIXES = (".safetensors", ".bin", ".model", ".spm")


class DownloadError(ModelNotFoundError):
    """A download that did not finish (network, verification): the model is still not installed.
    Exit code 3, as for any missing model."""


@dataclass(frozen=True)
class RemoteFile:
    name: str
    size: int
    blob_id: str | None = None     # git blob sha1 (every file)
    sha256: str | None = None      # LFS files

    @property
    def key(self) -> str:
        """The content's identity (names the .part file, so a resumed part is the same content)."""
        return self.sha256 or self.blob_id or f"size-{self.size}"


@dataclass(frozen=True)
class DownloadPlan:
    hub_id: str
    name: str                      # the folder name under the model folder
    kind: str                      # "translation", "summarization" or "unknown" (a hub id not in the registry)
    revision: str
    commit: str
    files: tuple[RemoteFile, ...]
    dest: Path                     # where the model ends up
    staging: Path
    endpoint: str

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)

    def local_bytes(self) -> int:
        """Bytes already on disk (complete files in the staging folder, parts of others)."""
        have = 0
        for f in self.files:
            done, part = self.staging / f.name, self.staging / ".part" / f"{f.key}.part"
            if done.is_file() and done.stat().st_size == f.size:
                have += f.size
            elif part.is_file():
                have += min(part.stat().st_size, f.size)
        return have

    def to_dict(self) -> dict[str, Any]:
        return {"hub_id": self.hub_id, "name": self.name, "kind": self.kind, "revision": self.revision,
                "commit": self.commit, "dest": str(self.dest), "total_bytes": self.total_bytes,
                "local_bytes": self.local_bytes(),
                "files": [{"name": f.name, "size": f.size, "sha256": f.sha256, "blob_id": f.blob_id}
                          for f in self.files]}


@dataclass(frozen=True)
class Downloaded:
    plan: DownloadPlan
    path: Path                     # the installed model folder (plan.dest)
    fetched_bytes: int             # transferred by this call
    resumed_bytes: int             # already on disk from an earlier, interrupted run
    already_installed: bool = False
    converted: Path | None = None  # the CTranslate2 folder, when asked for
    converted_name: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- what to fetch

def _registry_target(name_or_id: str) -> tuple[str, str, str] | None:
    """(folder name, hub id, kind) of a registry entry named or hub-id'd name_or_id."""
    from . import read_registry

    registry = read_registry()
    for kind, table in (("translation", "models"), ("summarization", "summarizers")):
        for name, entry in registry.get(table, {}).items():
            hub_id = entry.get("hub_id")
            if not hub_id:
                continue
            if name_or_id in (name, hub_id):
                return name, hub_id, kind
    return None


def _target(name_or_id: str) -> tuple[str, str, str]:
    found = _registry_target(name_or_id)
    if found:
        return found
    text = name_or_id.strip()
    parts = text.split("/")
    if len(parts) == 2 and all(parts) and not text.startswith((".", "~")):
        return parts[1], text, "unknown"
    from . import read_registry

    registry = read_registry()
    known = [n for table in ("models", "summarizers") for n, e in registry.get(table, {}).items() if e.get("hub_id")]
    raise ModelNotFoundError(f"{name_or_id!r} is neither a model newsbrief knows ({', '.join(known)}) nor a "
                             f"Hugging Face id (OWNER/NAME).")


def select_files(files: Iterable[RemoteFile]) -> list[RemoteFile]:
    """The files newsbrief loads: config, tokenizer, and one set of weights (safetensors when
    there are any, else PyTorch .bin; sharded sets with their index). Top-level files only."""
    by_name = {f.name: f for f in files if "/" not in f.name}
    chosen = [by_name[n] for n in CONFIG_FILES + TOKENIZER_FILES if n in by_name]
    weights: list[RemoteFile] = []
    for single, index, prefix, suffix in (("model.safetensors", "model.safetensors.index.json", "model-", ".safetensors"),
                                          ("pytorch_model.bin", "pytorch_model.bin.index.json", "pytorch_model-", ".bin")):
        if single in by_name:
            weights = [by_name[single]]
        elif index in by_name:
            weights = [by_name[index]] + sorted((f for n, f in by_name.items()
                                                 if n.startswith(prefix) and n.endswith(suffix)),
                                                key=lambda f: f.name)
        if weights:
            break
    if not weights:
        raise ModelNotFoundError("the repository has no model.safetensors or pytorch_model.bin (single or "
                                 "sharded) at its top level; newsbrief loads transformers weights only.")
    if "config.json" not in by_name:
        raise ModelNotFoundError("the repository has no config.json: not a transformers model.")
    return chosen + weights


def plan_download(name_or_id: str, revision: str | None = None, dest: str | os.PathLike | None = None,
                  endpoint: str | None = None) -> DownloadPlan:
    """Ask the hub what download_model would fetch (one API call; nothing is written)."""
    from . import user_model_dir

    hf = _hf()
    name, hub_id, kind = _target(name_or_id)
    endpoint = _endpoint(endpoint)
    revision = revision or "main"
    _check_online(hub_id, endpoint)
    api = hf.HfApi(endpoint=endpoint)
    try:
        info = api.model_info(hub_id, revision=revision, files_metadata=True)
    except Exception as exc:  # noqa: BLE001 - turned into one line the user can act on
        raise _explain(exc, hub_id, revision, endpoint) from None
    files = [RemoteFile(s.rfilename, int(s.lfs.size if s.lfs else (s.size or 0)), s.blob_id,
                        s.lfs.sha256 if s.lfs else None) for s in (info.siblings or [])]
    try:
        chosen = select_files(files)
    except ModelNotFoundError as exc:
        raise ModelNotFoundError(f"{hub_id}@{revision}: {exc}") from None
    unverifiable = [f.name for f in chosen if not (f.sha256 or f.blob_id)]
    if unverifiable:
        raise DownloadError(f"{hub_id}: the hub gave no hash for {', '.join(unverifiable)}, so the download "
                            f"could not be verified; nothing was fetched.")
    root = Path(dest).expanduser() if dest else user_model_dir()
    return DownloadPlan(hub_id=hub_id, name=name, kind=kind, revision=revision, commit=str(info.sha),
                        files=tuple(chosen), dest=root / name, staging=root / STAGING / name, endpoint=endpoint)


# --------------------------------------------------------------------------- downloading

def download_model(name_or_id: str, revision: str | None = None, *, dest: str | os.PathLike | None = None,
                   to: str | None = None, quantization: str = "int8",
                   shortlist: Mapping[str, Iterable[str]] | None = None, force: bool = False,
                   progress: bool | None = None, endpoint: str | None = None) -> Downloaded:
    """Download a model (a registry name such as nllb-200-distilled-600M or bart-large-cnn, or a
    Hugging Face id) into the user model folder (or dest) and return where it is.

    Already installed at the same commit: nothing is fetched (already_installed=True). Another
    commit there: ConfigError unless force=True. to="ct2" converts a translation model to
    CTranslate2 (quantization, shortlist as in convert_to_ct2) once it is installed.
    Raises ModelNotFoundError (no such model, offline) or DownloadError (interrupted, failed
    verification); a partial download is kept in the staging folder and resumed next time.
    """
    if to not in (None, "ct2"):
        raise ConfigError(f"to must be 'ct2' or None, not {to!r}")
    plan = plan_download(name_or_id, revision, dest, endpoint)
    if to == "ct2" and plan.kind == "summarization":
        raise ConfigError(f"{plan.name} is a summarization model; CTranslate2 conversion is for translation models.")
    from huggingface_hub.utils import WeakFileLock

    plan.staging.parent.mkdir(parents=True, exist_ok=True)
    lock = plan.staging.parent / f"{plan.name}.lock"
    with WeakFileLock(lock):   # a second process downloading the same model waits, then finds it installed
        installed = _installed_commit(plan.dest)
        if plan.dest.exists() and installed == plan.commit and all((plan.dest / f.name).is_file()
                                                                   for f in plan.files):
            result = Downloaded(plan, plan.dest, 0, 0, already_installed=True)
        else:
            if plan.dest.exists() and not force:
                what = f"commit {installed}" if installed else "a model newsbrief did not download"
                raise ConfigError(f"{plan.dest} exists already ({what}; the hub has {plan.commit} at "
                                  f"{plan.revision}); pass force=True (--force) to replace it.")
            result = _fetch(plan, progress)
    lock.unlink(missing_ok=True)
    try:
        plan.staging.parent.rmdir()   # .downloads, when nothing else is in flight
    except OSError:
        pass
    if to == "ct2":
        result = _convert(result, quantization, shortlist, force)
    return result


def fetch(hub_id: str, revision: str | None = None) -> Path:
    """The model folder of hub_id, downloaded if needed: what resolve(allow_download=True) uses."""
    return download_model(hub_id, revision).path


def _fetch(plan: DownloadPlan, progress: bool | None) -> Downloaded:
    hf = _hf()
    plan.staging.mkdir(parents=True, exist_ok=True)
    (plan.staging / ".part").mkdir(exist_ok=True)
    state = _read_json(plan.staging / ".state.json")
    verified: dict[str, str] = state.get("verified", {}) if state.get("commit") == plan.commit else {}
    resumed = plan.local_bytes()
    bar = _progress_bar(plan, resumed, progress)
    fetched = 0
    try:
        for f in plan.files:
            done = plan.staging / f.name
            if done.is_file() and done.stat().st_size == f.size and verified.get(f.name) == f.key:
                continue
            fetched += _fetch_file(hf, plan, f, bar)
            verified[f.name] = f.key
            _write_json(plan.staging / ".state.json", {"hub_id": plan.hub_id, "commit": plan.commit,
                                                        "verified": verified})
    finally:
        bar.close()
    _install(plan)
    return Downloaded(plan, plan.dest, fetched, resumed)


def _fetch_file(hf, plan: DownloadPlan, f: RemoteFile, bar) -> int:
    """Fetch one file into the staging folder, resuming its .part; verify; return bytes moved."""
    part = plan.staging / ".part" / f"{f.key}.part"
    url = hf.hf_hub_url(plan.hub_id, f.name, revision=plan.commit, endpoint=plan.endpoint)
    headers = hf.build_hf_headers()
    location = _check_metadata(hf, plan, f, url, headers)
    if location != url and not _same_host(url, location):
        headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
    session = hf.get_session()
    moved, failures, delay = 0, 0, BACKOFF_S
    if part.is_file() and part.stat().st_size > f.size:
        part.unlink()
    while True:
        have = part.stat().st_size if part.is_file() else 0
        if have == f.size:
            break
        request_headers = dict(headers, **({"Range": f"bytes={have}-"} if have else {}))
        got = 0
        try:
            with session.stream("GET", location, headers=request_headers, follow_redirects=True,
                                timeout=hf.constants.HF_HUB_DOWNLOAD_TIMEOUT) as response:
                hf.hf_raise_for_status(response)
                mode = "ab"
                if have and response.status_code != 206:
                    mode = "wb"   # the server ignored the Range header: start the file again
                    bar.update(-have)
                    have = 0
                elif have and not str(response.headers.get("Content-Range", "")).startswith(f"bytes {have}-"):
                    raise DownloadError(f"{plan.hub_id}: {f.name}: the hub answered a resume request with "
                                        f"{response.headers.get('Content-Range')!r}; run again with --force.")
                with open(part, mode) as out:
                    for chunk in response.iter_bytes():
                        if chunk:
                            out.write(chunk)
                            out.flush()
                            got += len(chunk)
                            bar.update(len(chunk))
                            if have + got > f.size:
                                break
        except DownloadError:
            raise
        except Exception as exc:  # noqa: BLE001 - network errors come in many types
            moved += got
            if got:
                failures, delay = 0, BACKOFF_S
            failures += 1
            if not _transient(exc) or failures > RETRIES:
                kept = part.stat().st_size if part.is_file() else 0
                if _transient(exc):
                    raise DownloadError(
                        f"{plan.hub_id}: the download of {f.name} stopped ({_one_line(exc)}) after {RETRIES} "
                        f"retries; {_size(kept)} of {_size(f.size)} kept in {plan.staging}: run the same command "
                        f"again to resume.") from None
                raise _explain(exc, plan.hub_id, plan.revision, plan.endpoint) from None
            log.warning("%s: %s; retrying from byte %d", f.name, _one_line(exc), have + got)
            time.sleep(delay)
            delay = min(delay * 2, 8.0)
            continue
        moved += got
        size_now = part.stat().st_size
        if size_now > f.size:
            part.unlink()
            raise DownloadError(f"{plan.hub_id}: {f.name} came out longer than the hub's {f.size} bytes; removed, "
                                f"run again to fetch it anew.")
        if got == 0 and size_now < f.size:
            failures += 1
            if failures > RETRIES:
                raise DownloadError(f"{plan.hub_id}: {f.name}: the hub sent no data ({_size(size_now)} of "
                                    f"{_size(f.size)}); run again to resume.")
            time.sleep(delay)
            delay = min(delay * 2, 8.0)
    digest_ok, algo, got_digest, want = _verify(part, f)
    if not digest_ok:
        part.unlink()
        bar.update(-f.size)
        raise DownloadError(f"{plan.hub_id}: {f.name} failed verification ({algo} {got_digest}, the hub says "
                            f"{want}); the file was removed and nothing was installed. Run again to fetch it anew.")
    target = plan.staging / f.name
    os.replace(part, target)
    return moved


def _check_metadata(hf, plan: DownloadPlan, f: RemoteFile, url: str, headers: dict[str, str]) -> str:
    """HEAD the file's resolve URL: it must be at the planned commit with the planned ETag and
    size. Returns the URL to fetch (the hub redirects LFS files to its CDN)."""
    try:
        meta = hf.get_hf_file_metadata(url, headers=headers, endpoint=plan.endpoint)
    except Exception as exc:  # noqa: BLE001
        if _transient(exc):
            raise DownloadError(f"{plan.hub_id}: lost the connection to {plan.endpoint} ({_one_line(exc)}); "
                                f"run again to resume.") from None
        raise _explain(exc, plan.hub_id, plan.revision, plan.endpoint) from None
    if meta.commit_hash and meta.commit_hash != plan.commit:
        raise DownloadError(f"{plan.hub_id}: {f.name} is served at commit {meta.commit_hash}, not {plan.commit}; "
                            f"run again.")
    if f.sha256 and meta.etag and meta.etag != f.sha256:
        raise DownloadError(f"{plan.hub_id}: {f.name}: the hub's ETag {meta.etag} is not the sha256 {f.sha256} "
                            f"of its file list; nothing was installed.")
    if meta.size is not None and meta.size != f.size:
        raise DownloadError(f"{plan.hub_id}: {f.name}: the hub serves {meta.size} bytes, its file list says "
                            f"{f.size}; nothing was installed.")
    return meta.location or url


def _verify(path: Path, f: RemoteFile) -> tuple[bool, str, str, str]:
    if f.sha256:
        h = hashlib.sha256()
        algo, want = "sha256", f.sha256
    else:
        h = hashlib.sha1(b"blob %d\0" % path.stat().st_size)
        algo, want = "git blob sha1", str(f.blob_id)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    got = h.hexdigest()
    return got == want and path.stat().st_size == f.size, algo, got, want


def _install(plan: DownloadPlan) -> None:
    """Move the verified staging folder into place (one rename) and describe it."""
    from . import resolve, write_spec

    staging = plan.staging
    shutil.rmtree(staging / ".part", ignore_errors=True)
    (staging / ".state.json").unlink(missing_ok=True)
    _write_json(staging / PROVENANCE, {
        "hub_id": plan.hub_id, "revision": plan.revision, "commit": plan.commit, "endpoint": plan.endpoint,
        "downloaded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "files": {f.name: {"size": f.size, **({"sha256": f.sha256} if f.sha256 else {"blob_id": f.blob_id})}
                  for f in plan.files}})
    if plan.kind != "summarization":
        try:
            spec = resolve(str(staging)).spec
        except (ConfigError, ModelNotFoundError) as exc:
            if plan.kind == "translation":
                raise
            log.info("%s is not a translation model newsbrief can use (%s); installed as it is", plan.hub_id, exc)
        else:
            from dataclasses import replace

            write_spec(staging, replace(spec, name=plan.name, hub_id=plan.hub_id))
    old = None
    if plan.dest.exists() or plan.dest.is_symlink():
        old = plan.dest.with_name(f".{plan.dest.name}.replaced")
        if old.exists():
            shutil.rmtree(old)
        os.replace(plan.dest, old)
    os.replace(staging, plan.dest)
    if old is not None:
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink()


def _convert(result: Downloaded, quantization: str, shortlist, force: bool) -> Downloaded:
    from dataclasses import replace

    from . import convert_to_ct2

    out = result.path.with_name(f"{result.plan.name}-ct2-{quantization}")
    if out.exists() and not force and result.already_installed and _read_json(out / "newsbrief.json"):
        converted = out
    else:
        converted = convert_to_ct2(str(result.path), output_dir=out, quantization=quantization,
                                   force=force or out.exists(), shortlist=shortlist or None).path
    return replace(result, converted=converted, converted_name=converted.name)


# --------------------------------------------------------------------------- helpers

def _hf():
    """huggingface_hub's pieces this module uses, imported when a download starts."""
    try:
        from types import SimpleNamespace

        from huggingface_hub import HfApi, constants, get_session
        from huggingface_hub.file_download import get_hf_file_metadata, hf_hub_url
        from huggingface_hub.utils import build_hf_headers, hf_raise_for_status
    except ImportError:
        raise MissingDependencyError("downloading models needs huggingface_hub: pip install huggingface_hub") from None
    return SimpleNamespace(HfApi=HfApi, constants=constants, get_session=get_session,
                           get_hf_file_metadata=get_hf_file_metadata, hf_hub_url=hf_hub_url,
                           build_hf_headers=build_hf_headers, hf_raise_for_status=hf_raise_for_status)


def _endpoint(endpoint: str | None) -> str:
    """HF_ENDPOINT as it is now (huggingface_hub reads it once, at import)."""
    return (endpoint or os.environ.get("HF_ENDPOINT") or "https://huggingface.co").rstrip("/")


def _check_online(hub_id: str, endpoint: str) -> None:
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        if os.environ.get(var, "").strip().lower() in {"1", "true", "yes", "on"}:
            raise ModelNotFoundError(f"cannot download {hub_id}: {var} is set (offline mode). Unset it on a machine "
                                     f"with a connection, or copy the model folder here and run "
                                     f"`newsbrief models import PATH`.")


def _transient(exc: BaseException) -> bool:
    import httpx2

    from huggingface_hub.errors import HfHubHTTPError

    if isinstance(exc, (httpx2.TransportError, ConnectionError, TimeoutError)):
        return True
    if isinstance(exc, HfHubHTTPError) and exc.response is not None:
        return exc.response.status_code in (408, 429, 500, 502, 503, 504)
    return False


def _explain(exc: BaseException, hub_id: str, revision: str, endpoint: str) -> ModelNotFoundError:
    """One line for the user from whatever huggingface_hub / httpx raised."""
    import httpx2

    from huggingface_hub import errors as e

    if isinstance(exc, e.OfflineModeIsEnabled):
        return ModelNotFoundError(f"cannot download {hub_id}: huggingface_hub is in offline mode (HF_HUB_OFFLINE).")
    if isinstance(exc, (httpx2.TransportError, ConnectionError, TimeoutError)):
        return ModelNotFoundError(f"cannot reach the Hugging Face hub at {endpoint} to download {hub_id} "
                                  f"({_one_line(exc)}): no network? Run this on a machine with a connection, or "
                                  f"copy the model folder here and run `newsbrief models import PATH`.")
    if isinstance(exc, e.RevisionNotFoundError):
        return ModelNotFoundError(f"{hub_id} has no revision {revision!r} on {endpoint}.")
    if isinstance(exc, e.GatedRepoError):
        return ModelNotFoundError(f"{hub_id} is gated on {endpoint}: accept its licence on its page, then log in "
                                  f"(`hf auth login` or HF_TOKEN) and run again.")
    if isinstance(exc, e.RepositoryNotFoundError):
        return ModelNotFoundError(f"no model {hub_id!r} on {endpoint} (check the id; a private model needs "
                                  f"`hf auth login` or HF_TOKEN).")
    if isinstance(exc, e.RemoteEntryNotFoundError):
        return DownloadError(f"{hub_id}@{revision}: a file in the hub's own file list is missing on {endpoint} "
                             f"({_one_line(exc)}).")
    if isinstance(exc, e.HfHubHTTPError):
        status = exc.response.status_code if exc.response is not None else "?"
        return DownloadError(f"the hub at {endpoint} answered HTTP {status} for {hub_id} ({_one_line(exc)}); "
                             f"run again later.")
    return DownloadError(f"downloading {hub_id} failed: {type(exc).__name__}: {_one_line(exc)}")


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return (text[:200] + "...") if len(text) > 200 else (text or type(exc).__name__)


def _same_host(a: str, b: str) -> bool:
    from urllib.parse import urlparse

    return urlparse(a).netloc == urlparse(b).netloc


def _size(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if abs(n) < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


def _progress_bar(plan: DownloadPlan, initial: int, progress: bool | None):
    from tqdm.auto import tqdm

    if progress is None:
        progress = os.environ.get("HF_HUB_DISABLE_PROGRESS_BARS", "").lower() not in {"1", "true", "yes", "on"}
    return tqdm(total=plan.total_bytes, initial=initial, unit="B", unit_scale=True, unit_divisor=1000,
                desc=f"{plan.name} ({len(plan.files)} files)", file=sys.stderr, disable=not progress,
                leave=True, dynamic_ncols=True)


def _installed_commit(folder: Path) -> str | None:
    return _read_json(folder / PROVENANCE).get("commit") or None


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_json(path: Path, data: Mapping[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")
    os.replace(tmp, path)


def describe_plan(plan: DownloadPlan) -> list[str]:
    """--dry-run's lines: each file with its size, what is already here, the total."""
    lines = [f"{plan.hub_id} @ {plan.revision} (commit {plan.commit}) -> {plan.dest}"]
    for f in plan.files:
        lines.append(f"  {f.name:<36} {_size(f.size):>10}  {'sha256 ' + f.sha256[:12] if f.sha256 else 'git ' + str(f.blob_id)[:12]}")
    have = plan.local_bytes()
    lines.append(f"  total {_size(plan.total_bytes)} in {len(plan.files)} files"
                 + (f"; {_size(have)} already here (resumed)" if have else ""))
    return lines
