#!/usr/bin/env bash
# Ships a two-language BERT run as the /multilingual page's model, in one go: the f16 export with
# its card (sesame-train export), the alignment MRR per layer beside the random-init twin and the
# page's word pairs (mbert-align --into), the language vector and its figures (mbert-language
# --into), and the golden file of HF transformers' BertForPreTraining on the shipped weights.
# Every step measures the shipped f16 files, so a re-export is this one command.
#
#   scripts/ship-mbert.sh                               # runs/mbert-v1 → assets/models/mbert/v2
#   RUN=runs/mbert-small-v1 TO=assets/models/mbert-small/v1 CARD_ONLY=1 scripts/ship-mbert.sh
#
# CARD_ONLY=1 (the smaller-data twin, whose figures the page shows but which no page runs): after
# the measurements the card alone stays in git (`sesame-train card-only`); the shipped files are
# kept in $RUN/export for its fine-tunes (`--model $RUN/export`), and no golden file is written.
#
# Needs .cache/zh-text (scripts/fetch-zh-text.sh) and, for the golden file, a Python with torch,
# transformers and safetensors (GOLDEN_PY; skipped with a warning when there is none).
source "$(dirname "$0")/lib.sh"
RUN="${RUN:-runs/mbert-v1}"
TO="${TO:-assets/models/mbert/v2}"
ID="$(basename "$(dirname "$TO")")"
CARD_ONLY="${CARD_ONLY:-0}"
if [ "$CARD_ONLY" = 1 ]; then
  NAME="${NAME:-Sesame mBERT on a quarter of the text (card only): the smaller-data twin}"
else
  NAME="${NAME:-Sesame mBERT (Chinese + English): 4 layers × 256, one WordPiece vocabulary, pretrained from scratch}"
fi
GOLDEN_PY="${GOLDEN_PY:-.cache/gemma-venv/bin/python}"
cargo build --release --bin sesame-train
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/sesame-train"
rm -f "$TO/demo.json"
"$BIN" export --out "$RUN" --to "$TO" --name "$NAME"
"$BIN" mbert-align --out "$RUN" --into "$TO" > /dev/null
"$BIN" mbert-language --out "$RUN" --into "$TO" > /dev/null
if [ "$CARD_ONLY" = 1 ]; then
  "$BIN" card-only --to "$TO" --name "$NAME" --keep-in "$RUN/export"
elif "$GOLDEN_PY" -c "import torch, transformers, safetensors" 2>/dev/null; then
  "$GOLDEN_PY" scripts/make_pretraining_golden.py "$TO" "$ID"
else
  log "WARNING: no Python with torch + transformers at $GOLDEN_PY: tests/fixtures/$ID-golden.json not rewritten"
fi
log "shipped $RUN as $TO ($(du -sh "$TO" | cut -f1))"
