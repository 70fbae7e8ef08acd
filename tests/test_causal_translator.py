"""The embedded translator's shipped path on a tiny Gemma 3 model with random weights: the
trimmed vocabulary, the adapter merge, the CTranslate2 copy built on first use, translation
through the public API and the CLI, with no network; and the per-direction defaults."""

from __future__ import annotations

import json
import socket
import sys
import warnings
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from tiny_models import build_gemma_base, train_spm  # noqa: E402

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
pytest.importorskip("ctranslate2")

from newsbrief import models  # noqa: E402
from newsbrief.errors import ModelNotFoundError, ModelQualityWarning  # noqa: E402
from newsbrief.models import ModelCache, ModelSpec  # noqa: E402
from newsbrief.models.causal_translator import apply_trained, load_merged, source_fingerprint  # noqa: E402
from newsbrief.models.vocab import VocabMap, trim_model  # noqa: E402

TEXTS = ["The ministry said 185 people were arrested on Monday.", "Kerajaan berkata 185 orang ditahan.",
         "ក្រសួងបាននិយាយថា មនុស្ស ១៨៥ នាក់ ត្រូវបានចាប់ខ្លួន។"]
LORA = {"r": 4, "alpha": 8, "targets": ["q_proj", "v_proj", "down_proj"]}
FAST = dict(max_output_ratio=0.3, max_output_extra=2, retry=False)


@pytest.fixture(scope="session")
def gemma_base(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tiny-gemma")
    return build_gemma_base(root / "base", train_spm(root / "spm"))


def _shipped(base: Path, out: Path, name: str = "tiny-gemma-mt", seed: int = 0) -> Path:
    """A folder as the recipe leaves it: vocabulary map, fp16 LoRA factors, adapter.json and
    (for a model outside the registry) a newsbrief.json naming its base folder."""
    from peft import LoraConfig, get_peft_model, get_peft_model_state_dict
    from safetensors.torch import save_file

    tokenizer = transformers.AutoTokenizer.from_pretrained(base)
    model = transformers.AutoModelForCausalLM.from_pretrained(base)
    vocab = VocabMap.from_texts(tokenizer, TEXTS + ["English: \nKhmer: Malay:"])
    trim_model(model, vocab)
    torch.manual_seed(seed)
    peft_model = get_peft_model(model, LoraConfig(r=LORA["r"], lora_alpha=LORA["alpha"],
                                                  target_modules=LORA["targets"], init_lora_weights=False))
    out.mkdir(parents=True, exist_ok=True)
    state = get_peft_model_state_dict(peft_model, save_embedding_layers=False)
    save_file({k: v.half().contiguous() for k, v in state.items()}, str(out / "trained.safetensors"))
    (out / "adapter.json").write_text(json.dumps(LORA))
    vocab.save(out)
    (out / "newsbrief.json").write_text(json.dumps({"name": name, "family": "causal-lm", "base": str(base),
                                                    "languages": ["en", "km", "ms"]}))
    return out


@pytest.fixture
def user_models(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "user-models"
    monkeypatch.setenv("NEWSBRIEF_MODELS", str(folder))
    return folder


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access in a test")
    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_trimmed_vocabulary_encodes_every_text_and_keeps_the_logits_of_kept_tokens(gemma_base, tmp_path):
    tokenizer = transformers.AutoTokenizer.from_pretrained(gemma_base)
    vocab = VocabMap.from_texts(tokenizer, TEXTS[:1])
    assert len(vocab) < len(tokenizer)
    for text in TEXTS + ["Emoji 🦜 and Khmer ៛ unseen"]:
        ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        assert any(i not in vocab for i in ids) or text == TEXTS[0]
        new = vocab.encode(ids, tokenizer)  # unseen tokens are spelled in bytes
        assert tokenizer.decode(vocab.decode(new)) == text
    full = transformers.AutoModelForCausalLM.from_pretrained(gemma_base).eval()
    trimmed = transformers.AutoModelForCausalLM.from_pretrained(gemma_base).eval()
    trim_model(trimmed, vocab)
    assert trimmed.get_output_embeddings().weight.data_ptr() == trimmed.get_input_embeddings().weight.data_ptr()
    ids = tokenizer(TEXTS[0], add_special_tokens=False)["input_ids"]
    with torch.no_grad():
        a = full(torch.tensor([ids])).logits[0][:, vocab.keep]
        b = trimmed(torch.tensor([vocab.encode(ids)])).logits[0]
    assert torch.allclose(a, b, atol=1e-5)
    assert trimmed.config.vocab_size == len(vocab)
    vocab.save(tmp_path)
    assert VocabMap.load(tmp_path).keep == vocab.keep


def test_adapter_merge_equals_peft_merge_and_unload(gemma_base, tmp_path):
    from peft import LoraConfig, get_peft_model, set_peft_model_state_dict
    from safetensors.torch import load_file

    folder = _shipped(gemma_base, tmp_path / "shipped")
    tokenizer, merged, vocab = load_merged(folder, gemma_base)
    reference = transformers.AutoModelForCausalLM.from_pretrained(gemma_base)
    trim_model(reference, vocab)
    peft_model = get_peft_model(reference, LoraConfig(r=LORA["r"], lora_alpha=LORA["alpha"],
                                                      target_modules=LORA["targets"]))
    set_peft_model_state_dict(peft_model, {k: v.float() for k, v in load_file(folder / "trained.safetensors").items()})
    reference = peft_model.merge_and_unload().eval()
    ids = torch.tensor([vocab.encode(tokenizer(TEXTS[1], add_special_tokens=False)["input_ids"], tokenizer)])
    with torch.no_grad():
        assert torch.allclose(reference(ids).logits, merged(ids).logits, atol=1e-5)
        base = transformers.AutoModelForCausalLM.from_pretrained(gemma_base)
        trim_model(base, vocab)
        assert not torch.allclose(base.eval()(ids).logits, merged(ids).logits, atol=1e-3)  # the adapter did something
    assert apply_trained(base, folder) == 2 * len(LORA["targets"])  # 2 layers x 3 targets


def test_first_use_builds_a_ct2_copy_once_and_translates_every_sentence_offline(gemma_base, tmp_path, user_models,
                                                                              no_network, capfd):
    import newsbrief as nb

    folder = _shipped(gemma_base, tmp_path / "tiny-gemma-mt")
    text = "The ministry said 185 people were arrested. They were sent back to Malaysia.\n\nPolice rescued 495."
    result = nb.translate(text, to="km", src="en", model=str(folder), cache=None, models=ModelCache(), **FAST)
    built = user_models / "tiny-gemma-mt-ct2-int8"
    assert (built / "model.bin").is_file() and (built / "vocab_map.json").is_file()
    assert "building tiny-gemma-mt" in capfd.readouterr().err
    assert result.model == "tiny-gemma-mt" and len(result.sentences) == 3
    assert all(s.target for s in result.sentences)
    assert "185" in result.sentences[0].target  # the number guard applies to this backend too
    spec = json.loads((built / "newsbrief.json").read_text())
    assert spec["built_from"] == "tiny-gemma-mt" and spec["source_fingerprint"] == source_fingerprint(folder)

    # a second process-level load reuses the copy; a changed adapter is built again
    nb.translate("Hello there.", to="ms", src="en", model=str(folder), cache=None, models=ModelCache(), **FAST)
    assert "building" not in capfd.readouterr().err
    # re-measured limits reach the built copy without a rebuild
    data = json.loads((folder / "newsbrief.json").read_text())
    (folder / "newsbrief.json").write_text(json.dumps({**data, "quality_warnings": {"en-ms": "chrF++ 1.0"}}))
    with pytest.warns(ModelQualityWarning, match="chrF.. 1.0"):
        nb.translate("Hello there.", to="ms", src="en", model=str(folder), cache=None, models=ModelCache(), **FAST)
    assert "building" not in capfd.readouterr().err
    _shipped(gemma_base, folder, seed=1)
    nb.translate("Hello there.", to="ms", src="en", model=str(folder), cache=None, models=ModelCache(), **FAST)
    assert "building tiny-gemma-mt" in capfd.readouterr().err
    # km -> ms goes through English with the same model
    chained = nb.translate("ក្រសួងបាននិយាយ។", to="ms", src="km", model=str(folder), cache=None, models=ModelCache(),
                           **FAST)
    assert chained.model == "tiny-gemma-mt" and chained.sentences[0].target


def test_transformers_and_ct2_engines_share_the_interface(gemma_base, tmp_path, user_models):
    from newsbrief.translation import load_backend

    folder = _shipped(gemma_base, tmp_path / "tiny-gemma-mt")
    hf = load_backend(str(folder), backend="transformers", models=ModelCache())
    ct2 = load_backend(str(folder), models=ModelCache())
    assert type(hf).__name__ == "HFCausalLMBackend" and type(ct2).__name__ == "CT2CausalLMBackend"
    for backend in (hf, ct2):
        assert backend.count_tokens(TEXTS, "en", "km") == [len(ids) for ids in hf.tokenizer(
            TEXTS, add_special_tokens=False)["input_ids"]]
        out = backend.generate(TEXTS, "en", "km", beam_size=1, max_new_tokens=6, no_repeat_ngram_size=0,
                               repetition_penalty=1.0)
        assert len(out) == 3 and all(0 < n <= 6 for _, n in out)
        nbest = backend.candidates(TEXTS, "en", "km", n=2, beam_size=2, max_new_tokens=6, no_repeat_ngram_size=0,
                                   repetition_penalty=1.0)
        assert [len(c) for c in nbest] == [2, 2, 2] and all(0 < n <= 6 for c in nbest for _, n in c)


def test_cli_translates_with_the_causal_lm(gemma_base, tmp_path, user_models, run_cli, monkeypatch):
    folder = _shipped(gemma_base, tmp_path / "tiny-gemma-mt")
    article = tmp_path / "a.txt"
    article.write_text("The ministry said 185 people were arrested.\n", "utf-8")
    monkeypatch.setenv("NEWSBRIEF_CACHE", str(tmp_path / "cache"))
    done = run_cli("translate", str(article), "--to", "ms", "--src", "en", "--model", str(folder), "--format", "json")
    assert done.returncode == 0, done.stderr.decode()
    out = json.loads(done.stdout)
    assert out["model"] == "tiny-gemma-mt" and out["sentences"][0]["target"]


def test_defaults_per_direction_and_the_quality_warning_when_named(monkeypatch, user_models):
    spec = ModelSpec.from_dict({"name": "embedded-mt", "family": "causal-lm", "languages": ["en", "km", "ms"],
                                "embedded": True, "path": "embedded-mt",
                                "quality_warnings": {"en-km": "chrF++ 20.1 on NTREX-128, below the dictionary (20.5)"}})
    registry = {"embedded-mt": spec}
    monkeypatch.setattr(models.resolution, "registry_default", lambda src=None, tgt=None: {"en-ms": "embedded-mt"}.get(
        f"{src}-{tgt}", ""))
    assert models.default_model("en", "ms", registry=registry) == "embedded-mt"
    with pytest.raises(ModelNotFoundError, match="not the default in that direction: chrF.. 20.1") as info:
        models.default_model("en", "km", registry=registry)
    assert "--translation-model embedded-mt" in str(info.value) and "--model embedded-mt" in str(info.value)
    assert spec.quality_warning("en", "km").startswith("chrF++ 20.1") and spec.quality_warning("en", "ms") == ""


def test_a_named_model_with_a_measured_limit_warns_in_that_direction_only(gemma_base, tmp_path, user_models):
    import newsbrief as nb

    folder = _shipped(gemma_base, tmp_path / "tiny-gemma-mt")
    data = json.loads((folder / "newsbrief.json").read_text())
    data["quality_warnings"] = {"en-km": "chrF++ 9.9 on NTREX-128 (dictionary 20.0)"}
    (folder / "newsbrief.json").write_text(json.dumps(data))
    cache = ModelCache()
    with pytest.warns(ModelQualityWarning, match=r"\(en->km\): chrF\+\+ 9.9"):
        nb.translate("Hello.", to="km", src="en", model=str(folder), cache=None, models=cache, **FAST)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModelQualityWarning)
        nb.translate("Hello.", to="ms", src="en", model=str(folder), cache=None, models=cache, **FAST)


def test_the_built_copy_reads_its_tokenizer_without_transformers_and_the_same_way(gemma_base, tmp_path, user_models):
    """The CTranslate2 engine's tokenizer is read straight from tokenizer.json (no torch or
    transformers to import, a second faster); it must encode and decode as transformers does."""
    from newsbrief.models.light_tokenizer import LightTokenizer
    from newsbrief.translation import load_backend

    folder = _shipped(gemma_base, tmp_path / "tiny-gemma-mt")
    hf = load_backend(str(folder), backend="transformers", models=ModelCache()).tokenizer
    light = load_backend(str(folder), models=ModelCache()).tokenizer
    assert isinstance(light, LightTokenizer)
    texts = [*TEXTS, "ក្រសួងមហាផ្ទៃ បាននិយាយ ថ្ងៃច័ន្ទ។", "XQ1X said\n 12 people\u200b were held."]
    assert light(texts, add_special_tokens=False)["input_ids"] == hf(texts, add_special_tokens=False)["input_ids"]
    for ids in hf(texts, add_special_tokens=False)["input_ids"]:
        assert light.decode(ids, skip_special_tokens=True) == hf.decode(ids, skip_special_tokens=True,
                                                                         clean_up_tokenization_spaces=False)
    assert (light.bos_token_id, light.eos_token_id, len(light)) == (hf.bos_token_id, hf.eos_token_id, len(hf))
