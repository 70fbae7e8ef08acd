"""Names a Khmer article writes in Khmer script: found (the mined table, titles), kept from the
model and written in Latin letters into English and Malay, and checked in a translation
(an invented Latin name, a source name left out). Sentences written for these tests."""

from __future__ import annotations

import newsbrief as nb
from newsbrief.judgement import judge
from newsbrief.translation import khmer_names, names
from newsbrief.romanize import romanize
from echo import Echo

SPOKESMAN = "លោក ឆាយ គឹមខឿន អ្នកនាំពាក្យនគរបាល បាននិយាយថា សម្តេចតេជោ ហ៊ុន សែន នឹងមកដល់។"
NOBEL = "កាលពីថ្ងៃចន្ទ លោកស្រី សារ៉ា ដានីញូស លេខាធិការអចិន្ត្រៃយ៍ នៃគណៈកម្មាធិការណូបែល បានប្រកាស។"


def test_the_name_table_loads_from_the_package_with_counts():
    table = khmer_names.table()
    assert len(table) >= 50
    assert all(entry.seen >= 1 and entry.latin[:1].isupper() for entry in table.values())
    # a pair the parallel data gives more than once: the table's Latin form is what a reader gets
    khmer, entry = next((k, e) for k, e in table.items() if e.seen >= 2 and " " not in k)
    assert khmer_names.latin(khmer) == entry.latin


def test_romanization_writes_cambodian_names_as_cambodians_do():
    assert romanize("ហ៊ុន សែន") == "Hun Sen"
    assert romanize("ហ៊ុន ម៉ាណែត") == "Hun Manet"
    assert romanize("ស៊ុន ចាន់ថុល") == "Sun Chanthol"
    assert romanize("កឹម សុខា").endswith("Sokha")
    assert romanize("សំ សុគង់") == "Sam Sokong"  # the consonant under ់ is the final, not the one before it


def test_names_after_titles_are_found_and_a_pronoun_is_not_a_name():
    assert [name for _, _, name in khmer_names.find(SPOKESMAN)] == ["ឆាយ គឹមខឿន", "ហ៊ុន សែន"]
    assert khmer_names.find("លោក បាន និយាយ ថា គាត់ នឹង មក។") == []  # "he said that he will come"


def test_a_khmer_script_name_is_kept_from_the_model_and_written_in_latin_letters():
    for tgt in ("en", "ms"):
        echo = Echo()
        out = nb.translate(SPOKESMAN, to=tgt, src="km", translator=echo, cache=None).text
        assert "ឆាយ" not in echo.seen[0] and "ហ៊ុន" not in echo.seen[0]  # the model never sees them
        assert "Chhay Kimkhoeun" in out and "Hun Sen" in out
    off = nb.translate(SPOKESMAN, to="en", src="km", translator=Echo(), cache=None, protect_names=False).text
    assert "Chhay" not in off


def test_an_invented_latin_name_from_a_khmer_source_is_flagged_and_the_right_one_is_not():
    assert names.invented(NOBEL, "On Monday, Sara Danius, permanent secretary of the Nobel Committee, "
                                 "announced it.", "km", "en") == []
    assert names.invented(NOBEL, "On Monday, the Chinese woman, Wang Chengyun, a vice-prime minister, "
                                 "announced it.", "km", "en") == ["Wang", "Chengyun"]
    assert "Khayang" in names.invented(SPOKESMAN, "Khayang Cheng said Hun Sen will come.", "km", "en")


def test_a_khmer_name_the_translation_leaves_out_is_flagged_by_the_judgement():
    right = "Police spokesman Chhay Kimkhoeun said Samdech Techo Hun Sen will arrive."
    wrong = "Police spokesman Khayang Cheng said the king's throne will arrive."
    assert judge([(right, SPOKESMAN, SPOKESMAN)], "km", "en").faithful
    verdict = judge([(wrong, SPOKESMAN, SPOKESMAN)], "km", "en")
    problems = verdict.sentences[0].problems
    assert {p.source for p in problems if p.kind == "name"} >= {"ឆាយ គឹមខឿន", "ហ៊ុន សែន"}
    assert {p.translation for p in problems if p.kind == "name"} >= {"Khayang", "Cheng"}
    assert not verdict.faithful


def test_a_placeholder_glued_to_a_word_or_left_without_its_number_reaches_no_reader():
    from newsbrief.translation.protect import Protector

    protector = Protector(glossary=[("ហ៊ុន សែន", "Hun Sen")])
    masked = protector.mask("អ្នកនាំពាក្យ ហ៊ុន សែន បាននិយាយ។")
    notes: list[str] = []
    # as the embedded model wrote them: its X lost and glued to "spokesman"; "XQ" for a name it had not seen
    out = protector.unmask("The spokesmanQ1X said it to the XQ Council.", masked, notes, target_lang="en")
    assert out == "The spokesman Hun Sen said it to the Council."
    assert "placeholder fragment removed" in notes
    assert protector.unmask("XQ1X is not alone in the XQX flat.", masked, target_lang="en") == \
        "Hun Sen is not alone in the flat."
    two = Protector(glossary=[("ហ៊ុន សែន", "Hun Sen"), ("នគរបាល", "police")]).mask("នគរបាល ហ៊ុន សែន")
    # "XQ1 XQ2X": the first one's closing X missing; the second is not swallowed by it
    assert Protector().unmask("The XQ1 XQ2X spoke.", two, target_lang="en") == "The police Hun Sen spoke."


def test_a_place_is_left_to_the_place_check_and_a_verb_after_a_title_is_no_name():
    assert khmer_names.find("លោក អូបាម៉ា មិនព្រម ទៅខេត្តសៀមរាប។") == [(4, 11, "អូបាម៉ា")]
    assert all(name != "សៀមរា" for _, _, name in khmer_names.find("គាត់ទៅខេត្តសៀមរាប។"))


def test_a_title_inside_a_word_starts_no_name_and_a_glued_one_does():
    assert khmer_names.find("ពិភពលោក ប្រទេស ធំ។") == []  # "world ..."
    assert [name for _, _, name in khmer_names.find("ដោយលោក ហ៊ុន សែន។")] == ["ហ៊ុន សែន"]  # "by Mr Hun Sen"
    # "police will arrest Mr Sam Rainsy"
    assert [name for _, _, name in khmer_names.find("នគរបាលនឹងចាប់ខ្លួនលោក សម រង្ស៊ី។")] == ["សម រង្ស៊ី"]
    assert romanize("យាង សុធារិន្ទ") == "Yeang Sothearin"  # a subscript ending a word is silent
