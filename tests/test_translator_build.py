"""The embedded translator's one-time build (models.causal_translator): it says each step as it
goes, and its lean GGUF loader (one reading of the file, tensors dequantised one at a time, only
the kept vocabulary's embedding rows) gives exactly the weights transformers' GGUF loader and
trim_model give, on a tiny Gemma 3 written as a GGUF here (Q8_0 matrices, float32 norms)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_causal_translator import TEXTS, _shipped, gemma_base  # noqa: E402,F401 - the session fixture

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
pytest.importorskip("ctranslate2")
pytest.importorskip("gguf")

from newsbrief.models import ResolvedModel, infer_spec  # noqa: E402
from newsbrief.models.causal_lm import load_causal_lm  # noqa: E402
from newsbrief.models.causal_translator import BUILD_STEPS, build_ct2, ensure_built, load_trimmed_gguf  # noqa: E402
from newsbrief.models.vocab import VocabMap, trim_model  # noqa: E402


@pytest.fixture(scope="module")
def tiny_gguf(gemma_base, tmp_path_factory) -> Path:
    """The tiny Gemma base written as llama.cpp writes Gemma: GGUF names, norms stored + 1, the
    matrices Q8_0 (the embedding too: quantised row by row), its tokenizer beside it."""
    import numpy as np
    from gguf import GGMLQuantizationType, GGUFWriter, quants
    from transformers.modeling_gguf_pytorch_utils import TENSOR_PROCESSORS, get_gguf_hf_weights_map

    model = transformers.AutoModelForCausalLM.from_pretrained(gemma_base)
    out = tmp_path_factory.mktemp("tiny-gguf")
    for f in gemma_base.glob("tokenizer*"):
        shutil.copy(f, out)
    names = {hf: g for g, hf in get_gguf_hf_weights_map(model, TENSOR_PROCESSORS["gemma3"]()).items()}
    c = model.config
    w = GGUFWriter(str(out / "tiny.gguf"), "gemma3")
    w.add_context_length(c.max_position_embeddings)
    w.add_block_count(c.num_hidden_layers)
    w.add_feed_forward_length(c.intermediate_size)
    w.add_embedding_length(c.hidden_size)
    w.add_head_count(c.num_attention_heads)
    w.add_head_count_kv(c.num_key_value_heads)
    w.add_key_length(c.head_dim)
    w.add_value_length(c.head_dim)
    w.add_layer_norm_rms_eps(c.rms_norm_eps)
    w.add_rope_freq_base(1e6)
    w.add_sliding_window(c.sliding_window)
    w.add_vocab_size(c.vocab_size)
    quantized = 0
    for name, tensor in model.state_dict().items():
        if name == "lm_head.weight":  # tied
            continue
        data = tensor.numpy().astype(np.float32) + (1 if "norm" in name else 0)
        if data.ndim == 2 and data.shape[1] % 32 == 0:
            w.add_tensor(names[name], quants.quantize(data, GGMLQuantizationType.Q8_0),
                         raw_dtype=GGMLQuantizationType.Q8_0)
            quantized += 1
        else:
            w.add_tensor(names[name], data)
    assert quantized > 10  # the embedding and every projection
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return out / "tiny.gguf"


def test_the_lean_gguf_loader_gives_transformers_weights_trimmed(tiny_gguf):
    tokenizer, reference = load_causal_lm(tiny_gguf.parent, tiny_gguf.name)
    vocab = VocabMap.from_texts(tokenizer, TEXTS)
    assert 256 < len(vocab) < len(tokenizer)
    trim_model(reference, vocab)
    heard: list[str] = []
    lean = load_trimmed_gguf(tiny_gguf, vocab, heard.append)
    expected, got = reference.state_dict(), lean.state_dict()
    assert sorted(expected) == sorted(got)
    different = [k for k in expected if not torch.equal(expected[k], got[k])]
    assert not different, different
    assert lean.get_output_embeddings().weight is lean.get_input_embeddings().weight  # tied, as trim_model leaves it
    assert lean.config.to_dict() == reference.config.to_dict()
    assert not lean.training and all(p.dtype == torch.float32 for p in lean.parameters())
    ids = torch.tensor([[2, 40, 41, 42]])
    with torch.no_grad():
        assert torch.equal(reference(ids).logits, lean(ids).logits)  # buffers (rotary, scale) computed too
    assert heard[-1] == f"dequantised {len(expected) - 1} of {len(expected) - 1} tensors"


def test_the_build_says_each_step(gemma_base, tmp_path):
    folder = _shipped(gemma_base, tmp_path / "tiny-gemma-mt")
    heard: list[str] = []
    out = build_ct2(folder, tmp_path / "built", infer_spec(folder), progress=heard.append)
    assert (out / "model.bin").is_file() and (out / "tokenizer" / "tokenizer.json").is_file()
    steps = [line.split(":")[0] for line in heard]
    assert steps == [f"step {i}/{BUILD_STEPS}" for i in range(1, BUILD_STEPS + 1)], heard
    assert "merging the trained weights" in heard[-1]


def test_first_use_prints_its_progress_with_the_time(gemma_base, tmp_path, monkeypatch, capfd):
    monkeypatch.setenv("NEWSBRIEF_MODELS", str(tmp_path / "user-models"))
    folder = _shipped(gemma_base, tmp_path / "tiny-gemma-mt")
    ensure_built(ResolvedModel(infer_spec(folder), folder, "path"))
    err = [line for line in capfd.readouterr().err.splitlines() if line.startswith("newsbrief: ")]
    assert err[0].startswith("newsbrief: building tiny-gemma-mt")
    for i in range(1, BUILD_STEPS + 1):
        assert any(line.startswith(f"newsbrief: step {i}/{BUILD_STEPS}: ") and line.endswith(" s)") for line in err), err
    assert err[-1].startswith("newsbrief: built tiny-gemma-mt-ct2-int8 in ")
