"""The one model layer: every kind of model newsbrief uses is named, found, converted and loaded here.

Modules: registry (models/registry.toml and ModelSpec), resolution (where models are found, in one
order; list, info, import), convert (CTranslate2), shortlist (CTranslate2 vocabulary maps),
download (from the Hugging Face hub, only when asked), loaded (the shared cache of loaded
models), and the loaders: seq2seq (transformers NLLB/M2M100/Marian tokenizers and language
codes), causal_lm (transformers causal LMs, GGUF included), vocab (trimmed vocabularies) and
causal_translator (the embedded translator's shipped format and its CTranslate2 build).

This package imports nothing heavy and nothing above it (translation, summarization, ...).
"""

from .convert import convert_to_ct2
from .loaded import ModelCache, default_cache
from .registry import (
    FAMILIES,
    FAMILY_CODES,
    FORMATS,
    PROJECT_MODELS,
    REGISTRY_PATH,
    SPEC_FILE,
    ModelSpec,
    checked_entry,
    load_registry,
    read_registry,
    registry_default,
    write_spec,
)
from .resolution import (
    ModelEntry,
    ResolvedModel,
    default_model,
    download_allowed,
    hf_cache_dir,
    hf_cache_snapshot,
    import_model,
    infer_spec,
    list_models,
    model_info,
    resolve,
    search_dirs,
    user_model_dir,
)

__all__ = ["ModelSpec", "ResolvedModel", "ModelEntry", "ModelCache", "default_cache", "resolve", "default_model",
           "infer_spec", "list_models", "model_info", "import_model", "convert_to_ct2", "load_registry",
           "read_registry", "registry_default", "checked_entry", "write_spec", "user_model_dir", "search_dirs",
           "hf_cache_dir", "hf_cache_snapshot", "download_allowed", "FAMILIES", "FAMILY_CODES", "FORMATS",
           "PROJECT_MODELS", "REGISTRY_PATH", "SPEC_FILE"]
