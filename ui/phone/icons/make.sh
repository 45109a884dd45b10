#!/usr/bin/env bash
# Makes the phone app's icons in ../public/ (committed: nothing is drawn or downloaded at build time). Debian's
# ImageMagick reads no SVG without a delegate, so the drawing of icon.svg is repeated here in ImageMagick's own
# primitives, on a 512 px canvas, then scaled. The drawing stays inside the central 60 %, so the same picture is
# also the maskable icon (Android crops it to a circle or squircle of 80 %).
set -euo pipefail
cd "$(dirname "$0")"
draw() {
  /usr/bin/convert -size 512x512 xc:'#2f7d6d' \
    -fill none -stroke '#fbf8f2' -strokewidth 26 -draw 'stroke-linejoin round polygon 256,130 382,236 356,236 356,366 156,366 156,236 130,236' \
    -stroke none -fill '#fbf8f2' -draw 'circle 256,306 256,266' \
    -resize "$1x$1" -strip "PNG32:$2"
}
draw 512 ../public/icon-512.png
draw 192 ../public/icon-192.png
draw 512 ../public/icon-maskable-512.png
draw 180 ../public/apple-touch-icon.png
cp icon.svg ../public/icon.svg
