#!/usr/bin/env python3
"""Choose khmer_names.sounds_like's thresholds on training lines (never the held-out ones):

    pip install anyascii
    nice .venv/bin/python models/recipes/khmer_names/choose.py ../shared/data 0.75,0.8 0.7,0.75 0.75,0.85

300 training pairs (FLORES-200 dev, TICO-19 dev, Wikipedia; a fixed sample) whose English has a
Latin word the check would read as a name. For each (letters, sounds) pair of thresholds: how
many of those human references the name check flags (false flags: they are right), and how many
invented names it catches (a name word of another line's reference, "They met NAME there.",
checked against this line's Khmer). Prints one line per setting and the words flagged most in
the references under the shipped thresholds.
"""
from __future__ import annotations

import random
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build  # noqa: E402
import measure  # noqa: E402
from newsbrief.translation import khmer_names, names  # noqa: E402


def main() -> int:
    data = Path(sys.argv[1])
    random.seed(0)
    pairs = [(en, km) for en, km in build.training_pairs(data / "parallel")
             if re.search("[\u1780-\u17ff]{20}", km) and len(en) > 40][:6300]
    lines = random.sample([p for p in pairs if names.invented("។", p[0], "km", "en")], 300)
    random.seed(1)
    pool = [(w, en) for en, _ in lines for _, _, n in names.find(en, "en") for w in n.split()]
    fake = []
    for en, km in lines:
        word, other = random.choice(pool)
        if other != en and names.invented("។", f"They met {word} there.", "km", "en"):
            fake.append((km, f"They met {word} there."))
    shipped = khmer_names.sounds_like
    for setting in sys.argv[2:]:
        letters, sounds = map(float, setting.split(","))
        khmer_names.sounds_like = lambda w, s, a=letters, b=sounds: shipped(w, s, a, b)
        refs = sum(measure.flagged(km, en) for en, km in lines)
        caught = sum(bool(names.invented(km, out, "km", "en")) for km, out in fake)
        print(f"letters {letters} sounds {sounds}: references flagged {refs} of {len(lines)}, "
              f"invented caught {caught} of {len(fake)}")
    khmer_names.sounds_like = shipped
    words: Counter = Counter()
    for en, km in lines:
        words.update(names.invented(km, en, "km", "en"))
        words.update(f"missing {khmer_names.latin(n)}" for n in names.missing(km, en, "km", "en"))
    print("flagged most in the references:", words.most_common(30))
    return 0


if __name__ == "__main__":
    sys.exit(main())
