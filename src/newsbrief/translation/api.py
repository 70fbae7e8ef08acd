"""translate() and how a translator is put together: resolve the model (plan_backend, which
loads nothing), wrap it (sentence splitting and guards, pivoting through English, the result
cache) and load its backend once, when a sentence is not in the result cache.

    import newsbrief as nb
    result = nb.translate(text, to="km", model="nllb-200-distilled-600M")
    result.text                      # the whole translation, paragraphs kept
    result.sentences[0].source, result.sentences[0].target
    result.to_dict()                 # source_lang, target_lang, text, sentences, model

Directions: en<->km and en<->ms directly; km<->ms through English (a Chain of two
translators). Sentences come from the Article (never re-split); long ones are cut at clause
boundaries to fit the model; every sentence gets a translation.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping, Sequence

from ..article import Article, as_article
from ..cache import Cache, NullCache, open_cache
from ..errors import ConfigError, ModelNotFoundError, ModelQualityWarning, UnsupportedLanguageError
from ..models import ModelCache, ResolvedModel, default_cache, default_model, resolve
from .base import (
    AlignedSentence,
    Backend,
    Chain,
    SentenceTranslator,
    TranslateConfig,
    TranslationResult,
    Translator,
    glossary_tuple,
    noted_sentence,
)
from . import names
from .cached import CachedTranslator, model_hash
from .protect import Protector
from .rerank import RoundTripReranker

LANGUAGES = ("en", "km", "ms")
PIVOT = "en"
DIRECT_PAIRS = frozenset({("en", "km"), ("km", "en"), ("en", "ms"), ("ms", "en")})
BACKENDS = ("auto", "transformers", "ctranslate2")


def _pairs_text() -> str:
    return "en->km, km->en, en->ms, ms->en, and km<->ms through English"


def check_pair(src: str, tgt: str) -> None:
    for role, lang in (("source", src), ("target", tgt)):
        if lang not in LANGUAGES:
            hint = " (Indonesian is not supported; pass src='ms' if the text is Malay)" if lang == "id" else ""
            raise UnsupportedLanguageError(f"cannot translate {'from' if role == 'source' else 'to'} {lang!r}"
                                           f"{hint}: newsbrief translates {_pairs_text()}.")


@dataclass(frozen=True)
class BackendPlan:
    """A resolved model and how it would be loaded, before anything is loaded: enough to name
    the model and fingerprint its files (the result cache's keys) and to check the direction,
    so that a warm cache never imports torch or CTranslate2. load() does the heavy part."""

    resolved: ResolvedModel  # what is loaded (a causal LM: its shipped weights, or a lone built copy)
    engine: str  # "transformers", "ctranslate2", "causal-lm/transformers" or "causal-lm/ctranslate2"
    key: tuple  # the ModelCache key
    load: Callable[[], Backend] = field(repr=False, compare=False)
    compute_type: str | None = None  # CTranslate2 only

    @property
    def spec(self):
        return self.resolved.spec

    @property
    def model_id(self) -> str:
        """The id its backend will report (results carry it; it is part of every cache key)."""
        if self.engine.startswith("causal-lm/"):
            return self.spec.built_from or self.resolved.id  # a built copy is its source's
        return self.resolved.id


def plan_backend(model: str | os.PathLike | None = None, *, src: str | None = None, tgt: str | None = None,
                 backend: str = "auto", device: str = "cpu", compute_type: str = "int8",
                 threads: int | None = None, allow_download: bool | None = None) -> BackendPlan:
    """Resolve a model (never downloading unless allowed) and say how it would be loaded; loads nothing."""
    if backend not in BACKENDS:
        raise ConfigError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    name = str(model) if model is not None else default_model(src, tgt)
    resolved = None
    if backend == "ctranslate2" and not os.path.isdir(name):
        # a converted copy made by `newsbrief models convert NAME` (NAME-ct2-QUANT), when there is one
        try:
            resolved = resolve(f"{name.split('/')[-1]}-ct2-{compute_type}", allow_download=False)
        except ModelNotFoundError:
            pass
    if resolved is None:
        resolved = resolve(name, allow_download=allow_download)
    if resolved.spec.family == "causal-lm":
        return _causal_lm_plan(resolved, backend, device, compute_type, threads)
    kind = backend if backend != "auto" else resolved.spec.format
    if kind != resolved.spec.format:
        raise ConfigError(f"{resolved.path} is a {resolved.spec.format} model; it cannot run on the {kind} "
                          f"backend" + (" (convert it with `newsbrief models convert`)"
                                        if kind == "ctranslate2" else ""))
    if kind == "ctranslate2":
        def load() -> Backend:
            from .ct2 import CT2Backend
            return CT2Backend(resolved, device=device, compute_type=compute_type, threads=threads)
        return BackendPlan(resolved, kind, ("ctranslate2", str(resolved.path.resolve()), device, compute_type,
                                            threads), load, compute_type)

    def load_hf() -> Backend:
        from .hf_seq2seq import HFSeq2SeqBackend
        return HFSeq2SeqBackend(resolved, device=device, threads=threads)
    return BackendPlan(resolved, "transformers", ("transformers", str(resolved.path.resolve()), device, threads),
                       load_hf)


def load_backend(model: str | os.PathLike | None = None, *, src: str | None = None, tgt: str | None = None,
                 backend: str = "auto", device: str = "cpu", compute_type: str = "int8",
                 threads: int | None = None, allow_download: bool | None = None,
                 models: ModelCache | None = None) -> Backend:
    """Resolve a model (never downloading unless allowed) and load it once into `models`."""
    plan = plan_backend(model, src=src, tgt=tgt, backend=backend, device=device, compute_type=compute_type,
                        threads=threads, allow_download=allow_download)
    return (models if models is not None else default_cache()).get(plan.key, plan.load)


LOAD_OPTIONS = ("backend", "device", "compute_type", "threads", "allow_download")


def prefetch(src: str, tgt: str, model: str | os.PathLike | None = None, *, models: ModelCache | None = None,
             then: Callable[[], Any] | None = None, **load_options: Any) -> "threading.Thread | None":
    """Start loading, on a thread of its own, the backends that translate(text, to=tgt, src=src,
    model=model) and the read-back from tgt would load (one per hop; the embedded translator is one
    for every direction), into models (default_cache()): translate() then takes them from there,
    waiting for a load under way (ModelCache.get) instead of starting one. For work that will
    certainly translate (no result cache to answer from): the model is read while the caller
    finds the names and facts to protect. Only its GIL-free parts run truly beside that Python
    work (CTranslate2 reading the weights): tokenizers holds the GIL while it parses
    tokenizer.json. Returns the thread, or None where there is nothing to load (the same
    language, a direction or model translate() would refuse:
    it says why, as it always did). A load that fails here is tried again by translate(). then():
    more to get ready on the same thread once the models are loaded (the caller then decodes, and
    CTranslate2 leaves Python free)."""
    import threading

    if src == tgt or src not in LANGUAGES or tgt not in LANGUAGES:
        return None
    options = {k: v for k, v in load_options.items() if k in LOAD_OPTIONS}
    hops = [(src, tgt)] if (src, tgt) in DIRECT_PAIRS else [(src, PIVOT), (PIVOT, tgt)]
    plans: dict[tuple, BackendPlan] = {}
    try:
        for a, b in hops + [(b, a) for a, b in hops]:
            plan = plan_backend(model, src=a, tgt=b, **options)
            if not plan.spec.translates(a, b):
                if (a, b) in hops:
                    return None
                continue  # the read-back goes through the default model for that direction
            plans.setdefault(plan.key, plan)
    except Exception:  # noqa: BLE001 - translate() resolves the model again and reports what is wrong
        return None
    cache = models if models is not None else default_cache()
    todo = [plan for key, plan in plans.items() if key not in cache]
    if not todo:
        return None

    def load() -> None:
        for plan in todo:
            try:
                cache.get(plan.key, plan.load)
            except Exception:  # noqa: BLE001 - translate() loads it again and raises it there
                return
        if then is not None:
            try:
                then()
            except Exception:  # noqa: BLE001 - only a head start: the caller does it again
                pass
    thread = threading.Thread(target=load, name="newsbrief-prefetch")
    thread.start()
    return thread


def _causal_lm_plan(resolved, backend: str, device: str, compute_type: str, threads: int | None) -> BackendPlan:
    """A causal-LM translator: on CTranslate2 (the default: its copy built on first use), or
    merged in memory on transformers (float32; for comparison and debugging)."""
    if resolved.spec.built_from:  # a built copy: go through its source, which rebuilds it when stale
        try:
            resolved = resolve(resolved.spec.built_from, allow_download=False)
        except ModelNotFoundError:
            pass  # only the copy is here
    if backend == "transformers":
        if resolved.spec.format != "transformers":
            raise ConfigError(f"{resolved.path} is the CTranslate2 copy of {resolved.spec.built_from}; name that "
                              f"model to run it on transformers")

        def load() -> Backend:
            from .causal_lm import HFCausalLMBackend
            return HFCausalLMBackend(resolved, device=device, threads=threads)
        return BackendPlan(resolved, "causal-lm/transformers",
                           ("causal-lm/transformers", str(resolved.path.resolve()), device, threads), load)

    def load_ct2() -> Backend:
        from ..models.causal_translator import ensure_built
        from .causal_lm import CT2CausalLMBackend
        return CT2CausalLMBackend(ensure_built(resolved, compute_type), device=device, compute_type=compute_type,
                                  threads=threads)
    return BackendPlan(resolved, "causal-lm/ctranslate2",
                       ("causal-lm/ctranslate2", str(resolved.path.resolve()), device, compute_type, threads),
                       load_ct2, compute_type)


def get_translator(src: str, tgt: str, model: str | os.PathLike | None = None, *,
                   config: TranslateConfig | None = None, pivot_model: str | os.PathLike | None = None,
                   cache: "Cache | NullCache | None" = None, models: ModelCache | None = None,
                   **load_options: Any) -> Translator:
    """A Translator for src->tgt: direct, or a Chain through English for km<->ms.
    With a result cache, each direct hop looks sentences up before translating them, and loads
    its model only when one of them is missing (a warm cache imports no model library)."""
    check_pair(src, tgt)
    if (src, tgt) in DIRECT_PAIRS:
        plan = plan_backend(model, src=src, tgt=tgt, **load_options)
        _check_supported(plan, src, tgt)
        spec = plan.spec
        warning = spec.quality_warning(src, tgt)
        if warning:  # shown once per message (Python's default warning filter)
            warnings.warn(f"translation model {spec.built_from or spec.name} ({src}->{tgt}): {warning}",
                          ModelQualityWarning, stacklevel=3)
        models = models if models is not None else default_cache()
        config = config or TranslateConfig()

        def load() -> SentenceTranslator | RoundTripReranker:
            translator = SentenceTranslator(models.get(plan.key, plan.load), config)
            if config.candidates > 1:
                return _round_trip(translator, plan, src, tgt, model, cache, models, load_options)
            return translator
        if cache is not None and not isinstance(cache, NullCache):
            return CachedTranslator.lazy(load, cache, plan.model_id, model_hash(plan, cache), config,
                                         supports=plan.spec.translates)
        return load()
    first = get_translator(src, PIVOT, model, config=config, cache=cache, models=models, **load_options)
    second = get_translator(PIVOT, tgt, pivot_model if pivot_model is not None else model, config=config,
                            cache=cache, models=models, **load_options)
    return Chain(first, second, pivot=PIVOT)


def _round_trip(forward: SentenceTranslator, plan: BackendPlan, src: str, tgt: str, model, cache, models,
                load_options) -> RoundTripReranker:
    """forward with its candidates checked by a back-translation: the same model where it
    translates tgt->src (the embedded translator does), else the default for tgt->src."""
    back_model = model if plan.spec.translates(tgt, src) else None
    with warnings.catch_warnings():  # the back-translation is a check, not what the reader gets
        warnings.simplefilter("ignore", ModelQualityWarning)
        # a read-back is scored, not shown: no retry with a wider beam (0.7 s of the seed's Malay brief)
        backward = get_translator(tgt, src, back_model, config=replace(forward.config, candidates=1, retry=False),
                                  cache=cache, models=models, **load_options)
    return RoundTripReranker(forward, backward, forward.config.candidates)


def _check_supported(plan: BackendPlan, src: str, tgt: str) -> None:
    if not plan.spec.translates(src, tgt):
        raise UnsupportedLanguageError(f"model {plan.model_id} does not translate {src}->{tgt}; it covers "
                                       f"{', '.join(plan.spec.languages)}. newsbrief translates "
                                       f"{_pairs_text()}.")


def translate(text: "str | Article", to: str = "km", src: str | None = None,
              model: str | os.PathLike | None = None, *, glossary: Mapping[str, str] | None = None,
              keep: Sequence[str] = (), translator: Translator | None = None,
              backend: str = "auto", device: str = "cpu", compute_type: str = "int8", threads: int | None = None,
              allow_download: bool | None = None, models: ModelCache | None = None,
              cache: "Cache | NullCache | str | os.PathLike | bool | None" = True,
              config: TranslateConfig | None = None, **options: Any) -> TranslationResult:
    """Translate text or an Article into `to`, sentence by sentence.

    src: the source language; detected with newsbrief.detect when None.
    model: a registry name, a model folder or a Hugging Face id (found locally, never downloaded
        unless allow_download=True or NEWSBRIEF_ALLOW_DOWNLOAD=1); None: the configured default.
    glossary: {term: translation} applied to the output; keep: terms left untranslated.
    backend: "auto" (by the model folder), "transformers" or "ctranslate2".
    options: fields of TranslateConfig (batch_size, beam_size, ...); unknown ones are errors.
    cache: the persistent result cache (True: NEWSBRIEF_CACHE or the per-user folder; a path;
        a Cache; None/False: no caching). models: the cache of loaded models (shared by default).

    Each Sentence of the Article gets `translations[to]`.
    """
    config = TranslateConfig.from_options(config, **options)
    article = as_article(text)
    if isinstance(keep, str):
        keep = (keep,)
    terms = glossary_tuple(glossary)
    if src is None:
        src = article.lang or _detect(article)
    check_pair(src, to)
    sentences = article.sentences
    if src == to:
        targets = [s.normalized for s in sentences]
        model_name, notes, scores = "identity", [], []
    else:
        if translator is not None and not translator.supports(src, to):
            raise UnsupportedLanguageError(f"{translator!r} does not translate {src}->{to}")
        texts = [s.normalized for s in sentences]
        if config.protect_names:  # each name one way in every sentence; the user's terms come first
            terms += tuple(names.glossary(texts, src, to, exclude=[*keep, *(term for term, _ in terms)]))
        if config.protect_facts:  # then dates, roles and places; a fact's rendering wins over a name's copy
            from ..facts.render import renderings

            users = set(keep) | {term for term, _ in glossary_tuple(glossary)}
            facts = renderings(texts, src, to, common_word=lambda word: names.common_word(word, src))
            terms += tuple((term, target) for term, target in facts if term not in users)
        protector = Protector(keep=keep, glossary=terms, urls=config.protect_urls, numbers=config.protect_numbers)
        masked = [protector.mask(s.normalized) for s in sentences]
        if translator is None:  # after the names and facts: a model that loads meanwhile (prefetch) is not waited for
            translator = get_translator(src, to, model, config=config, backend=backend, device=device,
                                        compute_type=compute_type, threads=threads,
                                        allow_download=allow_download, models=models,
                                        cache=open_cache(cache))
        notes: list[str] = []
        scores: list[float | None] = []
        raw = translator.translate_sentences([m.text for m in masked], src, to, notes, scores)
        if len(raw) != len(sentences):  # a Translator broke its contract
            raise RuntimeError(f"{translator!r} returned {len(raw)} translations for {len(sentences)} sentences")
        targets = []
        for i, (out, m) in enumerate(zip(raw, masked), 1):
            own: list[str] = []  # what unmask repaired, noted against its sentence
            targets.append(protector.unmask(out, m, own, target_lang=to))
            notes += [f"sentence {i}: {note}" for note in own]
        model_name = translator.model
    for sentence, target in zip(sentences, targets):
        sentence.translations[to] = target
    paragraphs = []
    for paragraph in article.paragraphs:
        paragraphs.append(" ".join(s.translations[to] for s in paragraph.sentences))
    scores = scores if len(scores) == len(sentences) else [None] * len(sentences)  # a translator that gave none
    flags: list[list[str]] = [[] for _ in sentences]
    for note in notes:
        index = noted_sentence(note)
        if index is not None and 0 <= index < len(sentences):
            flags[index].append(note)
    aligned = tuple(AlignedSentence(s.text, s.translations[to], score, tuple(f))
                    for s, score, f in zip(sentences, scores, flags))
    return TranslationResult(source_lang=src, target_lang=to, text="\n\n".join(paragraphs), sentences=aligned,
                             model=model_name, notes=tuple(notes))


def _detect(article: Article) -> str:
    from ..detection import detect

    detection = detect(article)
    if detection.lang not in LANGUAGES:
        raise UnsupportedLanguageError(
            f"the text looks like {detection.lang!r} (confidence {detection.confidence:.2f}); newsbrief "
            f"translates {_pairs_text()}. Pass src= (--src) if the detection is wrong.")
    return detection.lang


class Translate:
    """Pipeline step: translate each Article into `to` (fills Sentence.translations[to])."""

    requires = frozenset()
    provides = frozenset({"translation"})

    def __init__(self, to: str = "km", model: str | None = None, **options: Any):
        check_pair("km" if to == PIVOT else PIVOT, to)
        self.to = to
        self.model = model
        self.options = options
        TranslateConfig.from_options(**{k: v for k, v in options.items() if k in TranslateConfig.__dataclass_fields__})

    def __call__(self, articles: list[Article]) -> list[Article]:
        for article in articles:
            result = translate(article, to=self.to, model=self.model, **self.options)
            article.meta.setdefault("translations", {})[self.to] = result.text
        return articles

    def one(self, article: "str | Article") -> Article:
        return self([as_article(article)])[0]
