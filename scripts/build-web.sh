#!/usr/bin/env bash
# Builds the web app into dist/: wasm (release) → wasm-bindgen → static files and model assets.
source "$(dirname "$0")/lib.sh"
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
# The Cargo profile (web by default; the speed/bytes levers of issue 20 were measured with others).
PROFILE="${SESAME_WEB_PROFILE:-web}"
FEATURES="${SESAME_WEB_FEATURES:-}"
# Where the app goes (dist/ unless told).
DIST="${SESAME_DIST:-dist}"

log "building the wasm app (profile $PROFILE; a cold build takes ~10 min on 2 cores)"

cargo build --profile "$PROFILE" --target wasm32-unknown-unknown --bin sesame ${FEATURES:+--features "$FEATURES"}
rm -rf "$DIST" && mkdir -p "$DIST/fixtures" "$DIST/assets"
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section --out-dir "$DIST" "$TARGET_DIR/wasm32-unknown-unknown/$PROFILE/sesame.wasm"
cp index.html "$DIST/"
cp -r web "$DIST/web"
cp -r assets/models "$DIST/assets/models"
cp tests/fixtures/*-golden.json "$DIST/fixtures/"
# The release's id: a hash of everything the app shell holds (so a new build is a new service
# worker, which installs beside the old one and waits for the reader's "reload").
rm "$DIST/web/sw.js"
shell=$(cd "$DIST" && find . -type f ! -path './assets/models/*/*/*' ! -name sw.js | sed 's|^\./||' | LC_ALL=C sort)
build=$( (cd "$DIST" && sha256sum $shell; sha256sum < "$ROOT/web/sw.js") | sha256sum | cut -c1-12)
sed -i "s|<meta name=\"sesame-build\" content=\"[^\"]*\">|<meta name=\"sesame-build\" content=\"$build\">|" "$DIST/index.html"
# Every shell file with its sha256 (after the build id went into index.html): the service worker
# checks each download against it, so a release is installed whole and intact or not at all.
entries=$(cd "$DIST" && sha256sum $shell | awk '{printf "[\"%s\",\"%s\"],", $2, $1}' | sed 's/,$//')
{
  echo "const BUILD = \"$build\";"
  echo "const SHELL = [$entries];"
  cat web/sw.js
} > "$DIST/sw.js"
log "$DIST/ ready: build $build, $(du -sh "$DIST" | cut -f1) ($(stat -c %s "$DIST/sesame_bg.wasm") bytes of wasm)"
