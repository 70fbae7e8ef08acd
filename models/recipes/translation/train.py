"""Steps 2-3: train the shared sentencepiece vocabulary and the Marian-architecture model.

    python models/recipes/translation/train.py spm   --work .work/mt
    python models/recipes/translation/train.py model --work .work/mt --minutes 120   # resumable

The model is a small many-to-many Marian transformer: the source starts with a
target-language token (>>eng<<, >>khm<<, >>zsm<<) that selects the direction, as in
multilingual OPUS-MT models, so newsbrief's Marian backend loads it unchanged.
Training saves WORK/checkpoint.pt every few minutes and resumes from it.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

LANG_TOKENS = {"en": ">>eng<<", "km": ">>khm<<", "ms": ">>zsm<<"}
VOCAB_SIZE = 16000
PAD, UNK, EOS = 0, 1, 2
MAX_TOKENS = 128  # longer examples are skipped in training; inference splits long sentences

MODEL = dict(d_model=256, encoder_layers=6, decoder_layers=3, encoder_attention_heads=4,
             decoder_attention_heads=4, encoder_ffn_dim=1024, decoder_ffn_dim=1024,
             max_position_embeddings=512, dropout=0.1, attention_dropout=0.0, activation_dropout=0.0,
             activation_function="swish", scale_embedding=True, share_encoder_decoder_embeddings=True,
             tie_word_embeddings=True)


def train_spm(work: Path) -> None:
    import sentencepiece as spm

    spm.set_random_generator_seed(0)  # deterministic sampling of the input sentences
    spm.SentencePieceTrainer.train(
        input=str(work / "spm_input.txt"), model_prefix=str(work / "spm"), vocab_size=VOCAB_SIZE,
        model_type="unigram", character_coverage=0.9999, byte_fallback=True, split_digits=True,
        pad_id=PAD, unk_id=UNK, eos_id=EOS, bos_id=-1, pad_piece="<pad>", unk_piece="<unk>", eos_piece="</s>",
        user_defined_symbols=list(LANG_TOKENS.values()), input_sentence_size=2_000_000,
        shuffle_input_sentence=True, num_threads=2, minloglevel=1)
    sp = spm.SentencePieceProcessor(model_file=str(work / "spm.model"))
    vocab = {sp.id_to_piece(i): i for i in range(sp.get_piece_size())}
    (work / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    print(f"vocabulary: {len(vocab)} pieces", file=sys.stderr)


def encode_file(sp, path: Path) -> list[tuple[list[int], list[int]]]:
    lang_ids = {lang: sp.piece_to_id(tok) for lang, tok in LANG_TOKENS.items()}
    lines = path.read_text(encoding="utf-8").splitlines()
    tgt_langs, sources, targets = zip(*(line.split("\t") for line in lines))
    src_ids = sp.encode(list(sources))
    tgt_ids = sp.encode(list(targets))
    return [([lang_ids[lang], *s, EOS], [*t, EOS]) for lang, s, t in zip(tgt_langs, src_ids, tgt_ids)
            if len(s) < MAX_TOKENS and len(t) < MAX_TOKENS]


def batches(examples, max_tokens: int, rng: random.Random):
    """Length-bucketed batches of about max_tokens (padded) tokens, in random order."""
    order = sorted(range(len(examples)), key=lambda i: (len(examples[i][0]), rng.random()))
    out, current, longest = [], [], 0
    for i in order:
        longest_next = max(longest, len(examples[i][0]), len(examples[i][1]))
        if current and longest_next * (len(current) + 1) > max_tokens:
            out.append(current)
            current, longest_next = [], max(len(examples[i][0]), len(examples[i][1]))
        current.append(i)
        longest = longest_next
    if current:
        out.append(current)
    rng.shuffle(out)
    return out


def collate(examples, ids):
    import torch

    src = [examples[i][0] for i in ids]
    tgt = [examples[i][1] for i in ids]
    s_len, t_len = max(map(len, src)), max(map(len, tgt))
    input_ids = torch.full((len(ids), s_len), PAD)
    labels = torch.full((len(ids), t_len), -100)
    decoder_input_ids = torch.full((len(ids), t_len), PAD)
    for row, (s, t) in enumerate(zip(src, tgt)):
        input_ids[row, : len(s)] = torch.tensor(s)
        labels[row, : len(t)] = torch.tensor(t)
        decoder_input_ids[row, 1 : len(t)] = torch.tensor(t[:-1])  # starts with PAD (decoder_start)
    return input_ids, (input_ids != PAD).long(), decoder_input_ids, labels


def build_model():
    from transformers import MarianConfig, MarianMTModel

    config = MarianConfig(vocab_size=VOCAB_SIZE, pad_token_id=PAD, eos_token_id=EOS, decoder_start_token_id=PAD,
                          forced_eos_token_id=EOS, bos_token_id=PAD, max_length=256, num_beams=4, **MODEL)
    return MarianMTModel(config)


def train_model(work: Path, minutes: float, max_tokens: int, lr: float, warmup: int, threads: int) -> None:
    import sentencepiece as spm
    import torch
    import torch.nn.functional as F

    torch.manual_seed(0)
    torch.set_num_threads(threads)
    sp = spm.SentencePieceProcessor(model_file=str(work / "spm.model"))
    cache = work / "encoded.pt"
    if cache.exists():
        train, valid = torch.load(cache)
    else:
        train, valid = encode_file(sp, work / "train.tsv"), encode_file(sp, work / "valid.tsv")
        torch.save((train, valid), cache)
    model = build_model()
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.98), eps=1e-9, weight_decay=0.0)
    state = {"step": 0, "epoch": 0, "batch": 0, "seconds": 0.0, "tokens": 0, "log": []}
    checkpoint = work / "checkpoint.pt"
    if checkpoint.exists():
        saved = torch.load(checkpoint, weights_only=False)
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        state = saved["state"]
        print(f"resumed at step {state['step']} (epoch {state['epoch']}, batch {state['batch']})", file=sys.stderr)
    # the decoder starts from the <pad> embedding: keep it zero (padding_idx gets no gradient), as
    # CTranslate2 starts Marian decoders from a zero vector
    with torch.no_grad():
        model.model.shared.weight[PAD].zero_()
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{n_params / 1e6:.1f}M parameters, {len(train)} training examples", file=sys.stderr)

    def lr_at(step: int) -> float:
        step = max(step, 1)
        return lr * min(step / warmup, math.sqrt(warmup / step))

    def loss_of(ids, smoothing: float):
        input_ids, mask, dec_in, labels = collate(train if ids is not None else valid, ids)
        logits = model(input_ids=input_ids, attention_mask=mask, decoder_input_ids=dec_in).logits
        return F.cross_entropy(logits.view(-1, logits.size(-1)), labels.view(-1), ignore_index=-100,
                               label_smoothing=smoothing), int((labels != -100).sum())

    def validate() -> float:
        model.eval()
        total, count = 0.0, 0
        with torch.no_grad():
            for ids in batches(valid, 4000, random.Random(0)):
                input_ids, mask, dec_in, labels = collate(valid, ids)
                logits = model(input_ids=input_ids, attention_mask=mask, decoder_input_ids=dec_in).logits
                total += float(F.cross_entropy(logits.view(-1, logits.size(-1)), labels.view(-1),
                                               ignore_index=-100, reduction="sum"))
                count += int((labels != -100).sum())
        model.train()
        return total / count

    def save() -> None:
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "state": state,
                    "config": model.config.to_dict()}, checkpoint.with_suffix(".tmp"))
        checkpoint.with_suffix(".tmp").replace(checkpoint)  # atomic: a kill never leaves half a file

    model.train()
    deadline = time.monotonic() + minutes * 60
    last_save = last_log = time.monotonic()
    while time.monotonic() < deadline:
        plan = batches(train, max_tokens, random.Random(1000 + state["epoch"]))
        while state["batch"] < len(plan) and time.monotonic() < deadline:
            started = time.monotonic()
            for group in optimizer.param_groups:
                group["lr"] = lr_at(state["step"] + 1)
            loss, n_tokens = loss_of(plan[state["batch"]], 0.1)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            state["step"] += 1
            state["batch"] += 1
            state["tokens"] += n_tokens
            state["seconds"] += time.monotonic() - started
            if time.monotonic() - last_log > 60:
                print(f"step {state['step']} epoch {state['epoch']} batch {state['batch']}/{len(plan)} "
                      f"loss {float(loss):.3f} lr {lr_at(state['step']):.2e} "
                      f"{state['tokens'] / max(state['seconds'], 1e-9):.0f} target tok/s", file=sys.stderr, flush=True)
                last_log = time.monotonic()
            if time.monotonic() - last_save > 600:
                save()
                last_save = time.monotonic()
        if state["batch"] >= len(plan):
            state["epoch"] += 1
            state["batch"] = 0
            valid_loss = validate()
            state["log"].append({"epoch": state["epoch"], "step": state["step"], "valid_loss": valid_loss})
            print(f"epoch {state['epoch']} done: validation loss {valid_loss:.3f}", file=sys.stderr, flush=True)
    state["log"].append({"step": state["step"], "valid_loss": validate(), "hours": state["seconds"] / 3600})
    print(f"stopped at step {state['step']}: {state['log'][-1]}", file=sys.stderr)
    save()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["spm", "model"])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--minutes", type=float, default=60, help="stop (and checkpoint) after this long")
    parser.add_argument("--max-tokens", type=int, default=6000, help="padded tokens per batch")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--warmup", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if args.what == "spm":
        train_spm(args.work)
    else:
        train_model(args.work, args.minutes, args.max_tokens, args.lr, args.warmup, args.threads)


if __name__ == "__main__":
    main()
