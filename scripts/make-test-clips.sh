#!/usr/bin/env bash
# Generates the tiny e2e fixtures into e2e/fixtures/generated/ (git-ignored). Software WebGPU
# (SwiftShader) needs seconds per 32x32 frame for the 17-layer net, so the clips are tiny.
# Needs ffmpeg with libx264, libx265, libvpx, libwebp and the native AAC encoder (Debian's ffmpeg
# package has them all: apt-get install ffmpeg). Idempotent: existing files are kept; bump
# FIXTURES_VERSION when a recipe changes so old copies are regenerated.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=e2e/fixtures/generated
FIXTURES_VERSION=5
mkdir -p "$OUT"
if [ "$(cat "$OUT/.version" 2>/dev/null)" != "$FIXTURES_VERSION" ]; then rm -f "$OUT"/*; echo "$FIXTURES_VERSION" > "$OUT/.version"; fi

ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }
src() { echo "testsrc2=size=64x48:rate=$2,hue=s=1.2,scale=${1/x/:}:flags=bicubic,setsar=1"; } # size fps: any size, odd ones too
h264=(-c:v libx264 -preset veryfast -crf 18 -pix_fmt yuv420p -profile:v high -movflags +faststart -an)
gen() { # name size frames fps
  [ -s "$OUT/$1" ] && return 0
  ff -f lavfi -i "testsrc2=size=$2:rate=$4,hue=s=1.2" -frames:v "$3" "${h264[@]}" "$OUT/$1"
}
once() { [ -s "$OUT/$1" ]; } # already made

# ---- good clips
gen tiny32.mp4 32x32 6 10
gen tiny48x32.mp4 48x32 4 10
gen portrait24x40.mp4 24x40 3 10
# odd sizes: H.264 4:2:0 cannot code them, VP9 can (1x1 too)
once odd33x19.webm || ff -f lavfi -i "$(src 33x19 10)" -frames:v 3 -c:v libvpx-vp9 -pix_fmt yuv420p -an "$OUT/odd33x19.webm"
once one1x1.webm || ff -f lavfi -i "$(src 1x1 10)" -frames:v 3 -c:v libvpx-vp9 -pix_fmt yuv420p -an "$OUT/one1x1.webm"
# variable frame rate: frames at 0, 0.1, 0.2, 0.9, 1.0, 1.6 s (gaps of 100, 700 and 600 ms)
once vfr16.mp4 || ff -f lavfi -i "testsrc2=size=16x16:rate=10" -frames:v 6 \
  -vf "setpts='(0*eq(N,0)+0.1*eq(N,1)+0.2*eq(N,2)+0.9*eq(N,3)+1.0*eq(N,4)+1.6*eq(N,5))/TB'" -fps_mode vfr -enc_time_base 1/1000 \
  "${h264[@]}" -bf 0 "$OUT/vfr16.mp4"
# the long-session loop: 8x8, 30 frames at 30 fps (one GOP per second)
gen loop8.mp4 8x8 30 30

# ---- sound: A/V sync, export with its audio
# 16x16 at 10 fps for 3 s, H.264 + AAC 48 kHz: a white flash on frames 5, 15, 25 and a 5 ms click at
# the same instants (0.5, 1.5, 2.5 s); dark and silent otherwise
once avsync16.mp4 || ff -f lavfi -i "color=c=0x202020:size=16x16:rate=10:duration=3" \
  -f lavfi -i "aevalsrc='0.9*sin(2*PI*3000*t)*between(mod(t\,1)\,0.5\,0.505)':s=48000:d=3" \
  -vf "drawbox=color=white:t=fill:enable='eq(mod(n\,10)\,5)'" -c:v libx264 -preset veryfast -crf 18 -pix_fmt yuv420p -bf 0 \
  -c:a aac -b:a 96k -movflags +faststart "$OUT/avsync16.mp4"
# export sources: H.264 + AAC in MP4 (the sound is copied into an MP4), VP9 + Opus in WebM
once av24x16.mp4 || ff -f lavfi -i "$(src 24x16 10)" -f lavfi -i "sine=frequency=660:sample_rate=48000:duration=0.8" -t 0.8 \
  -c:v libx264 -preset veryfast -crf 18 -pix_fmt yuv420p -profile:v high -c:a aac -b:a 64k -movflags +faststart "$OUT/av24x16.mp4"
once av16.webm || ff -f lavfi -i "$(src 16x16 10)" -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=0.6" -t 0.6 \
  -c:v libvpx-vp9 -pix_fmt yuv420p -c:a libopus -b:a 48k "$OUT/av16.webm"
# sound this browser cannot decode (AC-3): the video plays, silently, with a note
once ac3-16.mp4 || ff -f lavfi -i "$(src 16x16 10)" -f lavfi -i "sine=frequency=500:sample_rate=48000:duration=0.5" -t 0.5 \
  -c:v libx264 -preset veryfast -pix_fmt yuv420p -c:a ac3 -b:a 96k -movflags +faststart "$OUT/ac3-16.mp4"
# the lens: large enough that a zoomed lens's crop (its region + 17-pixel margins) lies inside the frame
gen lens96x80.mp4 96x80 2 10
# the lens switching on by itself: 64x64 at 60 fps is beyond the CPU (WASM) path with C=64
gen fast64.mp4 64x64 240 60
# a long export (1000 frames, 8x8, 60 fps): resource counters stay flat, and cancel mid-way
gen long8.mp4 8x8 1000 60

# ---- still images (a welcome input) and their exact RGBA pixels for the lossless PNG
once still24x20.png || ff -f lavfi -i "$(src 24x20 1)" -frames:v 1 -pix_fmt rgb24 "$OUT/still24x20.png"
once still24x20.rgba || ff -i "$OUT/still24x20.png" -f rawvideo -pix_fmt rgba "$OUT/still24x20.rgba"
once still20x28.jpg || ff -f lavfi -i "$(src 20x28 1)" -frames:v 1 -q:v 3 -pix_fmt yuvj420p "$OUT/still20x28.jpg"
once still28x16.webp || ff -f lavfi -i "$(src 28x16 1)" -frames:v 1 -c:v libwebp -quality 90 "$OUT/still28x16.webp"

# ---- bad input
printf 'this is not a video, just text pretending to be one\n' > "$OUT/not-a-video.mp4"
cp "$OUT/still24x20.png" "$OUT/image-named.mp4"                   # a PNG with a video's name
: > "$OUT/empty.mp4"
# cut in the middle of the media data (the header, moved to the front by faststart, is whole)
head -c "$(( $(stat -c %s "$OUT/tiny32.mp4") * 6 / 10 ))" "$OUT/tiny32.mp4" > "$OUT/truncated.mp4"
# cut inside the header: half-way into the moov box (faststart puts it right after ftyp)
moov_cut=$(python3 - "$OUT/tiny32.mp4" <<'EOF'
import struct, sys
b = open(sys.argv[1], 'rb').read()
i = 0
while i + 8 <= len(b):
    size, kind = struct.unpack('>I4s', b[i:i + 8])
    if size < 8:
        break
    if kind == b'moov':
        print(i + size // 2)
        sys.exit(0)
    i += size
sys.exit('make-test-clips: no moov box in tiny32.mp4')
EOF
) || exit 1
head -c "$moov_cut" "$OUT/tiny32.mp4" > "$OUT/truncated-header.mp4"
# HEVC in MP4 (hvc1): Debian's Chromium has no HEVC decoder
once hevc32.mp4 || ff -f lavfi -i "testsrc2=size=32x32:rate=10" -frames:v 3 -c:v libx265 -preset ultrafast -x265-params log-level=error \
  -tag:v hvc1 -pix_fmt yuv420p -an -movflags +faststart "$OUT/hevc32.mp4"
# audio only (AAC in MP4)
once audio-only.mp4 || ff -f lavfi -i "sine=frequency=440:duration=0.5" -c:a aac -b:a 32k -movflags +faststart "$OUT/audio-only.mp4"
# 8192x8192: its 4x output (32768x32768) is over every GPU's texture and buffer limits. One flat
# frame: ~200 kB, a few seconds with ultrafast.
once huge8192.mp4 || ff -f lavfi -i "color=c=gray:size=8192x8192:rate=1" -frames:v 1 -c:v libx264 -preset ultrafast -pix_fmt yuv420p \
  -an -movflags +faststart "$OUT/huge8192.mp4"
# a still whose 4x output (12000x12000) is over the texture limit: refused from its header, undecoded
once huge3000.png || ff -f lavfi -i "color=c=gray:size=3000x3000" -frames:v 1 "$OUT/huge3000.png"
# damaged mid-stream: 16x16, 20 fps, 3 s, a key frame every 0.5 s, no B-frames; frame 30
# (1.50 s) has its first NAL's length prefix set past the sample's end, which a decoder must reject
once midbreak16.mp4 || {
  ff -f lavfi -i "testsrc2=size=16x16:rate=20,hue=s=1.2" -frames:v 60 "${h264[@]}" -bf 0 -g 10 -keyint_min 10 -sc_threshold 0 "$OUT/midbreak16.$$.tmp.mp4"
  python3 - "$OUT/midbreak16.$$.tmp.mp4" 30 <<'EOF'
import struct, sys
path, index = sys.argv[1], int(sys.argv[2])
b = bytearray(open(path, 'rb').read())
def find(lo, hi, names):  # the box at path `names` (one track: the first of each)
    i = lo
    while i + 8 <= hi:
        size, kind = struct.unpack('>I4s', b[i:i + 8])
        if size < 8:
            break
        if kind.decode('latin1') == names[0]:
            return (i + 8, i + size) if len(names) == 1 else find(i + 8, i + size, names[1:])
        i += size
    sys.exit(f'make-test-clips: no {names[0]} box in {path}')
stbl = find(0, len(b), ['moov', 'trak', 'mdia', 'minf', 'stbl'])
u32 = lambda at, n=1: struct.unpack(f'>{n}I', b[at:at + 4 * n])
a = find(*stbl, ['stsz'])[0]; const, n = u32(a + 4, 2); sizes = [const] * n if const else u32(a + 12, n)
a = find(*stbl, ['stco'])[0]; chunks = u32(a + 8, u32(a + 4)[0])
a = find(*stbl, ['stsc'])[0]; runs = [u32(a + 8 + 12 * k, 3) for k in range(u32(a + 4)[0])]
sample, at = 0, None
for c, off in enumerate(chunks):  # walk the chunks and their samples to the sample's byte offset
    for _ in range([r[1] for r in runs if r[0] - 1 <= c][-1]):
        if sample == index:
            at = off
        off += sizes[sample]; sample += 1
b[at:at + 4] = struct.pack('>I', 0x7ffffff0)
open(path, 'wb').write(b)
EOF
  mv "$OUT/midbreak16.$$.tmp.mp4" "$OUT/midbreak16.mp4"
}
ls -l "$OUT"
