"""Step 2: fine-tune Gemma 3 270M (the PyPI GGUF, dequantised) into the en<->km/ms translator.

Time-boxed and resumable: it runs for --minutes, saves every --save-minutes into OUT (a
folder that is committed: the adapter in fp16, the vocabulary map, state.json with the step,
the position in the data and the learning curve), and the next run resumes from OUT. Nothing
it needs to resume lives in .work/ (development machines are not kept); the optimizer moments
are kept in WORK when they are there and rebuilt (after a short warm-up) when they are not.

Methods (--method), compared per CPU hour in README.md:
  lora     LoRA (peft) on every attention and MLP projection; base frozen (the shipped one)
  frozen   the upper --train-layers decoder layers trained in full, the rest frozen
  full     every weight but the embedding

Each epoch is a fixed mixture of the pools prepare.py wrote: FLORES dev twice, Wikipedia dev
once and --tsv-per-epoch pairs of each TSV (a new sample each epoch), shuffled with the
epoch's seed and batched by length. The loss is on the target tokens only. With --fact-weight W,
an example whose sentences name a weekday, month, date, place, role or count (prepare.py's
"facts") is taken W times as often (W may be a fraction: its share sampled anew each epoch).
With --hint-share P, that share of the examples whose target states a fact of the source in its
rendered form get the form as a hint after the fact ("Monday ⟨ថ្ងៃចន្ទ⟩": prepare.hinted).

--device cuda runs the same steps on a GPU (same data, same plan, the same files written);
the default is the CPU.

    python models/recipes/gemma_translation/train.py --work .work/gemma_mt \\
        --out models/newsbrief-gemma-mt-adapter --minutes 120
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

import torch

from newsbrief.models.causal_lm import load_gguf_base
from newsbrief.models.vocab import VocabMap, trim_model
from newsbrief.translation.prompts import prompt, prompt_ids, target

LORA_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
LORA = {"r": 16, "alpha": 32, "targets": LORA_TARGETS}  # adapter.json: what the merge needs
MAX_TOKENS = 256


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


# --mixture news (from step 2145): the pools prepare.py added for news-domain training, each taken this
# many times an epoch (a fraction: a new sample of that share each epoch). FLORES and Wikipedia dev,
# memorised by step 2145, drop to one pass or less; the back-translations are the news domain.
NEWS_MIXTURE = {"flores": 1, "flores_id": 1, "wiki": 0.5, "tico": 1, "talpco": 0.5, "bt_km": 1, "bt_ms": 1}


FACT_KINDS = ("weekday", "month", "date", "place", "role", "count")  # prepare.FACT_KINDS


def fact_weighted(rows: list[dict], weight: float, rng: random.Random,
                  kinds: tuple[str, ...] = FACT_KINDS) -> list[dict]:
    """rows with each fact-rich one (prepare.py's "facts" naming one of `kinds`) taken `weight`
    times in all."""
    if weight == 1:
        return rows
    if weight < 1:
        raise SystemExit("--fact-weight is at least 1")
    if any("facts" not in row for row in rows):
        raise SystemExit("--fact-weight needs the pools' \"facts\": run prepare.py again")
    rich = [row for row in rows if set(row["facts"]) & set(kinds)]
    extra = weight - 1
    return rows + rich * int(extra) + rng.sample(rich, round(len(rich) * (extra - int(extra))))


def with_hints(rows: list[dict], share: float, rng: random.Random) -> list[dict]:
    """rows with `share` of those that can take one given hints (prepare.hinted: "Monday ⟨ថ្ងៃចន្ទ⟩")."""
    if not share:
        return rows
    from prepare import hinted

    out = []
    for row in rows:
        hint = hinted(row) if rng.random() < share else None
        out.append(hint or row)
    return out


def epoch_examples(work: Path, epoch: int, tsv_per_epoch: int, mixture: str = "prose",
                   fact_weight: float = 1, fact_kinds: tuple[str, ...] = FACT_KINDS,
                   hint_share: float = 0) -> list[dict]:
    rng = random.Random(1000 + epoch)
    if mixture == "news":
        rows = []
        for name, times in NEWS_MIXTURE.items():
            pool = read_jsonl(work / f"{name}.jsonl") if (work / f"{name}.jsonl").is_file() else []
            rows += pool * int(times) + rng.sample(pool, round(len(pool) * (times - int(times))))
    else:
        rows = read_jsonl(work / "flores.jsonl") * 2 + read_jsonl(work / "wiki.jsonl")
        if (work / "flores_id.jsonl").is_file():  # the Indonesian contrast (prepare.py, from step 519)
            rows += read_jsonl(work / "flores_id.jsonl")
    for lang in ("km", "ms"):
        pool = read_jsonl(work / f"tsv_{lang}.jsonl")
        pairs = [pool[i:i + 2] for i in range(0, len(pool), 2)]  # both directions of one pair stay together
        for pair in rng.sample(pairs, min(tsv_per_epoch, len(pairs))):
            rows += pair
    rows = with_hints(fact_weighted(rows, fact_weight, rng, fact_kinds), hint_share, rng)
    rng.shuffle(rows)
    return rows


def encode(tokenizer, vocab: VocabMap, row: dict) -> tuple[list[int], int]:
    """(input ids, prompt length): bos + prompt, then the target and eos (trimmed ids)."""
    p = prompt_ids(tokenizer, vocab, [row["src"]], row["src_lang"], row["tgt_lang"], row.get("synthetic", False))[0]
    t = tokenizer(target(row["tgt"]), add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
    t = vocab.encode(t, tokenizer)
    ids = (p + t)[:MAX_TOKENS]
    return ids, min(len(p), len(ids) - 1)


def batches(encoded: list[tuple[list[int], int]], max_batch_tokens: int) -> list[list[int]]:
    """Indices in groups of similar length (sorted within windows of 128), the window order kept."""
    out: list[list[int]] = []
    for start in range(0, len(encoded), 128):
        window = sorted(range(start, min(start + 128, len(encoded))), key=lambda i: len(encoded[i][0]))
        batch: list[int] = []
        for i in window:
            longest = max([len(encoded[j][0]) for j in batch] + [len(encoded[i][0])])
            if batch and longest * (len(batch) + 1) > max_batch_tokens:
                out.append(batch)
                batch = []
            batch.append(i)
        if batch:
            out.append(batch)
    return out


def pick_device(name: str) -> torch.device:
    """--device: "cpu", or "cuda" where torch sees a GPU (refused, not silently the CPU, where not)."""
    if name == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: torch sees no CUDA GPU here (use --device cpu)")
    if name not in ("cpu", "cuda"):
        raise SystemExit(f"--device {name}: cpu or cuda")
    return torch.device(name)


def collate(encoded, batch: list[int], pad_id: int):
    longest = max(len(encoded[i][0]) for i in batch)
    ids = torch.full((len(batch), longest), pad_id, dtype=torch.long)
    labels = torch.full((len(batch), longest), -100, dtype=torch.long)
    mask = torch.zeros((len(batch), longest), dtype=torch.long)
    for row, i in enumerate(batch):
        seq, plen = encoded[i]
        ids[row, :len(seq)] = torch.tensor(seq)
        labels[row, plen:len(seq)] = torch.tensor(seq[plen:])
        mask[row, :len(seq)] = 1
    return ids, mask, labels


def decay(step: int, until: int) -> float:
    """The lr factor at a step: 1 when until is 0, else a cosine from 1 to 0.1 at `until`."""
    if not until:
        return 1.0
    return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(step, until) / until))


def trainable(model, method: str, train_layers: int):
    if method == "lora":
        from peft import LoraConfig, get_peft_model

        config = LoraConfig(r=LORA["r"], lora_alpha=LORA["alpha"], lora_dropout=0.0, target_modules=LORA["targets"],
                            bias="none", task_type="CAUSAL_LM")
        return get_peft_model(model, config)
    for p in model.parameters():
        p.requires_grad = False
    layers = model.model.layers
    chosen = layers if method == "full" else layers[len(layers) - train_layers:]
    for layer in chosen:
        for p in layer.parameters():
            p.requires_grad = True
    for p in model.model.norm.parameters():
        p.requires_grad = True
    return model


def trained_state(model, method: str) -> dict[str, torch.Tensor]:
    if method == "lora":
        from peft import get_peft_model_state_dict

        return get_peft_model_state_dict(model, save_embedding_layers=False)
    return {name: p.detach() for name, p in model.named_parameters() if p.requires_grad}


def load_trained(model, method: str, folder: Path) -> None:
    from safetensors.torch import load_file

    state = {k: v.float() for k, v in load_file(folder / "trained.safetensors").items()}
    if method == "lora":
        from peft import set_peft_model_state_dict

        result = set_peft_model_state_dict(model, state)
        if getattr(result, "unexpected_keys", None):
            raise SystemExit(f"{folder}: adapter keys do not match the model: {result.unexpected_keys[:3]}")
        return
    missing = set(state) - {n for n, _ in model.named_parameters()}
    if missing:
        raise SystemExit(f"{folder}: unknown weights {sorted(missing)[:3]}")
    params = dict(model.named_parameters())
    with torch.no_grad():
        for name, value in state.items():
            params[name].copy_(value)


def save(model, method: str, out: Path, state: dict, optimizer, work: Path) -> None:
    from safetensors.torch import save_file

    out.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().to("cpu", torch.float16).contiguous() for k, v in trained_state(model, method).items()}
    save_file(tensors, str(out / "trained.safetensors.tmp"))
    (out / "trained.safetensors.tmp").replace(out / "trained.safetensors")
    (out / "state.json").write_text(json.dumps(state, indent=1) + "\n", "utf-8")
    torch.save(optimizer.state_dict(), work / f"optimizer-{method}.pt")


@torch.no_grad()
def validation_loss(model, encoded, pad_id: int, max_batch_tokens: int, device: torch.device = torch.device("cpu")) -> float:
    model.eval()
    total, count = 0.0, 0
    for batch in batches(encoded, max_batch_tokens):
        ids, mask, labels = (t.to(device) for t in collate(encoded, batch, pad_id))
        logits = model(input_ids=ids, attention_mask=mask).logits[:, :-1]
        gold = labels[:, 1:]
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), gold.reshape(-1),
                                                 ignore_index=-100, reduction="sum")
        total += float(loss)
        count += int((gold != -100).sum())
    model.train()
    return total / max(count, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, required=True, help="prepare.py's folder (and the GGUF base)")
    parser.add_argument("--out", type=Path, required=True, help="committed folder: trained weights + state")
    parser.add_argument("--method", choices=("lora", "frozen", "full"), default="lora")
    parser.add_argument("--train-layers", type=int, default=6, help="--method frozen: upper layers trained")
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--save-minutes", type=float, default=10)
    parser.add_argument("--eval-minutes", type=float, default=20)
    parser.add_argument("--lr", type=float, default=None, help="default: 2e-4 (lora), 3e-5 (others)")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--cosine-until", type=int, default=0,
                        help="lr follows a cosine from the full rate at step 0 to a tenth of it at this step "
                             "(counted over the whole run, resumes included; 0: constant)")
    parser.add_argument("--batch-tokens", type=int, default=1536)
    parser.add_argument("--tsv-per-epoch", type=int, default=4000)
    parser.add_argument("--mixture", choices=("prose", "news"), default="prose",
                        help="prose: FLORES twice, Wikipedia, the Indonesian contrast (to step 2145); news: NEWS_MIXTURE "
                             "(TICO-19, TALPCo, the back-translations). A new mixture starts a new epoch count.")
    parser.add_argument("--valid-examples", type=int, default=192)
    parser.add_argument("--fact-weight", type=float, default=1,
                        help="take examples that name a weekday, month, date, place, role or count this many times "
                             "as often (prepare.py's \"facts\"; 1: as the others). A change starts the epoch anew.")
    parser.add_argument("--fact-kinds", default=",".join(FACT_KINDS),
                        help="the kinds of fact --fact-weight favours, comma-separated (default: all)")
    parser.add_argument("--hint-share", type=float, default=0,
                        help="this share of the examples whose facts the target states in the rendered form get "
                             "hints in their source (\"Monday \u27e8...\u27e9\", prepare.hinted); 0: none")
    parser.add_argument("--eval-first", action="store_true",
                        help="measure the validation losses before the first step (a new point of the curve: "
                             "after prepare.py remade the pools, valid_news.jsonl is not the one before)")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads (--device cpu)")
    parser.add_argument("--device", default="cpu", help="cpu or cuda: the same data, steps and files")
    args = parser.parse_args()
    device = pick_device(args.device)
    if args.fact_weight < 1:
        raise SystemExit("--fact-weight is at least 1")
    if not 0 <= args.hint_share <= 1:
        raise SystemExit("--hint-share is a share: 0 to 1")
    fact_kinds = tuple(k for k in FACT_KINDS if k in args.fact_kinds.split(","))
    if set(args.fact_kinds.split(",")) - set(FACT_KINDS) or not fact_kinds:
        raise SystemExit(f"--fact-kinds: some of {','.join(FACT_KINDS)}")
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    lr = args.lr or (2e-4 if args.method == "lora" else 3e-5)

    tokenizer, model = load_gguf_base(args.work)
    vocab_dir = args.out if (args.out / "vocab_map.json").is_file() else None
    if vocab_dir is None:
        texts = [r[k] for name in ("flores", "wiki", "tsv_km", "tsv_ms") for r in read_jsonl(args.work / f"{name}.jsonl")
                 for k in ("src", "tgt") if r["src_lang"] == "en"]
        texts += [prompt("", a, b) for a in ("en", "km", "ms") for b in ("en", "km", "ms") if a != b]
        vocab = VocabMap.from_texts(tokenizer, texts)
        args.out.mkdir(parents=True, exist_ok=True)
        vocab.save(args.out)
    else:
        vocab = VocabMap.load(vocab_dir)
    trim_model(model, vocab)
    print(f"vocabulary trimmed to {len(vocab)} tokens", flush=True)
    model = trainable(model, args.method, args.train_layers).to(device)
    if args.method == "lora":
        (args.out / "adapter.json").write_text(json.dumps(LORA) + "\n", "utf-8")
    state = {"method": args.method, "step": 0, "epoch": 0, "batch": 0, "seconds": 0.0, "target_tokens": 0,
             "curve": [], "lr": lr, "tsv_per_epoch": args.tsv_per_epoch, "batch_tokens": args.batch_tokens}
    if (args.out / "state.json").is_file() and (args.out / "trained.safetensors").is_file():
        state = json.loads((args.out / "state.json").read_text("utf-8"))
        if state["method"] != args.method:
            raise SystemExit(f"{args.out} holds a {state['method']} run; pass --method {state['method']}")
        load_trained(model, args.method, args.out)
        print(f"resumed at step {state['step']} (epoch {state['epoch']}, batch {state['batch']})", flush=True)
        if state.get("mixture", "prose") != args.mixture:
            print(f"mixture {state.get('mixture', 'prose')} -> {args.mixture}: epochs counted anew", flush=True)
            state.update(mixture=args.mixture, epoch=0, batch=0, tsv_per_epoch=args.tsv_per_epoch, lr=lr)
        was = (state.get("fact_weight", 1), state.get("fact_kinds", list(FACT_KINDS)), state.get("hint_share", 0))
        if (was[0] != args.fact_weight or (args.fact_weight != 1 and was[1] != list(fact_kinds))
                or was[2] != args.hint_share):
            print(f"fact weight {was[0]} ({','.join(was[1])}), hints {was[2]} -> {args.fact_weight} "
                  f"({','.join(fact_kinds)}), hints {args.hint_share}: epoch {state['epoch']} planned anew from its "
                  "first batch", flush=True)
            state["batch"] = 0
    state["mixture"] = args.mixture
    state.update(fact_weight=args.fact_weight, fact_kinds=list(fact_kinds), hint_share=args.hint_share)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    print(f"{sum(p.numel() for p in params) / 1e6:.2f}M trainable parameters", flush=True)
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=0.0)
    saved_optimizer = args.work / f"optimizer-{args.method}.pt"
    warm_from = state["step"]
    if state["step"] and saved_optimizer.is_file():
        optimizer.load_state_dict(torch.load(saved_optimizer, map_location=device))
        warm_from = -args.warmup  # moments restored: no new warm-up
    pad_id = vocab.new_id(tokenizer.pad_token_id)

    valid_rows = read_jsonl(args.work / "valid.jsonl")
    valid_rows = random.Random(0).sample(valid_rows, min(args.valid_examples, len(valid_rows)))
    valid = [encode(tokenizer, vocab, r) for r in valid_rows]
    # the news domain (prepare.py's valid_news: TICO-19, Wikipedia devtest, back-translations), when there
    news_path = args.work / "valid_news.jsonl"
    news_rows = read_jsonl(news_path) if news_path.is_file() else []
    news = [encode(tokenizer, vocab, r) for r in random.Random(0).sample(news_rows, min(args.valid_examples,
                                                                                          len(news_rows)))]

    def evaluate(point: dict) -> dict:
        point["valid_loss"] = validation_loss(model, valid, pad_id, args.batch_tokens, device)
        if news:
            point["valid_news_loss"] = validation_loss(model, news, pad_id, args.batch_tokens, device)
        print(f"step {point['step']}: validation loss {point['valid_loss']:.4f}"
              + (f", news {point['valid_news_loss']:.4f}" if news else ""), flush=True)
        return point

    if not state["curve"]:
        state["curve"].append(evaluate({"step": 0, "seconds": 0.0}))
    elif args.eval_first or (news and "valid_news_loss" not in state["curve"][-1]):  # where the losses start from
        state["curve"].append(evaluate({"step": state["step"], "seconds": round(state["seconds"], 1),
                                        "mixture": args.mixture, "fact_weight": args.fact_weight,
                                        **({"note": "--eval-first: pools remade"} if args.eval_first else {})}))

    start = time.monotonic()
    last_save = last_eval = start
    run_seconds = state["seconds"]
    # CPU seconds of this process: the honest training time when other jobs share the cores
    # (recorded from step 2368 of news-run on; "seconds" is wall time)
    run_cpu, cpu_start = state.get("cpu_seconds", 0.0), time.process_time()
    losses: list[float] = []
    tokens_since = 0
    log_time = start
    done = False
    while not done:
        rows = epoch_examples(args.work, state["epoch"], args.tsv_per_epoch, args.mixture, args.fact_weight,
                              fact_kinds, args.hint_share)
        encoded = [encode(tokenizer, vocab, r) for r in rows]
        plan = batches(encoded, args.batch_tokens)
        while state["batch"] < len(plan):
            ids, mask, labels = (t.to(device) for t in collate(encoded, plan[state["batch"]], pad_id))
            step_lr = lr * min(1.0, (state["step"] - warm_from + 1) / args.warmup) * decay(state["step"],
                                                                                           args.cosine_until)
            for group in optimizer.param_groups:
                group["lr"] = step_lr
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            n_target = int((labels != -100).sum())
            state["step"] += 1
            state["batch"] += 1
            state["target_tokens"] += n_target
            tokens_since += int(mask.sum())
            losses.append(float(loss))
            now = time.monotonic()
            state["seconds"] = run_seconds + (now - start)
            state["cpu_seconds"] = run_cpu + (time.process_time() - cpu_start)
            if state["step"] % 25 == 0:
                print(f"step {state['step']} epoch {state['epoch']} batch {state['batch']}/{len(plan)} "
                      f"loss {sum(losses) / len(losses):.4f} lr {step_lr:.2e} "
                      f"{tokens_since / (now - log_time):.0f} tok/s", flush=True)
                losses, tokens_since, log_time = [], 0, now
            out_of_time = now - start >= args.minutes * 60
            if out_of_time or now - last_eval >= args.eval_minutes * 60:
                eval_start, eval_cpu = time.monotonic(), time.process_time()
                state["curve"].append(evaluate({"step": state["step"], "seconds": round(state["seconds"], 1),
                                                "epoch": state["epoch"] + state["batch"] / len(plan),
                                                "mixture": args.mixture}))
                # evaluation time is not training time
                start += time.monotonic() - eval_start
                cpu_start += time.process_time() - eval_cpu
                last_eval = time.monotonic()
            if out_of_time or now - last_save >= args.save_minutes * 60:
                save(model, args.method, args.out, state, optimizer, args.work)
                last_save = time.monotonic()
                print(f"saved {args.out} at step {state['step']}", flush=True)
            if out_of_time:
                done = True
                break
        else:
            state["epoch"] += 1
            state["batch"] = 0
    print("done", flush=True)


if __name__ == "__main__":
    sys.exit(main())
