#!/usr/bin/env bash
# Installs what building Sesame needs, idempotently: the wasm target and wasm-bindgen-cli
# (version-matched). With --test, also Debian's Chromium and the browser tests' npm packages.
source "$(dirname "$0")/lib.sh"

rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown || { log "adding wasm32 target"; rustup target add wasm32-unknown-unknown; }
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (~3 min, once)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if [ "${1:-}" = "--test" ]; then
  if ! [ -x /usr/bin/chromium ]; then
    log "installing Debian chromium (browser tests)"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk fonts-noto-color-emoji >/dev/null
  fi
  if ! [ -d tests/browser/node_modules/playwright-core ] || ! [ -d tests/browser/node_modules/axe-core ]; then
    log "installing playwright-core and axe-core (npm, pinned; uses /usr/bin/chromium, downloads no browser)"
    (cd tests/browser && npm ci --no-audit --no-fund --silent)
  fi
fi
