"""The Gemma translation recipe's evaluation helpers: the dev set rebuilt from hashes, and a
checkpoint turned into a model folder newsbrief reads."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

RECIPE = Path(__file__).resolve().parent.parent / "models" / "recipes" / "gemma_translation"
sys.path.insert(0, str(RECIPE))
import dev_set  # noqa: E402


def _pool(path: Path, rows: list[tuple[str, str, str]]) -> None:
    path.write_text("".join(json.dumps({"src_lang": "en", "tgt_lang": lang, "src": src, "tgt": tgt,
                                        "origin": "test"}) + "\n" for lang, src, tgt in rows), "utf-8")


def test_dev_set_rebuilds_the_named_lines_in_their_order(tmp_path):
    _pool(tmp_path / "valid.jsonl", [("km", "One.", "មួយ។"), ("ms", "Two.", "Dua."), ("ms", "Three.", "Tiga.")])
    _pool(tmp_path / "valid_news.jsonl", [("km", "Four.", "បួន។")])
    names = {"en-km": [dev_set.sha1("Four."), dev_set.sha1("One.")], "en-ms": [dev_set.sha1("Three.")]}
    dev_set.build(tmp_path, tmp_path / "dev", names)
    assert (tmp_path / "dev" / "en-km.en").read_text("utf-8") == "Four.\nOne.\n"
    assert (tmp_path / "dev" / "en-km.km").read_text("utf-8") == "បួន។\nមួយ។\n"
    assert (tmp_path / "dev" / "en-ms.ms").read_text("utf-8") == "Tiga.\n"


def test_dev_set_refuses_pools_without_its_lines(tmp_path):
    _pool(tmp_path / "valid.jsonl", [("ms", "Two.", "Dua.")])
    with pytest.raises(SystemExit, match="1 of 2 dev lines"):
        dev_set.build(tmp_path, tmp_path / "dev", {"en-ms": [dev_set.sha1("Two."), dev_set.sha1("Gone.")]})


def test_committed_dev_lines_name_80_lines_a_direction():
    names = json.loads(dev_set.LINES.read_text("utf-8"))
    assert {d: len(set(h)) for d, h in names.items()} == {"en-km": 80, "en-ms": 80}


def test_checkpoint_becomes_a_model_folder_under_its_own_name(tmp_path, monkeypatch):
    import as_model

    from newsbrief.models import load_registry
    from newsbrief.models.resolution import infer_spec

    checkpoint = tmp_path / "run"
    checkpoint.mkdir()
    for name in as_model.FILES:
        (checkpoint / name).write_bytes(name.encode())
    out = tmp_path / "newsbrief-gemma-mt-trial"
    monkeypatch.setattr(sys, "argv", ["as_model.py", str(checkpoint), str(out)])
    as_model.main()
    assert all((out / name).read_bytes() == name.encode() for name in as_model.FILES)
    spec, shipped = infer_spec(out), load_registry()["newsbrief-gemma-mt"]
    assert (spec.name, spec.embedded, spec.quality_warnings) == ("newsbrief-gemma-mt-trial", False, {})
    assert spec.languages == shipped.languages


# --- issue 36: round-2 back-translation, fact-rich sentences weighted up, --device ---------------

import prepare  # noqa: E402


def _rows(*pairs: tuple[str, str], lang: str = "ms", **extra) -> list[dict]:
    return [{"src_lang": "en", "tgt_lang": lang, "src": src, "tgt": tgt, "origin": "test", **extra}
            for src, tgt in pairs]


def test_fact_kinds_name_the_classes_of_the_dates_and_roles_issue():
    assert prepare.fact_kinds("On Monday the Prime Minister said 185 people were held in Phnom Penh in March.",
                              "en") == ["weekday", "month", "place", "role", "count"]
    assert prepare.fact_kinds("Polis berkata pada hari Isnin dua belas orang ditahan.", "ms") == [
        "weekday", "role", "count"]
    assert prepare.fact_kinds("ថ្ងៃច័ន្ទ ប៉ូលិស បាន ចាប់ខ្លួន មនុស្ស ១៨៥ នាក់ នៅ ភ្នំពេញ។", "km") == [
        "weekday", "place", "role", "count"]
    # nothing to weigh: a plain sentence, "one", a label the facts do not read
    assert prepare.fact_kinds("The cat sat on the mat.", "en") == []
    assert prepare.fact_kinds("One of them sat on the mat.", "en") == []
    assert prepare.fact_kinds("Pada hari Isnin.", "id") == []
    # Khmer digits of a software version (the TSVs have them) are no count, and no crash
    assert prepare.fact_kinds("កំណែ ១.២.០ នៃកម្មវិធី។", "km") == []


def test_with_facts_reads_both_sides_in_their_languages():
    row = prepare.with_facts(_rows(("He left.", "Dia pergi pada hari Isnin."))[0])
    assert row["facts"] == ["weekday"] and row["src"] == "He left."
    assert prepare.with_facts(_rows(("He left.", "Dia pergi."))[0])["facts"] == []


def test_a_later_round_replaces_the_pairs_it_kept_and_no_others(tmp_path):
    first = _rows(("Old one.", "Satu."), ("Old two.", "Dua."), lang="km", model_step=2145)
    second = _rows(("New two.", "Dua."), ("New three.", "Tiga."), lang="km", model_step=4488)
    merged = prepare.merge_rounds([first, second])
    assert [(r["tgt"], r["src"]) for r in merged] == [("Satu.", "Old one."), ("Dua.", "New two."),
                                                      ("Tiga.", "New three.")]
    for name in ("backtranslated_km.r10.jsonl", "backtranslated_km.r2.jsonl", "backtranslated_km.jsonl",
                 "backtranslated_km.rx.jsonl", "backtranslated_ms.r2.jsonl"):
        (tmp_path / name).write_text("", "utf-8")
    assert [p.name for p in prepare.round_files(tmp_path, "km")] == [
        "backtranslated_km.jsonl", "backtranslated_km.r2.jsonl", "backtranslated_km.r10.jsonl"]


def _parallel(data: Path) -> None:
    """The smallest ../shared/data/parallel prepare.py reads (invented sentences)."""
    files = {"flores200_dev/flores200_dev.eng": "On Monday the minister spoke.", "flores200_dev/flores200_dev.khm": "ថ្ងៃច័ន្ទ។",
             "flores200_dev/flores200_dev.zsm": "Pada hari Isnin menteri bercakap.",
             "flores200_dev/flores200_dev.ind": "Pada hari Senin menteri berbicara.",
             "wikipedia_dev_km-en/wikipedia_dev_km-en.eng": "A river.", "wikipedia_dev_km-en/wikipedia_dev_km-en.khm": "ទន្លេ។",
             "wikipedia_devtest_km-en/wikipedia_devtest.eng": "A hill.", "wikipedia_devtest_km-en/wikipedia_devtest.khm": "ភ្នំ។",
             "tico19_dev/tico19_dev.eng": "Wash hands.", "tico19_dev/tico19_dev.khm": "លាងដៃ។",
             "tico19_dev/tico19_dev.zsm": "Basuh tangan.", "talpco_en-zsm/talpco.eng": "Good morning.",
             "talpco_en-zsm/talpco.zsm": "Selamat pagi."}
    for name, text in files.items():
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_text(text + "\n", "utf-8")
    for lang in ("km", "ms"):
        (data / f"en-{lang}.tsv").write_text("english\ttarget\tsource_id\n", "utf-8")


def test_prepare_merges_the_rounds_and_marks_fact_rich_pairs(tmp_path, monkeypatch):
    data, work = tmp_path / "parallel", tmp_path / "work"
    _parallel(data)
    work.mkdir()
    # targets not held out (held_out(tgt, 100) is false for these)
    targets = [f"Ayat berita nombor {i} pada hari Selasa." if i % 2 else f"Ayat berita biasa {'abcdefgh'[i]}."
               for i in range(6)]
    assert not any(prepare.held_out(t, 100) for t in targets)
    rounds = {"backtranslated_ms.jsonl": [(f"Old {t}", t) for t in targets[:4]],
              "backtranslated_ms.r2.jsonl": [(f"New {t}", t) for t in targets[2:]]}
    for name, pairs in rounds.items():
        (work / name).write_text("".join(json.dumps(r) + "\n" for r in _rows(*pairs, synthetic=True)), "utf-8")
    # the Khmer side of the parallel sets: training only, even where the news rule would hold it out
    parallel_target = next(f"ប្រយោគ{i}។" for i in range(1000) if prepare.held_out(f"ប្រយោគ{i}។", 100))
    (work / "backtranslated_km_parallel.r2.jsonl").write_text(
        json.dumps(_rows(("A sentence.", parallel_target), lang="km", synthetic=True)[0]) + "\n", "utf-8")
    monkeypatch.setattr(sys, "argv", ["prepare.py", "--data", str(data), "--work", str(work)])
    prepare.main()
    assert [json.loads(line)["tgt"] for line in (work / "bt_km.jsonl").read_text("utf-8").splitlines()] == [
        parallel_target]
    assert (work / "valid_news.jsonl").read_text("utf-8") == ""
    bt = [json.loads(line) for line in (work / "bt_ms.jsonl").read_text("utf-8").splitlines()]
    assert [r["src"].split()[0] for r in bt] == ["Old", "Old", "New", "New", "New", "New"]
    assert [r["tgt"] for r in bt] == targets
    assert [bool(r["facts"]) for r in bt] == [i % 2 == 1 for i in range(6)]
    assert all(r["synthetic"] for r in bt)
    flores = [json.loads(line) for line in (work / "flores.jsonl").read_text("utf-8").splitlines()]
    assert all("weekday" in r["facts"] for r in flores if r["tgt_lang"] != "id")


def _work(tmp_path: Path) -> Path:
    """prepare.py's pools for --mixture news, with "facts": 3 fact-rich rows of 10 in bt_km."""
    work = tmp_path / "work"
    work.mkdir()
    pools = {name: [] for name in train.NEWS_MIXTURE}
    pools["bt_km"] = [{**r, "facts": ["count"] if i < 3 else []}
                      for i, r in enumerate(_rows(*[(f"S{i}.", f"T{i}។") for i in range(10)], lang="km"))]
    pools["tsv_km"] = pools["tsv_ms"] = []
    for name, rows in pools.items():
        (work / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return work


# under a name of its own: models/recipes/translation/ has a train.py too, which
# tests/test_translation_recipe.py imports as "train" (a cached "train" would be this one)
_spec = importlib.util.spec_from_file_location("gemma_recipe_train", RECIPE / "train.py")
train = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(train)


def test_fact_weight_takes_fact_rich_examples_that_many_times(tmp_path):
    work = _work(tmp_path)
    plain = train.epoch_examples(work, 0, 0, "news")
    assert sorted(r["src"] for r in plain) == sorted(f"S{i}." for i in range(10))
    tripled = [r["src"] for r in train.epoch_examples(work, 0, 0, "news", fact_weight=3)]
    assert {s: tripled.count(s) for s in set(tripled)} == {**{f"S{i}.": 3 for i in range(3)},
                                                           **{f"S{i}.": 1 for i in range(3, 10)}}
    # a fraction: that share of the fact-rich rows once more, sampled with the epoch's seed
    half = [r["src"] for r in train.epoch_examples(work, 0, 0, "news", fact_weight=1.5)]
    assert len(half) == 10 + round(3 * 0.5)
    assert half == [r["src"] for r in train.epoch_examples(work, 0, 0, "news", fact_weight=1.5)]
    assert half != [r["src"] for r in train.epoch_examples(work, 1, 0, "news", fact_weight=1.5)]


def test_weight_one_plans_the_epoch_as_before_and_others_need_the_facts(tmp_path):
    work = _work(tmp_path)
    rows = [json.loads(line) for line in (work / "bt_km.jsonl").read_text("utf-8").splitlines()]
    for row in rows:
        del row["facts"]
    (work / "bt_km.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    before = train.epoch_examples(work, 2, 0, "news")  # pools of an older prepare.py: still fine
    assert before == train.epoch_examples(work, 2, 0, "news", fact_weight=1)
    with pytest.raises(SystemExit, match="run prepare.py again"):
        train.epoch_examples(work, 2, 0, "news", fact_weight=3)
    with pytest.raises(SystemExit, match="at least 1"):
        train.fact_weighted([], 0.5, __import__("random").Random(0))


def test_device_flag_cpu_or_a_cuda_that_is_there(monkeypatch):
    assert train.pick_device("cpu").type == "cpu"
    monkeypatch.setattr(train.torch.cuda, "is_available", lambda: False)
    with pytest.raises(SystemExit, match="no CUDA GPU"):
        train.pick_device("cuda")
    monkeypatch.setattr(train.torch.cuda, "is_available", lambda: True)
    assert train.pick_device("cuda").type == "cuda"
    with pytest.raises(SystemExit, match="cpu or cuda"):
        train.pick_device("tpu")


class _FakeTranslator:
    """Malay -> 'English' by a fixed table; a sentence it does not know comes back empty (dropped)."""

    def __init__(self, table):
        self.table, self.calls = table, []

    def translate_sentences(self, batch, src, tgt):
        self.calls.append(list(batch))
        return [self.table.get(s, "") for s in batch]


def test_backtranslate_resumes_records_positions_without_text_and_passes_the_device(tmp_path, monkeypatch):
    import backtranslate

    sentences = [f"Polis menahan {w} orang lelaki di bandar itu semalam." for w in
                 ("dua", "tiga", "empat", "lima", "enam")]
    mono = tmp_path / "ms_news.txt"
    mono.write_text("\n".join(sentences + ["terlalu pendek."]) + "\n", "utf-8")
    table = {s: s.replace("Polis menahan", "Police held").replace("orang lelaki di bandar itu semalam",
                                                                  "men in the town yesterday") for s in sentences[1:]}
    fake, seen = _FakeTranslator(table), {}

    def get_translator(src, tgt, **kwargs):
        seen.update(kwargs, pair=(src, tgt))
        return fake

    monkeypatch.setattr(backtranslate, "get_translator", get_translator)
    out, positions = tmp_path / "bt" / "backtranslated_ms.r2.jsonl", tmp_path / "backtranslation.json"
    out.parent.mkdir()
    argv = ["backtranslate.py", "--mono", str(mono), "--lang", "ms", "--out", str(out), "--chunk", "2",
            "--device", "cuda", "--threads", "1", "--positions", str(positions), "--key", "ms round 2"]
    monkeypatch.setattr(sys, "argv", argv + ["--limit", "3"])
    backtranslate.main()
    assert seen["pair"] == ("ms", "en") and seen["device"] == "cuda" and seen["threads"] == 1
    order = backtranslate.candidates(mono, "ms")
    assert sorted(order) == sorted(sentences) and [len(c) for c in fake.calls] == [2, 1]
    assert out.with_suffix(".position").read_text() == "3"
    monkeypatch.setattr(sys, "argv", argv)  # resumes at 3: the last two, nothing twice
    backtranslate.main()
    assert [s for c in fake.calls for s in c] == order
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert sorted(r["tgt"] for r in rows) == sorted(sentences[1:])  # "dua" came back empty: dropped
    assert all(r["synthetic"] and r["src"].startswith("Police held") and r["origin"] == "bt_ms" for r in rows)
    record = json.loads(positions.read_text("utf-8"))["ms round 2"]
    assert (record["position"], record["usable"], record["pairs_in_out"], record["device"]) == (5, 5, 4, "cuda")
    assert "Polis" not in positions.read_text("utf-8")  # how far, never the text


def test_backtranslate_refuses_an_unknown_device(tmp_path, monkeypatch, capsys):
    import backtranslate

    monkeypatch.setattr(sys, "argv", ["backtranslate.py", "--mono", str(tmp_path / "x"), "--lang", "km",
                                      "--out", str(tmp_path / "o.jsonl"), "--device", "tpu"])
    with pytest.raises(SystemExit):
        backtranslate.main()
    assert "invalid choice: 'tpu'" in capsys.readouterr().err


def test_parallel_khmer_leaves_out_what_prepare_holds_out(tmp_path, monkeypatch):
    import backtranslate

    data = tmp_path / "parallel"
    _parallel(data)
    english = [f"Sentence number {i} of the set." for i in range(60)]
    khmer = [f"ប្រយោគ{'ក' * (i % 7 + 1)}នេះគឺជាប្រយោគវែងមួយដែលមានអក្សរខ្មែរច្រើនគ្រប់គ្រាន់{i}។" for i in range(60)]
    held = {k for e, k in zip(english, khmer) if prepare.held_out(prepare.clean(e), 25)}
    assert 0 < len(held) < 60
    (data / "tico19_dev/tico19_dev.eng").write_text("\n".join(english) + "\n", "utf-8")
    (data / "tico19_dev/tico19_dev.khm").write_text("\n".join(khmer) + "\n", "utf-8")
    (data / "tico19_dev/tico19_dev.zsm").write_text("\n".join(english) + "\n", "utf-8")
    pool = backtranslate.select(backtranslate.parallel_khmer(data), "km")
    assert set(pool) == set(khmer) - held  # the toy FLORES/Wikipedia lines are too short to be usable
    monkeypatch.setattr(sys, "argv", ["backtranslate.py", "--parallel", str(data), "--lang", "ms",
                                      "--out", str(tmp_path / "o.jsonl")])
    with pytest.raises(SystemExit):
        backtranslate.main()


def test_fact_kinds_choose_which_facts_are_weighted(tmp_path):
    work = _work(tmp_path)  # 3 rows name a count
    only_weekdays = [r["src"] for r in train.epoch_examples(work, 0, 0, "news", fact_weight=3, fact_kinds=("weekday",))]
    assert sorted(only_weekdays) == sorted(f"S{i}." for i in range(10))
    counts = [r["src"] for r in train.epoch_examples(work, 0, 0, "news", fact_weight=2, fact_kinds=("weekday", "count"))]
    assert len(counts) == 13 and counts.count("S0.") == 2
    assert train.FACT_KINDS == prepare.FACT_KINDS


@pytest.mark.parametrize("flags, message", [(["--device", "cuda"], "no CUDA GPU"), (["--device", "gpu"], "cpu or cuda"),
                                            (["--fact-weight", "0.5"], "at least 1"),
                                            (["--fact-kinds", "weekday,colour"], "--fact-kinds"),
                                            (["--hint-share", "1.5"], "a share")])
def test_train_refuses_bad_flags_before_loading_the_model(tmp_path, monkeypatch, flags, message):
    def load(*args):
        raise AssertionError("loaded the model")

    monkeypatch.setattr(train, "load_gguf_base", load)
    monkeypatch.setattr(train.torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(sys, "argv", ["train.py", "--work", str(tmp_path), "--out", str(tmp_path / "o")] + flags)
    with pytest.raises(SystemExit, match=message):
        train.main()


def test_train_runs_a_step_on_the_cpu_with_facts_weighted_and_resumes(tmp_path, monkeypatch):
    """train.py end to end on a tiny random Gemma 3 (tests/tiny_models.py): one step a run."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from tiny_models import build_gemma_base, train_spm

    from newsbrief.models.causal_lm import load_causal_lm

    base = build_gemma_base(tmp_path / "base", train_spm(tmp_path / "spm"))
    monkeypatch.setattr(train, "load_gguf_base", lambda work: load_causal_lm(base))
    work = _work(tmp_path)
    for name, lang in (("flores", "km"), ("wiki", "km"), ("tsv_km", "km"), ("tsv_ms", "ms"), ("valid", "ms"),
                       ("valid_news", "km")):
        rows = _rows(("On Monday the minister spoke.", "Pada hari Isnin menteri bercakap."), ("A hill.", "Bukit."),
                     lang=lang)
        (work / f"{name}.jsonl").write_text("".join(json.dumps(prepare.with_facts(r)) + "\n" for r in rows), "utf-8")
    out = tmp_path / "run"
    argv = ["train.py", "--work", str(work), "--out", str(out), "--mixture", "news", "--minutes", "0",
            "--tsv-per-epoch", "1", "--fact-weight", "3", "--fact-kinds", "count,weekday", "--device", "cpu",
            "--threads", "1", "--batch-tokens", "64", "--hint-share", "0.5"]  # several batches an epoch
    monkeypatch.setattr(sys, "argv", argv)
    train.main()
    state = json.loads((out / "state.json").read_text("utf-8"))
    assert (state["step"], state["batch"], state["fact_weight"], state["fact_kinds"], state["hint_share"]) == (
        1, 1, 3, ["weekday", "count"], 0.5)
    assert (out / "trained.safetensors").is_file() and "valid_news_loss" in state["curve"][-1]
    monkeypatch.setattr(sys, "argv", argv + ["--eval-first"])  # resumes where it stopped
    train.main()
    state = json.loads((out / "state.json").read_text("utf-8"))
    assert (state["step"], state["epoch"], state["batch"]) == (2, 0, 2)
    assert [p["step"] for p in state["curve"]] == [0, 1, 1, 2] and state["curve"][2]["note"].startswith("--eval-first")
    argv[argv.index("--fact-weight") + 1] = "2"  # another plan: the epoch from its first batch
    monkeypatch.setattr(sys, "argv", argv)
    train.main()
    state = json.loads((out / "state.json").read_text("utf-8"))
    assert (state["step"], state["epoch"], state["batch"], state["fact_weight"]) == (3, 0, 1, 2)


def test_hints_follow_the_facts_the_target_states_in_that_form():
    row = _rows(("On Monday the Prime Minister met the police.", "Pada hari Isnin Perdana Menteri bertemu polis."))[0]
    assert prepare.hinted(row)["src"] == ("On Monday ⟨hari Isnin⟩ the Prime Minister ⟨Perdana Menteri⟩ met the "
                                          "police ⟨polis⟩.")
    # a fact the target says another way (or not at all) gets no hint; no fact, no hinted row
    other = _rows(("On Monday the Prime Minister spoke.", "Isnin lalu, PM bercakap."))[0]
    assert prepare.hinted(other) is None
    assert prepare.hinted(_rows(("The cat sat.", "Kucing duduk."))[0]) is None
    khmer = {"src_lang": "en", "tgt_lang": "km", "src": "He left on Monday.", "tgt": "គាត់ចេញ ថ្ងៃ ចន្ទ។"}
    assert prepare.hinted(khmer)["src"] == "He left on Monday ⟨ថ្ងៃចន្ទ⟩."  # Khmer compared without spaces
    back = {"src_lang": "ms", "tgt_lang": "en", "src": "Dia pergi pada hari Isnin.", "tgt": "He left on Monday."}
    assert prepare.hinted(back)["src"] == "Dia pergi pada hari Isnin ⟨Monday⟩."


def test_hint_share_gives_that_share_of_the_rows_that_can_take_hints(tmp_path):
    import random

    rows = _rows(*[("On Monday they met.", "Pada hari Isnin mereka bertemu.")] * 400, ("The cat sat.", "Kucing duduk."))
    assert train.with_hints(rows, 0, random.Random(0)) is rows
    out = train.with_hints(rows, 0.25, random.Random(0))
    share = sum("⟨hari Isnin⟩" in r["src"] for r in out) / 400
    assert 0.18 < share < 0.32 and out[-1] == rows[-1] and len(out) == len(rows)
    assert all(train.with_hints(rows, 1, random.Random(0))[i]["hinted"] for i in range(400))
