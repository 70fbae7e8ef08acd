"""python -m benchmarks: the one entry point, its dispatch, and small real runs."""

import importlib.util
import json
import os
import subprocess
import sys

from conftest import REPO

NAMES = ("detection", "translation-quality", "translation-speed", "shortlist", "summarization", "cache", "brief",
         "all")


def bench(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "benchmarks", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=300, check=False, env={**os.environ, **(env or {})})


def test_help_lists_every_benchmark_and_each_keeps_its_own_help():
    top = bench("--help")
    assert top.returncode == 0
    assert all(f"  {name} " in top.stdout for name in NAMES)
    own = bench("translation-quality", "--help")
    assert own.returncode == 0
    assert "usage: python -m benchmarks translation-quality" in own.stdout and "--baseline" in own.stdout
    assert "--skip" in bench("all", "--help").stdout


def test_unknown_benchmark_or_none_is_a_usage_error():
    wrong = bench("speed")
    assert wrong.returncode == 2 and "unknown benchmark 'speed'" in wrong.stderr
    assert bench().returncode == 2


def test_translation_quality_tiny_run_writes_json_markdown_and_png(tmp_path):
    (tmp_path / "parallel").mkdir()
    rows = [("police", "polis"), ("men", "lelaki"), ("police arrested men", "polis menahan lelaki"),
            ("they arrested him", "mereka menahan dia")]
    (tmp_path / "parallel" / "en-ms.tsv").write_text(
        "english\ttarget\tsource_id\n" + "".join(f"{e}\t{m}\tt\n" for e, m in rows), encoding="utf-8")
    (tmp_path / "src.en").write_text("Police arrested 3 men.\nThe men arrested police.\n", encoding="utf-8")
    (tmp_path / "ref.ms").write_text("Polis menahan 3 lelaki.\nLelaki itu menahan polis.\n", encoding="utf-8")
    done = bench("translation-quality", "--src", str(tmp_path / "src.en"), "--ref", str(tmp_path / "ref.ms"),
                 "--src-lang", "en", "--tgt-lang", "ms", "--baseline", "copy", "--baseline", "dictionary",
                 "--parallel", str(tmp_path / "parallel"), "--dictionary-cache", str(tmp_path / "cache"),
                 "--out", str(tmp_path / "tq"))
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "tq.json").read_text("utf-8"))
    assert report["signature"]["git_commit"] and report["command"].startswith(
        "python -m benchmarks translation-quality --src")
    scores = {r["system"]: r["chrf++"] for r in report["results"]}
    assert set(scores) == {"baseline:copy", "baseline:dictionary"}
    assert scores["baseline:dictionary"] > scores["baseline:copy"]
    page = (tmp_path / "tq.md").read_text("utf-8")
    assert "Produced by: `python -m benchmarks translation-quality" in page and "| en->ms | baseline:dictionary |" in page
    assert (tmp_path / "tq.png").is_file()


def test_brief_records_the_missing_translation_model_instead_of_an_output(tmp_path):
    article = tmp_path / "article.txt"
    article.write_text("Police in Phnom Penh arrested 12 people on Monday. The suspects ran an online scam. "
                       "They were taken to court on Tuesday.\n", encoding="utf-8")
    missing = str(tmp_path / "no-such-model")
    done = bench("brief", "--to", "en", "km", "--article", str(article), "--repeats", "1",
                 "--out", str(tmp_path / "brief"), env={"NEWSBRIEF_TRANSLATION_MODEL": missing})
    assert done.returncode == 0, done.stderr
    rows = {r["to"]: r for r in json.loads((tmp_path / "brief.json").read_text("utf-8"))["results"]}
    assert rows["en"]["status"] == "ok" and "12 people" in rows["en"]["summary"]
    assert rows["en"]["peak_rss_mb"] >= rows["en"]["peak_rss_after_import_mb"] > 0
    assert rows["km"]["status"] == "error" and "summary" not in rows["km"]
    assert missing in rows["km"]["error"]["message"]
    assert f"No brief: {rows['km']['error']['type']}" in (tmp_path / "brief.md").read_text("utf-8")


def test_translation_speed_post_step_draws_the_png_and_notes_the_command(tmp_path):
    from benchmarks.__main__ import translation_speed_extras

    runs = [{"batch": 1, "tokens_per_s": 10.0}, {"batch": 16, "tokens_per_s": 60.0}]
    (tmp_path / "ts.json").write_text(json.dumps({
        "model": "tiny", "config": {"threads": 2},
        "backends": [{"backend": "hf", "dtype": "float32", "threads": 2, "workers": 1, "runs": runs},
                     {"backend": "ct2", "dtype": "int8", "threads": 2, "workers": 2,
                      "runs": [{**r, "tokens_per_s": 2 * r["tokens_per_s"]} for r in runs]}]}), encoding="utf-8")
    (tmp_path / "ts.md").write_text("# Speed\n\n2026-01-01 · commit abc\n\n| a |\n|---|\n", encoding="utf-8")
    translation_speed_extras(["--tiny", "--out", str(tmp_path / "ts")])
    produced = f"Produced by: `python -m benchmarks translation-speed --tiny --out {tmp_path / 'ts'}`"
    paragraphs = (tmp_path / "ts.md").read_text("utf-8").split("\n\n")
    assert paragraphs[:3] == ["# Speed", "2026-01-01 · commit abc", produced]  # after title and signature
    if importlib.util.find_spec("matplotlib"):
        assert (tmp_path / "ts.png").read_bytes()[:4] == b"\x89PNG"
    from benchmarks.translation_speed import setting

    assert [setting(b) for b in json.loads((tmp_path / "ts.json").read_text("utf-8"))["backends"]] == [
        "transformers fp32, 2 threads", "CTranslate2 int8, 2 workers x 1 thread"]
