#!/usr/bin/env bash
# Trains the four Vision Transformers the /vision page ships (resumable: run it again after an
# interruption and each run continues from its checkpoint; finished runs are skipped), then
# exports them as f16 safetensors with their card — linear probes at 10 / 100 / 1,000 labels —
# into assets/models/vit/v1 (sesame-train vit-export).
#
#   scripts/train-vision.sh                         # all runs, into runs/vit/
#   ONLY="mnist-masked" scripts/train-vision.sh     # some of them
#
# Needs ../shared/data/images (MNIST, Fashion-MNIST) and the shipped auto-encoders (their codes
# are one row of the probe table). About 70 minutes on 2 CPU cores, two runs at a time.
source "$(dirname "$0")/lib.sh"
SHARED="${SHARED:-$ROOT/../shared}"
RUNS="${RUNS:-$ROOT/runs/vit}"
cargo build --release --bin sesame-train
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/sesame-train"
run() { # name, flags...
  local name="$1"; shift
  if [[ -n "${ONLY:-}" && " $ONLY " != *" $name "* ]]; then return; fi
  log "training $name"
  "$BIN" vit --shared "$SHARED" --out "$RUNS/$name" --minutes 600 "$@"
}
# Masked-patch and contrastive runs side by side (each uses about one core).
(run mnist-masked --data mnist --objective masked --epochs 10 && run fashion-masked --data fashion --objective masked --epochs 10) &
(run mnist-contrastive --data mnist --objective contrastive --epochs 8 && run fashion-contrastive --data fashion --objective contrastive --epochs 5) &
wait
"$BIN" vit-export --runs "$RUNS" --shared "$SHARED"
