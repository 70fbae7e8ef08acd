"""`newsbrief models download` and newsbrief.models.download, for real over HTTP: a small hub
on 127.0.0.1 (tests/fake_hub.py, a thread) serves tiny models in the hub's layout, and
HF_ENDPOINT points at it. Interrupted downloads resume, hash mismatches are refused, unknown
ids and no network are one line with exit code 3."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fake_hub import FakeHub  # noqa: E402
from tiny_models import build_all  # noqa: E402

from newsbrief import models  # noqa: E402
from newsbrief.errors import ModelNotFoundError  # noqa: E402
from newsbrief.models import download  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:Recommended. pip install sacremoses")

M2M = "facebook/m2m100_418M"
BART = "facebook/bart-large-cnn"
# served too, never fetched: newsbrief takes safetensors over .bin and leaves other formats and docs
EXTRA = {"pytorch_model.bin": b"\0" * 4096, "flax_model.msgpack": b"\1" * 2048, "README.md": b"# a model card\n",
         "onnx/model.onnx": b"\2" * 1024, ".gitattributes": b"*.bin filter=lfs\n"}


@pytest.fixture(scope="session")
def tiny(tmp_path_factory):
    return build_all(tmp_path_factory.getbasetemp() / "tiny-translation-models")


@pytest.fixture(scope="session")
def tiny_bart(tmp_path_factory):
    from test_summarize_abstractive import build_bart

    return build_bart(tmp_path_factory.mktemp("tiny-bart-for-hub") / "bart")


@pytest.fixture
def hub(tiny, monkeypatch, tmp_path):
    server = FakeHub()
    server.add_folder(M2M, tiny["m2m100"], extra=EXTRA)
    server.start()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    monkeypatch.setenv("NEWSBRIEF_MODELS", str(tmp_path / "user-models"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    monkeypatch.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_TOKEN", "NEWSBRIEF_ALLOW_DOWNLOAD",
                "NEWSBRIEF_TRANSLATION_MODEL", "NEWSBRIEF_SUMMARIZATION_MODEL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(download, "BACKOFF_S", 0.01)
    yield server
    server.stop()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def user_dir(tmp_path: Path) -> Path:
    return tmp_path / "user-models"


def test_dry_run_lists_only_the_needed_files_and_writes_nothing(hub, run_cli, tmp_path):
    out = run_cli("models", "download", "m2m100_418M", "--dry-run", "--format", "json")
    assert out.returncode == 0, out.stderr.decode()
    plan = json.loads(out.stdout)
    names = {f["name"] for f in plan["files"]}
    assert "model.safetensors" in names and "config.json" in names and "vocab.json" in names
    assert not names & set(EXTRA)  # no .bin next to safetensors, no flax/onnx, no docs
    repo = hub.repos[M2M]
    assert plan["total_bytes"] == sum(len(repo.files[n]) for n in names)
    assert plan["commit"] == repo.commit and plan["hub_id"] == M2M
    text = run_cli("models", "download", "m2m100_418M", "--dry-run")
    assert text.returncode == 0 and b"dry run: nothing was fetched" in text.stdout
    assert not user_dir(tmp_path).exists() or not any(user_dir(tmp_path).iterdir())
    assert not [e for e in hub.log if "/resolve/" in e["path"] or e["path"].startswith("/cdn/")]


def test_download_installs_verified_files_that_resolve_by_name(hub, run_cli, tiny, tmp_path):
    out = run_cli("models", "download", "m2m100_418M")
    assert out.returncode == 0, out.stderr.decode()
    folder = user_dir(tmp_path) / "m2m100_418M"
    assert f"into {folder}".encode() in out.stdout and b"verified" in out.stdout
    for name in ("model.safetensors", "config.json", "vocab.json", "sentencepiece.bpe.model"):
        assert sha256(folder / name) == sha256(tiny["m2m100"] / name)
    assert not (folder / "pytorch_model.bin").exists() and not (folder / "README.md").exists()
    assert not any(e["path"].endswith(("pytorch_model.bin", "README.md", "model.onnx", ".msgpack"))
                   for e in hub.log)
    provenance = json.loads((folder / "download.json").read_text())
    assert provenance["commit"] == hub.repos[M2M].commit and provenance["hub_id"] == M2M
    assert not (user_dir(tmp_path) / download.STAGING).exists()

    listed = json.loads(run_cli("models", "list", "--format", "json").stdout)
    row = next(r for r in listed if r["name"] == "m2m100_418M")
    assert row["installed"] and row["location"] == str(folder)
    found = models.resolve("m2m100_418M", allow_download=False)
    assert found.path == folder and found.spec.family == "m2m100"
    assert models.resolve(M2M, allow_download=False).path == folder   # the hub id resolves too

    import newsbrief as nb

    result = nb.translate("The ministry said on Monday that exports rose.", to="km", src="en",
                          model="m2m100_418M", cache=None)
    assert result.model and result.sentences   # the tiny model's words are random; it loads and runs

    again = run_cli("models", "download", "m2m100_418M")
    assert again.returncode == 0 and b"installed already" in again.stdout


def test_interrupted_download_resumes_where_it_stopped(hub, tmp_path, capsys):
    from newsbrief.cli import main

    weights = hub.repos[M2M].files["model.safetensors"]
    cut = len(weights) // 3
    hub.cut["model.safetensors"] = cut
    assert main(["models", "download", "m2m100_418M"]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    # a warning per retry (from the cut byte), then one error line; no traceback
    assert all("retrying from byte" in line for line in err[:-1]) and len(err) == 1 + download.RETRIES, err
    assert err[-1].startswith("newsbrief: error: ") and "run the same command again to resume" in err[-1]
    assert "Traceback" not in "\n".join(err)
    # the partial download is kept aside, never where models are looked for
    staging = user_dir(tmp_path) / download.STAGING / "m2m100_418M"
    parts = list((staging / ".part").glob("*.part"))
    assert [p.stat().st_size for p in parts] == [cut]
    assert (staging / "config.json").is_file()   # fetched before the weights: still not a model
    assert not (user_dir(tmp_path) / "m2m100_418M").exists()
    with pytest.raises(ModelNotFoundError):
        models.resolve("m2m100_418M", allow_download=False)
    assert not next(e for e in models.list_models() if e.spec.name == "m2m100_418M").installed

    del hub.cut["model.safetensors"]
    before = len(hub.log)
    result = download.download_model("m2m100_418M", progress=False)
    resumed = [e for e in hub.log[before:] if e["method"] == "GET" and e["path"].startswith("/cdn/")]
    assert [e["range"] for e in resumed] == [f"bytes={cut}-"]          # one Range request from the cut
    assert sum(e["sent"] for e in resumed) == len(weights) - cut       # only the rest went over the wire
    # nothing else was fetched again: the files finished before the cut were kept
    assert not [e for e in hub.log[before:] if e["method"] == "GET" and "/resolve/" in e["path"]]
    assert result.resumed_bytes >= cut and result.fetched_bytes == len(weights) - cut
    assert sha256(result.path / "model.safetensors") == hashlib.sha256(weights).hexdigest()
    assert models.resolve("m2m100_418M", allow_download=False).path == result.path


def test_a_hash_mismatch_is_refused_and_removed(hub, tmp_path, run_cli):
    hub.corrupt.add("model.safetensors")
    out = run_cli("models", "download", "m2m100_418M")
    assert out.returncode == 3
    err = out.stderr.decode().strip().splitlines()
    assert len(err) == 1 and "failed verification" in err[0] and "sha256" in err[0], err
    assert not (user_dir(tmp_path) / "m2m100_418M").exists()
    staging = user_dir(tmp_path) / download.STAGING / "m2m100_418M"
    assert not (staging / "model.safetensors").exists() and not list((staging / ".part").glob("*"))
    with pytest.raises(ModelNotFoundError):
        models.resolve("m2m100_418M", allow_download=False)

    hub.corrupt.clear()   # the hub (or the network) is fixed: the next run fetches it anew
    result = download.download_model("m2m100_418M", progress=False)
    assert sha256(result.path / "model.safetensors") == hashlib.sha256(
        hub.repos[M2M].files["model.safetensors"]).hexdigest()


def test_a_small_file_is_checked_against_its_git_blob_id(hub, tmp_path):
    hub.corrupt.add("config.json")
    with pytest.raises(download.DownloadError, match="config.json failed verification .git blob sha1"):
        download.download_model("m2m100_418M", progress=False)
    assert not (user_dir(tmp_path) / "m2m100_418M").exists()


def test_a_model_id_that_does_not_exist(hub, run_cli, tmp_path):
    out = run_cli("models", "download", "nobody/no-such-model")
    assert out.returncode == 3
    err = out.stderr.decode().strip().splitlines()
    assert len(err) == 1 and "no model 'nobody/no-such-model'" in err[0] and "Traceback" not in err[0]
    bad_rev = run_cli("models", "download", "m2m100_418M", "--revision", "v9")
    assert bad_rev.returncode == 3 and b"has no revision 'v9'" in bad_rev.stderr
    not_an_id = run_cli("models", "download", "no-such-name")
    assert not_an_id.returncode == 3 and b"neither a model newsbrief knows" in not_an_id.stderr
    assert not user_dir(tmp_path).exists() or not any(user_dir(tmp_path).iterdir())


def test_a_revision_pins_the_commit(hub, tmp_path):
    commit = hub.repos[M2M].commit
    result = download.download_model("m2m100_418M", revision=commit, progress=False)
    assert result.plan.commit == commit
    assert all(commit in e["path"] for e in hub.log if "/resolve/" in e["path"])


def test_no_network_at_all(hub, run_cli, monkeypatch):
    import socket

    with socket.socket() as s:   # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed}")
    for args in (("m2m100_418M",), ("bart-large-cnn", "--dry-run")):
        out = run_cli("models", "download", *args)
        err = out.stderr.decode().strip().splitlines()
        assert out.returncode == 3 and len(err) == 1 and "cannot reach the Hugging Face hub" in err[0], err
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    out = run_cli("models", "download", "m2m100_418M")
    assert out.returncode == 3 and b"offline mode" in out.stderr and b"Traceback" not in out.stderr
    assert not hub.log   # offline mode sends nothing


def test_a_summarizer_download_makes_abstractive_summaries_one_command_away(hub, tiny_bart, run_cli, tmp_path):
    import newsbrief as nb

    text = ("The ministry said on Monday that rice exports rose by ten percent this year.\n\n"
            "Officials expect demand from neighbouring countries to grow further next year.")
    assert nb.summarize(text, lang="en", cache=None).method.startswith("extractive")   # nothing installed yet
    hub.add_folder(BART, tiny_bart)
    out = run_cli("models", "download", "bart-large-cnn")
    assert out.returncode == 0, out.stderr.decode()
    assert b"summarize --method abstractive uses it" in out.stdout
    folder = user_dir(tmp_path) / "bart-large-cnn"
    assert (folder / "model.safetensors").is_file() and not (folder / "newsbrief.json").exists()
    listed = json.loads(run_cli("models", "list", "--format", "json").stdout)
    row = next(r for r in listed if r["name"] == "bart-large-cnn")
    assert row["kind"] == "summarization" and row["installed"] and row["location"] == str(folder)
    summary = nb.summarize(text, lang="en", sentences=1, method="abstractive", cache=None)
    assert summary.method == "abstractive" and summary.model == BART, (summary.method, summary.model)
    assert nb.summarize(text, lang="en", cache=None).method.startswith("abstractive")   # auto finds it now
    with pytest.raises(Exception, match="summarization model"):
        download.download_model("bart-large-cnn", to="ct2")


def test_download_then_convert_to_ctranslate2(hub, run_cli, tmp_path):
    pytest.importorskip("ctranslate2")
    out = run_cli("models", "download", "m2m100_418M", "--to", "ct2", "--quantization", "int8")
    assert out.returncode == 0, out.stderr.decode()
    ct2 = user_dir(tmp_path) / "m2m100_418M-ct2-int8"
    assert (ct2 / "model.bin").is_file() and b"--model m2m100_418M-ct2-int8" in out.stdout
    found = models.resolve("m2m100_418M-ct2-int8", allow_download=False)
    assert found.spec.format == "ctranslate2" and found.path == ct2
    listed = json.loads(run_cli("models", "list", "--format", "json").stdout)
    assert any(r["name"] == "m2m100_418M-ct2-int8" and r["installed"] for r in listed)


def test_fetch_is_the_allow_download_path(hub, tmp_path):
    """models._download(hub_id) -> download.fetch(hub_id): the same function as the command."""
    path = download.fetch(M2M)
    assert path == user_dir(tmp_path) / "m2m100_418M"
    found = models.resolve("m2m100_418M", allow_download=False)
    assert found.path == path and found.source == "NEWSBRIEF_MODELS"
    assert download.fetch(M2M) == path   # installed: nothing fetched again
    assert len([e for e in hub.log if e["method"] == "GET" and e["path"].startswith("/cdn/")]) == 2   # weights + spm, once


def test_importing_the_module_loads_no_huggingface_hub():
    code = ("import sys, newsbrief.models.download, newsbrief.commands.models; "
            "print(sorted(m for m in ('huggingface_hub', 'torch', 'transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
