"""Malay-vs-Indonesian discriminator: a two-class naive Bayes model over words and character n-grams,
combined with the Malay/Indonesian votes of pycld2 and langid.py.

The naive Bayes weights (one log-likelihood ratio log P(f|ms) - log P(f|id) per feature) are trained by
models/recipes/lid_ms_id/train.py and shipped in data/msid.tsv.gz, with the combination weights, bias and
temperature in data/msid.json; this module only reads them. Pure Python: no numpy needed at run time.

score = bias + sum LLR(words) + char_scale * sum LLR(char n-grams)
        + cld2_weight * (pycld2 % Malay - % Indonesian) / 100 + langid_weight * (langid log P(ms) - log P(id))
P(ms) = sigmoid(score / temperature)                       (even odds before reading the text)
P(ms | prior) = sigmoid(score / temperature + logit(prior))  (prior: P(ms) known from elsewhere, e.g. the article's
                                                            variety for one of its sentences; newsbrief.detection)

Speed: a word's features are the same every time, so its (word LLR, char n-gram LLR sum) is computed once and
kept in a per-model memo (cleared when it reaches MEMO_SIZE words); pycld2's answer is shared with the
Latin-script check in newsbrief.lid (newsbrief.lid.cld2_raw keeps the last one).
"""

from __future__ import annotations

import functools
import gzip
import json
import math
import re
from importlib import resources

# A word: letters, optionally joined by hyphens (reduplication: "kanak-kanak", "negara-negara").
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
NGRAM_MIN, NGRAM_MAX = 2, 5


def words(text: str) -> list[str]:
    """The words of a text, lowercased (features() and the model's sums are built word by word)."""
    return _WORD.findall(text.lower())


def word_features(word: str) -> list[str]:
    """Features of one lowercased word: "w:<word>" and "c:<n-gram>" for character n-grams (n = 2..5) of every
    space-padded part of it (parts: split at hyphens)."""
    out = ["w:" + word]
    for part in word.split("-"):
        padded = f" {part} "
        size = len(padded)
        for n in range(NGRAM_MIN, NGRAM_MAX + 1):
            for i in range(size - n + 1):
                out.append("c:" + padded[i:i + n])
    return out


def features(text: str) -> list[str]:
    """Features of one text: word_features() of every word. Lowercased; digits and punctuation ignored."""
    out: list[str] = []
    for word in words(text):
        out.extend(word_features(word))
    return out


class MsIdModel:
    """score(text) > 0 leans Malay, < 0 Indonesian; prob_ms(text) in 0..1."""

    # per-word (word sum, char sum) memo: news repeats its words, and a word's features are the same every time
    MEMO_SIZE = 200_000

    def __init__(self, weights: dict[str, float], meta: dict):
        self.weights = weights
        self._memo: dict[str, tuple[float, float]] = {}
        self.meta = meta
        self.word_scale = float(meta["word_scale"])
        self.char_scale = float(meta["char_scale"])
        self.bias = float(meta["bias"])
        self.temperature = float(meta["temperature"])
        self.cld2_weight = float(meta.get("cld2_weight", 0.0))
        self.langid_weight = float(meta.get("langid_weight", 0.0))

    @classmethod
    def load(cls) -> MsIdModel:
        data = resources.files(__package__) / "data"
        meta = json.loads((data / "msid.json").read_text("utf-8"))
        weights: dict[str, float] = {}
        with gzip.open(data / "msid.tsv.gz", "rt", encoding="utf-8") as f:
            for line in f:
                key, _, value = line.rstrip("\n").rpartition("\t")
                weights[key] = float(value)
        return cls(weights, meta)

    def nb_sums(self, text: str) -> tuple[float, float]:
        """(sum of word LLRs, sum of char n-gram LLRs) of the naive Bayes part."""
        memo = self._memo
        word_sum = char_sum = 0.0
        for word in words(text):
            got = memo.get(word)
            if got is None:
                got = self._word_sums(word)
                if len(memo) >= self.MEMO_SIZE:
                    memo.clear()
                memo[word] = got
            word_sum += got[0]
            char_sum += got[1]
        return word_sum, char_sum

    def _word_sums(self, word: str) -> tuple[float, float]:
        get = self.weights.get
        w_sum = get("w:" + word, 0.0)
        c_sum = 0.0
        for feat in word_features(word)[1:]:
            c_sum += get(feat, 0.0)
        return w_sum, c_sum

    def score(self, text: str) -> float:
        """Log-odds (before the temperature) that text is Malay rather than Indonesian."""
        word_sum, char_sum = self.nb_sums(text)
        s = self.bias + self.word_scale * word_sum + self.char_scale * char_sum
        if self.cld2_weight:
            s += self.cld2_weight * cld2_vote(text)
        if self.langid_weight:
            s += self.langid_weight * langid_llr(text)
        return s

    def prob_ms(self, text: str, prior: float | None = None) -> float:
        """P(Malay) between the two. prior: P(Malay) before reading text (None: even odds, as trained); the text's
        evidence is added to it in log-odds, so a marker-free text keeps about the prior and a clear one wins."""
        x = self.score(text) / self.temperature
        if prior is not None:
            prior = min(max(prior, 1e-6), 1.0 - 1e-6)
            x += math.log(prior / (1.0 - prior))
        return _sigmoid(x)


def cld2_vote(text: str) -> float:
    """(percent pycld2 gives Malay - percent Indonesian) / 100, in -1..1; 0 when it sees neither."""
    from . import cld2_raw

    got = cld2_raw(text)
    if got is None:  # pragma: no cover
        return 0.0
    details = got[1]
    vote = 0.0
    for _, code, percent, _ in details:
        if code == "ms":
            vote += percent / 100
        elif code == "id":
            vote -= percent / 100
    return vote


def langid_llr(text: str) -> float:
    """langid.py's log P(text|ms) - log P(text|id) (grows with the length of the text)."""
    from . import _langid_full

    identifier = _langid_full()
    scores = dict(zip(identifier.nb_classes, identifier.nb_classprobs(identifier.instance2fv(text))))
    return float(scores["ms"] - scores["id"])


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@functools.cache
def model() -> MsIdModel:
    """The shipped model, loaded once."""
    return MsIdModel.load()
