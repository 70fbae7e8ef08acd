"""Check src/newsbrief/translation/data/malaysian_words.tsv against Malaysian and Indonesian news.

Each row (Indonesian -> Malaysian) should be Indonesian by use: the Indonesian form at least
3x (+5) more frequent in Indonesian news than in Malaysian news, and Malaysian news using the
Malaysian form more often than the Indonesian one. Prints the counts of every row and exits 1
when a row breaks the rule. The news texts are the publishers': counted here, never copied.

    python models/recipes/malaysian_words/check.py --id ../shared/data/mono/id_news.txt \
        --ms ../shared/data/mono/ms_news.txt
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

from newsbrief.lid._msid import words as lowercased_words  # the discriminator's own words

TABLE = Path(__file__).resolve().parents[3] / "src/newsbrief/translation/data/malaysian_words.tsv"


def counts(path: Path) -> collections.Counter:
    """Lowercased words and word pairs of a text file."""
    out: collections.Counter = collections.Counter()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            words = lowercased_words(line)
            out.update(words)
            out.update(f"{a} {b}" for a, b in zip(words, words[1:]))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--id", type=Path, required=True, help="Indonesian news, one sentence a line")
    parser.add_argument("--ms", type=Path, required=True, help="Malaysian news, one sentence a line")
    args = parser.parse_args(argv)
    indonesian, malaysian = counts(args.id), counts(args.ms)
    broken = 0
    for row in TABLE.read_text("utf-8").splitlines():
        if not row or row.startswith("#"):
            continue
        id_form, ms_form = row.lower().split("\t")
        ok = indonesian[id_form] > 3 * malaysian[id_form] + 5 and malaysian[ms_form] > malaysian[id_form]
        broken += not ok
        print(f"{id_form:14} id {indonesian[id_form]:5} ms {malaysian[id_form]:5} | {ms_form:16} "
              f"id {indonesian[ms_form]:5} ms {malaysian[ms_form]:5}{'' if ok else '  <- breaks the rule'}")
    print(f"{broken} row(s) break the rule", file=sys.stderr)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
