"""Names a Khmer text writes in Khmer script (ហ៊ុន សែន, ឆាយ គឹមខឿន): found, written in Latin
letters for an English or Malay reader, and used to check the names of a translation.

A name is found two ways:
- the Khmer-Latin name table (data/khmer_names.tsv, mined from the parallel data by
  models/recipes/khmer_names/build.py: each Khmer form with its Latin form and how often the
  pair was seen), longest form first;
- a title (លោក, លោកស្រី, ឯកឧត្តម, សម្តេច, អ្នកឧកញ៉ា, ...) followed by a space and two short words
  of Khmer letters, neither a common word nor a verb: how Cambodian news names a person
  ("លោក ឆាយ គឹមខឿន"); or one such word before a verb ("លោក អូបាម៉ា មិនព្រម", "... និយាយថា").
A place (facts.places: provinces, countries) is no name: the place check renders it.

Its Latin form is the table's, else the romanization of newsbrief.romanize.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from importlib import resources

from ..romanize import clusters, romanize, syllables

# a cluster: a consonant or independent vowel, with its subscripts (coeng + consonant) and signs
# honorifics before a person's name, longest first (a title may be glued to the name or to
# another title: "សម្តេចតេជោ", "ឯកឧត្តម នាយឧត្តមសេនីយ៍")
TITLES = tuple(sorted("""លោក លោកស្រី ឯកឧត្តម សម្តេច សម្ដេច អ្នកឧកញ៉ា ឧកញ៉ា លោកជំទាវ អ្នកស្រី កញ្ញា នាយឧត្តមសេនីយ៍
ឧត្តមសេនីយ៍ឯក ឧត្តមសេនីយ៍ទោ ឧត្តមសេនីយ៍ត្រី ឧត្តមសេនីយ៍ វរសេនីយ៍ឯក វរសេនីយ៍ទោ វរសេនីយ៍ត្រី វរសេនីយ៍ អនុសេនីយ៍ឯក
អនុសេនីយ៍ទោ អនុសេនីយ៍ត្រី អនុសេនីយ៍ បណ្ឌិត សម្តេចតេជោ សម្ដេចតេជោ តេជោ ព្រះករុណា""".split(), key=len, reverse=True))
# words that follow a title without being a name (he said, he has, and, at, ...): a title word
# followed by one of these is a pronoun ("លោក បាន និយាយ": he said)
_COMMON = frozenset("""បាន និង ថា នៅ ជា មាន ក៏ ដែល នេះ នោះ ទាំង ទៅ មក ត្រូវ នឹង មិន កំពុង ឲ្យ ឱ្យ គឺ ដោយ ពី
របស់ សម្រាប់ អំពី ដល់ ក្នុង លើ ក្រោម ហើយ ប៉ុន្តែ ព្រោះ បើ ទេ ផង ទៀត ដូច ថែម ធ្លាប់ អាច ចង់ គួរ នាយក រដ្ឋមន្ត្រី
ប្រធាន អនុប្រធាន អ្នកនាំពាក្យ អភិបាល ស្នងការ ប្រមុខ មេ ជំទាវ ទាំងអស់ គ្រប់ អ្នក ខ្លួន គាត់ គេ យើង ខ្ញុំ""".split())
_VERB_MARKS = ("បាន", "មិន", "នឹង", "កំពុង", "ត្រូវ", "ធ្លាប់", "អាច", "ចង់", "ទើប", "ក៏")
_WORD = re.compile("[\u1780-\u17d3\u17dd\u200b]+")
# a title: whole (no sign or subscript after it), then a space
_TITLE = re.compile("(?:" + "|".join(map(re.escape, TITLES)) + ")(?![\u17b4-\u17d3\u17dd])[\u200b ]+")
# words that end with លោក without a title (ពិភពលោក world, សកលលោក universe, មនុស្សលោក mankind, ...);
# glued to any other word it is one ("ចាប់ខ្លួនលោក សម រង្ស៊ី": arrest Mr Sam Rainsy)
_WORLDS = ("ពិភព", "សកល", "សាកល", "ប្រល័យ", "បរ", "មនុស្ស", "ទេវ", "នរក", "ព្រហ្ម", "ត្រៃ", "ឥហ")
# words glued before a name word are no part of it ("និងលោក" is "and Mr")
_GLUE = ("ដោយ", "របស់", "ថា", "និង", "ពី", "ជាមួយ", "ចំពោះ", "នៅ", "ឲ្យ", "ឱ្យ", "ដល់", "កាន់", "រវាង", "គឺ", "ជា")


@dataclass(frozen=True)
class Entry:
    khmer: str
    latin: str
    seen: int  # how often the parallel data paired these two forms


@functools.cache
def table() -> dict[str, Entry]:
    """Khmer form -> its entry (data/khmer_names.tsv)."""
    out: dict[str, Entry] = {}
    text = (resources.files(__package__) / "data" / "khmer_names.tsv").read_text("utf-8")
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        khmer, latin, seen, _ = line.split("\t")
        out[khmer] = Entry(khmer, latin, int(seen))
    return out


@functools.cache
def _table_pattern() -> re.Pattern[str]:
    forms = sorted(table(), key=len, reverse=True)
    # a form may carry zero-width spaces between its letters in a text; it never starts mid-cluster
    return re.compile("(?<![\u17b4-\u17d3])(?:" + "|".join("\u200b?".join(map(re.escape, f)) for f in forms) +
                      ")(?!\u17d2|[\u17b4-\u17d1\u17d3\u17dd])")


def find(text: str) -> list[tuple[int, int, str]]:
    """The Khmer-script names of a Khmer text as (start, end, name), in order."""
    found = [(m.start(), m.end(), m.group()) for m in _table_pattern().finditer(text)] if table() else []
    for m in _TITLE.finditer(text):
        if text[:m.start()].endswith(_WORLDS):
            continue  # inside a word: ពិភពលោក (world) is no title
        rest = text[m.end():]
        # more titles (ឯកឧត្តម នាយឧត្តមសេនីយ៍ ...) before the name
        while True:
            more = next((t for t in TITLES if rest.startswith(t)), None)
            if more is None:
                break
            rest = rest[len(more):].lstrip(" \u200b")
        start = len(text) - len(rest)
        words = re.match(r"([\u1780-\u17d3\u17dd]+) ([\u1780-\u17d3\u17dd]+)(?![\u1780-\u17d3\u17dd])", rest)
        if not words:
            continue
        first, second = words.group(1), words.group(2)
        if not _name_word(first):
            continue
        # one word when the next is a verb or a common word ("លោក អូបាម៉ា មិនព្រម": Obama refuses)
        if _name_word(second):
            end = start + words.end()
        elif len(clusters(first)) >= 2 and (second.startswith(_VERB_MARKS) or second.endswith("ថា")):
            end = start + words.end(1)
        else:
            continue
        if not any(s <= start < e or s < end <= e for s, e, _ in found):
            found.append((start, end, text[start:end]))
    # a place is the place check's (facts.places; it renders provinces and countries): not a name
    from ..facts import places

    taken = [(p.start, p.end) for p in places.find(text, "km")]
    return sorted(f for f in found if not any(a < f[1] and f[0] < b for a, b in taken))


def _name_word(word: str) -> bool:
    """A word that may be part of a person's name: short, no common word, title, role (the news
    glossary: រដ្ឋមន្ត្រី) or verb form (a word opening with បាន, មិន, នឹង, និង, ... or ending with ថា)."""
    from ..facts import roles

    return not (word in _COMMON or len(clusters(word)) > 4 or any(t in word for t in TITLES)
                or word.startswith(_VERB_MARKS + _GLUE) or word.endswith("ថា") or roles.find(word, "km"))


def latin(name: str) -> str:
    """How an English or Malay reader gets a Khmer-script name: the table's form, else romanized."""
    entry = table().get(name.replace("\u200b", ""))
    return entry.latin if entry else romanize(name)


def glossary(sentences: list[str] | tuple[str, ...]) -> list[tuple[str, str]]:
    """(Khmer name, Latin form) for every Khmer-script name of an article, to protect."""
    seen: dict[str, None] = {}
    for sentence in sentences:
        for _, _, name in find(sentence):
            seen.setdefault(name, None)
    return [(name, latin(name)) for name in seen]


def known_words(source: str) -> set[str]:
    """Lowercase Latin words a translation of a Khmer text may use for its names: the words of
    each name's Latin form, and the English forms of the places the text names."""
    from ..facts import places

    words = {w.lower() for _, _, name in find(source) for w in re.findall(r"[\w'’.-]+", latin(name))}
    for place in places.find(source, "km"):
        words |= {w.lower() for form in places.lexicon().entries[place.key].get("en", ()) for w in form.split()}
    return words


_SOUND = str.maketrans("bdgcqwfzxj", "ptkkkvvssC")


def sound(text: str) -> str:
    """Latin letters as they sound, for comparing spellings: voiced and voiceless consonants
    alike (b/p, d/t, g/k; ch and j one sound), h after the first letter dropped (kh, ph, th),
    a run of vowels one "a" ("Danius" and "Daninhous": "tanas", "tananas")."""
    text = re.sub(r"[^a-z]", "", text.lower()).replace("ch", "C").replace("ng", "N")
    text = text[:1] + text[1:].replace("h", "")
    return re.sub(r"[aeiou]+", "a", text.translate(_SOUND)).replace("C", "c").replace("N", "ng")


def sounds_like(word: str, source: str, letters: float = 0.75, sounds: float = 0.8) -> bool:
    """Whether a Latin word is written like a run of syllables of the Khmer text's romanization:
    their letters alike (difflib ratio at least `letters`: "Danius" and ដានីញូស "daninhous"), or
    their sound() alike (at least `sounds`) and opening with the same sound ("Nagasaki", "Pakistan"
    and ប៉ាគឺស្ថាន "bakeusthan"). A run starts at a syllable and stays inside one space-separated
    Khmer word: a name starts no syllable halfway, and one Latin word crosses no space.
    Thresholds chosen on training lines (models/recipes/khmer_names/README.md)."""
    spoken = sound(word)
    plain = re.sub(r"[^a-z]", "", word.lower())
    words = [syllables(word) for word in re.split(r"[\s\u200b]+", " ".join(_WORD.findall(source))) if word]
    if len(spoken) < 3:  # "Oun", "Mai": too short to compare loosely; there as it sounds, or not
        return len(spoken) == 2 and any(spoken == sound(part) for parts in words for part in parts)
    for parts in words:  # within a Khmer word: a Latin word never spans a space
        for i in range(len(parts)):
            span = ""
            for j in range(i, len(parts)):
                span += parts[j]
                if len(span) > 1.5 * len(plain) + 1:
                    break
                if len(span) < 0.6 * len(plain):
                    continue
                if SequenceMatcher(None, plain, span, autojunk=False).ratio() >= letters:
                    return True
                heard = sound(span)
                if heard[:1] == spoken[:1] and SequenceMatcher(None, spoken, heard, autojunk=False).ratio() >= sounds:
                    return True
    return False


@functools.cache
def english_words() -> frozenset[str]:
    """Lowercase words the parallel data's English writes in lowercase (data/english_words.txt.gz)."""
    import gzip

    with gzip.open(resources.files(__package__) / "data" / "english_words.txt.gz", "rt", encoding="utf-8") as fh:
        return frozenset(fh.read().split())


def english_word(word: str) -> bool:
    """A common English word, or a simple inflection of one ("Lifeguards", "Winemaking")."""
    w = word.lower()
    words = english_words()
    return w in words or any(w.endswith(end) and (w[:-len(end)] in words or w[:-len(end)] + "e" in words)
                             for end in ("s", "es", "ed", "d", "ing", "er", "ers", "ly"))


def missing(source: str, target: str) -> list[str]:
    """The Khmer-script names of source whose Latin form a (Latin-script) translation lacks: none
    of the form's words, nor a word like one of them."""
    from .names import _alike

    words = {w.lower().strip("'’.-") for w in re.findall(r"[\w'’.-]+", target)} - {""}
    out = []
    for _, _, name in find(source):
        form = [w.lower() for w in re.findall(r"[\w'’.-]+", latin(name))]
        if not any(w in words or any(_alike(v, w) for v in words) for w in form) and name not in out:
            out.append(name)
    return out
