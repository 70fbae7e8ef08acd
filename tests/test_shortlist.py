"""Vocabulary shortlists (CTranslate2 vmap) on tiny random models of the real architectures."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tiny_models import build_all, corpus_lines  # noqa: E402

from newsbrief.errors import ConfigError  # noqa: E402
from newsbrief.models import ModelCache, convert_to_ct2, resolve  # noqa: E402
from newsbrief.translation import load_backend  # noqa: E402
from newsbrief.models.seq2seq import load_tokenizer  # noqa: E402
from newsbrief.models.shortlist import language_subwords, vocab_map_lines  # noqa: E402

pytest.importorskip("ctranslate2", reason="shortlists are a CTranslate2 feature (the ct2 extra)")

SENTENCES = ["Officials met 12 delegates in Phnom Penh.", "The talks will continue next week."]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return build_all(tmp_path_factory.getbasetemp() / "tiny-translation-models")


def khmer_and_malay_samples() -> dict[str, list[str]]:
    lines = corpus_lines(100)
    khmer = [line for line in lines if any("\u1780" <= ch <= "\u17ff" for ch in line)]
    english_or_malay = [line for line in lines if line not in khmer]
    return {"km": khmer, "ms": english_or_malay[1::2]}


def raw_translate(backend, use_vmap: bool, tgt: str = "km") -> list[list[str]]:
    tokens = backend.source_tokens(SENTENCES, "en", tgt)
    results = backend.translator.translate_batch(tokens, beam_size=1, max_decoding_length=12, use_vmap=use_vmap)
    return [r.hypotheses[0] for r in results]


def test_marian_map_has_one_rule_per_target_language(tiny):
    spec = resolve(str(tiny["marian"])).spec
    lines = vocab_map_lines(spec, load_tokenizer(tiny["marian"]), khmer_and_malay_samples())
    keys = [line.split("\t")[0] for line in lines]
    assert keys[:2] == [">>khm<<", ">>zsm<<"] and len(set(keys)) == len(keys)
    copy_rules = [line.split("\t") for line in lines[2:]]  # any source subword may be copied
    assert copy_rules and all(key == candidates for key, candidates in copy_rules)
    khmer_rule, malay_rule = (set(line.split("\t")[1].split()) for line in lines[:2])
    has_khmer = [t for t in khmer_rule if any("\u1780" <= c <= "\u17ff" for c in t)]
    assert len(has_khmer) > len(khmer_rule) / 2
    assert not any("\u1780" <= c <= "\u17ff" for t in malay_rule for c in t)


def test_nllb_map_serves_one_target_language(tiny):
    spec = resolve(str(tiny["nllb"])).spec
    tokenizer = load_tokenizer(tiny["nllb"])
    with pytest.raises(ConfigError, match="exactly one target language"):
        vocab_map_lines(spec, tokenizer, khmer_and_malay_samples())
    lines = vocab_map_lines(spec, tokenizer, {"km": khmer_and_malay_samples()["km"]})
    assert lines[0].startswith("\t")  # empty n-gram: always the candidates
    assert not any(line.startswith("\t") for line in lines[1:])


def test_shortlisted_model_decodes_only_target_language_subwords(tiny, tmp_path):
    samples = khmer_and_malay_samples()
    found = convert_to_ct2(str(tiny["marian"]), output_dir=tmp_path / "marian-ct2-short", shortlist=samples)
    assert (found.path / "vmap.txt").is_file()
    backend = load_backend(str(found.path), models=ModelCache())
    assert backend.use_vmap
    source = {token for tokens in backend.source_tokens(SENTENCES, "en", "km") for token in tokens}
    allowed = language_subwords(backend.tokenizer, samples["km"]) | source | {"</s>", "<unk>"}
    free = raw_translate(backend, use_vmap=False)
    short = raw_translate(backend, use_vmap=True)
    # the random model strays outside Khmer (and the source) when free; the map keeps it inside
    assert any(token not in allowed for hyp in free for token in hyp)
    assert all(token in allowed for hyp in short for token in hyp)


def test_a_map_that_covers_the_output_changes_nothing(tiny, tmp_path):
    plain = tmp_path / "marian-ct2"
    shutil.copytree(convert_to_ct2(str(tiny["marian"]), output_dir=plain, force=True).path, tmp_path / "mapped")
    free = raw_translate(load_backend(str(plain), models=ModelCache()), use_vmap=False)
    used = sorted({token for hyp in free for token in hyp})
    (tmp_path / "mapped" / "vmap.txt").write_text(f">>khm<<\t{' '.join(used)}\n", encoding="utf-8")
    mapped = load_backend(str(tmp_path / "mapped"), models=ModelCache())
    assert mapped.use_vmap and raw_translate(mapped, use_vmap=True) == free


def test_cli_convert_with_a_shortlist(tiny, tmp_path, run_cli):
    km = tmp_path / "km.txt"
    km.write_text("\n".join(khmer_and_malay_samples()["km"]), encoding="utf-8")
    done = run_cli("models", "convert", str(tiny["marian"]), "--output", str(tmp_path / "out"),
                   "--shortlist", f"km={km}")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "vmap.txt").read_text(encoding="utf-8").startswith(">>khm<<\t")
    bad = run_cli("models", "convert", str(tiny["marian"]), "--output", str(tmp_path / "bad"), "--shortlist", "xx")
    assert bad.returncode == 2 and b"LANG=FILE" in bad.stderr and not (tmp_path / "bad").exists()


def test_shortlist_benchmark_runs_three_engines_on_a_model(tiny, tmp_path):
    import json
    import subprocess

    from conftest import REPO

    # stand-ins for the corpora it reads (training TSVs, NTREX-128): the shortest sentences of the
    # committed FLORES-200 sample (the tiny models take 128 positions)
    data = tmp_path / "data"
    (data / "parallel").mkdir(parents=True)
    (data / "eval" / "ntrex128").mkdir(parents=True)
    lines = corpus_lines()
    rows = sorted(zip(lines[0::3], lines[1::3], lines[2::3]), key=lambda row: len(row[1]))[:10]
    english, khmer, malay = ([row[i] for row in rows] for i in range(3))
    for lang, target in (("km", khmer), ("ms", malay)):
        rows = "".join(f"{e}\t{t}\tflores200_dev\n" for e, t in zip(english, target))
        (data / "parallel" / f"en-{lang}.tsv").write_text("english\ttarget\tsource_id\n" + rows, encoding="utf-8")
    for name, text in (("newstest2019-src.eng.txt", english), ("newstest2019-ref.khm.txt", khmer),
                       ("newstest2019-ref.msa.txt", malay)):
        (data / "eval" / "ntrex128" / name).write_text("\n".join(text) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "benchmarks", "shortlist", "--model", str(tiny["marian"]),
                           "--limit", "3", "--samples", "100", "--batch-size", "2", "--data", str(data),
                           "--workdir", str(tmp_path / "w"), "--out", str(tmp_path / "result")],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    assert len(report["results"]) == 12  # 4 directions x 3 engines
    assert {r["engine"] for r in report["results"]} == {"transformers fp32", "ctranslate2 int8",
                                                        "ctranslate2 int8 + shortlist"}
    assert all(r["sentences"] == 3 and r["tokens"] > 0 for r in report["results"])
    assert (tmp_path / "w" / "tiny-marian-ct2-int8-shortlist" / "vmap.txt").is_file()
    assert "shortlist output identical" in (tmp_path / "result.md").read_text(encoding="utf-8")
