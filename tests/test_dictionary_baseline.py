"""The dictionary baseline (benchmarks/dictionary_baseline.py) on a hand-made parallel set."""

from benchmarks.dictionary_baseline import build, key, load_or_build, segment

EN_MS = [
    ("police", "polis"), ("Police", "polis"), ("police", "pasukan"),  # single-word pairs: polis 2, pasukan 1
    ("men", "lelaki"),
    ("police arrested men", "polis menahan lelaki"),
    ("they arrested him", "mereka menahan dia"),
    ("IT", "Teknologi"),  # an acronym is not the word "it"
]
POLICE, ARREST, PEOPLE, DETAIN = "ប៉ូលិស", "ចាប់", "មនុស្ស", "ចាប់ខ្លួន"
EN_KM = [("police", POLICE), ("arrest", ARREST), ("people", PEOPLE), ("detain", DETAIN),
         ("police arrest people", POLICE + ARREST + PEOPLE), ("police detain people", POLICE + DETAIN + PEOPLE)]


def test_single_word_pairs_win_by_frequency_and_dice_fills_the_rest():
    d = build(EN_MS, "ms")
    assert d.to_lang["police"] == "polis"  # 2 single-word pairs against 1
    assert d.to_lang["arrested"] == "menahan"  # Dice 1.0: in the same two rows, and only there
    assert d.to_en["menahan"] == "arrested"
    assert d.to_lang["IT"] == "teknologi" and "it" not in d.to_lang
    assert key("IT") == "IT" and key("Police") == "police"


def test_translate_keeps_case_copies_unseen_words_and_punctuation():
    d = build(EN_MS, "ms")
    assert d.translate("Police arrested Ali.", "en", "ms") == "Polis menahan Ali."
    assert d.translate("polis menahan 12 lelaki", "ms", "en") == "police arrested 12 men"


def test_a_seen_word_without_a_confident_translation_is_dropped():
    d = build(EN_MS, "ms", min_dice=1.5)  # no Dice entry can pass: single-word pairs only
    assert "arrested" not in d.to_lang
    assert d.translate("police arrested Ali", "en", "ms") == "polis Ali"


def test_khmer_is_segmented_by_longest_match_over_the_dictionary_entries():
    assert segment(DETAIN + PEOPLE, {ARREST, DETAIN, PEOPLE}) == [DETAIN, PEOPLE]
    assert segment(DETAIN + PEOPLE, {ARREST, PEOPLE}) == [ARREST, "ខ្លួ", "ន", PEOPLE]  # syllables where none match
    d = build(EN_KM, "km")
    assert {POLICE, ARREST, PEOPLE, DETAIN} <= d.khmer_vocabulary
    assert d.translate(POLICE + DETAIN + PEOPLE + "។", "km", "en") == "police detain people។"
    assert d.translate("Police arrest 3 people.", "en", "km") == POLICE + ARREST + " 3 " + PEOPLE + "."


def test_the_build_is_deterministic_whatever_the_row_order():
    assert build(EN_MS, "ms").to_json() == build(list(reversed(EN_MS)), "ms").to_json()
    assert build(EN_KM, "km").to_json() == build(list(reversed(EN_KM)), "km").to_json()


def test_load_or_build_reads_the_training_tsv_and_caches_the_dictionary(tmp_path):
    data = tmp_path / "parallel"
    data.mkdir()
    (data / "en-ms.tsv").write_text("english\ttarget\tsource_id\n" + "".join(f"{e}\t{m}\ttest\n" for e, m in EN_MS),
                                    encoding="utf-8")
    cache = tmp_path / "cache"
    first = load_or_build("ms", data, cache)
    assert len(list(cache.glob("dictionary-en-ms-*.json"))) == 1
    again = load_or_build("ms", data, cache)
    assert again.to_json() == first.to_json() == build(EN_MS, "ms").to_json() | {"info": first.info}
    assert first.info["pairs"] == len(EN_MS)
