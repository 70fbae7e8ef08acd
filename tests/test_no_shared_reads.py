"""Nothing at run time reads the development corpora: the README's first command, in a fresh
process, opens no file under ../shared (nor NEWSBRIEF_SHARED_DATA). test_embedded_model.py
checks the same of building and using the embedded translator."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from needs import REPO, SHARED_DATA

TESTS = Path(__file__).resolve().parent
CORPORA = (REPO.parent / "shared", SHARED_DATA)

RUN = """
import json, runpy, sys
sys.path.insert(0, sys.argv[1])
from reads import Reads
out, sys.argv = sys.argv[2], ["newsbrief", *sys.argv[3:]]
with Reads() as reads:
    try:
        runpy.run_module("newsbrief", run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as exit:
        code = exit.code
with open(out, "w") as fh:
    json.dump({"code": code, "paths": reads.paths}, fh)
"""


def test_the_readme_first_command_reads_nothing_of_the_corpora(tmp_path):
    example = REPO / "examples" / "scam-compounds-en.txt"
    out = tmp_path / "reads.json"
    done = subprocess.run([sys.executable, "-c", RUN, str(TESTS), str(out), "summarize", str(example)],
                          capture_output=True, text=True, timeout=300, cwd=REPO)
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text("utf-8"))
    assert result["code"] in (0, None) and "Key figures" in done.stdout
    paths = result["paths"]
    assert str(example) in paths and any(p.endswith(".py") for p in paths)  # the hook saw the run
    for folder in CORPORA:
        assert not [p for p in paths if Path(p).resolve().is_relative_to(folder.resolve())], folder


def test_reads_records_only_inside_its_block(tmp_path):
    from reads import Reads

    inside, outside = tmp_path / "inside.txt", tmp_path / "outside.txt"
    inside.write_text("x")
    outside.write_text("x")
    with Reads() as reads:
        inside.read_text()
    outside.read_text()
    assert reads.under(tmp_path) == [str(inside)]
