"""The detection API on the article model and through the CLI (the classifier itself: test_lid.py)."""

import json

import pytest

import newsbrief as nb
from newsbrief.errors import ConfigError

EN = "The police rescued dozens of workers from a compound near the border on Tuesday."
MS = "Polis menyelamatkan berpuluh-puluh pekerja dari sebuah kompleks berhampiran sempadan pada hari Selasa."
KM = "ប៉ូលិសបានជួយសង្គ្រោះពលករជាច្រើននាក់ពីអគារមួយនៅជិតព្រំដែនកាលពីថ្ងៃអង្គារ។"


def test_detect_returns_lang_confidence_script():
    detection = nb.detect(MS)
    assert (detection.lang, detection.script) == ("ms", "Latn")
    assert 0.5 < detection.confidence <= 1.0
    assert not detection.mixed and detection.parts == ()
    assert nb.detect(KM).lang == "km" and nb.detect(KM).script == "Khmr"
    assert nb.detect(EN).lang == "en"


def test_mixed_document_reports_its_parts():
    text = "\n\n".join([EN, KM, EN + " " + EN, KM])
    detection = nb.detect(text)
    assert detection.mixed
    assert [p.lang for p in detection.parts] == ["en", "km", "en", "km"]
    assert set(detection.languages) == {"en", "km"}
    assert [text[p.start:p.end] for p in detection.parts][1] == KM


def test_per_sentence_and_per_paragraph():
    text = f"{EN} {MS}\n\n{KM}"
    assert [p.lang for p in nb.detect(text, per="sentence").parts] == ["en", "ms", "km"]
    assert [p.lang for p in nb.detect(text, per="paragraph").parts][1] == "km"
    with pytest.raises(ConfigError):
        nb.detect(text, per="word")


def test_detect_step_fills_the_article():
    article = nb.Article.from_text(f"{MS} {MS}\n\n{KM}")
    nb.Detect()([article])
    assert article.lang == "ms"
    assert [p.lang for p in article.paragraphs] == ["ms", "km"]
    assert [s.lang for s in article.sentences] == ["ms", "ms", "km"]


def test_detection_is_deterministic():
    text = "Saya suka makan nasi. Dia pergi ke pasar."
    assert len({nb.detect(text).to_dict().__repr__() for _ in range(5)}) == 1


@pytest.mark.parametrize("article, lang", [("example_article", "en"), ("khmer_article", "km"),
                                           ("malay_article", "ms")])
def test_whole_articles(request, article, lang):
    detection = nb.detect(request.getfixturevalue(article))
    assert detection.lang == lang and detection.confidence > 0.9 and not detection.mixed


def test_cli_detect_text_and_json(run_cli, tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_text(f"{EN}\n\n{KM}\n\n{EN}", encoding="utf-8")
    out = run_cli("detect", str(path), "--format", "json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["lang"] == "en" and result["mixed"] is True
    assert [p["lang"] for p in result["parts"]] == ["en", "km", "en"]

    out = run_cli("detect", "-", "--per-paragraph", stdin=MS.encode())
    assert out.returncode == 0
    first, *parts = out.stdout.decode().splitlines()
    assert first.split("\t")[:3] == ["ms", first.split("\t")[1], "Latn"]
    assert len(parts) == 1 and "\tms\t" in parts[0]


def test_cli_detect_long_input(run_cli):
    text = (MS + " ") * (1_000_000 // len(MS))
    out = run_cli("detect", "-", "--format", "json", stdin=text.encode())
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["end"] == len(text)


def test_detect_step_caches_its_result(tmp_path):
    from newsbrief.cache import Cache

    store = Cache(tmp_path)
    text = f"{MS} {EN}\n\n{KM}"
    first = nb.Article.from_text(text)
    nb.Detect(cache=store).one(first)
    second = nb.Article.from_text(text)
    nb.Detect(cache=store).one(second)
    assert store.stats()["steps"]["detect"]["hits"] == 1
    assert second.detection == first.detection
    assert [s.lang for s in second.sentences] == [s.lang for s in first.sentences] == ["ms", "en", "km"]


def test_one_sentence_is_classified_once(monkeypatch):
    import newsbrief.lid as lid

    calls = []
    real = lid.identify

    def counting(text):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(lid, "identify", counting)
    assert nb.detect(MS).lang == "ms"
    assert calls == [MS]  # the document, its one paragraph and its one sentence are the same string
    calls.clear()
    text = f"{EN}\n\n{KM}"
    assert [p.lang for p in nb.detect(text, per="sentence").parts] == ["en", "km"]
    assert sorted(calls) == sorted([text, EN, KM])  # paragraphs and sentences coincide: asked once each


def test_translation_benchmark_malay_variety_share():
    from benchmarks.translation_quality import malay_variety

    indonesian = "Pemerintah Indonesia akan mengalokasikan uang tambahan untuk rumah sakit pemerintah pada tahun depan."
    got = malay_variety([MS, MS, indonesian, EN, "  "])
    assert got == {"ms": 2, "id": 1, "other": 1, "share": round(2 / 3, 4)}
    assert malay_variety([EN])["share"] is None  # nothing Malay or Indonesian: no share, not 0


# --- Malay vs Indonesian: the document prior (issue #25) ---------------------------------------------------------

MALAY_CLEAR = ["Kerajaan akan mengumumkan bajet baharu minggu depan.",
               "Pihak berkuasa sedang menyiasat kejadian itu.", MS]
INDONESIAN_CLEAR = ["Polisi masih menyelidiki kasus tersebut.",
                    "Harga bensin diperkirakan naik lima persen bulan depan, kata kementerian.",
                    "Pemerintah akan mengalokasikan uang tambahan untuk rumah sakit pada tahun depan."]
LEANS_ID = "Kapal itu tenggelam."  # no marker of either variety; alone, the model leans Indonesian
LEANS_MS = "Hujan turun sepanjang malam."  # no marker either; alone, it leans Malay


def test_a_marker_free_sentence_takes_its_articles_variety():
    alone = nb.detect(LEANS_ID)
    assert alone.lang == "id" and not alone.by_document  # a lone sentence keeps its own best guess
    text = f"{MALAY_CLEAR[0]} {LEANS_ID} {MALAY_CLEAR[1]}\n\n{MALAY_CLEAR[2]}"
    detection = nb.detect(text, per="sentence")
    assert detection.lang == "ms"
    assert [p.lang for p in detection.parts] == ["ms", "ms", "ms", "ms"]
    decided = detection.parts[1]
    assert decided.by_document and not any(p.by_document for i, p in enumerate(detection.parts) if i != 1)
    # the confidence says the document decided: lower than for the sentences with markers
    assert 0.5 < decided.confidence < min(p.confidence for i, p in enumerate(detection.parts) if i != 1)
    # and the same the other way round
    text = " ".join([INDONESIAN_CLEAR[0], LEANS_MS, INDONESIAN_CLEAR[1], INDONESIAN_CLEAR[2]])
    parts = nb.detect(text, per="sentence").parts
    assert [p.lang for p in parts] == ["id"] * 4 and parts[1].by_document
    assert nb.detect(LEANS_MS).lang == "ms"


def test_a_sentence_with_clear_markers_keeps_its_own_variety():
    text = " ".join([MALAY_CLEAR[0], INDONESIAN_CLEAR[0], MALAY_CLEAR[1], MALAY_CLEAR[2]])
    detection = nb.detect(text, per="sentence")
    assert detection.lang == "ms"
    assert [p.lang for p in detection.parts] == ["ms", "id", "ms", "ms"]
    assert not detection.parts[1].by_document


def test_paragraphs_use_the_document_prior():
    text = "\n\n".join([" ".join(MALAY_CLEAR), LEANS_ID, MALAY_CLEAR[0]])
    parts = nb.detect(text, per="paragraph").parts
    assert [p.lang for p in parts] == ["ms", "ms", "ms"] and parts[1].by_document
    assert nb.detect(LEANS_ID, per="paragraph").parts[0].lang == "id"  # one paragraph: nothing to learn from


def test_detect_step_sentence_languages_use_the_document_prior():
    article = nb.Article.from_text(" ".join([MALAY_CLEAR[0], LEANS_ID, INDONESIAN_CLEAR[0], MALAY_CLEAR[1]]))
    nb.Detect()([article])
    assert article.lang == "ms"
    # the marker-free sentence follows the article; the one with clear Indonesian markers keeps its variety
    assert [s.lang for s in article.sentences] == ["ms", "ms", "id", "ms"]


def test_by_document_round_trips_and_is_shown_only_when_set():
    from newsbrief.detection import Detection

    detection = nb.detect(f"{MALAY_CLEAR[0]} {LEANS_ID} {MALAY_CLEAR[1]}", per="sentence")
    data = detection.to_dict(digits=None)
    assert [p.get("by_document", False) for p in data["parts"]] == [False, True, False]
    assert "by_document" not in data
    assert Detection.from_dict(data) == detection


def test_msid_prior_follows_the_documents_variety_and_confidence():
    from newsbrief.detection import SAME_VARIETY, Detection, msid_prior

    assert msid_prior(Detection("en", 0.99, "Latn")) is None
    assert msid_prior(Detection("ms", 1.0, "Latn")) == pytest.approx(SAME_VARIETY)
    assert msid_prior(Detection("id", 1.0, "Latn")) == pytest.approx(1 - SAME_VARIETY)
    assert 0.5 < msid_prior(Detection("ms", 0.7, "Latn")) < msid_prior(Detection("ms", 0.9, "Latn"))


def test_identify_with_a_prior_moves_only_the_malay_indonesian_choice():
    from newsbrief.lid import identify

    assert identify(LEANS_ID, msid_prior=0.5) == identify(LEANS_ID)
    assert identify(LEANS_ID, msid_prior=0.98)[0] == "ms"
    assert identify(LEANS_ID, msid_prior=0.02)[0] == "id"
    assert identify(LEANS_ID, msid_prior=0.02)[1] > identify(LEANS_ID)[1]  # agreeing prior: surer
    assert identify(INDONESIAN_CLEAR[0], msid_prior=0.98)[0] == "id"
    assert identify(EN, msid_prior=0.98)[0] == "en" and identify(KM, msid_prior=0.02)[0] == "km"


def test_detection_benchmark_reads_sentences_inside_their_documents(tmp_path):
    import json as json_module

    from benchmarks.detection import main

    path = tmp_path / "ms.txt"
    path.write_text("\n".join([MALAY_CLEAR[0], LEANS_ID, MALAY_CLEAR[1], MALAY_CLEAR[2]]) + "\n", encoding="utf-8")
    out = tmp_path / "detection.json"
    assert main(["--lang", "ms", str(path), "--doc-size", "4", "--no-timing", "--json", str(out)]) == 0
    result = json_module.loads(out.read_text("utf-8"))["results"][0]
    assert result["sentence"]["confusion"]["id"] == 1  # the marker-free sentence, alone
    assert result["in_document"]["confusion"]["ms"] == 4 and result["in_document"]["by_document"] == 1
    assert result["document"]["n"] == 1 and result["document"]["accuracy"] == 1.0
    assert sum(n for _, n, _, _ in result["sentence"]["calibration"]) == 4
