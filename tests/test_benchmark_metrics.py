"""The translation-quality harness's metrics on hand-checked examples."""

from benchmarks.translation_quality import khmer_aware_tokens, score


def test_khmer_is_split_into_syllables_latin_by_13a():
    # each unit is a consonant with its subscripts, vowels and signs (a final consonant stands alone)
    assert khmer_aware_tokens("ប៉ូលិសបានចាប់ 185 នាក់.") == "ប៉ូ លិ ស បា ន ចា ប់ 185 នា ក់ ."
    assert khmer_aware_tokens("Police said, 12 people.") == "Police said , 12 people ."


def test_khmer_bleu_is_not_zero_where_space_splitting_would_be():
    import sacrebleu

    reference = "ប៉ូលិសបានជួយសង្គ្រោះពលករ ១២ នាក់"
    hypothesis = "ប៉ូលិសបានជួយពលករ ១២ នាក់"
    plain = sacrebleu.corpus_bleu([hypothesis], [[reference]]).score  # 13a: Khmer runs are single "words"
    ours = score([hypothesis], [reference])
    assert plain < 20 < ours["bleu_khmer_aware"]
    assert ours["coverage"] == 1.0 and ours["empty_outputs"] == 0


def test_identical_output_scores_100_and_empty_output_counts():
    assert score(["Polis menahan tiga lelaki."], ["Polis menahan tiga lelaki."])["chrf++"] == 100.0
    result = score(["", "Polis menahan tiga lelaki."], ["Ada.", "Polis menahan tiga lelaki."])
    assert result["empty_outputs"] == 1 and result["coverage"] == 0.5


def test_summarization_faithful_share_counts_summaries_with_unsupported_numbers_or_names():
    from benchmarks.summarization import faithful_pct

    rows = [{"text": "Police in Phnom Penh detained 157 people on Monday."}] * 2
    assert faithful_pct(["Police detained 157 people.", "Police detained 175 people."], rows) == 50.0
    assert faithful_pct(["Police in Bangkok detained people."], rows[:1]) == 0.0


def test_invented_names_are_counted_per_100_sentences():
    from benchmarks.translation_quality import invented_names

    sources = ["Hun Manet met Anwar Ibrahim.", "Cambodia will share information."]
    counted = invented_names(sources, ["Hun Manet bertemu Watamu.", "Kemboja akan berkongsi maklumat."], "en", "ms")
    assert counted["per_100_sentences"] == 50.0 and counted["most_common"] == [("Watamu", 1)]
    assert invented_names(sources, ["Hun Manet bertemu Anwar Ibrahim.", "Kemboja berkongsi."], "en", "ms")[
        "per_100_sentences"] == 0.0
    assert invented_names(["ប៉ូលិសបានចាប់ ១៨៥ នាក់។"], ["Police in Watamu arrested 185."], "km", "en") is None
