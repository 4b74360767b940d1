#!/usr/bin/env bash
# Builds the web app into dist/: wasm (release) → wasm-bindgen → static files and model assets.
source "$(dirname "$0")/lib.sh"
TARGET_DIR="${CARGO_TARGET_DIR:-target}"

log "building the wasm app (profile web; a cold build takes ~10 min on 2 cores)"

cargo build --profile web --target wasm32-unknown-unknown --bin sesame
rm -rf dist && mkdir -p dist/fixtures dist/assets
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section --out-dir dist "$TARGET_DIR/wasm32-unknown-unknown/web/sesame.wasm"
cp index.html dist/
cp -r web dist/web
cp -r assets/models dist/assets/models
cp tests/fixtures/*-golden.json dist/fixtures/
# The release's id: a hash of everything the app shell holds (so a new build is a new service
# worker, which installs beside the old one and waits for the reader's "reload").
rm dist/web/sw.js
shell=$(cd dist && find . -type f ! -path './assets/models/*/*/*' ! -name sw.js | sed 's|^\./||' | LC_ALL=C sort)
build=$( (cd dist && sha256sum $shell; sha256sum ../web/sw.js) | sha256sum | cut -c1-12)
sed -i "s|<meta name=\"sesame-build\" content=\"[^\"]*\">|<meta name=\"sesame-build\" content=\"$build\">|" dist/index.html
# Every shell file with its sha256 (after the build id went into index.html): the service worker
# checks each download against it, so a release is installed whole and intact or not at all.
entries=$(cd dist && sha256sum $shell | awk '{printf "[\"%s\",\"%s\"],", $2, $1}' | sed 's/,$//')
{
  echo "const BUILD = \"$build\";"
  echo "const SHELL = [$entries];"
  cat web/sw.js
} > dist/sw.js
log "dist/ ready: build $build, $(du -sh dist | cut -f1) ($(stat -c %s dist/sesame_bg.wasm) bytes of wasm)"
