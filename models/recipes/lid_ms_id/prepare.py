#!/usr/bin/env python3
"""Build the Malay / Indonesian training corpora for the newsbrief Malay-vs-Indonesian discriminator.

Reads the .deb files fetched by fetch.sh (WORK/debs/*.deb), extracts only the Malay (ms) and Indonesian (id)
translation catalogues (.mo), GNOME/MATE/KDE help pages (.page/.xml/.docbook), man pages, Mozilla language packs
(.ftl, .properties) and Indonesian documentation (debian-handbook id-ID, LibreOffice help, KiCad docs, Debian
Reference), reads the kumparan news sentences of the nlp-id wheel (WORK/pypi), converts everything to one text
segment a line and writes (source<TAB>text unless said otherwise)

    WORK/corpus/ms_ui.tsv, id_ui.tsv        UI strings (catalogues, Mozilla language packs) of the same packages
    WORK/corpus/ms_prose.tsv, id_prose.tsv  help pages, man pages and documentation
    WORK/corpus/pairs.tsv                   ms<TAB>id: UI strings translated into both (same package, catalogue, msgid)
    WORK/corpus/id_news.tsv                 kumparan sentences 0-26,851 not sharing a 6-word sequence with later ones
    WORK/corpus/id_news_dev.tsv             kumparan sentences 26,852-28,851 (development)
    WORK/corpus/id_heldout_news.tsv         kumparan sentences 28,852- (held out)
    WORK/corpus/id_heldout_debian_reference.tsv   Debian Reference (Indonesian): held out, never trained on
    WORK/corpus/{ms,id}_pseudo_*.tsv        Apertium renderings into the other variety (ind-zlm / zlm-ind)
    WORK/corpus/manifest.tsv                package<TAB>version<TAB>deb file
    heldout/id_kumparan_heldout.txt.gz, heldout/id_debian_reference.txt.gz (next to this script; committed)

Segments that also occur in any evaluation set under shared/data/eval (after normalisation) are dropped from the
training corpora, and so are segments that pycld2 reliably calls English or any language other than
Malay/Indonesian (untranslated strings). Deterministic: files are processed in sorted order.

Usage: python prepare.py WORK SHARED_DATA        (~3 min on 2 CPU cores; needs `apertium` on PATH)
"""
import gettext
import glob
import gzip
import html
import io
import os
import re
import subprocess
import sys
import tarfile
import unicodedata
import zipfile

import pycld2

WORK, SHARED = sys.argv[1], sys.argv[2]
DEBS = sorted(glob.glob(os.path.join(WORK, "debs", "*.deb")))
OUT = os.path.join(WORK, "corpus")
os.makedirs(OUT, exist_ok=True)

MO = re.compile(r"/(id|ms)(?:_ID|_MY)?/LC_MESSAGES/([^/]+)\.mo$")
HELP = re.compile(r"/usr/share/help/(id|ms)/(.+)\.(page|xml|docbook)$")
KDEDOC = re.compile(r"/usr/share/doc/HTML/(id|ms)/(.+)\.(docbook)$")
MAN = re.compile(r"/usr/share/man/(id|ms)/man\d/(.+)\.gz$")
XPI = re.compile(r"langpack-(id|ms)@.*\.xpi$")
HANDBOOK = re.compile(r"/debian-handbook/html/id-ID/(.+)\.html$")
LOHELP = re.compile(r"/libreoffice/help/id/(.+)\.html$")
KICAD = re.compile(r"/doc/kicad/help/id/(.+)\.html$")
DEBREF = re.compile(r"/debian-reference/(.+)\.id\.html$")


def norm(s):
    s = unicodedata.normalize("NFC", s)
    s = re.sub(r"[\u200b-\u200d\u2060\ufeff\u00ad]", "", s)
    return re.sub(r"\s+", " ", s).strip()


def norm_key(s):
    return re.sub(r"[^\w]+", " ", norm(s).lower()).strip()


EVAL = set()
for f in glob.glob(os.path.join(SHARED, "eval", "**", "*"), recursive=True):
    base = os.path.basename(f)
    if os.path.isfile(f) and not base.startswith(("LICENSE", "SOURCE", "DOCUMENT_IDS")) and not base.endswith(".labels"):
        try:
            with open(f, encoding="utf-8") as fh:
                for line in fh:
                    k = norm_key(line)
                    if len(k) >= 12:
                        EVAL.add(k)
        except UnicodeDecodeError:
            pass
print("eval segments for decontamination:", len(EVAL), file=sys.stderr)

UI_CLEAN = [
    (re.compile(r"<[^>]{0,200}>"), " "),  # markup
    (re.compile(r"%(\d+\$)?[-+ 0#]*\d*(\.\d+)?(l|ll|h|z)?[sdifuxXcpeEgG%]"), " "),  # printf
    (re.compile(r"%\d+|\{[^{}]{0,40}\}|\$\{[^}]*\}|@\w+@"), " "),  # Qt %1, {0}, ${X}
    (re.compile(r"(?<=\w)_(?=\w)|^_|&(?=\w)|~(?=\w)|\(_\w\)|\(&\w\)"), ""),  # accelerators
    (re.compile(r"\\n|\\t"), " "),
]


def clean_ui(s):
    s = html.unescape(s)
    for pat, rep in UI_CLEAN:
        s = pat.sub(rep, s)
    return norm(s)


BLOCK = re.compile(r"</?(p|li|td|th|title|h\d|div|br|tr|dt|dd|item|para|caption|desc|code|screen|pre|"
                   r"listitem|entry|term|section|note|example)\b[^>]*>", re.IGNORECASE)


def markup_to_text(s):
    s = re.sub(r"(?is)<(script|style|code|screen|pre|programlisting|synopsis|literallayout)\b.*?</\1>", "\n", s)
    s = re.sub(r"(?s)<!--.*?-->", " ", s)
    s = re.sub(r"\s+", " ", s)
    s = BLOCK.sub("\n", s)
    s = re.sub(r"<[^>]+>", " ", s)
    s = html.unescape(s)
    return [norm(p) for p in s.split("\n") if norm(p)]


SENT = re.compile(r"(?<=[.!?])\s+(?=[\"'“(]?[A-Z0-9])")


def sentences(paras):
    for p in paras:
        for s in SENT.split(p):
            s = s.strip()
            if s:
                yield s


def man_to_text(raw):
    out = []
    for line in raw.splitlines():
        if line.startswith((".\\\"", "'\\\"")):
            continue
        line = re.sub(r"^\.(SH|SS|TP|PP|P|LP|IP|B|I|BR|RB|IR|RI|BI|IB|TH|HP|RS|RE|nf|fi|sp|br|in|ti)\b ?", "", line)
        if line.startswith("."):
            continue
        line = re.sub(r"\\f[BIRP]|\\f\(..|\\\(..|\\[-e&|^]|\\", "", line).replace('"', "")
        out.append(line)
    return [norm(p) for p in "\n".join(out).split("\n\n") if norm(p)]


def keep(text, min_letters=3):
    """Drop segments without enough letters, evaluation overlaps and text pycld2 reliably calls another language."""
    letters = sum(ch.isalpha() for ch in text)
    if letters < min_letters or letters < 0.5 * len(text.replace(" ", "")):
        return False
    if norm_key(text) in EVAL:
        return False
    try:
        reliable, _, det = pycld2.detect(text)
    except pycld2.error:
        return False
    top = det[0][1]
    return not (reliable and top not in ("ms", "id", "un", "jw", "su"))


ui = {"ms": [], "id": []}
prose = {"ms": [], "id": []}
catalog = {"ms": {}, "id": {}}  # (package, catalogue, msgid) -> msgstr
heldout = []
manifest = []
dropped = 0


def add_ui(lang, src, key, msgid, msgstr):
    global dropped
    t = clean_ui(msgstr)
    if t and clean_ui(msgid) != t and keep(t):
        ui[lang].append((src, t))
        catalog[lang][key] = t
    else:
        dropped += 1


def add_prose(lang, src, paras, sink=None):
    global dropped
    sink = prose[lang] if sink is None else sink
    for s in sentences(paras):
        if len(s) >= 15 and keep(s):
            sink.append((src, s))
        else:
            dropped += 1


def read_mo(data):
    cat = gettext.GNUTranslations(io.BytesIO(data))._catalog
    for k, v in cat.items():
        if isinstance(k, tuple):  # plural: (msgid, n)
            if k[1] != 0:
                continue
            k = k[0]
        if not k or not v or "\x04" in k and not k.split("\x04", 1)[1]:
            continue
        yield k.split("\x04", 1)[-1], v


def read_xpi(lang, pkg, data):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in sorted(z.namelist()):
            if name.endswith(".ftl"):
                txt = z.read(name).decode("utf-8", "replace")
                for m in re.finditer(r"^(\.?[\w-]+)\s*=\s*(.+)$", txt, re.MULTILINE):
                    yield f"{name}:{m.group(1)}", m.group(2)
            elif name.endswith(".properties"):
                txt = z.read(name).decode("utf-8", "replace")
                for m in re.finditer(r"^([\w.-]+)\s*=\s*(.+)$", txt, re.MULTILINE):
                    yield f"{name}:{m.group(1)}", m.group(2)


for deb in DEBS:
    pkg, ver = os.path.basename(deb).split("_")[:2]
    manifest.append((pkg, ver.replace("%3a", ":"), os.path.basename(deb)))
    tar_bytes = subprocess.run(["dpkg-deb", "--fsys-tarfile", deb], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tf:
        for m in sorted(tf.getmembers(), key=lambda m: m.name):
            if not m.isfile():
                continue
            p = "/" + m.name.lstrip("./")
            src = f"debian12/{pkg}"
            if (g := MO.search(p)):
                for msgid, msgstr in read_mo(tf.extractfile(m).read()):
                    add_ui(g.group(1), src + "/mo", (pkg, g.group(2), msgid), msgid, msgstr)
            elif p.endswith("locales.zip") and pkg == "calibre":
                with zipfile.ZipFile(io.BytesIO(tf.extractfile(m).read())) as z:
                    for name in sorted(z.namelist()):
                        if re.match(r"^(id|ms)/[^/]+\.mo$", name):
                            lang = name[:2]
                            for msgid, msgstr in read_mo(z.read(name)):
                                add_ui(lang, src + "/mo", (pkg, name[3:], msgid), msgid, msgstr)
            elif (g := XPI.search(p)):
                app = "firefox" if "firefox" in pkg else "thunderbird"
                for key, val in read_xpi(g.group(1), pkg, tf.extractfile(m).read()):
                    add_ui(g.group(1), src + "/xpi", (app, key), key, val)
            elif (g := HELP.search(p)) or (g := KDEDOC.search(p)):
                add_prose(g.group(1), src + "/help", markup_to_text(tf.extractfile(m).read().decode("utf-8", "replace")))
            elif (g := MAN.search(p)):
                raw = gzip.decompress(tf.extractfile(m).read()).decode("utf-8", "replace")
                add_prose(g.group(1), src + "/man", man_to_text(raw))
            elif (g := HANDBOOK.search(p)) or (g := LOHELP.search(p)) or (g := KICAD.search(p)):
                add_prose("id", src + "/html", markup_to_text(tf.extractfile(m).read().decode("utf-8", "replace")))
            elif (g := DEBREF.search(p)):
                add_prose("id", src + "/html", markup_to_text(tf.extractfile(m).read().decode("utf-8", "replace")),
                          sink=heldout)


def dedup(rows):
    seen, out = set(), []
    for src, t in rows:
        if t not in seen:
            seen.add(t)
            out.append((src, t))
    return out


def write(name, rows):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        f.writelines("\t".join(r) + "\n" for r in rows)
    print(f"{name}: {len(rows)}", file=sys.stderr)


held_set = {t for _, t in heldout}
write("ms_ui.tsv", dedup(ui["ms"]))
write("id_ui.tsv", dedup(ui["id"]))
write("ms_prose.tsv", dedup(prose["ms"]))
write("id_prose.tsv", [r for r in dedup(prose["id"]) if r[1] not in held_set])
write("id_heldout_debian_reference.tsv", dedup(heldout))
pairs = sorted({(catalog["ms"][k], catalog["id"][k]) for k in catalog["ms"].keys() & catalog["id"].keys()
                if catalog["ms"][k] != catalog["id"][k]})
write("pairs.tsv", pairs)
write("manifest.tsv", manifest)
print("dropped segments:", dropped, file=sys.stderr)


# ---- Indonesian news: the POS-tagged kumparan sentences shipped in the nlp-id wheel (MIT) ------------------------
# One token a line, sentences separated by blank lines; clitics are split off ("ada nya"): rejoin them.
# Split by position (the file keeps neighbouring sentences of one story together): the first 26,852 sentences
# train, the next 2,000 are development (tuning), the last 4,000 are held out for benchmarks/detection.py only.
def detok(tokens):
    out = []
    for tok in tokens:
        if out and tok.lower() in ("nya", "lah", "kah", "ku", "mu") and out[-1][-1:].isalpha():
            out[-1] += tok
        else:
            out.append(tok)
    s = " ".join(out)
    s = re.sub(r" ([,.;:!?%)\]])", r"\1", s)
    s = re.sub(r"([(\[]) ", r"\1", s)
    return norm(s)


wheel = glob.glob(os.path.join(WORK, "pypi", "nlp_id-0.1.23.0-*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    raw = z.read("nlp_id/data/dataset_postag.txt").decode("utf-8")
news, toks = [], []
for line in raw.splitlines():
    if not line.strip():
        if toks:
            news.append(detok(toks))
        toks = []
    else:
        toks.append(line.split("\t")[0])
if toks:
    news.append(detok(toks))
# The corpus holds many near-duplicates (the same sentence with one word changed) spread over the file, so a
# training sentence that shares any 6-word sequence with a development or held-out sentence is dropped.
def shingles(text, n=6):
    w = re.findall(r"\w+", text.lower())
    return {" ".join(w[i:i + n]) for i in range(len(w) - n + 1)}


held_shingles = set()
for s in news[26852:]:
    held_shingles |= shingles(s)
train_news = [("nlp-id/kumparan", s) for s in news[:26852] if keep(s) and not shingles(s) & held_shingles]
train_keys = {norm_key(s) for _, s in train_news}


def held(rows):
    return [r for r in dedup(rows) if norm_key(r[1]) not in train_keys and len(r[1]) >= 15]


write("id_news.tsv", dedup(train_news))
write("id_news_dev.tsv", held([("nlp-id/kumparan", s) for s in news[26852:28852]]))
write("id_heldout_news.tsv", held([("nlp-id/kumparan", s) for s in news[28852:]]))


# ---- Apertium ind<->zlm "translations": the same content in the other variety ------------------------------------
# Content-matched pairs keep topic and domain from looking like a variety difference.
def apertium(mode, name_in, name_out, col=1, skip_header=False, src_col=0):
    """Render column `col` of a TSV with Apertium; the output keeps each row's source, marked with the mode."""
    texts = list(read_tsv_rows(name_in, col, skip_header))
    sources = list(read_tsv_rows(name_in, src_col, skip_header))
    res = subprocess.run(["apertium", "-u", "-f", "line", mode], input="\n".join(texts) + "\n",
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(res) == len(texts) == len(sources), (name_in, len(res), len(texts))
    write(name_out, [(f"{src}|apertium-{mode}", norm(t)) for src, t in zip(sources, res) if norm(t)])


def read_tsv_rows(path, col, skip_header):
    path = path if os.path.isabs(path) else os.path.join(OUT, path)
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            parts = line.rstrip("\n").split("\t")
            if (i or not skip_header) and len(parts) > col:
                yield parts[col]


apertium("ind-zlm", "id_news.tsv", "ms_pseudo_news.tsv")
apertium("ind-zlm", "id_prose.tsv", "ms_pseudo_prose.tsv")
apertium("ind-zlm", "id_ui.tsv", "ms_pseudo_ui.tsv")
apertium("zlm-ind", os.path.join(SHARED, "parallel", "en-ms.tsv"), "id_pseudo_ui.tsv", skip_header=True, src_col=2)
apertium("zlm-ind", "ms_prose.tsv", "id_pseudo_prose.tsv")

# ---- held-out Indonesian sets for benchmarks/detection.py (committed, small): one sentence a line, gzip
HELD_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "heldout")
os.makedirs(HELD_DIR, exist_ok=True)
for src_name, dst_name in (("id_heldout_news.tsv", "id_kumparan_heldout.txt.gz"),
                           ("id_heldout_debian_reference.tsv", "id_debian_reference.txt.gz")):
    rows = list(read_tsv_rows(src_name, 1, False))
    with gzip.GzipFile(os.path.join(HELD_DIR, dst_name), "wb", mtime=0) as gz:
        gz.write(("\n".join(rows) + "\n").encode("utf-8"))
    print(f"{dst_name}: {len(rows)}", file=sys.stderr)
