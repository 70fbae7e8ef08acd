"""Numbers, figures and names in news text, and checks that a summary keeps them.

A summary may only state numbers and names that its source states: `unsupported`
lists what a summary sentence says that its source does not. Numbers compare by
value (Khmer digits = ASCII digits, "1,500" = "1500"); names compare as written, for
Latin-script text only (a Khmer translation transliterates names, so there the
numbers are what can be checked).
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..metrics import khmer_syllables

KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")  # str.translate table: Khmer digits to Western
# Latin letters around digits make a code ("COVID19"); Khmer letters may touch them ("ឆ្នាំ1953")
_NOT_AFTER_CODE = r"(?<![A-Za-z0-9_.,])"
_NOT_BEFORE_CODE = r"(?![A-Za-z0-9_]|[.,]\d)"
NUMBER_RE = re.compile(rf"(?:{_NOT_AFTER_CODE}|(?<=RM)|(?<=\$))(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?"
                       rf"{_NOT_BEFORE_CODE}|[០-៩]+(?:[.,][០-៩]+)*")
_YEAR_RE = re.compile(r"^(1[89]\d\d|20\d\d|25\d\d)$")  # 25xx: Buddhist Era years in Khmer text
# Khmer words before a number that make it a label or a date, not a count: day, month, year,
# number ("ថ្ងៃទី១៣", "ខែ", "ឆ្នាំ", "លេខ១"); and a month name after it ("១៣ ខែតុលា") makes it a date.
_KHMER_LABELS = ("ថ្ងៃទី", "ទី", "ខែ", "ឆ្នាំ", "លេខ", "ម៉ោង")
# What a figure counts: the next word or two ("157 cases", "185 people", "1.5 juta"),
# skipping a hyphenated unit ("five-year") and stopping at function words.
_STOP = frozenset("""a an the and or of to in on at by for with from as is was were are be been that which who
if but not than after before since while when until into over under about
percent per dan atau di ke dari yang untuk pada dengan ialah adalah jika tetapi selepas sebelum""".split())
_NAME_RE = re.compile(r"\b[A-Z][\w’'-]*(?:\s+(?:(?:of|bin|binti|al|de|van|von|la)\s+)?[A-Z][\w’'-]*)*")
_MONTHS = frozenset("""january february march april may june july august september october november december
januari februari mac april mei jun julai ogos september oktober november disember""".split())


def number_value(token: str) -> str:
    """The value a written number stands for: '1,500' -> '1500', '១៥៧' -> '157'."""
    return token.translate(KHMER_DIGITS).replace(",", "")


def numbers(text: str) -> list[str]:
    return [number_value(m.group()) for m in NUMBER_RE.finditer(text)]


def names(text: str) -> list[str]:
    """Capitalised word sequences not at the start of a sentence (Latin script)."""
    found = []
    for match in _NAME_RE.finditer(text):
        before = text[:match.start()].rstrip()
        sentence_start = not before or before[-1] in ".!?\"“‘'(:"
        words = match.group().split()
        if sentence_start:
            words = words[1:]  # "The", "Police" at the start are not names by their capital
            while words and words[0] in ("of", "bin", "binti", "al", "de", "van", "von", "la"):
                words = words[1:]
        if words and not (len(words) == 1 and words[0].lower() in _MONTHS):
            found.append(" ".join(words))
    return found


# --- key figures -----------------------------------------------------------------------
#
# A key figure is a number with what it counts: "185 people arrested", "11 Malaysians sent
# back", "១៨៥ នាក់". Numbers that are not counts are typed instead of counted: years,
# dates, times, ages, durations, money, percentages, labels ("Tier 3", "seksyen 324").
# Rules, not a model: every decision is visible here and the hand-checked figures in
# tests/data/key_figures.jsonl measure it (benchmarks/summarization.py reports precision
# and recall).

KINDS = ("count", "money", "percent", "duration", "age", "year", "date", "time", "measure", "label", "number")

_ZW = "\u200b\u200c\u200d\u2060\ufeff"
_KH = "\u1780-\u17ff"
_SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
           "ratus": 100, "ribu": 1e3, "juta": 1e6, "bilion": 1e9, "trilion": 1e12,
           "mil": 1e6, "bil": 1e9, "k": 1e3, "m": 1e6, "bn": 1e9,
           "រយ": 100, "ពាន់": 1e3, "ម៉ឺន": 1e4, "សែន": 1e5, "លាន": 1e6, "ប៊ីលាន": 1e9, "កោដិ": 1e7}
_EN_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
_EN_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if i > 1}
_MS_UNITS = {"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "lapan": 8,
             "sembilan": 9, "sepuluh": 10, "sebelas": 11, "seratus": 100, "seribu": 1000, "sejuta": 1e6}
_KM_UNITS = {"មួយ": 1, "ពីរ": 2, "បី": 3, "បួន": 4, "ប្រាំ": 5, "ប្រាំមួយ": 6, "ប្រាំពីរ": 7, "ប្រាំបី": 8,
             "ប្រាំបួន": 9, "ដប់": 10, "ម្ភៃ": 20, "សាមសិប": 30, "សែសិប": 40, "ហាសិប": 50, "ហុកសិប": 60,
             "ចិតសិប": 70, "ប៉ែតសិប": 80, "កៅសិប": 90}
_EN_WORD = "|".join(sorted([*_EN_UNITS, *_EN_TENS, "a dozen", "dozen", "dozens", "hundreds", "thousands"],
                           key=len, reverse=True))
_MS_WORD = "|".join(sorted([*_MS_UNITS, "dua belas", "tiga belas", "empat belas", "lima belas", "enam belas",
                            "tujuh belas", "lapan belas", "sembilan belas"], key=len, reverse=True))
_KM_WORD = "|".join(sorted(_KM_UNITS, key=len, reverse=True))
_SCALE_WORD = r"(?:hundred|thousand|million|billion|trillion|ratus|ribu|juta|bilion|trilion|mil|bil|bn|k|m)"
_KM_SCALE = r"(?:ប៊ីលាន|លាន|ពាន់|ម៉ឺន|សែន|រយ|កោដិ)"
_DIGITS = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"
_KM_DIGITS = r"[០-៩]+(?:[.,][០-៩]+)*"
_CURRENCY_BEFORE = r"(?:RM|US\$|S\$|A\$|HK\$|\$|USD|€|£|¥|៛|Rp)"
_NUMBER_TOKEN = re.compile(
    rf"(?P<cur>{_CURRENCY_BEFORE}\s?)?"
    # ASCII digits may touch Khmer letters ("ឆ្នាំ1953", "2.4លាន"): Khmer has no spaces between words
    rf"(?:(?P<num>(?:(?<=RM)|(?<=\$)|(?<=€)|(?<=£)|{_NOT_AFTER_CODE}){_DIGITS}"
    rf"(?:{_NOT_BEFORE_CODE}|(?=(?:{_SCALE_WORD})\b)))"
    rf"(?:[\s-]?(?P<scale>{_SCALE_WORD}\b|{_KM_SCALE}))?"
    rf"|(?P<kmnum>{_KM_DIGITS})(?:\s?(?P<kmscale>{_KM_SCALE}))?"
    rf"|(?P<word>\b(?:{_EN_WORD})(?:[\s-](?:{_EN_WORD}))?(?:\s(?:hundred|thousand|million|billion))?\b"
    rf"|\b(?:{_MS_WORD})(?:\s(?:puluh|ratus|ribu|juta|bilion))?(?:\s(?:{_MS_WORD}))?\b)"
    rf"|(?P<kmword>(?:{_KM_WORD})(?:{_KM_SCALE})?))",
    re.IGNORECASE)

_MONTHS_RE = (r"(?:jan(?:uary|uari)?|feb(?:ruary|ruari)?|mar(?:ch)?|mac|apr(?:il)?|may|mei|june?|jun|"
              r"july?|julai|aug(?:ust)?|ogos|sept?(?:ember)?|oct(?:ober)?|okt(?:ober)?|nov(?:ember)?|"
              r"dec(?:ember)?|dis(?:ember)?)\b\.?")
_MONTH_AFTER = re.compile(rf"^[\s-]*{_MONTHS_RE}", re.I)
_MONTH_BEFORE = re.compile(rf"\b{_MONTHS_RE}\s*$", re.I)
_KM_MONTHS = "មករា|កុម្ភៈ|មីនា|មេសា|ឧសភា|មិថុនា|កក្កដា|សីហា|កញ្ញា|តុលា|វិច្ឆិកា|ធ្នូ"
_PERCENT_AFTER = re.compile(r"^\s?(?:%|per\s?cent\b|peratus\b|ភាគរយ)", re.I)
_PERCENT_BEFORE = re.compile(r"ភាគរយ\s*$")
_MONEY_AFTER = re.compile(r"^\s?(?:(?:US\s)?dollars?\b|ringgit\b|riels?\b|rupiah\b|baht\b|yuan\b|euros?\b|pounds?\b|"
                          r"yen\b|sen\b|USD\b|ដុល្លារ|រៀល|ដុល្លា)", re.I)
_TIME_AFTER = re.compile(r"^\s?(?:a\.?m\.?|p\.?m\.?|pagi\b|petang\b|malam\b|tengah\s(?:hari|malam)|"
                         r"o'clock|GMT|hrs\b|h\b)", re.I)
_TIME_BEFORE = re.compile(r"(?:\bpukul|\bjam|ម៉ោង(?:ប្រហែល)?)\s*$", re.I)
_KM_TIME_AFTER = re.compile(r"^\s?(?:ព្រឹក|ល្ងាច|រសៀល|យប់|[:៖][០-៩0-9])")
_DURATION_AFTER = re.compile(r"^[\s-]?(?:years?|months?|weeks?|days?|hours?|minutes?|decades?|tahun|bulan|minggu|"
                             r"hari|jam|minit|dekad)\b|^\s?(?:ឆ្នាំ|ខែ|សប្តាហ៍|សប្ដាហ៍|ថ្ងៃ|ម៉ោង|នាទី)", re.I)
_AGE_BEFORE = re.compile(r"(?:\baged?|\bberusia|\bberumur|\bumur|\busia|អាយុ)\s*"
                         r"(?:\d+\s*(?:,|dan|and|atau|or|hingga|to|-)\s*)?$", re.I)
_MEASURE_AFTER = re.compile(r"^\s?(?:km2?|kilometres?|kilometers?|kilometre|metres?|meters?|m2|mm|cm|miles?|inch(?:es)?|"
                            r"feet|foot|ft|kg|kilograms?|grams?|g|tonnes?|tons?|pounds?\s(?=\d)|lb|lbs|ounces?|oz|"
                            r"hectares?|ha|acres?|litres?|liters?|mph|km/h|degrees?|°|kilometer|batu|kaki|tan|"
                            r"kilogram|liter|gigawatts?|megawatts?|GW|MW)\b"
                            r"|^\s?(?:គីឡូម៉ែត្រ|ម៉ែត្រ|មីលីម៉ែត្រ|សង់ទីម៉ែត្រ|គីឡូក្រាម|ក្រាម|តោន|ហិកតា|អ៊ីញ|ផោន|អោន|ម៉ៃល៍|លីត្រ|"
                            r"អង្សា|គ\.ក|គ\.ម)", re.I)
_RANGE_AFTER = re.compile(rf"^\s*(?:hingga|sehingga|to|until|-|–|ទៅ|ដល់|and|dan|or|atau)\s*"
                          rf"(?:{_CURRENCY_BEFORE})?(?:{_DIGITS}|{_KM_DIGITS})")
_AGE_AFTER = re.compile(r"^[\s-]?years?[\s-]old\b|^-year-old", re.I)
_YEAR_BEFORE = re.compile(r"(?:ឆ្នាំ|ព\.ស\.|ពុទ្ធសករាជ|គ\.ស\.|គ្រិស្តសករាជ|\btahun)\s*$", re.I)
_DATE_BEFORE = re.compile(r"(?:ថ្ងៃទី|ថ្ងៃ)\s*$")
_KM_DATE_AFTER = re.compile(rf"^\s?(?:ខែ)?\s?(?:{_KM_MONTHS})|^\s?(?:កើត|រោច)")
_LABEL_WORDS = ("no|nos|number|tier|section|article|chapter|clause|rule|level|phase|grade|class|route|room|"
                "floor|unit|block|lot|precinct|ward|district|zone|page|paragraph|item|case|act|order|"
                "seksyen|perkara|fasa|presint|tingkat|nombor|bilik|jalan|lot|peraturan|perintah|kategori|"
                "akta|zon|blok|aras|lorong|taman|kanun|peringkat|bab|ke")
_LABEL_BEFORE = re.compile(rf"(?:\b(?:{_LABEL_WORDS})\.?\s*|\bke-|#|លេខ\s*|ទី\s*)$", re.I)
_CAPITAL_BEFORE = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][A-Za-z]*)\.?\s$")
_KM_LABEL_BEFORE = re.compile(r"(?:លេខ|ទី)\s*$")

# What a count counts.
_EN_STOP = frozenset("""a an the and or of to in on at by for with from as is was were are be been being that
which who whom whose if but not than after before since while when until into over under about per
this these those it its their his her our your my they them he she we you i there here also only just still
have has had will would could should may might can must do does did said says say told according
percent per cent more less most least semalam kelmarin tadi setahun sehari sebulan seminggu some all any each every other another such same own very
between among during against through across within without toward towards upon off out up down
dan atau di ke dari yang untuk pada dengan ialah adalah jika tetapi selepas sebelum ini itu juga telah
akan sudah masih oleh bagi daripada kepada dalam antara hingga sehingga setiap mana lagi lalu lepas
iaitu serta manakala namun bahawa kerana secara turut tersebut berkenaan lebih kurang""".split())
_EN_QUANT = re.compile(r"(?:\b(?:a total of|total of|at least|at most|more than|less than|fewer than|over|under|"
                       r"about|around|nearly|almost|some|roughly|approximately|an estimated|estimated|up to|"
                       r"as many as|only|just|another|all|the|a further|further|of|seramai|sebanyak|kira-kira|"
                       r"lebih|hampir|kesemua|seluruh|sejumlah|jumlah|kurang|dengan|daripada|mencecah|"
                       r"melebihi|lebih daripada|kurang daripada)\s+)+$", re.I)
_AUX = re.compile(r"^,?\s*(?:(?:who|which|that)\s+)?(?:(?:were|was|are|is|have|has|had|will|would|could|may|"
                  r"have been|has been|had been|will be|would be|being|got|get|be)\s+)(?:(?:also|reportedly|"
                  r"allegedly|later|then|all|now|since|already|subsequently|successfully|eventually|"
                  r"since been|been)\s+)*"
                  r"(?P<verb>[a-z]+)(?P<particle>\s(?:back|home|out|up|off|away|free|down|over|abroad))?\b", re.I)
_ACTIVE_AFTER = re.compile(r"^\s*(?P<verb>[a-z]+ed|died|fled|went|came|left|fell|rose|remain(?:ed)?|lost|won)"
                           r"(?P<particle>\s(?:back|home|out|up|off|away))?\b", re.I)
_IRREGULAR_PARTICIPLES = frozenset("""sent held found killed taken brought caught hurt shot kept freed left seen
given made put told built sold paid lost won hit struck beaten bitten stolen driven born sworn
forced trafficked rescued arrested detained deported""".split())
_ING_IRREGULAR = {"sending": "sent", "holding": "held", "taking": "taken", "bringing": "brought",
                  "finding": "found", "making": "made", "catching": "caught", "seizing": "seized",
                  "killing": "killed", "selling": "sold", "paying": "paid", "losing": "lost", "winning": "won",
                  "hitting": "hit", "leaving": "left", "getting": "got", "putting": "put", "shooting": "shot",
                  "building": "built", "keeping": "kept", "freeing": "freed", "saving": "saved"}
_NOT_ACTIONS = frozenset("""including according following during totalling totaling involving regarding concerning
excluding considering numbering reaching exceeding being having seeing something nothing anything
everything morning evening building king ring thing during bed red need feed""".split())
_MS_CLASSIFIERS = frozenset("orang buah ekor unit keping biji helai batang pucuk das butir".split())
_MS_NOT_ACTION = frozenset("""di dia dan dari daripada dalam dengan disemua disini disitu diatas dibawah didalam
diluar diantara disebabkan mengikut melibatkan membabitkan merangkumi mencecah menjadi memperuntukkan
menerusi mengenai menurut menghadapi menyaksikan meliputi""".split())
_KM_CLASSIFIERS = ("នាក់", "ករណី", "ប្រកួត", "គ្រឿង", "ខ្សែ", "ដង", "ក្បាល", "គ្រាប់", "ខ្នង", "កន្លែង", "ប្រទេស", "ខេត្ត",
                   "ក្រុមហ៊ុន", "គ្រួសារ", "អង្គ", "ច្បាប់", "ទីតាំង", "ដើម", "សន្លឹក", "គ្រឿងចក្រ", "ស្រុក", "ឃុំ",
                   "ភូមិ", "ស្ថាប័ន", "គម្រោង", "ជាតិ", "ក្រុម", "ចំណុច", "សិស្ស", "រូប", "មុខ", "ខ្សែ", "ផ្ទះ",
                   "ពាន់", "ដុំ", "កញ្ចប់", "តោន", "គីឡូក្រាម", "គីឡូម៉ែត្រ", "ហិកតា", "ម៉ែត្រ", "លើក", "វគ្គ")
_KM_NOUNS = ("ជនសង្ស័យ", "ជនរងគ្រោះ", "ជនបរទេស", "ជនជាតិ", "ពលករ", "ពលរដ្ឋ", "ប្រជាជន", "ប្រជាពលរដ្ឋ", "មនុស្ស",
             "កុមារ", "ស្ត្រី", "នារី", "បុរស", "មន្ត្រី", "ប៉ូលិស", "ទាហាន", "សិស្ស", "និស្សិត", "កម្មករ",
             "អ្នកទោស", "អ្នកស្លាប់", "អ្នករបួស", "បុគ្គលិក", "ជនល្មើស", "ជនជាប់ចោទ", "ករណី", "បេក្ខជន",
             "អ្នកបោះឆ្នោត", "ភ្ញៀវទេសចរ", "ទេសចរ", "គ្រួសារ", "ក្មេង", "អ្នកជំងឺ", "អ្នកដំណើរ", "យានយន្ត", "រថយន្ត", "យន្តហោះ",
             "កោះ", "ក្រុមហ៊ុន", "ខេត្ត", "ប្រទេស", "សាលា", "ផ្ទះ", "កីឡាករ", "ពលករខ្មែរ")
_KM_VERBS = {"ចាប់ខ្លួន": "ចាប់ខ្លួន", "ឃាត់ខ្លួន": "ឃាត់ខ្លួន", "ជួយសង្គ្រោះ": "ជួយសង្គ្រោះ", "សង្គ្រោះ": "សង្គ្រោះ",
             "បញ្ជូនត្រឡប់": "បញ្ជូនត្រឡប់", "បញ្ជូនមកវិញ": "បញ្ជូនមកវិញ", "បញ្ជូន": "បញ្ជូន", "ស្លាប់": "ស្លាប់",
             "រងរបួស": "រងរបួស", "របួស": "របួស", "បាត់ខ្លួន": "បាត់ខ្លួន", "កត់ត្រា": "កត់ត្រា", "ចាប់បាន": "ចាប់បាន", "ចាប់": "ចាប់",
             "ដោះលែង": "ដោះលែង", "រំដោះ": "រំដោះ", "បណ្តេញ": "បណ្តេញ", "និរទេស": "និរទេស", "រកឃើញ": "រកឃើញ",
             "ស្លាប់បាត់បង់ជីវិត": "ស្លាប់", "បាត់បង់ជីវិត": "បាត់បង់ជីវិត", "ឆ្លង": "ឆ្លង", "ជាសះស្បើយ": "ជាសះស្បើយ",
             "បោះឆ្នោត": "បោះឆ្នោត", "ចូលរួម": "ចូលរួម", "ផ្តន្ទាទោស": "ផ្តន្ទាទោស", "ដកហូត": "ដកហូត"}
_KM_VERB_RE = re.compile("|".join(sorted(map(re.escape, _KM_VERBS), key=len, reverse=True)))
_KM_NOUN_RE = re.compile("|".join(sorted(map(re.escape, _KM_NOUNS), key=len, reverse=True)))
_CLAUSE_BREAK = re.compile(r"[,;:.!?()\"“”។៕៖]|\b(?:and|but|while|whereas|dan|manakala|tetapi|serta)\b|និង|ហើយ")
_PEOPLE = frozenset("""people persons person men women children victims suspects workers migrants foreigners nationals
citizens malaysians cambodians refugees students officers police soldiers patients passengers residents
orang mangsa pekerja suspek rakyat warga pelajar pendatang kanak-kanak wanita lelaki individu penduduk
នាក់ មនុស្ស ជនសង្ស័យ ជនរងគ្រោះ ពលករ ពលរដ្ឋ ប្រជាជន កុមារ ស្ត្រី""".split())


@dataclass(frozen=True)
class KeyFigure:
    """One number of an article, typed, and for a count with what it counts."""

    text: str  # the figure as a reader sees it: "185 people arrested", "RM1.5 juta", "5%"
    written: str  # the number as written: "185", "១៥៧", "eleven", "RM1.5 juta"
    value: float  # its value: 185, 157, 11, 1500000.0
    kind: str  # one of KINDS: "count" or what else the number is
    counts: str  # what a count counts ("people arrested", "Malaysians sent back"); "" otherwise
    sentence: int  # index into article.sentences
    start: int  # the number's span in the article text (in the sentence text when given strings)
    end: int
    sentence_text: str = ""
    noun: str = ""
    action: str = ""
    salience: float = 0.0

    def to_dict(self) -> dict:
        value = int(self.value) if float(self.value).is_integer() else self.value
        return {"text": self.text, "written": self.written, "value": value, "kind": self.kind,
                "counts": self.counts, "noun": self.noun, "action": self.action, "sentence": self.sentence,
                "start": self.start, "end": self.end, "sentence_text": self.sentence_text,
                "salience": round(self.salience, 3)}


def _value(match: "re.Match[str]") -> float | None:
    g = match.groupdict()
    if g["num"]:
        value = float(g["num"].replace(",", ""))
        if g["scale"]:
            value *= _SCALES[g["scale"].lower()]
        return value
    if g["kmnum"]:
        digits = g["kmnum"].translate(KHMER_DIGITS)
        # Khmer writes thousands with "." or ","; a decimal has 1-2 digits after the mark
        value = float(digits.replace(",", "").replace(".", "")) if re.search(r"[.,]\d{3}\b", digits) \
            else float(digits.replace(",", "."))
        if g["kmscale"]:
            value *= _SCALES[g["kmscale"]]
        return value
    if g["word"]:
        return _word_value(g["word"].lower())
    if g["kmword"]:
        w = g["kmword"]
        scale = 1.0
        for name, factor in _SCALES.items():
            if w.endswith(name) and len(w) > len(name) and re.fullmatch(_KM_SCALE, name):
                w, scale = w[: -len(name)], factor
                break
        return _KM_UNITS.get(w, 0) * scale or None
    return None


def _word_value(text: str) -> float | None:
    words = re.split(r"[\s-]+", text)
    if words[0] in ("dozens", "hundreds", "thousands", "dozen") or text == "a dozen":
        return {"dozens": 24, "hundreds": 200, "thousands": 2000}.get(words[0], 12)
    total, current = 0.0, 0.0
    for i, w in enumerate(words):
        if w in _EN_UNITS:
            current += _EN_UNITS[w]
        elif w in _EN_TENS:
            current += _EN_TENS[w]
        elif w in _MS_UNITS:
            current += _MS_UNITS[w]
        elif w == "belas":
            current += 10
        elif w == "puluh":
            current *= 10
        elif w in _SCALES:
            current = (current or 1) * _SCALES[w]
            if _SCALES[w] >= 1000:
                total, current = total + current, 0.0
        else:
            return None
    return total + current or None


def _strip_zw(text: str) -> tuple[str, list[int]]:
    """text without zero-width characters, and each kept character's offset in text."""
    kept, offsets = [], []
    for i, ch in enumerate(text):
        if ch not in _ZW:
            kept.append(ch)
            offsets.append(i)
    offsets.append(len(text))
    return "".join(kept), offsets


def _clause_before(text: str, start: int, limit: int = 80) -> str:
    window = text[max(0, start - limit):start]
    parts = _CLAUSE_BREAK.split(window)
    return parts[-1] if parts else window


def _typed(sentence: str, m: "re.Match[str]", value: float, depth: int = 0) -> str | None:
    """The kind of a number that is not a count, or None."""
    g = m.groupdict()
    before, after = sentence[:m.start()], sentence[m.end():]
    plain = g["num"] or g["kmnum"]
    rng = _RANGE_AFTER.match(after)
    if rng and depth == 0:  # "60 hingga 75 peratus", "៣ ទៅ ៥ ភាគរយ": the kind of the range's end
        second = _NUMBER_TOKEN.match(sentence, m.end() + rng.end() - len(re.search(
            rf"(?:{_CURRENCY_BEFORE})?(?:{_DIGITS}|{_KM_DIGITS})$", rng.group()).group()))
        if second:
            kind = _typed(sentence, second, _value(second) or 0.0, depth + 1)
            if kind in ("percent", "money", "time", "age", "measure", "duration"):
                return kind
    # "Presint 14, 15 dan Presint 9", "fasa 12b dan 15": a list continues a label
    listed = re.sub(rf"(?:{_DIGITS}|{_KM_DIGITS})[a-z]?\s*(?:,|dan|and|&|ហើយ|និង)\s*$", "", before)
    if listed != before and not _MONTH_BEFORE.search(listed) and (
            _LABEL_BEFORE.search(listed) or _CAPITAL_BEFORE.search(listed)):
        return "label"
    if g["cur"] or _MONEY_AFTER.match(after):
        return "money"
    if _PERCENT_AFTER.match(after) or _PERCENT_BEFORE.search(before):
        return "percent"
    if _DATE_BEFORE.search(before) or _KM_DATE_AFTER.match(after):
        return "date"
    if plain and (_MONTH_AFTER.match(after) or _MONTH_BEFORE.search(before)) and value <= 31:
        return "date"
    if _TIME_AFTER.match(after) or _KM_TIME_AFTER.match(after) or (
            _TIME_BEFORE.search(before) and not _DURATION_AFTER.match(after)):
        return "time"
    if _AGE_BEFORE.search(before) or _AGE_AFTER.match(after) or (
            plain and re.search(r"\b[A-Z][\w’'-]+,\s*$", before) and re.match(r"^\s*[,)]", after) and value < 120):
        return "age"
    if _YEAR_BEFORE.search(before) and plain:
        return "year"
    if plain and not g["scale"] and re.fullmatch(r"(1[89]\d\d|20\d\d|25\d\d)", plain.translate(KHMER_DIGITS)):
        if not re.match(r"^\s+(?:people|persons|orang|នាក់)", after):
            return "year"
    if _DURATION_AFTER.match(after):
        return "duration"
    if _MEASURE_AFTER.match(after):
        return "measure"
    if _LABEL_BEFORE.search(before):
        return "label"
    capital = _CAPITAL_BEFORE.search(before)
    if capital and capital.group(1).lower() not in _EN_STOP and not _EN_QUANT.search(capital.group(1) + " "):
        return "label"  # "Tier 3", "Presint 14", "Covid 19"
    return None


def _en_participle(word: str) -> str | None:
    w = word.lower()
    if w in _NOT_ACTIONS or w in _EN_STOP:
        return None
    if w in _ING_IRREGULAR:
        return _ING_IRREGULAR[w]
    if w in _IRREGULAR_PARTICIPLES:
        return w
    if w.endswith("ing") and len(w) > 5:
        stem = w[:-3]
        if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
            stem = stem[:-1]
        return stem + ("d" if stem.endswith("e") else "ed")
    if w.endswith("ed") and len(w) > 4:
        return w
    return None


def _ms_passive(word: str) -> str | None:
    """meN- active -> di- passive ("menahan" -> "ditahan", "menyelamatkan" -> "diselamatkan")."""
    w = word.lower()
    if w in _MS_NOT_ACTION:
        return None
    if w.startswith("di") and len(w) > 4:
        return w
    for prefix, repl in (("meny", "s"), ("meng", ""), ("mem", "p"), ("men", "t"), ("me", "")):
        if w.startswith(prefix) and len(w) > len(prefix) + 2:
            root = w[len(prefix):]
            if prefix == "mem" and root[0] in "bf":
                return "di" + root
            if prefix == "men" and root[0] in "dcjsz":
                return "di" + root
            if prefix in ("mem", "men", "meny") and root[0] not in "aeiou":
                return None if prefix != "me" else "di" + root
            if prefix == "me" and root[0] not in "lrwymn":
                return None
            return "di" + repl + root
    return None


_WORD_AT = re.compile(r"[\s-]*([^\W\d_][\w'’-]*)")


def _count_en_ms(sentence: str, m: "re.Match[str]", malay: bool) -> tuple[str, str]:
    """(noun phrase, action) after/around a number in Latin-script text."""
    after = sentence[m.end():]
    skip = re.match(rf"^\s+(?:lagi|lebih|more|other|additional|further|orang lagi)\b"
                    rf"|^\s+(?:of the|of|dari|daripada|out of)\s+(?:the\s+)?(?:{_DIGITS}|{_MS_WORD}|{_EN_WORD})\b", after, re.I)
    if skip:
        after = after[skip.end():]
    words, pos = [], 0
    while len(words) < 6:  # consecutive words only: a number or a mark ends the phrase
        w = _WORD_AT.match(after, pos)
        if not w:
            break
        words.append(w.group(1))
        pos = w.end()
    noun: list[str] = []
    i = 0
    if words and words[0].lower() in ("of",) and len(words) > 1 and words[1].lower() in ("them", "those", "these"):
        words = []
    if malay and words and words[0].lower() in _MS_CLASSIFIERS and len(words) > 1 \
            and words[1][0].isalpha() and words[1].lower() not in _EN_STOP and not _ms_passive(words[1]):
        i = 1  # "31 buah kenderaan": the classifier gives way to the noun
    while i < len(words) and len(noun) < (2 if malay else 3):
        w = words[i]
        lw = w.lower()
        if not w[0].isalpha() or lw in _EN_STOP or lw in _MONTHS:
            break
        if noun and not malay and (lw.endswith("ed") or (lw.endswith("ing") and len(lw) > 5)):
            break
        if noun and malay and (lw in _MS_NOT_ACTION or lw in ("ni", "tu", "nya")):
            break
        if noun and malay and lw.startswith("me") and _ms_passive(w) and noun[0].lower() not in _PEOPLE:
            noun.append(w)  # a compound: "pusat mengundi", "tempat mengundi"
            i += 1
            break
        if noun and malay and (_ms_passive(w) or lw.startswith(("ber", "ter"))):
            break
        if noun and not malay and noun[-1][-1:] == "s" and not w[0].isupper():
            break  # "people police" - a plural ends the noun phrase
        if w[0].isupper() and not noun and not malay and lw in _MONTHS:
            break
        noun.append(w)
        i += 1
        if not malay and lw.endswith("s") and len(lw) > 3 and lw not in ("news",):
            break  # the plural head noun ends an English phrase
    # "Of that, 131 were sexual crimes": the number is the subject of a copula + noun phrase
    rest = after
    if not noun:
        copula = re.match(r"^\s+(?:were|was|are|is|ialah|adalah)\s+((?:[a-z][\w-]*\s?){1,3})", after)
        if copula:
            phrase = [w for w in copula.group(1).split() if w.lower() not in _EN_STOP][:3]
            return " ".join(phrase), ""
        return "", ""
    consumed = re.match(r"^[\s-]*" + r"[\s-]+".join(re.escape(w) for w in words[:i]), after)
    rest = after[consumed.end():] if consumed else after
    action = ""
    if malay:
        nxt = re.match(r"^\s*,?\s*(?:yang\s+)?(?:telah\s+|berjaya\s+|sudah\s+|akan\s+|tersadai\s+)?(\w+)"
                       r"(\s(?:pulang|balik|keluar))?", rest)
        verb = nxt.group(1).lower() if nxt else ""
        if verb.startswith("di") and _ms_passive(verb):
            action = verb + (nxt.group(2) or "")
        elif verb.startswith("me") and verb not in _MS_NOT_ACTION and noun[0].lower() in _PEOPLE:
            action = verb + (nxt.group(2) or "")  # "132,955 orang mengundi"
    else:
        aux = _AUX.match(rest)
        if aux and _en_participle(aux.group("verb")) and aux.group("verb").lower() not in _EN_STOP:
            action = _en_participle(aux.group("verb")) + (aux.group("particle") or "")
        else:
            act = _ACTIVE_AFTER.match(rest)
            if act and act.group("verb").lower() not in _NOT_ACTIONS:
                action = act.group("verb").lower() + (act.group("particle") or "")
    # a verb just before the number ("arresting 185 people", "menahan 12 orang") wins
    before = _clause_before(sentence, m.start())
    before = _EN_QUANT.sub("", before) if _EN_QUANT.search(before) else before
    prev = re.search(r"(\w+)(\s(?:back|home|out|up|off|away))?\s*$", before) if not skip else None
    if prev:
        verb = _ms_passive(prev.group(1)) if malay else _en_participle(prev.group(1))
        if verb and (not malay or prev.group(1).lower().startswith("me") or prev.group(1).lower().startswith("di")):
            action = verb + (prev.group(2) or "")
    return " ".join(noun), action


def _count_km(sentence: str, m: "re.Match[str]") -> tuple[str, str, str]:
    """(noun, classifier, action) around a Khmer number: "[verb] [noun] (ចំនួន) ១៨៥ នាក់"."""
    after = sentence[m.end():m.end() + 40].lstrip()
    sentence = sentence.replace("្រ្ត", "្ត្រ")  # one spelling of subscript order (មន្រ្តី = មន្ត្រី)
    classifier = ""
    for c in sorted(_KM_CLASSIFIERS, key=len, reverse=True):
        if after.startswith(c):
            classifier = c
            break
    if not classifier:
        nxt = re.match(rf"[{_KH}]+", after)
        if nxt and not re.match(rf"(?:{_KM_MONTHS}|ខែ|ឆ្នាំ|ដែល|និង|នៃ|នោះ|នេះ|ទៅ|ពី|ក្នុង|លើ|ដល់|សម្រាប់)", nxt.group()):
            classifier = "".join(khmer_syllables(nxt.group())[:2])
        if not classifier:
            latin = re.match(r"[^\W\d_][\w-]*", after)
            classifier = latin.group() if latin and latin.group().lower() not in _EN_STOP else ""
    before = _clause_before(sentence, m.start(), 60)
    verbs = list(_KM_VERB_RE.finditer(before))
    action = _KM_VERBS[verbs[-1].group()] if verbs else ""
    # the noun between the verb and the number is the object counted ("ចាប់ខ្លួន ជនសង្ស័យ ១៨៥ នាក់");
    # one before the verb is its subject ("ប៉ូលិស បានចាប់ ១៨៥ នាក់")
    near = len(before.rstrip().removesuffix("ចំនួន").rstrip()) - 12  # the noun sits just before the number
    nouns = [n for n in _KM_NOUN_RE.finditer(before.replace("្រ្ត", "្ត្រ"))
             if (not verbs or n.start() >= verbs[-1].end()) and n.end() >= near]
    noun = nouns[-1].group() if nouns else ""
    if noun == classifier:
        noun = ""
    if not action:
        tail = sentence[m.end():m.end() + 40]
        later = _KM_VERB_RE.match(tail.lstrip()[len(classifier):].lstrip().removeprefix("ត្រូវបាន").removeprefix("បាន"))
        action = _KM_VERBS[later.group()] if later else ""
    return noun, classifier, action


def _salience(kind: str, noun: str, action: str, index: int, value: float) -> float:
    base = {"count": 1.0, "money": 0.9, "percent": 0.7, "number": 0.35, "duration": 0.3, "age": 0.15, "measure": 0.3,
            "label": 0.05, "year": 0.1, "date": 0.1, "time": 0.05}[kind]
    if kind == "count":
        base += 0.4 * bool(action) + 0.2 * any(w.lower() in _PEOPLE for w in noun.split())
        base += 0.05 * min(math.log10(max(value, 1.0)), 4)
    return base / (1.0 + index / 15)


_MALAY_WORDS = re.compile(r"\b(?:yang|dan|dengan|pada|telah|ialah|untuk|seramai|sebanyak|daripada|orang|oleh|"
                          r"ini|itu|kepada|akan|juga|tidak|berjaya|tahun|dalam|bagi|selepas|sejak|lebih)\b", re.I)


def figures_of(sentence: str, index: int = 0, offset: int = 0, lang: str | None = None) -> list[KeyFigure]:
    """Every number of one sentence as a KeyFigure (spans = offset + position in sentence).
    lang ("en", "ms", "km") picks the grammar; guessed from the sentence when None."""
    return list(_figures_of(sentence, index, offset, lang))


# the same article's sentences come back (a server's cached briefs, the summarizer and the key
# figures reading one article): its figures are read once
@functools.lru_cache(maxsize=4096)
def _figures_of(sentence: str, index: int, offset: int, lang: str | None) -> tuple[KeyFigure, ...]:
    clean, offsets = _strip_zw(sentence)
    out: list[KeyFigure] = []
    khmer_sentence = lang == "km" or (lang is None and bool(re.search(rf"[{_KH}]", clean)))
    malay = lang == "ms" or (lang is None and len(_MALAY_WORDS.findall(clean)) >= 2)
    for m in _NUMBER_TOKEN.finditer(clean):
        g = m.groupdict()
        if g["word"]:
            w = g["word"].lower()
            if w in ("one", "satu") and not re.match(r"^\s+[a-z]", clean[m.end():]):
                continue
            if re.match(r"^\s+(?:of|dari|daripada)\b", clean[m.end():], re.I) and w in ("one", "satu"):
                continue  # "one of the", pronoun-like
        if g["kmword"]:
            after = clean[m.end():m.end() + 12].lstrip()
            before = clean[max(0, m.start() - 1):m.start()]
            if not any(after.startswith(c) for c in _KM_CLASSIFIERS) or (before and re.match(rf"[{_KH}]", before)
                                                                         and not clean[:m.start()].endswith("ចំនួន")):
                continue  # a Khmer number word counts something only right before a classifier
        value = _value(m)
        if value is None:
            continue
        kind = _typed(clean, m, value)
        noun = action = counts = ""
        written = m.group().strip()
        if kind is None:
            if khmer_sentence and (g["kmnum"] or g["kmword"] or re.match(rf"^\s*[{_KH}]", clean[m.end():])):
                noun_km, classifier, action = _count_km(clean, m)
                noun = noun_km or classifier
                counts = " ".join(x for x in (noun_km, classifier if not noun_km else "", action) if x)
            else:
                noun, action = _count_en_ms(clean, m, malay)
                counts = " ".join(x for x in (noun, action) if x)
            kind = "count" if noun else "number"
        if kind == "money":
            text = written if not g["cur"] else written
            after_unit = _MONEY_AFTER.match(clean[m.end():])
            if after_unit:
                text = written + after_unit.group()
        elif kind == "percent":
            pct = _PERCENT_AFTER.match(clean[m.end():])
            text = written + (pct.group() if pct else "")
        elif kind == "duration":
            unit = _DURATION_AFTER.match(clean[m.end():])  # None for a range's first end ("2 to 3 years")
            text = written + (unit.group() if unit else "")
        elif kind == "count":
            text = f"{written} {counts}"
        else:
            text = written
        start, end = offsets[m.start()] + offset, offsets[m.end() - 1] + 1 + offset
        if g["cur"]:
            start = offsets[m.start()] + offset
        out.append(KeyFigure(text.strip(), written, float(value), kind, counts if kind == "count" else "",
                             index, start, end, sentence, noun if kind == "count" else "",
                             action if kind == "count" else "",
                             _salience(kind, noun, action, index, value)))
    return tuple(out)


def key_figures(source: "list[str] | Any", limit: int | None = None, lang: str | None = None) -> list[KeyFigure]:
    """The numbers of an article (an Article, or its sentences as strings), each typed and,
    for counts, with what it counts; ranked by salience (counts with an action first, early
    sentences before late ones). A figure repeated later (the same value counting the same
    thing) is kept once, where it first appears. Spans index the article text (an Article)
    or the sentence (strings)."""
    if hasattr(source, "sentences") and not isinstance(source, list):
        items = [(s.text, s.start) for s in source.sentences]
    else:
        items = [(s, 0) for s in source]
    found: list[KeyFigure] = []
    seen: set[tuple] = set()
    for index, (sentence, offset) in enumerate(items):
        for fig in figures_of(sentence, index, offset, lang):
            key = (fig.value, fig.kind, fig.counts.lower())
            if key in seen:
                continue
            seen.add(key)
            found.append(fig)
    ranked = sorted(found, key=lambda f: (-f.salience, f.sentence, f.start))
    return ranked if limit is None else ranked[:limit]


def top_figures(figures: "list[KeyFigure] | tuple[KeyFigure, ...]", n: int = 5) -> list[KeyFigure]:
    """The few figures a brief shows: the most salient counts, money and percentages."""
    return [f for f in figures if f.kind in ("count", "money", "percent")][:n]


@dataclass(frozen=True)
class Check:
    """What one summary sentence states that its source does not."""

    numbers: tuple[str, ...]
    names: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.numbers and not self.names


def unsupported(summary: str, source: str, check_names: bool = True) -> Check:
    have = Counter(numbers(source))
    missing_numbers = tuple(n for n in dict.fromkeys(numbers(summary)) if n not in have)
    missing_names: tuple[str, ...] = ()
    if check_names:
        missing_names = tuple(n for n in dict.fromkeys(names(summary)) if n not in source)
    return Check(missing_numbers, missing_names)


def entities(sentences: list[str], limit: int = 15) -> list[str]:
    """Named entities by frequency (capitalised sequences; a heuristic, Latin script only)."""
    counts = Counter(name for s in sentences for name in names(s) if len(name.split()) <= 5)
    return [name for name, _ in counts.most_common(limit)]


# --- a key figure through translation ------------------------------------------------------
#
# A figure translated into the reader's language is read back (translated again into the
# article's language) and must still count the same thing: "185 people arrested" may not come
# back as "185 prime ministers captured". The counted noun's head word must come back ("26
# human trafficking" is not "26 humans caught"), the action too; words compare by their first
# five letters ("arrested" = "arrest"), "people" = "persons", and an action by a few groups of
# words that news uses for the same act ("detained" = "arrested").

_SAME_ACTS = (frozenset("arrest detain apprehend caught catch held nabbed captur custody".split()),
              frozenset("rescu saved save freed free liberat".split()),
              frozenset("sent send return repatri deport back".split()),
              frozenset("kill die dead death".split()),
              frozenset("injur hurt wound".split()),
              frozenset("ditahan ditangkap diberkas".split()),
              frozenset("diselamatkan dibebaskan".split()),
              frozenset("dihantar dipulangkan diusir".split()))


_GENERIC_PEOPLE = frozenset("people persons person individuals orang individu".split())


def _stem(word: str) -> str:
    return word.lower().strip("’'.,")[:5]


def _mentions(text: str, phrase: str, head: bool = False) -> bool:
    """Whether text says what phrase says: its head (last) word when head=True, else any of its
    content words, loosely ("detained" for "arrested", "persons" for "people")."""
    low = text.lower()
    if re.search(rf"[{_KH}]", phrase):
        return phrase.replace("្រ្ត", "្ត្រ") in low.replace("្រ្ត", "្ត្រ")
    words = [w for w in re.findall(r"[\w’'-]+", phrase.lower()) if w not in _EN_STOP]
    words = words[-1:] if head else words
    text_words = set(re.findall(r"[\w’'-]+", low))
    stems = {_stem(w) for w in text_words}
    for w in words:
        if _stem(w) in stems or (w in _GENERIC_PEOPLE and text_words & _GENERIC_PEOPLE):
            return True
        if any(any(w.startswith(a) for a in group) and any(t.startswith(a) for t in text_words for a in group)
               for group in _SAME_ACTS):
            return True
    return False


def count_changed(figure: KeyFigure, back: str, lang: str | None = None) -> str | None:
    """Why `back` (the figure translated into the reader's language and back into `lang`, the
    article's) no longer states `figure`, or None when it does: the same number, and for a
    count the same counted noun and action."""
    values = {f.value for f in figures_of(back, lang=lang)} | {float(n) for n in numbers(back)}
    if figure.value not in values:
        return f"the number {figure.written} came back as {back!r}"
    if figure.kind != "count":
        return None
    # "185 were arrested" (a Khmer classifier, នាក់, counted the people): no noun, or the action read as one
    bare = bool(figure.action) and any(f.value == figure.value and (not f.noun or _mentions(f.noun, figure.action))
                                       for f in figures_of(back, lang=lang))
    if figure.noun and not _mentions(back, figure.noun, head=True) and not (
            bare and figure.noun.split()[-1].lower() in _GENERIC_PEOPLE):
        return f"{back!r} does not count {figure.noun!r}"
    if figure.action and not _mentions(back, figure.action):
        return f"{back!r} lost {figure.action!r}"
    return None


def number_values(text: str) -> list[tuple[float, str]]:
    """Every number a sentence states, digits or words ("fourteen", "empat belas", Khmer
    number words), as (value, text): what a translation must state too."""
    out = []
    for m in _NUMBER_TOKEN.finditer(text):
        try:
            value = _value(m)
        except ValueError:  # "១.២.០", a version number, is no value
            continue
        if value is not None:
            out.append((value, m.group(0).strip()))
    return out
