#!/usr/bin/env bash
# Generates the tiny e2e fixtures into e2e/fixtures/generated/ (git-ignored). Software WebGPU
# (SwiftShader) needs seconds per 32x32 frame for the 17-layer net, so the clips are tiny.
# Needs ffmpeg with libx264 (Debian: apt-get install ffmpeg). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=e2e/fixtures/generated
mkdir -p "$OUT"
enc=(-c:v libx264 -preset veryfast -crf 18 -pix_fmt yuv420p -profile:v high -movflags +faststart -an)
gen() { # name size frames fps
  [ -s "$OUT/$1" ] && return 0
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=$2:rate=$4,hue=s=1.2" -frames:v "$3" "${enc[@]}" "$OUT/$1"
}
gen tiny32.mp4 32x32 6 10
gen tiny48x32.mp4 48x32 4 10
# a text file with a video's name
printf 'this is not a video, just text pretending to be one\n' > "$OUT/not-a-video.mp4"
# cut in the middle of the media data (the header, moved to the front by faststart, is whole)
head -c "$(( $(stat -c %s "$OUT/tiny32.mp4") * 6 / 10 ))" "$OUT/tiny32.mp4" > "$OUT/truncated.mp4"
: > "$OUT/empty.mp4"
ls -l "$OUT"
