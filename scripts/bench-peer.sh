#!/usr/bin/env bash
# Sesame beside its peers (onnxruntime-web, transformers.js) in one headless Chromium, on the
# same weights and inputs: prints one table, writes tests/browser/artifacts/bench-peer.json.
# Run after the README's set-up (scripts/run.sh or scripts/test.sh built dist/ and the models).
# The first run also installs the peers (npm, pinned) and a Python venv (PyPI, pinned) that
# exports the ONNX files from the same weights and checks them numerically: ~15 min, once.
#
#   scripts/bench-peer.sh [--runs N] [--gpt-webgpu] [--only encoder,gpt,fill-mask,autoencoder,cold,bytes]
source "$(dirname "$0")/lib.sh"

[ -f dist/sesame_bg.wasm ] || scripts/build-web.sh
[ -f assets/models/smollm2-135m-instruct/v1/model.Q4_1.gguf ] && [ -f "$CACHE/minilm-l6-v2/model.safetensors" ] || scripts/prepare-assets.sh
[ -d tests/browser/node_modules/playwright-core ] || (cd tests/browser && npm install --no-audit --no-fund)
if ! [ -d tests/browser/peer/node_modules/onnxruntime-web ] || ! [ -d tests/browser/peer/node_modules/@huggingface/transformers ]; then
  log "installing the peers from npm (pinned; their browser builds only)"
  (cd tests/browser/peer && npm install --ignore-scripts --no-audit --no-fund)
fi
VENV="$CACHE/peer-venv"
PINS="torch==2.5.1 transformers==4.46.3 optimum==1.23.3 onnx==1.17.0 onnxruntime==1.20.1 gguf==0.10.0 numpy==1.26.4 accelerate==1.1.1 sentencepiece==0.2.0"
if ! [ -f "$VENV/.pins" ] || [ "$(cat "$VENV/.pins")" != "$PINS" ]; then
  log "creating $VENV (PyPI, pinned: $PINS)"
  python3 -m venv "$VENV"
  # shellcheck disable=SC2086
  "$VENV/bin/pip" install --quiet --disable-pip-version-check $PINS
  echo "$PINS" > "$VENV/.pins"
fi
if ! [ -f "$CACHE/peer/smollm2/onnx/model_q4.onnx" ] || ! [ -f "$CACHE/peer/minilm/model.onnx" ] || ! [ -f "$CACHE/peer/inputs.json" ]; then
  log "exporting the ONNX files from the pinned weights and checking them (a few minutes)"
  "$VENV/bin/python" scripts/export_peer_onnx.py
fi
exec node tests/browser/bench-peer.mjs "$@"
