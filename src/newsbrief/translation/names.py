"""Names that survive translation: found in the source, rendered one way per article, and
names a translation invents.

A *name* is a run of capitalised words (Latin script) with at least one word that is not a
common word of the language: WordNet (English) and Wordnet Bahasa (Malay) write proper nouns
with capitals, so their lowercase lemmas (data/vocab.tsv.gz) are the common words. Titles
("Prime Minister") and capitalised common words ("Ministry of Interior") are not names: the
model translates them. A name is rendered once per article and protected like a URL
(protect.Protector's glossary), so every sentence of a brief spells it the same way:

- into English and Malay: as written, except the CLDR names of countries, territories and
  languages (data/names.tsv), which have a standard form ("Cambodia" -> "Kemboja");
- into Khmer: the CLDR Khmer form where there is one ("Cambodia" -> "កម្ពុជា"), else the
  Latin form kept. We have no transliterator that a Khmer reader can trust: the model wrote
  "Hun Manet" three ways in one brief. A Latin name is one spelling, and it can be checked
  against the source (invented() below).

A Khmer article's names in Khmer script (ឆាយ គឹមខឿន) are found and written in Latin letters by
khmer_names (a mined name table, else a romanization); into English and Malay they are protected
the same way, and invented() and missing() check a translation's names against them.

The data is built by models/recipes/names/build.py from the parallel data's CLDR and Open
Multilingual Wordnet rows.
"""

from __future__ import annotations

import difflib
import functools
import gzip
import re
from importlib import resources
from typing import Iterable, Sequence

from .protect import PLACEHOLDER_RE as PLACEHOLDER

LATIN = ("en", "ms")
# Words that may be capitalised without being names: function words, honorifics and titles
# (a title ends a name: "Prime Minister Hun Manet" -> "Hun Manet").
_FUNCTION = frozenset("""a an the and or but nor of to in on at by for with from as is was were are be been that this
these those there here it its he she we they i you his her our their my your me him us them who whom whose which what
when where why how if then than so not no yes all any each every some such both either neither after before since
while until during into over under about against between among through per via also only just still yet however
meanwhile moreover furthermore thus hence therefore although though because unless whether do does did has have had
will would shall should can could may might must mr mrs ms dr prof sir madam another other others many much most
more less few several
apa siapa bagaimana mengapa kenapa bila mana sini situ para setiap semua banyak beberapa
dan atau tetapi dengan di ke dari daripada kepada pada untuk bagi oleh dalam antara yang ini itu tersebut ia dia
mereka kami kita saya beliau anda nya telah akan sudah masih juga hanya jika kerana bahawa selepas sebelum semasa
ketika apabila manakala namun serta iaitu ialah adalah tidak bukan""".split())
_CALENDAR = frozenset("""january february march april may june july august september october november december monday tuesday wednesday
thursday friday saturday sunday januari februari mac mei jun julai ogos oktober disember isnin selasa rabu khamis
jumaat sabtu ahad one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
seventeen eighteen nineteen twenty thirty forty fifty hundred hundreds thousand thousands million millions billion
dozens satu dua tiga empat lima enam tujuh lapan sembilan sepuluh sebelas seratus seribu sejuta jan feb apr jul aug
sep sept oct nov dec first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth twentieth
pertama kedua ketiga keempat kelima keenam ketujuh kelapan kesembilan kesepuluh""".split())
_TITLES = frozenset("""prime minister ministers president vice deputy secretary general chief director governor king queen
prince princess police commissioner spokesman spokeswoman spokesperson ambassador senator lieutenant colonel
major captain officer inspector sergeant judge justice chairman chairwoman chair head leader samdech excellency
majesty highness royal lord lady pope bishop premier chancellor mayor minister's senior undersecretary his her
perdana menteri timbalan presiden ketua setiausaha agung pengarah gabenor raja permaisuri putera puteri polis
pesuruhjaya jurucakap duta senator leftenan kolonel mejar kapten pegawai inspektor sarjan hakim pengerusi
datuk datin dato tan sri seri tun tuan puan encik en yang berhormat amat mulia paduka baginda sultan tunku tengku""".split())
_WORD = r"[A-Z][\w’'.-]*\w|[A-Z]"
_RUN = re.compile(rf"(?<![\w’'-])(?:{_WORD})(?:\s+(?:(?:of|bin|binti|al|de|van|von|la|da)\s+)?(?:{_WORD}))*")
_POSSESSIVE = re.compile(r"[’']s$")


@functools.cache
def vocabulary() -> dict[str, frozenset[str]]:
    """lowercase common word -> the languages it is a common word of."""
    words: dict[str, frozenset[str]] = {}
    with gzip.open(resources.files(__package__) / "data" / "vocab.tsv.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            word, langs = line.rstrip("\n").split("\t")
            words[word] = frozenset(langs.split())
    return words


@functools.cache
def malay_words() -> frozenset[str]:
    """Words Malaysian news writes in lowercase inside a sentence (data/malay_words.txt.gz,
    models/recipes/names/malay_words.py): function words and derived forms Wordnet Bahasa lacks."""
    with gzip.open(resources.files(__package__) / "data" / "malay_words.txt.gz", "rt", encoding="utf-8") as fh:
        return frozenset(fh.read().split())


@functools.cache
def cldr_names() -> dict[str, dict[str, str]]:
    """English CLDR name -> {"ms": Malay form, "km": Khmer form} (where CLDR has one)."""
    table: dict[str, dict[str, str]] = {}
    text = (resources.files(__package__) / "data" / "names.tsv").read_text("utf-8")
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        english, malay, khmer = line.split("\t")
        table[english] = {k: v for k, v in (("ms", malay), ("km", khmer), ("en", english)) if v}
    return table


@functools.cache
def _from_malay() -> dict[str, str]:
    return {forms["ms"]: english for english, forms in cldr_names().items() if "ms" in forms}


def _cldr_word(word: str) -> bool:
    """A CLDR name ("China", "Turkey", Malay "Kemboja") is a name though it is also a common word."""
    word = _POSSESSIVE.sub("", word)
    if word.lower() in _CALENDAR or word.lower() in _FUNCTION or word.lower() in _TITLES:
        return False  # CLDR names days and months too
    return word in cldr_names() or word in _from_malay()


def common_word(word: str, lang: str) -> bool:
    """A word of the language's vocabulary (or a function word, title, month, or simple inflection of one)."""
    w = _POSSESSIVE.sub("", word).lower()
    if w in _FUNCTION or w in _TITLES or w in _CALENDAR:
        return True
    half, _, other = w.partition("-")
    if half and half == other:  # Malay plural by reduplication: "Gereja-gereja"
        w = half
    forms = {w}
    if lang == "en":
        for suffix, repl in (("s", ""), ("es", ""), ("ies", "y"), ("ed", ""), ("ed", "e"), ("d", ""), ("ing", ""),
                             ("ing", "e")):
            if w.endswith(suffix):
                forms.add(w[:-len(suffix)] + repl)
        if re.search(r"(?:([b-df-hj-np-tv-z])\1|ck)(?:ing|ed)$", w):  # "combatting", "trafficking"
            forms.add(re.sub(r"(?:ing|ed)$", "", w)[:-1])
    else:
        prefixes = ("", "ber", "ter", "di", "ke", "pe", "per", "se", "me", "mem", "men", "meng", "peng", "pen", "pem")
        forms |= {w.removeprefix(p).removesuffix(s) for p in prefixes for s in ("", "nya", "kan", "an", "i", "lah")}
    vocab = vocabulary()
    if any(lang in vocab.get(f, ()) for f in forms if len(f) >= 2):
        return True
    # a plural demonym ("Malaysians", "Cambodians") counts people: the model translates it
    return lang == "en" and w.endswith("s") and _demonym_country(word[:-1]) is not None


def _headline(sentence: str, lang: str) -> bool:
    """Title Case Headlines: most words capitalised, common words among them ("And", "Fight",
    "Scams"), so capitals say nothing. A sentence full of names and titles is no headline."""
    words = re.findall(r"[^\W\d_][\w’'-]*", sentence)
    capitalised = [w for w in words[1:] if w[0].isupper()]
    if len(words) < 4 or len(capitalised) + 1 < 0.7 * len(words):
        return False
    function = sum(w.lower() in _FUNCTION for w in capitalised)
    common = sum(w.lower() not in _TITLES and w.lower() not in _FUNCTION and common_word(w, lang) for w in capitalised)
    return function >= 1 or common >= 2


def find(sentence: str, lang: str) -> list[tuple[int, int, str]]:
    """The names of a Latin-script sentence as (start, end, name), in order."""
    if lang not in LATIN or _headline(sentence, lang):
        return []
    found = []
    for run in _RUN.finditer(sentence):
        words = list(re.finditer(r"\S+", run.group()))
        group: list[re.Match[str]] = []

        initial = not sentence[:run.start()].strip(" \"“‘'(")  # at the start of the sentence

        def close() -> None:
            while group and (group[0].group().lower() in _FUNCTION
                             or (initial and group[0].start() == 0 and common_word(group[0].group(), lang))):
                group.pop(0)  # "The", or "Yesterday" opening the sentence, is not part of a name
            if group and any(not common_word(w.group(), lang) or _cldr_word(w.group()) for w in group):
                start, end = run.start() + group[0].start(), run.start() + group[-1].end()
                name = sentence[start:end]
                possessive = _POSSESSIVE.search(name)
                if possessive:
                    name, end = name[:possessive.start()], end - len(possessive.group())
                if not PLACEHOLDER.fullmatch(name):
                    found.append((start, end, name))
            group.clear()

        for w in words:
            if w.group().lower() in _TITLES or _role_word(w.group(), lang):
                close()
                continue
            group.append(w)
            if _POSSESSIVE.search(w.group()):
                close()
        close()
    return found


def _role_word(word: str, lang: str) -> bool:
    """A one-word role or institution of the news glossary ("Kerajaan", "Mahkamah", "Tentera"): like a
    title it ends a name, so "Kerajaan UK" is the government and the UK (each protected as a fact),
    not one name kept as written."""
    from ..facts import roles

    return any(f.start == 0 and f.end == len(word) for f in roles.find(word, lang))


def article_names(sentences: Iterable[str], lang: str) -> list[str]:
    """The distinct names of an article, in order of first appearance."""
    seen: dict[str, None] = {}
    for sentence in sentences:
        for _, _, name in find(sentence, lang):
            seen.setdefault(name, None)
    return list(seen)


def _demonym_country(name: str) -> str | None:
    """"Malaysian" -> "Malaysia", "Vietnamese" -> "Vietnam" (a CLDR country), else None."""
    table = cldr_names()
    if not re.fullmatch(r"[A-Z][a-z]+(?:an|ese|i|n)", name):
        return None
    for country in (name[:-1], name[:-3], name[:-3] + "a", name[:-2] + "a"):
        if country in table or (len(country) > 3 and country in _from_malay()):
            return country
    return None


def render(name: str, src: str, tgt: str) -> str:
    """How a name is written in the target language (see the module docstring)."""
    table = cldr_names()
    english = name if src == "en" else _from_malay().get(name, name)
    forms = table.get(english)
    if forms is None and " " not in name and not name.endswith("s"):
        country = _demonym_country(english)  # "Malaysian Prime Minister" -> "Perdana Menteri Malaysia"
        forms = table.get(country, {"en": country, "ms": country}) if country else None
    if forms is None:
        return name
    return forms.get(tgt, name if tgt == "km" else english if tgt == "en" else forms.get("en", name))


# a name a Khmer text writes in Latin letters ("លោក Jon Tigar"): two or more capitalised words
_LATIN_IN_KHMER = re.compile(r"(?<![\w'’-])[A-Z][a-z’'-]+(?:\s+[A-Z][a-z’'-]+)+(?![\w'’-])")


def glossary(sentences: Sequence[str], src: str, tgt: str, exclude: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(name, rendering) for every name of an article, to protect; from a Khmer article, the names
    it writes in Latin letters, kept as written (the model garbled "Jon Tigar" into "Jon_elar")."""
    if src == tgt:
        return []
    skip = set(exclude)
    if src == "km":
        latin = dict.fromkeys(m.group() for s in sentences for m in _LATIN_IN_KHMER.finditer(s))
        out = [(name, name) for name in latin if name not in skip]
        if tgt in LATIN:  # and the names it writes in Khmer script, in Latin letters (ឆាយ គឹមខឿន)
            from . import khmer_names

            out += [(name, form) for name, form in khmer_names.glossary(sentences) if name not in skip]
        return out
    if src not in LATIN:
        return []
    return [(name, render(name, src, tgt)) for name in article_names(sentences, src) if name not in skip]


def invented(source: str, target: str, src: str, tgt: str, allowed: Iterable[str] = ()) -> list[str]:
    """Names a translation has that its (Latin-script) source does not: capitalised words of the
    target that are not common words and appear neither in the source (nor as the CLDR form of
    a source name, nor spelt nearly alike: "Amerika" for "America") nor in `allowed` (renderings
    put in on purpose). Placeholders (XQ1X) and short acronyms ("AS" for "US") are skipped.
    From a Khmer source into English or Malay, a word is also known when it is a word of the Latin
    form of one of the source's Khmer-script names, or like a stretch of the source's romanization
    (khmer_names: "Sara Danius" for សារ៉ា ដានីញូស, never "Wang Chengyun")."""
    khmer = src == "km" and tgt in LATIN
    if src not in LATIN and not khmer or khmer and _headline(target, tgt):
        return []  # a Title Case Headline says nothing by its capitals
    lang = tgt if tgt in LATIN else src  # in a Khmer text, a Latin name is checked as a source-language name
    known = _known_words(source, allowed)
    if khmer:
        from . import khmer_names

        known |= khmer_names.known_words(source)
    out: dict[str, None] = {}
    plain = PLACEHOLDER.sub(" ", target)
    # a translation capitalises the words of names it translates ("Roman Catholic Church" for
    # "Gereja Roman Katolik", "Seventh Fleet", Malay "Air Terjun" for "the Falls"): judged as from
    # Khmer, by the words the parallel data's English or Malaysian news writes in lowercase, not as names
    lenient = tgt in LATIN
    if lenient:  # the words of a CLDR name the translation writes ("Zealand" of "New Zealand"): the place check's
        known |= {w.lower() for run in _RUN.finditer(plain) for w in _cldr_in(run.group().split())}
    for run in _RUN.finditer(plain):
        for word in run.group().split():
            bare = _bare(word)
            low = bare.lower()
            if len(bare) < 2 or common_word(bare, lang) or low in known:
                continue
            if lenient and (_excused(bare, lang) or (len(run.group().split()) == 1 and
                                                   re.search(r"(?:^|[.!?:;\"“”])\W*$", plain[:run.start()]))):
                continue  # a lone capitalised word opening a sentence ("Born in ..."): no sign of a name
            if len(bare.replace(".", "")) <= 3 and bare.replace(".", "").isupper():
                continue  # an acronym: "AS" is how Malay writes "US", "PBB" the "UN"
            if any(_alike(low, k) for k in known):
                continue  # "Cambodian" from "Cambodia", "Amerika" from "America"
            if khmer and khmer_names.sounds_like(bare, source):
                continue
            out.setdefault(bare, None)
    return list(out)


def _cldr_in(words: list[str]) -> list[str]:
    """The words of the CLDR names a run of capitalised words holds ("New Zealand Herald": New, Zealand)."""
    table, malay = cldr_names(), _from_malay()
    return [w for i in range(len(words)) for j in range(i + 2, len(words) + 1)
            if " ".join(words[i:j]) in table or " ".join(words[i:j]) in malay for w in words[i:j]]


_ADJECTIVE = re.compile(r"(?:ial|al|ian|an|ive|ic|ical|ern|ese|ish|ary|ous)$")
_COMPASS = frozenset("""north south east west northern southern eastern western northeast northwest southeast southwest
central new""".split())


def _excused(word: str, lang: str) -> bool:
    """A capitalised word a translation into lang (English or Malay) may well use that its source
    cannot show: an acronym (Khmer spells it, Malay translates it: "KDNK" for "GDP"), a country,
    language or demonym (CLDR; the place check compares places), a word the parallel data's English
    (khmer_names.english_word) or Malaysian news (malay_words) writes in lowercase, or an adjective
    of a common English word ("Presidential")."""
    if re.fullmatch(r"[A-Z]{2,}s?|[A-Z][a-z]?[A-Z]+[a-z]*", word):  # an acronym ("UNESCO", "NPIs", "iPhone")
        return True
    from .khmer_names import english_word

    if english_word(word) if lang == "en" else word.lower() in malay_words():  # "Kanak-kanak" whole
        return True
    if "-" in word:  # "French-speaking", "FIP-like"
        return any(_excused(part, lang) or common_word(part, lang) for part in word.split("-") if part)
    if _cldr_word(word) or _demonym_country(word) is not None or word.lower() in _from_malay() \
            or word.lower() in _COMPASS:
        return True
    stem = _ADJECTIVE.sub("", word.lower())
    return stem != word.lower() and len(stem) >= 4 and any(
        common_word(stem + end, "en") for end in ("", "e", "y", "ure", "t", "ion"))


def missing(source: str, target: str, src: str, tgt: str) -> list[str]:
    """The source's names that a translation leaves out: today the Khmer-script names of a Khmer
    source into English or Malay (khmer_names.missing); Latin-script names are not checked so."""
    if src != "km" or tgt not in LATIN:
        return []
    from . import khmer_names

    return khmer_names.missing(source, target)


def _bare(word: str) -> str:
    """A word without its possessive or contraction ("Manet's" -> "Manet", "I'm" -> "I")."""
    return re.sub(r"[’'](?:s|m|re|ll|ve|d)$", "", word, flags=re.IGNORECASE).strip("’'.-,;:()\"“”")


def _alike(word: str, known: str) -> bool:
    if len(known) < 4 or word[0] != known[0]:
        return False
    if word.startswith(known) and len(word) - len(known) <= 3:
        return True
    return difflib.SequenceMatcher(None, word, known).ratio() >= 0.65


_WORDS = re.compile(r"[\w’'.-]+")
_KHMER = re.compile("[\u1780-\u17ff]")


def _plain_words(text: str) -> list[str]:
    """Lowercased words without a possessive or the punctuation around them ("Malaysia's," -> malaysia)."""
    return [_POSSESSIVE.sub("", w).strip(".’'-") for w in _WORDS.findall(text.lower())]


@functools.cache
def _cldr_forms() -> tuple[dict[str, str], int, re.Pattern[str] | None]:
    """The CLDR forms of 3+ letters with the English name of each: the Latin ones as their plain
    words joined by one space, looked up by a text's runs of words, with the most words a form has;
    the Khmer ones (Khmer has no spaces between words) as one pattern to scan Khmer text with.
    Scanning every text for every form was most of a cached brief's CPU."""
    latin: dict[str, str] = {}
    khmer: dict[str, str] = {}
    for english, names in cldr_names().items():
        for form in (f for f in names.values() if len(f) >= 3):
            if _KHMER.search(form):
                khmer[form] = english
            else:
                latin[" ".join(_plain_words(form))] = english
    pattern = re.compile("|".join(sorted(map(re.escape, khmer), key=len, reverse=True))) if khmer else None
    return {**latin, **khmer}, max(len(form.split()) for form in latin), pattern


def _known_words(source: str, allowed: Iterable[str]) -> set[str]:
    text = source + " " + " ".join(allowed)
    english_of, longest, khmer = _cldr_forms()
    words = _plain_words(text)
    runs = {" ".join(words[i:i + n]) for n in range(2, longest + 1) for i in range(len(words) - n + 1)}
    # a word names a place its start spells, as "Korean" and "Catalan-capital" do
    runs |= {part[:k] for word in words for part in {word, *word.split("-")} for k in range(3, len(part) + 1)}
    if khmer is not None and _KHMER.search(text):
        runs |= {m.group() for m in khmer.finditer(text)}
    table = cldr_names()
    # "Cambodia" in the source makes "Kemboja" known, and back
    for english in {english_of[run] for run in runs if run in english_of}:
        text += " " + " ".join(table[english].values())
    return {_bare(w) for w in re.findall(r"[\w’'.-]+", text.lower())} - {""}
