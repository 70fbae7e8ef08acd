#!/usr/bin/env python3
"""Build the Malay / Indonesian training corpora for the newsbrief Malay-vs-Indonesian discriminator.

Reads the .deb files fetched by fetch.sh (WORK/debs/*.deb), extracts only the Malay (ms) and Indonesian (id)
translation catalogues (.mo), GNOME/MATE help pages (.page/.xml/.docbook), Mozilla language packs (.ftl,
.properties) and Indonesian documentation (debian-handbook id-ID, LibreOffice help, KiCad docs, man pages,
Debian Reference), converts them to one text segment a line and writes

    WORK/corpus/ms_ui.tsv        source<TAB>text   Malay UI strings (Debian catalogues, Mozilla language packs)
    WORK/corpus/id_ui.tsv        source<TAB>text   Indonesian UI strings (the same packages)
    WORK/corpus/ms_prose.tsv     source<TAB>text   Malay help pages
    WORK/corpus/id_prose.tsv     source<TAB>text   Indonesian help pages, handbook, LibreOffice help, KiCad, man pages
    WORK/corpus/pairs.tsv        ms<TAB>id         UI strings translated into both (same package, catalogue, msgid)
    WORK/corpus/id_heldout_debian_reference.tsv    Debian Reference (Indonesian): NEVER used for training,
                                                   only as held-out Indonesian prose by benchmarks/detection.py
    WORK/corpus/manifest.tsv     package<TAB>version<TAB>deb file

Segments that also occur in any evaluation set under shared/data/eval (after normalisation) are dropped,
and so are segments that pycld2 reliably calls English or any language other than Malay/Indonesian
(untranslated strings).  Deterministic: files are processed in sorted order.

Usage: python prepare.py WORK SHARED_DATA
"""
import glob
import gettext
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
            for line in open(f, encoding="utf-8"):
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
                   r"listitem|entry|term|section|note|example)\b[^>]*>", re.I)


def markup_to_text(s):
    s = re.sub(r"(?is)<(script|style|code|screen|pre|programlisting|synopsis|literallayout)\b.*?</\1>", "\n", s)
    s = re.sub(r"(?s)<!--.*?-->", " ", s)
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
    if reliable and top not in ("ms", "id", "un", "jw", "su"):
        return False
    return True


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
                for m in re.finditer(r"^(\.?[\w-]+)\s*=\s*(.+)$", txt, re.M):
                    yield f"{name}:{m.group(1)}", m.group(2)
            elif name.endswith(".properties"):
                txt = z.read(name).decode("utf-8", "replace")
                for m in re.finditer(r"^([\w.-]+)\s*=\s*(.+)$", txt, re.M):
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
        for r in rows:
            f.write("\t".join(r) + "\n")
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
