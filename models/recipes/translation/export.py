"""Step 4: export the trained checkpoint as a transformers Marian folder (fp16 safetensors).

    python models/recipes/translation/export.py --work .work/mt --out models/newsbrief-mt-en-km-ms

The folder loads with MarianMTModel / MarianTokenizer.from_pretrained(..., local_files_only=True),
which is exactly how newsbrief's Marian backend loads any Marian model.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from train import EOS, LANG_TOKENS, PAD, build_model


def pad_last(model, vocab: dict[str, int]) -> tuple[object, dict[str, int]]:
    """The same model with <pad> moved from id 0 to the last id, as in OPUS-MT Marian models:
    CTranslate2's Marian converter drops the last vocabulary entry, taking it for <pad>. The
    rows of the (tied) embeddings and the logits bias are permuted; nothing else changes."""
    import torch

    size = len(vocab)
    order = list(range(1, size)) + [PAD]  # new id i holds old id order[i]
    config = model.config
    config.pad_token_id = config.decoder_start_token_id = config.bos_token_id = size - 1
    config.eos_token_id = config.forced_eos_token_id = EOS - 1
    moved = type(model)(config)
    state = model.state_dict()
    index = torch.tensor(order)
    for key, value in state.items():
        if value.shape[:1] == (size,):
            state[key] = value[index]
        elif key == "final_logits_bias":
            state[key] = value[:, index]
    moved.load_state_dict(state)
    position = {old: new for new, old in enumerate(order)}
    return moved.eval(), {token: position[i] for token, i in vocab.items()}


def export(work: Path, out: Path) -> None:
    import torch
    from transformers import MarianTokenizer

    saved = torch.load(work / "checkpoint.pt", weights_only=False, map_location="cpu")
    model = build_model()
    model.load_state_dict(saved["model"])
    with torch.no_grad():
        model.model.shared.weight[PAD].zero_()  # decoders start from a zero vector (see train.py)
    model, vocab = pad_last(model.eval(), json.loads((work / "vocab.json").read_text(encoding="utf-8")))
    out.mkdir(parents=True, exist_ok=True)
    for name in ("source.spm", "target.spm"):
        shutil.copyfile(work / "spm.model", out / name)
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = MarianTokenizer(vocab=str(out / "vocab.json"), source_spm=str(out / "source.spm"),
                                target_spm=str(out / "target.spm"), separate_vocabs=False,
                                model_max_length=512)
    tokenizer.save_pretrained(out)
    model.half().save_pretrained(out, safe_serialization=True)
    (out / "training_state.json").write_text(json.dumps(
        {k: v for k, v in saved["state"].items()}, indent=2), encoding="utf-8")
    print(f"exported step {saved['state']['step']} to {out} (language tokens: {list(LANG_TOKENS.values())})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    export(args.work, args.out)
