"""The 80-line dev sets the recipe README's curve is measured on (en->km, en->ms): held-out lines of
prepare.py's validation pools (FLORES dev, TICO-19 dev, Wikipedia devtest), never trained on.

dev_lines.json names them by the SHA-1 of their English source, in order, so a fresh machine
rebuilds the same files from its own prepare.py output without the text entering the repository:

    python models/recipes/gemma_translation/dev_set.py --work .work/gemma_mt --out .work/dev

then `python -m benchmarks translation-quality --src .work/dev/en-km.en --ref .work/dev/en-km.km
--src-lang en --tgt-lang km --model FOLDER` (likewise en-ms).
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

LINES = Path(__file__).with_name("dev_lines.json")
POOLS = ("valid.jsonl", "valid_news.jsonl")


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def build(work: Path, out: Path, names: dict[str, list[str]]) -> None:
    rows: dict[tuple[str, str], dict] = {}
    for pool in POOLS:
        if (work / pool).exists():
            for line in (work / pool).read_text("utf-8").splitlines():
                row = json.loads(line)
                rows.setdefault((row["tgt_lang"], sha1(row["src"])), row)
    out.mkdir(parents=True, exist_ok=True)
    for direction, hashes in names.items():
        lang = direction.split("-")[1]
        missing = [h for h in hashes if (lang, h) not in rows]
        if missing:
            raise SystemExit(f"{direction}: {len(missing)} of {len(hashes)} dev lines are not in {work}'s "
                             "validation pools: run prepare.py there first")
        chosen = [rows[lang, h] for h in hashes]
        (out / f"{direction}.en").write_text("".join(r["src"] + "\n" for r in chosen), "utf-8")
        (out / f"{direction}.{lang}").write_text("".join(r["tgt"] + "\n" for r in chosen), "utf-8")
        print(f"{out / direction}.en/.{lang}: {len(chosen)} lines")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, required=True, help="prepare.py's folder")
    parser.add_argument("--out", type=Path, required=True, help="where en-km.en/.km and en-ms.en/.ms go")
    parser.add_argument("--record", action="store_true",
                        help="write dev_lines.json from the files already in --out (how it was made)")
    args = parser.parse_args()
    if args.record:
        names = {d: [sha1(s) for s in (args.out / f"{d}.en").read_text("utf-8").splitlines()]
                 for d in ("en-km", "en-ms")}
        LINES.write_text(json.dumps(names, indent=0) + "\n", "utf-8")
        return
    build(args.work, args.out, json.loads(LINES.read_text("utf-8")))


if __name__ == "__main__":
    main()
