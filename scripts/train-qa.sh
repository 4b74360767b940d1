#!/usr/bin/env bash
# Fine-tunes the QA models the question-answering page ships, each twice with the same data,
# architecture and steps — from Sesame's pretrained BERT and from random initialisation (the
# lecture's comparison) — then exports them with their cards (sesame-train qa-export) and
# writes the golden fixture (needs the .cache/golden-venv of scripts/make_qa_golden.py).
# Resumable: run it again after an interruption; finished runs are skipped.
#
#   scripts/train-qa.sh            # Chinese (DRCD + CMRC 2018), ~45 min on 2 cores
#   LANGS="zh en" scripts/train-qa.sh   # + English (SQuAD articles), ~65 min more
#
# The English model (22.6M parameters, ~6 s per step of 16 windows on 2 cores) gets half an
# epoch of 192-token windows: what fits a working session on this project's machines.
#
# Needs ../shared/data/qa.
source "$(dirname "$0")/lib.sh"
SHARED="${SHARED:-$ROOT/../shared}"
RUNS="${RUNS:-$ROOT/runs/qa}"
cargo build --release --bin sesame-train
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/sesame-train"
for lang in ${LANGS:-zh}; do
  case "$lang" in
    en) FLAGS="--max-len 192 --stride 64 --batch 16 --epochs 0.5 --lr 1e-4 --eval-every 50 --eval-questions 150 --ckpt-every 50" ;;
    *) FLAGS="" ;;
  esac
  for init in pretrained random; do
    log "fine-tuning qa-$lang from $init weights"
    # Runs until done (each call trains for at most --minutes, then resumes from the checkpoint).
    until grep -q '"step"' "$RUNS/$lang-$init/ckpt/state.json" 2>/dev/null && "$BIN" qa --out "$RUNS/$lang-$init" --minutes 0 2>&1 | grep -q 'stopped at step \([0-9]*\) of \1 '; do
      "$BIN" qa --shared "$SHARED" --lang "$lang" --init "$init" --out "$RUNS/$lang-$init" --minutes 60 $FLAGS
    done
  done
  "$BIN" qa-export --pretrained "$RUNS/$lang-pretrained" --random "$RUNS/$lang-random" --to "assets/models/qa-$lang/v1" --name "Sesame QA ($lang): BERT fine-tuned for extractive question answering"
  if [ -x .cache/golden-venv/bin/python ]; then .cache/golden-venv/bin/python scripts/make_qa_golden.py "assets/models/qa-$lang/v1" "qa-$lang"; fi
done
