"""Tiny translation models of the real architectures, built from configs with random weights.

Plain builder functions (test modules wrap them in session fixtures): a sentencepiece model
trained on 100 committed FLORES-200 dev sentences in English, Khmer and Malay
(tests/data/tiny_tokenizer/), an NLLB-style M2M100 model
with the NLLB tokenizer (eng_Latn, khm_Khmr, zsm_Latn), a multilingual Marian model with
>>eng<< / >>khm<< / >>zsm<< prefix tokens, and their CTranslate2 conversions. Each is saved
with save_pretrained and read back only through newsbrief's resolver and backends.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

TOKENIZER_TEXT = Path(__file__).resolve().parent / "data" / "tiny_tokenizer" / "flores200_dev_sample.tsv"

TINY = dict(d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
            decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=128,
            dropout=0.0, attention_dropout=0.0, activation_dropout=0.0)


def corpus_lines(n_rows: int = 100) -> list[str]:
    """The first n_rows sentences of the committed sample, each as English, Khmer, Malay lines."""
    with open(TOKENIZER_TEXT, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    return [line for row in rows[:n_rows] for line in row]


def train_spm(out: Path) -> Path:
    """A 500-piece BPE sentencepiece model with ids <s>=0 <pad>=1 </s>=2 <unk>=3 (NLLB's order)."""
    import sentencepiece as spm

    model = out / "sp.model"
    if model.is_file():
        return model
    out.mkdir(parents=True, exist_ok=True)
    corpus = out / "corpus.txt"
    corpus.write_text("\n".join(corpus_lines()) + "\n", encoding="utf-8")
    with open(os.devnull, "w") as devnull:
        spm.SentencePieceTrainer.train(
            input=str(corpus), model_prefix=str(out / "sp"), vocab_size=500, model_type="bpe",
            character_coverage=1.0, bos_id=0, pad_id=1, eos_id=2, unk_id=3, num_threads=2,
            logstream=devnull)
    return model


def build_nllb(out: Path, spm_model: Path) -> Path:
    """An NLLB-200-shaped model (M2M100ForConditionalGeneration + NllbTokenizer), random weights."""
    if (out / "config.json").is_file():
        return out
    import sentencepiece as spm
    from transformers import NllbTokenizer

    sp = spm.SentencePieceProcessor(model_file=str(spm_model))
    from transformers.tokenization_utils_base import generate_merges

    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    vocab = {piece: i for i, piece in enumerate(pieces)}
    merges = generate_merges(vocab, {p: sp.get_score(i) for i, p in enumerate(pieces)},
                             skip_tokens={"<s>", "<pad>", "</s>", "<unk>"})
    tokenizer = NllbTokenizer(vocab=vocab, merges=merges, src_lang="eng_Latn")
    return save_m2m100(out, tokenizer, vocab_size=len(tokenizer))


def save_m2m100(out: Path, tokenizer, vocab_size: int) -> Path:
    """A random M2M100ForConditionalGeneration (fairseq ids <s>=0 <pad>=1 </s>=2) saved with its tokenizer."""
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration

    config = M2M100Config(vocab_size=vocab_size, pad_token_id=1, bos_token_id=0, eos_token_id=2,
                          decoder_start_token_id=2, scale_embedding=True, **TINY)
    torch.manual_seed(0)
    M2M100ForConditionalGeneration(config).eval().save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def build_m2m100(out: Path, spm_model: Path) -> Path:
    """An M2M100-shaped model (M2M100ForConditionalGeneration + M2M100Tokenizer, __en__ codes)."""
    if (out / "config.json").is_file():
        return out
    import sentencepiece as spm
    from transformers import M2M100Tokenizer

    out.mkdir(parents=True, exist_ok=True)
    sp = spm.SentencePieceProcessor(model_file=str(spm_model))
    vocab = {sp.id_to_piece(i): i for i in range(sp.get_piece_size())}
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    shutil.copy(spm_model, out / "sentencepiece.bpe.model")
    tokenizer = M2M100Tokenizer(str(out / "vocab.json"), str(out / "sentencepiece.bpe.model"), src_lang="en")
    # as in facebook/m2m100_418M: the pieces, then the language codes, then 8 "madeup words"
    return save_m2m100(out, tokenizer, max(tokenizer.lang_token_to_id.values()) + 1 + tokenizer.num_madeup_words)


def build_marian(out: Path, spm_model: Path) -> Path:
    """A multilingual Marian model (MarianMTModel + MarianTokenizer with >>xxx<< tokens)."""
    if (out / "config.json").is_file():
        return out
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    out.mkdir(parents=True, exist_ok=True)
    sp = spm.SentencePieceProcessor(model_file=str(spm_model))
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1, ">>eng<<": 2, ">>khm<<": 3, ">>zsm<<": 4}
    for piece in pieces:
        if piece not in ("<s>", "<pad>", "</s>", "<unk>"):
            vocab.setdefault(piece, len(vocab))
    vocab["<pad>"] = len(vocab)
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    for name in ("source.spm", "target.spm"):
        shutil.copy(spm_model, out / name)
    tokenizer = MarianTokenizer(str(out / "source.spm"), str(out / "target.spm"), str(out / "vocab.json"))
    config = MarianConfig(vocab_size=len(vocab), pad_token_id=vocab["<pad>"], eos_token_id=0,
                          decoder_start_token_id=vocab["<pad>"], forced_eos_token_id=0,
                          share_encoder_decoder_embeddings=True, **TINY)
    torch.manual_seed(0)
    model = MarianMTModel(config).eval()
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def build_all(root: Path) -> dict[str, Path]:
    spm_model = train_spm(root / "spm")
    return {"spm": spm_model, "nllb": build_nllb(root / "tiny-nllb", spm_model),
            "m2m100": build_m2m100(root / "tiny-m2m100", spm_model),
            "marian": build_marian(root / "tiny-marian", spm_model)}


class FakeBackend:
    """A pure-Python Backend for testing the machinery around models: it 'translates' by
    tagging the text, counts whitespace tokens, and records every call."""

    def __init__(self, languages=("en", "km", "ms"), max_input_tokens=512, max_output_tokens=1022,
                 respond=None, model_id="fake"):
        self.model_id = model_id
        self.languages = tuple(languages)
        self.max_input_tokens = max_input_tokens
        self.max_output_tokens = max_output_tokens
        self.calls: list[dict] = []
        self.respond = respond or (lambda text, src, tgt, beam: f"[{tgt}] {text}")

    def count_tokens(self, texts, src, tgt):
        return [len(t.split()) + 2 for t in texts]

    def generate(self, texts, src, tgt, *, beam_size, max_new_tokens, no_repeat_ngram_size, repetition_penalty):
        self.calls.append(dict(texts=list(texts), src=src, tgt=tgt, beam_size=beam_size,
                               max_new_tokens=max_new_tokens, no_repeat_ngram_size=no_repeat_ngram_size,
                               repetition_penalty=repetition_penalty))
        out = []
        for text in texts:
            result = self.respond(text, src, tgt, beam_size)
            out.append((result, min(len(result.split()) + 1, max_new_tokens - 1)))
        return out


def build_gemma_base(out: Path, spm_model: Path) -> Path:
    """A Gemma 3 text model (Gemma3ForCausalLM, tied embeddings, sliding and full attention
    layers) with random weights and a GemmaTokenizer laid out as Gemma's: <pad> <eos> <bos>
    <unk> <mask>, the 256 byte tokens, a newline token, then the subword pieces."""
    if (out / "config.json").is_file():
        return out
    import sentencepiece as spm
    import torch
    from transformers import Gemma3ForCausalLM, Gemma3TextConfig, GemmaTokenizer
    from transformers.tokenization_utils_base import generate_merges

    sp = spm.SentencePieceProcessor(model_file=str(spm_model))
    vocab: dict[str, int] = {t: i for i, t in enumerate(["<pad>", "<eos>", "<bos>", "<unk>", "<mask>"])}
    for b in range(256):
        vocab[f"<0x{b:02X}>"] = len(vocab)
    vocab["\n"] = len(vocab)
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    scores = {}
    for i, piece in enumerate(pieces):
        if piece not in ("<s>", "<pad>", "</s>", "<unk>") and piece not in vocab:
            vocab[piece] = len(vocab)
            scores[piece] = sp.get_score(i)
    merges = generate_merges(vocab, {p: scores.get(p, 0.0) for p in vocab},
                             skip_tokens={"<pad>", "<eos>", "<bos>", "<unk>", "<mask>"})
    tokenizer = GemmaTokenizer(vocab=vocab, merges=merges)
    config = Gemma3TextConfig(vocab_size=len(vocab), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                              num_attention_heads=2, num_key_value_heads=1, head_dim=16, max_position_embeddings=512,
                              sliding_window=64, layer_types=["sliding_attention", "full_attention"],
                              pad_token_id=0, eos_token_id=1, bos_token_id=2, tie_word_embeddings=True)
    torch.manual_seed(0)
    Gemma3ForCausalLM(config).eval().save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out
