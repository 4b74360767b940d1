#!/usr/bin/env bash
# Builds the kernels' wasm module; prints its path.
set -euo pipefail
cd "$(dirname "$0")"
target="${CARGO_TARGET_DIR:-$HOME/.cache/sesame-ci-target}/wasm-kernels"
RUSTFLAGS="-C target-feature=+simd128" CARGO_TARGET_DIR="$target" cargo build --quiet --release --target wasm32-unknown-unknown >&2
echo "$target/wasm32-unknown-unknown/release/sesame_wasm_kernels.wasm"
