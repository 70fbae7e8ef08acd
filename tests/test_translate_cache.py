"""Sentence-level result caching of translations."""

from newsbrief.cache import Cache, NullCache
from newsbrief.translation import TranslateConfig
from newsbrief.translation.cached import CachedTranslator


class Counting:
    """A stand-in SentenceTranslator that records what it was asked to translate."""

    def __init__(self, model="m1", config=None):
        self.model = model
        self.config = config or TranslateConfig()
        self.backend = object()  # no files: model hash None
        self.asked = []

    def supports(self, src, tgt):
        return True

    def translate_sentences(self, sentences, src, tgt, notes=None, scores=None):
        self.asked.extend(sentences)
        for i, sentence in enumerate(sentences, 1):
            if "long" in sentence and notes is not None:
                notes.append(f"sentence {i} (99 tokens) split into 2 parts")
        return [f"<{tgt}>{s}" for s in sentences]


def test_repeated_sentences_are_translated_once(tmp_path):
    inner = Counting()
    cached = CachedTranslator(inner, Cache(tmp_path / "c"))
    first = cached.translate_sentences(["A.", "B.", "A."], "en", "km")
    second = cached.translate_sentences(["B.", "C."], "en", "km")
    assert first == ["<km>A.", "<km>B.", "<km>A."] and second == ["<km>B.", "<km>C."]
    assert inner.asked == ["A.", "B.", "C."]


def test_key_changes_with_direction_model_and_config(tmp_path):
    store = Cache(tmp_path / "c")
    CachedTranslator(Counting(), store).translate_sentences(["A."], "en", "km")
    for inner, tgt in [(Counting(), "ms"), (Counting(model="m2"), "km"),
                       (Counting(config=TranslateConfig(beam_size=4)), "km")]:
        CachedTranslator(inner, store).translate_sentences(["A."], "en", tgt)
        assert inner.asked == ["A."]
    again = Counting()
    CachedTranslator(again, store).translate_sentences(["A."], "en", "km")
    assert again.asked == []


def test_survives_a_new_process_and_null_cache_stores_nothing(tmp_path):
    CachedTranslator(Counting(), Cache(tmp_path / "c")).translate_sentences(["A."], "en", "km")
    reopened = Counting()
    CachedTranslator(reopened, Cache(tmp_path / "c")).translate_sentences(["A."], "en", "km")
    assert reopened.asked == []
    nothing = Counting()
    for _ in range(2):
        CachedTranslator(nothing, NullCache()).translate_sentences(["A."], "en", "km")
    assert nothing.asked == ["A.", "A."]


def test_notes_are_replayed_for_the_right_sentence(tmp_path):
    store = Cache(tmp_path / "c")
    cold_notes, warm_notes = [], []
    CachedTranslator(Counting(), store).translate_sentences(["A.", "A long one."], "en", "km", cold_notes)
    CachedTranslator(Counting(), store).translate_sentences(["B.", "A long one.", "A."], "en", "km", warm_notes)
    assert cold_notes == ["sentence 2 (99 tokens) split into 2 parts"]
    assert warm_notes == ["sentence 2 (99 tokens) split into 2 parts"]
