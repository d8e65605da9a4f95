#!/usr/bin/env bash
# Builds public/demo.mp4: the clip the player shows when nothing is dropped.
# 1024x1024, 60 fps, H.264 (High, yuv420p: WebCodecs decodes it in Chromium), ~4.5 s:
# a slow pan over three CC0 / CC-BY photos from the lomiri wallpapers
# (credits: public/CREDITS.md). Needs ffmpeg with libx264 (Debian: apt-get install ffmpeg).
set -euo pipefail
cd "$(dirname "$0")/.."
SRC="${LOMIRI_DIR:-../shared/datasets/train/lomiri}"
OUT="${1:-public/demo.mp4}"
SEG=1.5   # seconds per photo
photos=(seeding_by_Clements_Engelhardt.jpg aitzgorri_by_Aitzol_Berasategi.jpg picosdeeuropa_by_Aitzol_Berasategi.jpg)
inputs=(); filters=""; i=0
for p in "${photos[@]}"; do
  inputs+=(-loop 1 -framerate 60 -t "$SEG" -i "$SRC/$p")
  # Scale to 1280 px tall, then a 1024x1024 window moves left->right (1, 3) or right->left (2)
  # at a constant speed: a steady integer-pixel pan every frame.
  if (( i % 2 == 0 )); then X="(iw-1024)*t/$SEG"; else X="(iw-1024)*(1-t/$SEG)"; fi
  filters+="[$i:v]scale=-2:1280:flags=lanczos,crop=1024:1024:'$X':'(ih-1024)/2',setsar=1,format=yuv420p[v$i];"
  i=$((i+1))
done
filters+="[v0][v1][v2]concat=n=3:v=1:a=0[out]"
ffmpeg -hide_banner -loglevel error -y "${inputs[@]}" -filter_complex "$filters" -map "[out]" \
  -r 60 -c:v libx264 -preset slow -crf 20 -profile:v high -pix_fmt yuv420p -g 60 \
  -movflags +faststart -an "$OUT"
ls -l "$OUT"
