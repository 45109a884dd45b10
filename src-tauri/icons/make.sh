#!/usr/bin/env bash
# Regenerates the app icons locally with ImageMagick (nothing is downloaded). The results are committed.
set -euo pipefail
cd "$(dirname "$0")"
draw() {
  local s=$1 out=$2
  convert -size "${s}x${s}" xc:none -fill '#2f7d6d' -draw "roundrectangle 0,0 $((s-1)),$((s-1)) $((s/5)),$((s/5))" \
    -fill '#ffd166' -draw "circle $((s/2)),$((s*9/20)) $((s/2)),$((s/5))" \
    -fill white -draw "rectangle $((s*3/10)),$((s*7/10)) $((s*7/10)),$((s*4/5))" "PNG32:$out"
}
draw 32 32x32.png
draw 128 128x128.png
draw 256 128x128@2x.png
draw 512 icon.png
