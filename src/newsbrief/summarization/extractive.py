"""Extractive summarization: pick the article's most summary-worthy sentences.

No model, no download, deterministic, a few milliseconds per article, any language
the segmenter splits (English, Malay, Khmer: Khmer sentences end with ។/៕ and are
scored on orthographic syllables, the same units newsbrief.metrics uses).

Default method "learned" (METHOD): a linear scorer over sentence_features() (position,
length, TF-ISF centrality and overlap with the lede/headline, numbers, names and key
figures from newsbrief.facts, quotes, and the heuristic score below), weights in
data/scorer.json fitted on the training halves of the shared sets by
models/recipes/extractive_scorer/ (see its README); a "single" profile when one sentence
is asked for, "multi" otherwise; articles of <= SHORT_ARTICLE content sentences asked for
several sentences are ranked by the heuristic. scorer="heuristic" gives the method below.

Method "position-centrality" (scorer="heuristic"; see ScorerConfig for the weights):

1. Non-content sentences are set aside: photo credits ("(Hun Manet's Facebook)",
   "Photo: AFP"), the caption just before a credit, exact repeats (captions printed
   twice), bylines ("By ...", "PUBLISHED: ..."), fragments (< 6 words, < 12 Khmer
   syllables) and short lines without sentence-final punctuation (headlines, kickers).
   They score 0 and are chosen only when nothing else is left.
2. Every content sentence gets a score
       w_pos * position + w_cent * centrality + w_len * length_fit - quote_penalty
   - position: 1 / (1 + rank / pos_scale), rank counted over content sentences (news
     puts the point first: lead-3 is a strong baseline);
   - centrality: PacSum-style directed degree centrality (Zheng & Lapata 2019) on
     TF-ISF cosine similarity: similarity to later sentences counts fully, to earlier
     ones with weight `backward` (tuned: 0.3, a forward bias; PacSum's negative
     backward weight did no better here); similarities below `threshold` count as 0;
     min-max normalised per article;
   - length_fit: 1 for 12-40 words (24-80 Khmer syllables), less outside;
   - quote_penalty for sentences that open with a quotation mark (quotes are colour,
     rarely the news).
3. Sentences are taken best-first, skipping any whose TF-ISF similarity to an already
   chosen one exceeds `redundancy` (MMR-style), until `sentences` are chosen or
   `max_words` would be exceeded; the result is returned in document order.

Tokens are newsbrief.metrics' (no stemming), so the method is language-independent:
TF-ISF itself discounts function words. Measured against lead-k on the shared sets
(benchmarks/summarization.py): a small gain on CNN/DM held-out, equal to lead-1 when
one sentence is asked for (position dominates), see the benchmark results.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..article import Article, Paragraph
from ..errors import ConfigError, NewsbriefError
from ..metrics import khmer_syllables, tokenize

__all__ = ["ExtractiveSummary", "ScorerConfig", "DEFAULT_CONFIG", "summarize_extractive",
           "lead", "count_units", "METHOD", "HEURISTIC_METHOD", "FEATURES", "sentence_features",
           "load_scorer", "learned_scores"]

METHOD = "extractive:learned-v1"
HEURISTIC_METHOD = "extractive:position-centrality-v1"
SCORERS = ("auto", "learned", "heuristic")
# scorer="auto": the learned scorer for the languages where held-out data showed it no worse
# than the heuristic (English: CNN/DM 41.58 vs 41.46, XSum 19.27 vs 16.16 R1); the heuristic
# elsewhere (Malay, Astro AWANI held-out: learned 25.01 vs 48.97; Khmer: no held-out half)
LEARNED_LANGUAGES = ("en",)


def scorer_for(lang: str | None) -> str:
    """The scorer scorer="auto" uses for an article in `lang`."""
    return "learned" if lang in LEARNED_LANGUAGES else "heuristic"


def method_for(lang: str | None, config: "ScorerConfig | None" = None) -> str:
    """The method name summarize_extractive(scorer="auto") reports for `lang` (cache keys carry it)."""
    return METHOD if scorer_for(lang) == "learned" else (config or DEFAULT_CONFIG).name
# Articles of at most this many content sentences are ranked by the heuristic when several
# sentences are asked for (CNN/DM, the multi profile's training data, has no such articles).
SHORT_ARTICLE = 5


@dataclass(frozen=True)
class ExtractiveSummary:
    indices: tuple[int, ...]   # indices into article.sentences, in document order
    scores: tuple[float, ...]  # one score per sentence of the article (0 for non-content)
    method: str

    def sentences(self, article: Article) -> list[str]:
        """The chosen sentences' normalized text, in document order."""
        all_sentences = article.sentences
        return [all_sentences[i].normalized for i in self.indices]

    def text(self, article: Article, sep: str = " ") -> str:
        return sep.join(self.sentences(article))


@dataclass(frozen=True)
class ScorerConfig:
    # Defaults chosen on the tuning half (even lines) of the shared CNN/DM, XSum and
    # Astro AWANI sets; see benchmarks/summarization.py --grid.
    w_pos: float = 1.0
    pos_scale: float = 2.0       # content-sentence rank at which the position prior halves
    para_bonus: float = 0.0      # added for the first sentence of a paragraph
    w_cent: float = 0.25
    backward: float = 0.3        # weight of similarity to earlier sentences (later ones: 1)
    threshold: float = 0.1       # similarities below this count as 0
    w_len: float = 0.3
    min_words: int = 6           # below this a sentence is a fragment (non-content)
    ideal_words: tuple[int, int] = (12, 40)
    quote_penalty: float = 0.15  # subtracted for sentences that open with a quotation mark
    redundancy: float = 0.3      # skip a candidate whose similarity to a chosen one exceeds this
    name: str = field(default=HEURISTIC_METHOD, compare=False)

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name in ("name", "ideal_words"):
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ConfigError(f"ScorerConfig.{f.name} must be a number, got {value!r}")
        for attr in ("w_pos", "w_cent", "w_len", "para_bonus", "threshold", "quote_penalty"):
            if getattr(self, attr) < 0:
                raise ConfigError(f"ScorerConfig.{attr} must be >= 0, got {getattr(self, attr)!r}")
        if self.pos_scale <= 0:
            raise ConfigError(f"ScorerConfig.pos_scale must be > 0, got {self.pos_scale!r}")
        if not isinstance(self.min_words, int) or self.min_words < 1:
            raise ConfigError(f"ScorerConfig.min_words must be an integer >= 1, got {self.min_words!r}")
        if not 0 < self.redundancy <= 1:
            raise ConfigError(f"ScorerConfig.redundancy must be in (0, 1], got {self.redundancy!r}")
        ok = (isinstance(self.ideal_words, tuple) and len(self.ideal_words) == 2
              and all(isinstance(x, int) and not isinstance(x, bool) for x in self.ideal_words)
              and 0 < self.ideal_words[0] <= self.ideal_words[1])
        if not ok:
            raise ConfigError(f"ScorerConfig.ideal_words must be (low, high) integers with 0 < low <= high, "
                              f"got {self.ideal_words!r}")


DEFAULT_CONFIG = ScorerConfig()

# --- units -----------------------------------------------------------------------------

_KHMER = re.compile(r"[\u1780-\u17ff]")
_WORDLIKE = re.compile(r"[^\W_]")


def count_units(text: str) -> int:
    """Words for space-separated scripts, orthographic syllables for Khmer."""
    n = 0
    for chunk in text.split():
        if _KHMER.search(chunk):
            n += len(khmer_syllables(chunk)) + len(re.findall(r"[^\W_\u1780-\u17ff]+", chunk))
        elif _WORDLIKE.search(chunk):
            n += 1
    return n


# --- non-content sentences -----------------------------------------------------------

_CREDIT_WORDS = (r"photo|photograph|picture|image|file|facebook|twitter|instagram|x\.com|telegram|"
                 r"afp|reuters|ap|getty|epa|xinhua|bernama|supplied|courtesy|credit|screenshot|"
                 r"handout|foto|gambar|ihsan|sumber|រូបថត|រូបភាព|ប្រភព|ហ្វេសប៊ុក")
# A whole sentence in brackets ("(Hun Manet's Facebook)"), or "Photo: ...", "Foto/AFP".
_CREDIT_RE = re.compile(rf"^[(\[][^()\[\]]{{0,80}}[)\]]\W*$|^(?:{_CREDIT_WORDS})\s*[:/|]", re.I)
_CREDIT_TAIL_RE = re.compile(rf"[(\[][^()\[\]]{{0,60}}\b(?:{_CREDIT_WORDS})\b[^()\[\]]{{0,40}}[)\]]\W*$", re.I)
_BYLINE_RE = re.compile(r"^(?:by|oleh|reported by|written by|published|updated|last updated|posted)\b[:\s]"
                        r"|^(?:published|updated)\s*:", re.I)
# a dateline with a time stamp ("Sat, 27 July 2019 09:34 AM ...") or a Khmer "by:" (ដោយ ៖) line
_DATELINE_RE = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+\d{1,2}\s+\w+\s+\d{4}\s+\d{1,2}:\d{2}"
                          r"|ដោយ\s*[៖:]", re.I)
# what a page asks of its reader or says of itself, not news: share buttons, "click to read",
# "watch the pictures below" (សូមទស្សនា..., តោះ..., ចុចអាន...), an embedded tweet, a source or copyright line
_PROMPT_RE = re.compile(r"^\W*(?:សូម(?:ទស្សនា|ចុច|អាន|មើល|តាមដាន)|តោះ|ចុច(?:ទីនេះ|ត្រង់នេះ|អាន)|click|read more|"
                        r"read also|also read|share this|share on|baca juga|lihat juga|tonton|klik|subscribe|"
                        r"follow us|ikuti kami)"
                        r"|pic\.twitter\.com|\(@\w+\)\s+\w+\s+\d{1,2},\s+\d{4}|ប្រភព\s*[៖:]|©|រក្សាសិទ្ធិ", re.I)
_FINAL_PUNCT = re.compile(r"[.!?។៕…][\"'”’»)\]]*$|[\"”’»]$")


def _non_content(sentences: list[str], units: list[int], min_units: list[int]) -> list[bool]:
    """True for credits, captions, repeats, bylines, prompts to the reader, fragments and headlines."""
    junk = [False] * len(sentences)
    seen: set[str] = set()
    for i, s in enumerate(sentences):
        key = s.lower()
        if key in seen:
            junk[i] = True                   # printed twice: a caption or a pull quote
        seen.add(key)
        short = units[i] < 4 * min_units[i]  # < 24 words (48 Khmer syllables)
        if _CREDIT_RE.match(s) or (_CREDIT_TAIL_RE.search(s) and short):
            junk[i] = True                   # a credit, or a caption ending with one
        if (_BYLINE_RE.match(s) or _DATELINE_RE.search(s) or _PROMPT_RE.search(s)) and short:
            junk[i] = True
        if units[i] < min_units[i]:
            junk[i] = True                   # a fragment ("ល។", "Advertisement")
        if not _FINAL_PUNCT.search(s) and short:
            junk[i] = True                   # headline, kicker or label
    # A credit line right after a sentence marks that sentence as a caption.
    for i in range(1, len(sentences)):
        if _CREDIT_RE.match(sentences[i]) and units[i - 1] < 40:
            junk[i - 1] = True
    return junk


# --- scoring -----------------------------------------------------------------------------

def _tfisf_similarity(token_lists: list[list[str]]) -> np.ndarray:
    n = len(token_lists)
    vocab: dict[str, int] = {}
    df: Counter = Counter()
    for toks in token_lists:
        df.update(set(toks))
    for t in df:
        vocab[t] = len(vocab)
    if not vocab:
        return np.zeros((n, n))
    mat = np.zeros((n, len(vocab)))
    for i, toks in enumerate(token_lists):
        for t, c in Counter(toks).items():
            mat[i, vocab[t]] = (1.0 + math.log(c)) * math.log((n + 1) / df[t])
    norms = np.linalg.norm(mat, axis=1)
    norms[norms == 0] = 1.0
    mat /= norms[:, None]
    # einsum, not `mat @ mat.T`: for matrices this small a multi-threaded BLAS spends
    # more time waking threads than computing (24 ms vs 0.3 ms on a busy 2-core box).
    sim = np.einsum("ij,kj->ik", mat, mat)
    np.fill_diagonal(sim, 0.0)
    return sim


_QUOTES = "\"'“‘«„"


def _length_fit(units: int, lo: int, hi: int) -> float:
    if units < lo:
        return units / lo
    if units > hi:
        return max(0.0, 1.0 - (units - hi) / hi)
    return 1.0


def score_sentences(article: Article, config: ScorerConfig = DEFAULT_CONFIG,
                    similarity: np.ndarray | None = None) -> tuple[list[float], np.ndarray]:
    """One score per sentence (0 for non-content ones) and the TF-ISF similarity matrix."""
    scores, sim, _ = _score(article, config, similarity)
    return scores, sim


def _paragraph_starts(article: Article) -> set[int]:
    """Indices (into article.sentences) of each paragraph's first sentence."""
    starts, idx = set(), 0
    for p in article.paragraphs:
        if p.sentences:
            starts.add(idx)
        idx += len(p.sentences)
    return starts


def _centrality(similarity: np.ndarray, content: list[int], config: ScorerConfig) -> np.ndarray:
    """PacSum-style centrality of the content sentences, scaled to 0..1 (0 elsewhere): the
    similarity above config.threshold to later sentences, plus config.backward times that to
    earlier ones."""
    cent = np.zeros(len(similarity))
    if len(content) > 1:
        cidx = np.array(content)
        sub = similarity[np.ix_(cidx, cidx)]
        s = np.where(sub > config.threshold, sub - config.threshold, 0.0)
        c = np.triu(s, 1).sum(axis=1) + config.backward * np.tril(s, -1).sum(axis=1)
        c = c - c.min()
        if c.max() > 0:
            c = c / c.max()
        cent[cidx] = c
    return cent


def _score(article: Article, config: ScorerConfig,
           similarity: np.ndarray | None) -> tuple[list[float], np.ndarray, list[int]]:
    """Scores, TF-ISF similarity and length units of the article's sentences.

    `similarity` (n x n, in [0, 1], e.g. rescaled cosines of sentence embeddings)
    replaces TF-ISF similarity for centrality; the returned matrix (used for the
    redundancy check) is always TF-ISF: redundancy is about repeated words."""
    sents = article.sentences
    texts = [s.normalized for s in sents]
    n = len(texts)
    if n == 0:
        return [], np.zeros((0, 0)), []
    khmer = [bool(_KHMER.search(t)) for t in texts]
    units = [count_units(t) for t in texts]
    # Khmer syllables are ~1.5-2 per word: scale the word-count thresholds.
    min_units = [config.min_words * (2 if k else 1) for k in khmer]
    junk = _non_content(texts, units, min_units)
    sim = _tfisf_similarity([tokenize(t) for t in texts])
    if similarity is None:
        central = sim
    else:
        central = np.array(similarity, dtype=float)
        if central.shape != (n, n):
            raise ConfigError(f"similarity must be {n} x {n} (one row per sentence), got {central.shape}")
        np.fill_diagonal(central, 0.0)

    para_first = _paragraph_starts(article)
    content = [i for i in range(n) if not junk[i]]
    cent = _centrality(central, content, config) if config.w_cent else np.zeros(n)
    scores = [0.0] * n
    for rank, i in enumerate(content):
        lo, hi = config.ideal_words
        scale = 2 if khmer[i] else 1
        pos = 1.0 / (1.0 + rank / config.pos_scale)
        if i in para_first:
            pos += config.para_bonus
        scores[i] = (config.w_pos * pos + config.w_cent * float(cent[i])
                     + config.w_len * _length_fit(units[i], lo * scale, hi * scale))
        if texts[i][:1] in _QUOTES:
            scores[i] -= config.quote_penalty
        scores[i] = max(scores[i], 1e-6)  # content sentences always rank above non-content ones
    return scores, sim, units


# --- the learned scorer ---------------------------------------------------------------

FEATURES = (
    "pos_inv", "first", "second", "third", "rel_pos", "para_first", "first_x_short",
    "length_fit", "log_units", "centrality", "mean_sim", "sim_lead", "sim_title", "topic",
    "numbers", "names", "figure_salience", "top_figure", "quote_start", "has_quote", "heuristic",
)
_QUOTE_INSIDE = re.compile(r"[\"“”«»„]")


def sentence_features(article: Article, config: ScorerConfig = DEFAULT_CONFIG,
                      similarity: np.ndarray | None = None):
    """The learned scorer's inputs: one row of FEATURES per sentence.

    Returns (features n x len(FEATURES), non-content mask, TF-ISF similarity, units,
    heuristic scores). Every feature is language-independent except `names`
    (capitalised words: 0 in Khmer) and the key-figure ones (newsbrief.facts knows
    en, ms and km). Non-content sentences get a row of zeros (they are never scored)."""
    from ..facts import figures_of, names, numbers

    heuristic, sim, units = _score(article, config, similarity)
    texts = [s.normalized for s in article.sentences]
    n = len(texts)
    feats = np.zeros((n, len(FEATURES)))
    junk = [h <= 0 for h in heuristic]
    content = [i for i in range(n) if not junk[i]]
    if not content:
        return feats, junk, sim, units, heuristic
    c = len(content)
    col = {name: j for j, name in enumerate(FEATURES)}
    khmer = [bool(_KHMER.search(t)) for t in texts]
    token_sets = [set(tokenize(t)) for t in texts]
    df: Counter = Counter()
    for i in content:
        df.update(token_sets[i])
    para_first = _paragraph_starts(article)
    # a title: a non-content line (headline) before the first content sentence
    title = next((i for i in range(content[0]) if units[i] >= 3 and not _CREDIT_RE.match(texts[i])), None)
    cidx = np.array(content)
    sub = sim[np.ix_(cidx, cidx)]
    mean_sim = sub.sum(axis=1) / max(c - 1, 1)
    cent = _centrality(sim, content, config)
    topic = np.zeros(n)
    for i in content:
        topic[i] = sum((df[t] - 1) * math.log((c + 1) / df[t]) for t in token_sets[i])
    tmax = topic.max()
    if tmax > 0:
        topic /= tmax
    # key figures: salience as newsbrief.facts ranks them (position-free: index 0)
    fig_sal = np.zeros(n)
    best: list[tuple[float, int]] = []
    for rank, i in enumerate(content):
        figs = figures_of(texts[i], 0)
        fig_sal[i] = sum(f.salience for f in figs if f.kind in ("count", "money", "percent"))
        best.extend((-f.salience / (1.0 + rank / 15), i) for f in figs if f.kind in ("count", "money", "percent"))
    top = {i for _, i in sorted(best)[:3]}
    lo, hi = config.ideal_words
    for rank, i in enumerate(content):
        scale = 2 if khmer[i] else 1
        row = feats[i]
        row[col["pos_inv"]] = 1.0 / (1.0 + rank)
        row[col["first"]] = rank == 0
        row[col["second"]] = rank == 1
        row[col["third"]] = rank == 2
        row[col["rel_pos"]] = rank / max(c - 1, 1)
        row[col["para_first"]] = i in para_first
        row[col["first_x_short"]] = rank == 0 and c <= 5
        row[col["length_fit"]] = _length_fit(units[i], lo * scale, hi * scale)
        row[col["log_units"]] = math.log1p(units[i] / scale)
        row[col["centrality"]] = cent[i]
        row[col["mean_sim"]] = mean_sim[rank]
        leads = [j for j in content[:2] if j != i][:1] or [content[0]]
        row[col["sim_lead"]] = sim[i, leads[0]] if leads[0] != i else 0.0
        row[col["sim_title"]] = sim[i, title] if title is not None else 0.0
        row[col["topic"]] = topic[i]
        row[col["numbers"]] = min(len(numbers(texts[i])), 3) / 3
        row[col["names"]] = 0.0 if khmer[i] else min(len(names(texts[i])), 5) / 5
        row[col["figure_salience"]] = min(fig_sal[i], 3.0) / 3
        row[col["top_figure"]] = i in top
        row[col["quote_start"]] = texts[i][:1] in _QUOTES
        row[col["has_quote"]] = bool(_QUOTE_INSIDE.search(texts[i][1:]))
        row[col["heuristic"]] = heuristic[i]   # the position-centrality score: the prior to improve on
    return feats, junk, sim, units, heuristic


_SCORER_FILE = "data/scorer.json"


@lru_cache(maxsize=1)
def load_scorer() -> dict:
    """The learned scorer's weights (package data, plain numbers; see
    models/recipes/extractive_scorer/). Checked against FEATURES."""
    from importlib import resources

    try:
        raw = resources.files(__package__).joinpath(_SCORER_FILE).read_text("utf-8")
        data = json.loads(raw)
    except (OSError, ValueError) as exc:  # pragma: no cover - a broken install
        raise NewsbriefError(f"the extractive scorer's weights ({_SCORER_FILE}) could not be read: {exc}; "
                         "reinstall newsbrief") from exc
    if list(data.get("features", ())) != list(FEATURES):
        raise NewsbriefError(f"{_SCORER_FILE} was trained on other features ({data.get('features')}); "
                             "retrain it with models/recipes/extractive_scorer/train.py")
    for profile in ("single", "multi"):
        params = data.get("profiles", {}).get(profile)
        if not params or any(len(params.get(key, ())) != len(FEATURES) for key in ("mean", "scale", "weights")):
            raise NewsbriefError(f"{_SCORER_FILE}: profile '{profile}' needs mean, scale and weights "
                                 f"({len(FEATURES)} numbers each)")
    return data


def learned_scores(feats: np.ndarray, junk: list[bool], profile: str = "multi",
                   scorer: dict | None = None) -> list[float]:
    """sigmoid(w . standardized features + b) for content sentences, 0 for the rest.
    `profile`: "single" (one sentence asked for) or "multi"."""
    params = (scorer or load_scorer())["profiles"][profile]
    mean = np.asarray(params["mean"], dtype=float)
    scale = np.asarray(params["scale"], dtype=float)
    w = np.asarray(params["weights"], dtype=float)
    z = ((feats - mean) / scale) @ w + float(params["bias"]) if len(feats) else np.zeros(0)
    return [0.0 if junk[i] else max(1.0 / (1.0 + math.exp(-float(np.clip(zi, -30, 30)))), 1e-6)
            for i, zi in enumerate(z)]


def _check_budget(sentences: int | None, max_words: int | None) -> None:
    if sentences is not None and (isinstance(sentences, bool) or not isinstance(sentences, int) or sentences < 1):
        raise ConfigError(f"sentences must be a positive integer or None, got {sentences!r}")
    if max_words is not None and (isinstance(max_words, bool) or not isinstance(max_words, int) or max_words < 1):
        raise ConfigError(f"max_words must be a positive integer or None, got {max_words!r}")
    if sentences is None and max_words is None:
        raise ConfigError("give sentences=, max_words= or both")


def _select(order: list[int], sim: np.ndarray, units: list[int], sentences: int | None,
            max_words: int | None, redundancy: float, usable: list[bool] | None = None) -> list[int]:
    """Best-first under the budgets; skips near-repeats of chosen sentences and, once
    something is chosen, sentences that are not `usable` (non-content)."""
    chosen: list[int] = []
    used = 0
    for i in order:
        if sentences is not None and len(chosen) >= sentences:
            break
        if chosen and usable is not None and not usable[i]:
            break  # order puts every usable sentence first
        if chosen and max_words is not None and used + units[i] > max_words:
            break
        if chosen and max(sim[i, j] for j in chosen) > redundancy:
            continue
        chosen.append(i)
        used += units[i]
    return sorted(chosen)


def summarize_extractive(article: Article, sentences: int | None = 3, max_words: int | None = None,
                         config: ScorerConfig = DEFAULT_CONFIG,
                         similarity: np.ndarray | None = None, scorer: str = "auto",
                         lang: str | None = None) -> ExtractiveSummary:
    """Choose up to `sentences` sentences (and/or up to `max_words` words; Khmer: syllables).

    Always returns at least one sentence when the article has any. Deterministic.
    scorer="auto" (default): scorer_for(lang or article.lang), see LEARNED_LANGUAGES.
    scorer="learned": the linear scorer of data/scorer.json over
    sentence_features() (its "single" profile when one sentence is asked for, else
    "multi"); scorer="heuristic": the position-centrality score of `config` alone.
    `similarity` optionally supplies sentence similarities in [0, 1] (e.g. from
    embeddings) for the centrality term instead of TF-ISF; the method name then ends
    in "+sim".
    """
    _check_budget(sentences, max_words)
    if scorer not in SCORERS:
        raise ConfigError(f"scorer must be one of {', '.join(SCORERS)}, got {scorer!r}")
    if scorer == "auto":
        scorer = scorer_for(lang or article.lang)
    total = len(article.sentences)
    if total > MAX_CANDIDATES and similarity is None:
        article = _prefix(article, MAX_CANDIDATES)
    if scorer == "learned":
        feats, junk, sim, units, heuristic = sentence_features(article, config, similarity)
        profile = "single" if sentences == 1 else "multi"
        if profile == "multi" and sum(not j for j in junk) <= SHORT_ARTICLE:
            scores = heuristic  # a few sentences: the lead-first heuristic (the fit saw long articles)
        else:
            scores = learned_scores(feats, junk, profile)
        name = METHOD
    else:
        scores, sim, units = _score(article, config, similarity)
        name = config.name
    n = len(scores)
    if n == 0:
        return ExtractiveSummary((), (), name)  # an Article built by hand with no text
    order = sorted(range(n), key=lambda i: (-scores[i], i))
    usable = [sc > 0 for sc in scores]
    chosen = _select(order, sim, units, sentences, max_words, config.redundancy, usable)
    method = name + ("+sim" if similarity is not None else "")
    padding = (0.0,) * (total - n)  # sentences past MAX_CANDIDATES were not candidates
    return ExtractiveSummary(tuple(chosen), tuple(float(s) for s in scores) + padding, method)


# Similarities are n x n and the TF-ISF matrix n x vocabulary: on a book-length input
# (10,000+ sentences) that is gigabytes. News puts the point first, so a very long
# document's summary is drawn from its first MAX_CANDIDATES sentences (summarize()
# says so in the Summary's notes); shorter articles are scored whole.
MAX_CANDIDATES = 600


def _prefix(article: Article, limit: int) -> Article:
    """The same article cut after its first `limit` sentences (offsets unchanged)."""
    paragraphs, count = [], 0
    for paragraph in article.paragraphs:
        if count >= limit:
            break
        kept = paragraph.sentences[: limit - count]
        count += len(kept)
        paragraphs.append(Paragraph(paragraph.start, kept[-1].end if kept else paragraph.end, kept, paragraph.lang))
    return Article(text=article.text, paragraphs=paragraphs, id=article.id, lang=article.lang)


def lead(article: Article, sentences: int | None = 3, max_words: int | None = None) -> ExtractiveSummary:
    """The lead-k baseline: the first sentences, in order (no filtering)."""
    _check_budget(sentences, max_words)
    sents = article.sentences
    n = len(sents)
    units = [count_units(s.normalized) for s in sents]
    chosen = _select(list(range(n)), np.zeros((n, n)), units, sentences, max_words, 1.0)
    return ExtractiveSummary(tuple(chosen), tuple(1.0 / (1 + i) for i in range(n)), "extractive:lead")
