#!/usr/bin/env bash
# Fetch everything the Malay-vs-Indonesian recipe reads, into WORK (default: .work/lid under the repository root).
# Needs root for apt-get (Debian 12 "bookworm" archive) and a PyPI index for pip. Nothing is installed into the
# system except Apertium (apertium, cg3, lttoolbox and the apertium-ind-zlm language pair).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
WORK="${WORK:-$ROOT/.work/lid}"
PY="${PY:-$ROOT/.venv/bin/python}"
mkdir -p "$WORK/debs" "$WORK/pypi"

apt-get update -q
# Apertium Indonesian<->Malaysian (GPL-2+/GPL-3+) renders each training text in the other variety.
DEBIAN_FRONTEND=noninteractive apt-get install -y -q apertium apertium-ind-zlm

# Debian packages: every package whose Malay catalogue gave >= 150 pairs to shared/data/parallel/en-ms.tsv
# (packages.txt), plus Indonesian documentation. Only their ms/id files are read (prepare.py); nothing is installed.
cd "$WORK/debs"
xargs -n 20 apt-get download -q < "$HERE/packages.txt"

# Python packages used only here: wordfreq (word lists; data CC BY-SA 4.0) and the nlp-id wheel, whose
# POS-tagged corpus (kumparan news sentences, MIT) is read straight from the wheel.
"$PY" -m pip install -q "wordfreq==3.1.1"
"$PY" -m pip download -q --no-deps -d "$WORK/pypi" "nlp-id==0.1.23.0"
echo "fetched into $WORK"
