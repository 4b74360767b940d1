#!/usr/bin/env bash
# Trains every image model the auto-encoder pages ship (resumable: run it again after an
# interruption and each run continues from its checkpoint; finished runs are skipped), then
# exports them as f16 safetensors with their cards into assets/models/ (sesame-train ae-export).
#
#   scripts/train-autoencoders.sh            # all runs, into runs/ae/
#   ONLY="mnist-b2 vqvae" scripts/train-autoencoders.sh   # some of them
#
# Needs ../shared/data/images (MNIST, Fashion-MNIST). About 45 minutes on 2 CPU cores.
source "$(dirname "$0")/lib.sh"
SHARED="${SHARED:-$ROOT/../shared}"
RUNS="${RUNS:-$ROOT/runs/ae}"
cargo build --release --bin sesame-train
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/sesame-train"
run() { # name, flags...
  local name="$1"; shift
  if [[ -n "${ONLY:-}" && " $ONLY " != *" $name "* ]]; then return; fi
  log "training $name"
  "$BIN" ae --shared "$SHARED" --out "$RUNS/$name" "$@"
}
for k in 2 8 32; do
  run "mnist-b$k" --data mnist --bottleneck "$k" --epochs 15
done
run vqvae --data mnist --vq 32 --code-dim 16 --epochs 15
run denoise --data mnist --bottleneck 32 --noise 0.5 --salt 0.25 --epochs 15
for c in 0 1 2 3 4 5 6 7 8 9; do
  run "oneclass-$c" --data mnist --bottleneck 32 --normal "$c" --epochs 30
done
for k in 2 8 32; do
  run "fashion-b$k" --data fashion --bottleneck "$k" --epochs 15
done
