"""Malay-vs-Indonesian discriminator: a two-class naive Bayes model over words and character n-grams,
combined with the Malay/Indonesian votes of pycld2 and langid.py.

The naive Bayes weights (one log-likelihood ratio log P(f|ms) - log P(f|id) per feature) are trained by
models/recipes/lid_ms_id/train.py and shipped in data/msid.tsv.gz, with the combination weights, bias and
temperature in data/msid.json; this module only reads them. Pure Python: no numpy needed at run time.

score = bias + sum LLR(words) + char_scale * sum LLR(char n-grams)
        + cld2_weight * (pycld2 % Malay - % Indonesian) / 100 + langid_weight * (langid log P(ms) - log P(id))
P(ms) = sigmoid(score / temperature)
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


def features(text: str) -> list[str]:
    """Features of one text: "w:<word>" for every word, "c:<n-gram>" for character n-grams
    (n = 2..5) of every space-padded word part. Lowercased; digits and punctuation ignored."""
    out: list[str] = []
    for word in _WORD.findall(text.lower()):
        out.append("w:" + word)
        for part in word.split("-"):
            padded = f" {part} "
            size = len(padded)
            for n in range(NGRAM_MIN, NGRAM_MAX + 1):
                for i in range(size - n + 1):
                    out.append("c:" + padded[i:i + n])
    return out


class MsIdModel:
    """score(text) > 0 leans Malay, < 0 Indonesian; prob_ms(text) in 0..1."""

    def __init__(self, weights: dict[str, float], meta: dict):
        self.weights = weights
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
        get = self.weights.get
        word_sum = char_sum = 0.0
        for feat in features(text):
            w = get(feat)
            if w is not None:
                if feat[0] == "w":
                    word_sum += w
                else:
                    char_sum += w
        return word_sum, char_sum

    def score(self, text: str) -> float:
        """Log-odds (before the temperature) that text is Malay rather than Indonesian."""
        word_sum, char_sum = self.nb_sums(text)
        s = self.bias + self.word_scale * word_sum + self.char_scale * char_sum
        if self.cld2_weight:
            s += self.cld2_weight * cld2_vote(text)
        if self.langid_weight:
            s += self.langid_weight * langid_llr(text)
        return s

    def prob_ms(self, text: str) -> float:
        return _sigmoid(self.score(text) / self.temperature)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def cld2_vote(text: str) -> float:
    """(percent pycld2 gives Malay - percent Indonesian) / 100, in -1..1; 0 when it sees neither."""
    import pycld2

    try:
        _, _, details = pycld2.detect(_CONTROL.sub(" ", text))
    except pycld2.error:  # pragma: no cover
        return 0.0
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
