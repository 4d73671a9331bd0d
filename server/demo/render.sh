#!/usr/bin/env bash
# Rasterises the demo illustrations (server/demo/*.svg, drawn for Shinian) to the JPEGs that
# `server seed-demo` embeds. Needs libvips built with librsvg (`apt-get install libvips-tools`).
# Run from anywhere: ./server/demo/render.sh
set -euo pipefail
cd "$(dirname "$0")"
for svg in *.svg; do
  jpg="${svg%.svg}.jpg"
  # The SVGs are 1200×900 at 72 dpi: one SVG unit is one pixel.
  vips copy "$svg[dpi=72]" "$jpg[Q=82,strip,optimize_coding]"
  printf '%s  %s bytes\n' "$jpg" "$(stat -c %s "$jpg")"
done
