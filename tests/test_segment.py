import pytest

from newsbrief import Article
from newsbrief.segment import paragraph_spans, sentence_spans


def sentences(text: str) -> list[str]:
    return [s.text for s in Article.from_text(text).sentences]


@pytest.mark.parametrize("text, expected", [
    ("Dr. Tan met the minister. He left.", ["Dr. Tan met the minister.", "He left."]),
    ("The U.S. Embassy said so. Officials agreed.", ["The U.S. Embassy said so.", "Officials agreed."]),
    ("See No. 5 for details. Then stop.", ["See No. 5 for details.", "Then stop."]),
    ("It opened on Jan. 5 this year. Sales rose.", ["It opened on Jan. 5 this year.", "Sales rose."]),
    ("Growth was 1.5 percent. It was 2.0 before.", ["Growth was 1.5 percent.", "It was 2.0 before."]),
    ('He said, "We will act." Then he left.', ['He said, "We will act."', "Then he left."]),
    ('"Stop!" she shouted. Nobody moved.', ['"Stop!" she shouted.', "Nobody moved."]),
    ("He paused... and then went on. Done.", ["He paused... and then went on.", "Done."]),
    ("Wait… what happened? Nobody knows!", ["Wait… what happened?", "Nobody knows!"]),
    ("It ended at 5 p.m. on Friday. Police left.", ["It ended at 5 p.m. on Friday.", "Police left."]),
])
def test_english(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Syarikat ABC Sdn. Bhd. telah membayar RM1.5 juta. Polis sedang menyiasat.",
     ["Syarikat ABC Sdn. Bhd. telah membayar RM1.5 juta.", "Polis sedang menyiasat."]),
    ("Menurut Dr. Ahmad, kes itu meningkat. Kerajaan akan bertindak.",
     ["Menurut Dr. Ahmad, kes itu meningkat.", "Kerajaan akan bertindak."]),
    ("Sila rujuk No. 12 di Jln. Ampang. Terima kasih!",
     ["Sila rujuk No. 12 di Jln. Ampang.", "Terima kasih!"]),
    # a dateline whose month is abbreviated, then a dash: one sentence (the brief opened "– Menteri ...")
    ("SUNGAI PETANI 19 Jan. – Menteri Pertahanan akan ke Arab Saudi. Dia berkata demikian.",
     ["SUNGAI PETANI 19 Jan. – Menteri Pertahanan akan ke Arab Saudi.", "Dia berkata demikian."]),
])
def test_malay(text, expected):
    assert sentences(text) == expected


def test_khmer_sentence_ends_at_khan_and_bariyoosan_only():
    text = ("ក្រសួងបានប្រកាសថា៖ តម្លៃ ៥០០០៛ ក្នុងមួយគីឡូ។ "
            "សិស្ស គ្រូ ។ល។ បានមកដល់។នេះជាប្រយោគទីបី៕")
    assert sentences(text) == [
        "ក្រសួងបានប្រកាសថា៖ តម្លៃ ៥០០០៛ ក្នុងមួយគីឡូ។",  # ៖ and ៛ do not end it
        "សិស្ស គ្រូ ។ល។ បានមកដល់។",  # ។ល។ (etc.) does not end it
        "នេះជាប្រយោគទីបី៕",  # no space needed after ។
    ]


def test_khmer_etc_with_zero_width_spaces():
    assert sentences("សិស្ស គ្រូ ។\u200bល\u200b។ បានមកដល់។ ចប់។") == ["សិស្ស គ្រូ ។\u200bល\u200b។ បានមកដល់។", "ចប់។"]


def test_zero_width_spaces_do_not_break_khmer():
    text = "ប៉ូលិស\u200bបាន\u200bជួយ\u200bសង្គ្រោះ\u200bពលករ។\u200bពួកគេ\u200bបាន\u200bត្រឡប់\u200bមក\u200bវិញ។\u200b"
    got = Article.from_text(text).sentences
    assert [s.text for s in got] == ["ប៉ូលិស\u200bបាន\u200bជួយ\u200bសង្គ្រោះ\u200bពលករ។",
                                     "ពួកគេ\u200bបាន\u200bត្រឡប់\u200bមក\u200bវិញ។"]
    assert got[0].normalized == "ប៉ូលិសបានជួយសង្គ្រោះពលករ។"


def test_paragraphs_are_kept_and_offsets_point_into_the_original():
    text = "Title line\n\nFirst paragraph. Two sentences.\n\n\n  Second one here.\nA new line is a new paragraph."
    article = Article.from_text(text)
    assert [text[p.start:p.end] for p in article.paragraphs] == [
        "Title line", "First paragraph. Two sentences.", "Second one here.", "A new line is a new paragraph."]
    for s in article.sentences:
        assert text[s.start:s.end] == s.text


def test_hard_wrapped_lines_stay_one_paragraph():
    text = "The minister said the plan would\ncover all border crossings. It starts soon."
    assert len(paragraph_spans(text)) == 1
    assert sentences(text) == ["The minister said the plan would\ncover all border crossings.", "It starts soon."]


def test_nfc_normalisation_keeps_offsets():
    decomposed = "Cafe\u0301 owners met. Pho\u031b\u0301 shops too."  # combining accents (NFD)
    article = Article.from_text(decomposed)
    first = article.sentences[0]
    assert decomposed[first.start:first.end] == first.text
    assert first.normalized == "Café owners met."


def test_example_article_segments_sensibly(example_article):
    article = Article.from_text(example_article)
    assert len(article.paragraphs) == 8 and len(article.sentences) == 17
    texts = [s.text for s in article.sentences]
    assert texts[1].startswith("Police officers from Cambodia and Malaysia will share information")
    # a quotation followed by its lowercase attribution is one sentence
    assert '"Many of these workers were trafficked," its coordinator said.' in texts
    assert any(t.startswith('"No country can fight these networks alone," a senior') for t in texts)
    assert all(len(t) < 1000 for t in texts)


def test_khmer_article_segments_at_khan(khmer_article):
    article = Article.from_text(khmer_article)
    assert len(article.paragraphs) == len(article.sentences) == 13  # one sentence a line in NTREX
    assert "៖" in article.sentences[0].text  # the headline's colon sign ends no sentence
    assert all(s.text.endswith("។") for s in article.sentences[1:])


def test_very_long_input_is_processed_whole():
    unit = "Police rescued 495 people from the compound. "
    text = unit * (1_000_000 // len(unit) + 1)
    article = Article.from_text(text)
    assert len(text) >= 1_000_000
    assert len(article.sentences) == text.count("compound.")
    assert article.sentences[-1].end == len(text.rstrip())


def test_sentence_spans_of_a_slice():
    text = "Ignore this. Keep this one. And this."
    start = text.index("Keep")
    assert [text[a:b] for a, b in sentence_spans(text, start)] == ["Keep this one.", "And this."]


def test_sentences_glued_without_a_space_are_split():
    """Scraped Malaysian news glues sentences: "...1952.Pelakon", '...maaa".Netizen'."""
    from newsbrief.segment import sentence_spans

    def split(text):
        return [text[a:b] for a, b in sentence_spans(text)]
    assert split("Dia ditahan di bawah Akta Dadah Berbahaya 1952.Pelakon itu dibebaskan.") == [
        "Dia ditahan di bawah Akta Dadah Berbahaya 1952.", "Pelakon itu dibebaskan."]
    assert split('Harganya "3 4 ribu maaa".Netizen juga marah.') == ['Harganya "3 4 ribu maaa".', "Netizen juga marah."]
    # initials, decimals and web addresses stay whole
    assert split("The U.S.Army said so.") == ["The U.S.Army said so."]
    assert split("He paid 3.50 dollars at www.example.com today.") == ["He paid 3.50 dollars at www.example.com today."]
