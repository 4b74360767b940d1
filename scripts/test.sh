#!/usr/bin/env bash
# README's test command (and CI's): native unit, golden and task tests, then the built app in
# headless Chromium on WebGPU and on the CPU fallback. Installs what is missing first.
source "$(dirname "$0")/lib.sh"
start=$(date +%s)
scripts/setup.sh --test
scripts/prepare-assets.sh
log "native tests"
cargo test --release 2>&1 | tee "$CACHE/native-tests.log"
scripts/build-web.sh
log "browser tests (headless Chromium)"
node --test --test-concurrency=1 tests/browser/ 2>&1 | tee "$CACHE/browser-tests.log"
native=$(grep -oE '^test result: ok\. [0-9]+ passed' "$CACHE/native-tests.log" | awk '{s+=$4} END {print s+0}')
browser=$(grep -oE '^# pass [0-9]+' "$CACHE/browser-tests.log" | awk '{print $3}')
log "native $native, browser $browser; $(( $(date +%s) - start )) s"
echo "sesame: $(( native + browser )) passed, 0 failed"
