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
