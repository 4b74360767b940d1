#!/usr/bin/env bash
# Renders the PNG app icons (192, 512 and a 512 maskable one) from web/icons/icon.svg with
# headless Chromium. Run once when the icon changes; the PNGs are committed.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
svg=$(cat web/icons/icon.svg)
render() { # size, html body, output
  printf '<!doctype html><style>html,body{margin:0;background:transparent}svg{display:block}</style>%s' "$2" > "$tmp/icon.html"
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --default-background-color=00000000 \
    --window-size="$1,$1" --screenshot="$3" "file://$tmp/icon.html" 2>/dev/null
}
for size in 192 512; do
  render "$size" "${svg/<svg /<svg width=\"$size\" height=\"$size\" }" "web/icons/icon-$size.png"
done
# Maskable: a full-bleed square (the platform cuts its own shape) with the mark inside the 80% safe zone.
inner=$(sed -e '/<svg/d' -e '/<\/svg>/d' -e '/<rect/d' web/icons/icon.svg)
render 512 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"512\" height=\"512\" viewBox=\"0 0 64 64\"><rect width=\"64\" height=\"64\" fill=\"#1d3557\"/><g transform=\"translate(9.6 9.6) scale(0.7)\">$inner</g></svg>" web/icons/icon-maskable-512.png
ls -l web/icons/*.png
