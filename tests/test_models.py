"""The model registry, resolution order, download gating, import/convert and the CLI commands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tiny_models import build_all  # noqa: E402

from newsbrief import models  # noqa: E402
from newsbrief.errors import ConfigError, ModelNotFoundError  # noqa: E402
from newsbrief.models import ModelCache, ModelSpec, load_registry, resolve  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:Recommended. pip install sacremoses")


@pytest.fixture(scope="session")
def tiny(tmp_path_factory):
    return build_all(tmp_path_factory.getbasetemp() / "tiny-translation-models")


@pytest.fixture(autouse=True)
def places(monkeypatch, tmp_path):
    """Empty user folder, project folder and Hugging Face cache for each test."""
    dirs = {"user": tmp_path / "user-models", "project": tmp_path / "project-models", "hf": tmp_path / "hf-cache"}
    monkeypatch.setenv("NEWSBRIEF_MODELS", str(dirs["user"]))
    monkeypatch.setenv("HF_HUB_CACHE", str(dirs["hf"]))
    monkeypatch.delenv("NEWSBRIEF_ALLOW_DOWNLOAD", raising=False)
    monkeypatch.delenv("NEWSBRIEF_TRANSLATION_MODEL", raising=False)
    monkeypatch.setattr(models.registry, "PROJECT_MODELS", dirs["project"])
    return dirs


def put_in_hf_cache(hf: Path, hub_id: str, model: Path) -> Path:
    repo = hf / ("models--" + hub_id.replace("/", "--"))
    snapshot = repo / "snapshots" / "0123abcd"
    snapshot.parent.mkdir(parents=True)
    snapshot.symlink_to(model, target_is_directory=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("0123abcd")
    return snapshot


def link(folder: Path, model: Path) -> Path:
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.symlink_to(model, target_is_directory=True)
    return folder


def test_registry_lists_the_known_models():
    registry = load_registry()
    assert {"nllb-200-distilled-600M", "nllb-200-distilled-1.3B", "nllb-200-3.3B", "m2m100_418M"} <= set(registry)
    nllb = registry["nllb-200-distilled-600M"]
    assert nllb.hub_id == "facebook/nllb-200-distilled-600M" and nllb.family == "nllb"
    assert nllb.codes == {"en": "eng_Latn", "km": "khm_Khmr", "ms": "zsm_Latn"}
    assert nllb.max_input_tokens == 512 and nllb.license == "CC-BY-NC-4.0" and nllb.scores == {}
    assert registry["m2m100_418M"].codes["km"] == "km"


def test_spec_fields_are_checked():
    with pytest.raises(ConfigError, match="unknown field"):
        ModelSpec.from_dict({"name": "x", "family": "nllb", "languages": ["en"], "colour": "red"})
    with pytest.raises(ConfigError, match="family"):
        ModelSpec.from_dict({"name": "x", "family": "gpt", "languages": ["en"]})
    spec = ModelSpec.from_dict({"name": "x", "family": "nllb", "languages": ["en", "km"]})
    assert spec.codes == {"en": "eng_Latn", "km": "khm_Khmr"}


def test_resolution_order(tiny, places):
    name = "nllb-200-distilled-600M"
    put_in_hf_cache(places["hf"], "facebook/nllb-200-distilled-600M", tiny["nllb"])
    assert resolve(name).source == "hf-cache"
    link(places["project"] / name, tiny["nllb"])
    assert resolve(name).source == "project"
    link(places["user"] / "facebook--nllb-200-distilled-600M", tiny["nllb"])
    found = resolve(name)
    assert found.source == "NEWSBRIEF_MODELS" and found.path == places["user"] / "facebook--nllb-200-distilled-600M"
    assert found.spec.hub_id == "facebook/nllb-200-distilled-600M"  # the registry entry travels along
    explicit = resolve(str(tiny["marian"]))
    assert explicit.source == "path" and explicit.spec.family == "marian"
    assert explicit.spec.codes == {"en": "eng", "km": "khm", "ms": "zsm"}


def test_spec_inferred_from_a_bare_folder(tiny):
    spec = resolve(str(tiny["nllb"])).spec
    assert spec.family == "nllb" and spec.languages == ("en", "km", "ms") and spec.format == "transformers"


def test_missing_model_says_what_to_run(places):
    with pytest.raises(ModelNotFoundError) as info:
        resolve("nllb-200-distilled-600M")
    message = str(info.value)
    assert "NEWSBRIEF_ALLOW_DOWNLOAD=1" in message
    assert "huggingface-cli download facebook/nllb-200-distilled-600M" in message
    assert str(places["hf"]) in message and str(places["user"]) in message
    with pytest.raises(ModelNotFoundError, match="no such model folder"):
        resolve("./does/not/exist")
    with pytest.raises(ModelNotFoundError, match="models import"):
        resolve("no-such-model")


def test_download_only_when_allowed(tiny, monkeypatch):
    fetched = []

    def fake_download(hub_id):
        fetched.append(hub_id)
        return tiny["nllb"]

    monkeypatch.setattr(models.resolution, "_download", fake_download)
    with pytest.raises(ModelNotFoundError):
        resolve("m2m100_418M")
    assert fetched == []
    assert resolve("m2m100_418M", allow_download=True).source == "download"
    monkeypatch.setenv("NEWSBRIEF_ALLOW_DOWNLOAD", "1")
    assert resolve("nllb-200-3.3B").source == "download"
    with pytest.raises(ModelNotFoundError):
        resolve("nllb-200-3.3B", allow_download=False)  # the argument wins over the environment
    assert fetched == ["facebook/m2m100_418M", "facebook/nllb-200-3.3B"]


def test_import_list_info(tiny, places):
    found = models.import_model(tiny["marian"], name="opus-tiny")
    assert found.path == places["user"] / "opus-tiny"
    assert json.loads((found.path / "newsbrief.json").read_text())["family"] == "marian"
    assert resolve("opus-tiny").path == found.path
    with pytest.raises(ConfigError, match="exists already"):
        models.import_model(tiny["marian"], name="opus-tiny")
    linked = models.import_model(tiny["nllb"], name="nllb-linked", link=True)
    assert linked.path.is_symlink()
    entries = {e.spec.name: e for e in models.list_models()}
    assert entries["opus-tiny"].installed and entries["nllb-linked"].installed
    assert not entries["nllb-200-3.3B"].installed
    info = models.model_info("nllb-200-distilled-1.3B")
    assert not info.installed and info.spec.params == "1.3B"


def test_default_model_is_an_installed_one_then_the_embedded_one_or_a_clear_error(tiny, monkeypatch):
    without_embedded = {n: s for n, s in models.load_registry().items() if not s.embedded}
    monkeypatch.setattr(models.resolution, "load_registry", lambda: without_embedded)  # a copy without one
    monkeypatch.setattr(models.resolution, "registry_default", lambda src=None, tgt=None: "")
    with pytest.raises(ModelNotFoundError, match="no translation model is installed"):
        models.default_model("en", "km")
    monkeypatch.setattr(models.resolution, "registry_default", lambda src=None, tgt=None: "embedded-mt")
    assert models.default_model("en", "km") == "embedded-mt"
    models.import_model(tiny["nllb"], name="mine")  # what the user installed wins
    assert Path(models.default_model("en", "km")).name == "mine"
    monkeypatch.setenv("NEWSBRIEF_TRANSLATION_MODEL", "something-else")
    assert models.default_model("en", "km") == "something-else"


def test_convert_to_ct2_writes_a_resolvable_model(tiny, places):
    pytest.importorskip("ctranslate2", reason="conversion needs the ct2 extra")
    out = models.convert_to_ct2(str(tiny["nllb"]), output_dir=places["user"] / "nllb-ct2")
    assert (out.path / "model.bin").is_file() and (out.path / "tokenizer.json").is_file()
    spec = resolve("nllb-ct2").spec
    assert spec.format == "ctranslate2" and spec.family == "nllb" and spec.max_positions == 128
    with pytest.raises(ConfigError, match="exists already"):
        models.convert_to_ct2(str(tiny["nllb"]), output_dir=places["user"] / "nllb-ct2")


def test_model_cache():
    cache = ModelCache(max_models=1)
    loads = []
    assert cache.get(("a",), lambda: loads.append("a") or "A") == "A"
    assert cache.get(("a",), lambda: loads.append("a2") or "A2") == "A"
    cache.get(("b",), lambda: "B")
    assert ("a",) not in cache and len(cache) == 1 and loads == ["a"]
    cache.clear()
    assert len(cache) == 0


# --------------------------------------------------------------------------- CLI

def run_cli(capsys, *argv):
    from newsbrief.commands import models as models_commands
    from newsbrief.commands import translate as translate_commands

    parser = argparse.ArgumentParser(prog="newsbrief")
    commands = parser.add_subparsers(dest="command")
    for module in (translate_commands, models_commands):
        module.add_commands(commands)
    args = parser.parse_args(list(argv))
    code = args.run(args)
    return code, capsys.readouterr().out


def test_cli_models_and_translate(tiny, places, tmp_path, capsys):
    pytest.importorskip("ctranslate2", reason="conversion needs the ct2 extra")
    code, out = run_cli(capsys, "models", "import", str(tiny["nllb"]), "--name", "tiny")
    assert code == 0 and "imported tiny" in out
    code, out = run_cli(capsys, "models", "list", "--format", "json")
    listed = {e["name"]: e for e in json.loads(out)}
    assert listed["tiny"]["installed"] and not listed["nllb-200-distilled-600M"]["installed"]
    code, out = run_cli(capsys, "models", "info", "tiny")
    assert "family: nllb" in out
    code, out = run_cli(capsys, "models", "convert", "tiny", "--to", "ct2", "--quantization", "int8")
    assert code == 0 and (places["user"] / "tiny-ct2-int8" / "model.bin").is_file()

    article = tmp_path / "a.txt"
    article.write_text("The ministry said 12 people were hurt.\n\nTalks resume on 3 May.", "utf-8")
    glossary = tmp_path / "g.tsv"
    glossary.write_text("ministry\tkementerian\n", "utf-8")
    code, out = run_cli(capsys, "translate", str(article), "--to", "ms", "--src", "en", "--model",
                        "tiny-ct2-int8", "--format", "json", "--glossary", str(glossary))
    result = json.loads(out)
    assert set(result) == {"source_lang", "target_lang", "text", "sentences", "model"}
    assert len(result["sentences"]) == 2 and "kementerian" in result["sentences"][0]["target"]
    code, out = run_cli(capsys, "translate", str(article), "--to", "km", "--src", "en", "--model",
                        "tiny-ct2-int8", "--align")
    lines = out.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("The ministry said 12 people were hurt.\t")


def test_models_list_shows_summarizers_too():
    import json
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "newsbrief", "models", "list", "--format", "json"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert {row["kind"] for row in rows} == {"translation", "summarization"}
    smollm2 = next(row for row in rows if row["name"] == "smollm2-135m-instruct")
    assert smollm2["installed"] is True and smollm2["auto"] is False  # the test install has it


def test_the_registry_is_parsed_once_per_version_of_the_file(tmp_path):
    path = tmp_path / "registry.toml"
    path.write_text('default_translation = "a"\n[models.a]\nfamily = "marian"\nlanguages = ["en", "ms"]\n')
    first = models.read_registry(path)
    first["models"]["a"]["family"] = "changed by a caller"
    assert models.read_registry(path)["models"]["a"]["family"] == "marian"  # each caller has its own copy
    assert load_registry(path)["a"].family == "marian" and models.registry_default(path=path) == "a"
    path.write_text('default_translation = "b"\n[models.b]\nfamily = "marian"\nlanguages = ["en", "km"]\n')
    assert list(load_registry(path)) == ["b"] and models.registry_default(path=path) == "b"  # edited: read again
