#!/usr/bin/env python3
"""Two msid tables side by side in one process: detect(sentence) speed with each, alternating passes.

Usage (from the repository root; OLD and NEW hold msid.json + msid.tsv.gz, e.g. v2 from git):
    mkdir -p $WORK/v2 && for f in msid.json msid.tsv.gz; do
        git show 69bdde3:src/newsbrief/lid/data/$f > $WORK/v2/$f; done
    PYTHONPATH=src:. python models/recipes/lid_ms_id/compare_speed.py $WORK/v2 src/newsbrief/lid/data
Sentences: NTREX-128 msa (../shared/data) and the first 2,000 kumparan held-out sentences; best of 3 passes after
a warm-up pass, wall clock and per second of this process's CPU time.
"""
from __future__ import annotations

import gzip
import json
import sys
import time
from pathlib import Path

from benchmarks.detection import HELDOUT, ntrex, read_lines
from newsbrief import detect
from newsbrief.lid import _msid


def load(folder: str) -> _msid.MsIdModel:
    meta = json.loads((Path(folder) / "msid.json").read_text("utf-8"))
    weights = {}
    with gzip.open(Path(folder) / "msid.tsv.gz", "rt", encoding="utf-8") as f:
        for line in f:
            key, _, value = line.rstrip("\n").rpartition("\t")
            weights[key] = float(value)
    return _msid.MsIdModel(weights, meta)


def main(old: str, new: str) -> None:
    models = {"old": load(old), "new": load(new)}
    sents = [s for s in ntrex("msa")[0] if s.strip()] + read_lines(HELDOUT / "id_kumparan_heldout.txt.gz")[:2000]
    best = {name: (float("inf"), float("inf")) for name in models}
    for rnd in range(4):  # round 0 warms up
        for name, m in models.items():
            _msid.model = lambda m=m: m  # newsbrief.lid looks the model up at every call
            t0, c0 = time.perf_counter(), time.process_time()
            for s in sents:
                detect(s)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            if rnd:
                best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    for name, (wall, cpu) in best.items():
        folder = old if name == "old" else new
        print(f"{name} ({folder}): {len(sents)} sentences, best wall {len(sents) / wall:,.0f}/s, "
              f"per CPU second {len(sents) / cpu:,.0f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
