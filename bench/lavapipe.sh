#!/usr/bin/env bash
# FP16 against FP32, per engine, on the software adapter with shader-f16 that tests/f16 uses: Deno's
# WebGPU (wgpu) on Mesa's lavapipe, through the same harness as the GPU machine's Dawn runs
# (bench/lib/webgpu.mjs: the player's createGpu, its runners and GpuFrameProcessor from the bundle).
# A CPU rasterizer: read the ratios (FP16 / FP32, engine / engine), never the absolute times.
#   bash bench/lavapipe.sh       (after scripts/setup.sh: mesa-vulkan-drivers, npm deno)
# env: MODELS="sr4x-c32 sr4x-c64" SIZES=16,32 FRAME_SIZE=32 FRAMES=7 BENCH_MACHINE=name (default <hostname>-<n>cpu),
#      OUT_DIR (default bench/results); LP_NATIVE_VECTOR_WIDTH is left as lavapipe's default (256 on AVX2)
# Writes <machine>-lavapipe-wgsl-engine-<model>-<date>.json (model only: bench/wgsl-engine.mjs) and
# <machine>-lavapipe-frame-<model>-<date>.json (the frame path: bench/gpu/frame_bench.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
ICD=$(ls /usr/share/vulkan/icd.d/lvp_icd.*.json 2>/dev/null | head -1 || true)
[ -n "$ICD" ] || { echo "lavapipe missing: apt-get install mesa-vulkan-drivers (scripts/setup.sh)"; exit 1; }
[ -x node_modules/.bin/deno ] || { echo "deno missing: npm ci (devDependency)"; exit 1; }
export VK_DRIVER_FILES=$ICD VK_ICD_FILENAMES=$ICD DENO_NO_UPDATE_CHECK=1 NO_COLOR=1
[ -d "${XDG_RUNTIME_DIR:-/nonexistent}" ] || { export XDG_RUNTIME_DIR=$(mktemp -d); chmod 700 "$XDG_RUNTIME_DIR"; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
node bench/lib/bundle.mjs "$T/player.bundle.mjs"
MACHINE=${BENCH_MACHINE:-$(hostname)-$(nproc)cpu}
DATE=$(date -u +%F)
OUTD=${OUT_DIR:-bench/results}
DENO=(node_modules/.bin/deno run --unstable-webgpu --no-config -A)
for m in ${MODELS:-sr4x-c32 sr4x-c64}; do
  BENCH_SIZES=${SIZES:-16,32} BENCH_MODEL=$m BENCH_DTYPES=fp32,fp16 BENCH_FRAMES=${FRAMES:-7} BENCH_MACHINE=$MACHINE \
    BENCH_OUT="$OUTD/$MACHINE-lavapipe-wgsl-engine-$m-$DATE.json" "${DENO[@]}" bench/wgsl-engine.mjs --bundle "$T/player.bundle.mjs"
  BENCH_MACHINE=$MACHINE "${DENO[@]}" bench/gpu/frame_bench.mjs --bundle "$T/player.bundle.mjs" --models models --model "$m" \
    --size "${FRAME_SIZE:-32}" --frames "${FRAMES:-7}" --out "$OUTD/$MACHINE-lavapipe-frame-$m-$DATE.json"
done
