#!/usr/bin/env bash
# GPU benchmark, run ON the device machine from the repo root with $OUT set (one call):
#   bash bench/gpu/run.sh            carry: [".device/bench", ".gl"]  (built here by bench/gpu/pack.sh)
# Smoke test on a CPU-only machine (Dawn's SwiftShader adapter, torch on CPU, tiny sizes):
#   SMOKE=1 OUT=/tmp/x bash bench/gpu/run.sh
# Stages, under one hard limit (LIMIT_S, default 270 s: give the call timeout_s 330; 600 s with SMOKE=1): unpack -> Vulkan -> nvidia-smi ->
# models (make_models.py, or MODELS_DIR / .device/bench/models / .device/models *.onnx if present) -> torch_anchor.py (cuDNN) ->
# wgsl-engine.mjs --dawn (our WGSL engine on the committed models vs onnxruntime-web, fp16 + fp32, ~30 s per model) ->
# frame_bench.mjs (the player's GpuFrameProcessor with each engine: throughput, latency, overhead; and the export's per-frame path; the ladder c8, c16, c32) ->
# dawn_bench.mjs (onnxruntime-web WebGPU EP option grid under Dawn for Node) -> summarize.py (table + JSON).
# Every Dawn stage runs on the player's own device (createGpu from .device/bench/player.bundle.mjs, through
# bench/lib/webgpu.mjs), the set-up the FP16 test (tests/f16, Deno on lavapipe) shares.
# Env: SKIP_ANCHOR=1, SKIP_ENGINE=1, SKIP_FRAME=1, FRAME_MODELS="sr4x-c8 sr4x-c16 sr4x-c32" (which widths hold
# 60 fps: the player's model ladder), FRAME_S=45, FRAME_FRAMES=60, ENGINE_MODELS="sr4x-c16 sr4x-c32", ENGINE_S=30 (per model), ENGINE_FRAMES=20,
# CHANNELS=16,32,48,64, MAIN_CHANNELS=32 (full factorial
# width), SIZE=1024, CONFIG_S=1.5 (timed seconds per config), MODELS_DIR (the dawn_bench stage's random-weight models;
# the engine and frame stages use the committed models/), MACHINE (name in the results), BENCH_TAR=1, and for SMOKE=1:
# SMOKE_CHANNELS, SMOKE_SIZE; also VERIFY_SIZE, WORK_DIR (default /tmp/srbench), PY.
# Writes to $OUT: log.txt, torch_anchor.json, wgsl_engine_<model>.json, frame_<model>.json, dawn_bench.json, verify.json, results.json (the results schema every benchmark writes).
set -u
T0=$(date +%s)
SMOKE=${SMOKE:-0}
# the device call's timeout is 330 s; a smoke run on a shared 2-core VM needs more room for the same stages
if [ "$SMOKE" = 1 ]; then LIMIT=${LIMIT_S:-600}; else LIMIT=${LIMIT_S:-270}; fi
: "${OUT:?set OUT}"
mkdir -p "$OUT"
left() { echo $(( LIMIT - ($(date +%s) - T0) )); }
W=${WORK_DIR:-/tmp/srbench}
BUNDLE=.device/bench/player.bundle.mjs

main() {
  echo "== run.sh $(date -u +%FT%TZ) SMOKE=$SMOKE limit ${LIMIT}s host $(hostname)"
  rm -rf "$W"; mkdir -p "$W/ort" "$W/models"
  # ---- unpack
  for f in .device/bench/node.xz .device/bench/dawn.node.xz .device/bench/ort/ort-wasm-simd-threaded.asyncify.wasm.xz .device/bench/ort/ort.webgpu.bundle.min.mjs \
           .device/bench/ort/ort-wasm-simd-threaded.asyncify.mjs $BUNDLE; do
    [ -f "$f" ] || { echo "missing $f: run bench/gpu/pack.sh and carry .device/bench"; return 1; }
  done
  xz -dc .device/bench/node.xz > "$W/node" & xz -dc .device/bench/dawn.node.xz > "$W/dawn.node" &
  xz -dc .device/bench/ort/ort-wasm-simd-threaded.asyncify.wasm.xz > "$W/ort/ort-wasm-simd-threaded.asyncify.wasm"
  wait
  chmod +x "$W/node"; cp .device/bench/ort/ort.webgpu.bundle.min.mjs .device/bench/ort/ort-wasm-simd-threaded.asyncify.mjs "$W/ort/"
  NODE="$W/node"
  echo "node $("$NODE" --version) ($(( $(date +%s) - T0 ))s)"
  # ---- Vulkan
  if [ "$SMOKE" = 1 ]; then
    export VK_DRIVER_FILES=${VK_DRIVER_FILES:-/usr/lib/chromium/vk_swiftshader_icd.json}
    # Mesa's drivers, where installed (tests/f16 needs lavapipe), complain on every start without it
    [ -d "${XDG_RUNTIME_DIR:-/nonexistent}" ] || { export XDG_RUNTIME_DIR="$W/xdg"; mkdir -p -m 700 "$XDG_RUNTIME_DIR"; }
    PY=${PY:-/usr/bin/python3}
    timeout 60 "$NODE" bench/gpu/probe_adapter.mjs "$W/dawn.node" --allow-fallback
  else
    if ! ldconfig -p | grep -q libvulkan.so.1; then
      for f in .gl/*.deb; do dpkg -x "$f" /; done; ldconfig
    fi
    ldconfig -p | grep libvulkan || echo "no libvulkan after unpacking .gl (carry .gl)"
    icds=$(ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json 2>/dev/null)
    echo "vulkan ICDs registered: ${icds:-none}"
    # candidates: as given / as registered (empty), then the NVIDIA ICD files that exist
    cands="${VK_DRIVER_FILES:-none}"
    for j in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json \
             $(timeout 10 find /usr/local/nvidia /usr/share/vulkan /etc/vulkan /opt -name 'nvidia_icd*.json' 2>/dev/null | head -3); do
      [ -f "$j" ] && case " $cands " in *" $j "*) ;; *) cands="$cands $j";; esac
    done
    echo "ICD candidates: $cands"
    # probe: keep the first setting under which Dawn finds a real (non-fallback) adapter
    ok=0; n=0
    for j in $cands; do
      n=$((n + 1)); [ $n -gt 4 ] && break
      if [ "$j" = none ]; then unset VK_DRIVER_FILES; else export VK_DRIVER_FILES=$j; fi
      if timeout 20 "$NODE" bench/gpu/probe_adapter.mjs "$W/dawn.node"; then ok=1; break; fi
    done
    [ $ok = 1 ] || echo "probe: Dawn found no GPU adapter under any ICD setting (the Dawn stage will fail; the anchor still runs)"
    echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-unset}"
    export __EGL_VENDOR_LIBRARY_FILENAMES=${__EGL_VENDOR_LIBRARY_FILENAMES:-/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json}
    PY=${PY:-python3}
    timeout 15 nvidia-smi || echo "nvidia-smi failed"
    timeout 10 nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,power.draw,power.limit,temperature.gpu --format=csv || true
  fi
  export PYTHONUNBUFFERED=1
  # ---- models
  MD=${MODELS_DIR:-}
  for d in .device/bench/models .device/models; do [ -z "$MD" ] && ls $d/*.onnx >/dev/null 2>&1 && MD=$d; done
  if [ -n "$MD" ]; then
    echo "models: indexing $MD"; "$PY" bench/gpu/make_models.py "$W/models" --scan "$MD" || return 1
  elif [ "$SMOKE" = 1 ]; then
    "$PY" bench/gpu/make_models.py "$W/models" --channels "${SMOKE_CHANNELS:-8}" || return 1
  else
    "$PY" bench/gpu/make_models.py "$W/models" --channels "${CHANNELS:-16,32,48,64}" || return 1
  fi
  echo "models ready ($(( $(date +%s) - T0 ))s)"
  # ---- torch anchor
  if [ "${SKIP_ANCHOR:-0}" = 1 ]; then
    echo "torch anchor skipped (SKIP_ANCHOR=1)"
  elif [ "$SMOKE" = 1 ]; then
    timeout 60 "$PY" bench/gpu/torch_anchor.py --out "$OUT/torch_anchor.json" --size 32 --channels 8 --runs 10 --warmup 2 || echo "torch_anchor failed ($?)"
  else
    ta=$(( $(left) - 80 )); [ $ta -gt 50 ] && ta=50
    timeout $ta "$PY" bench/gpu/torch_anchor.py --out "$OUT/torch_anchor.json" --size "${SIZE:-1024}" --channels "${CHANNELS:-16,32,48,64}" --runs 50 --budget-s 1.0 || echo "torch_anchor failed or timed out ($?)"
  fi
  echo "anchor done ($(( $(date +%s) - T0 ))s)"
  # ---- our WGSL engine (the player's ?engine=wgsl, and what ?engine=auto may pick) on the committed
  # models, fp16 and fp32, against onnxruntime-web on the same device and input (outputs compared)
  if [ "${SKIP_ENGINE:-0}" = 1 ]; then echo "engine stage skipped (SKIP_ENGINE=1)"
  elif [ ! -f $BUNDLE ]; then echo "no $BUNDLE: re-run bench/gpu/pack.sh"
  else
    if [ "$SMOKE" = 1 ]; then ES=16; EM=sr4x-c32; EF=3; ET=120; else ES=${SIZE:-1024}; EM=${ENGINE_MODELS:-sr4x-c16 sr4x-c32}; EF=${ENGINE_FRAMES:-20}; ET=${ENGINE_S:-30}; fi
    for m in $EM; do
      [ "$(left)" -gt $(( ET + 40 )) ] || { echo "engine $m: skipped, $(left)s left"; continue; }
      BENCH_SIZES=$ES BENCH_MODEL=$m BENCH_DTYPES=fp32,fp16 BENCH_FRAMES=$EF BENCH_MACHINE="${MACHINE:-$(hostname)}" BENCH_OUT="$OUT/wgsl_engine_$m.json" \
        timeout $ET "$NODE" bench/wgsl-engine.mjs --dawn "$W/dawn.node" --ort "$W/ort" --bundle $BUNDLE --models models \
        || echo "wgsl-engine $m exited $?"
    done
  fi
  echo "engine done ($(( $(date +%s) - T0 ))s)"
  # ---- the player's whole frame path (pack -> model -> unpack -> PSNR -> present) with each engine,
  # frames overlapping as in the player: throughput, latency and overhead over the model alone
  if [ "${SKIP_FRAME:-0}" = 1 ] || [ ! -f $BUNDLE ]; then echo "frame stage skipped"
  else
    if [ "$SMOKE" = 1 ]; then FS=16; FM=sr4x-c32; FF=4; FT=150; else FS=${SIZE:-1024}; FM=${FRAME_MODELS:-sr4x-c8 sr4x-c16 sr4x-c32}; FF=${FRAME_FRAMES:-60}; FT=${FRAME_S:-45}; fi
    for m in $FM; do
      [ "$(left)" -gt $(( FT + 30 )) ] || { echo "frame $m: skipped, $(left)s left"; continue; }
      BENCH_MACHINE="${MACHINE:-$(hostname)}" timeout $FT "$NODE" bench/gpu/frame_bench.mjs --dawn "$W/dawn.node" --ort "$W/ort" \
        --bundle $BUNDLE --models models --model $m --size $FS --frames $FF --out "$OUT/frame_$m.json" \
        || echo "frame_bench $m exited $?"
    done
  fi
  echo "frame done ($(( $(date +%s) - T0 ))s)"
  # ---- Dawn for Node: onnxruntime-web WebGPU EP
  b=$(( $(left) - 8 ))
  if [ "$SMOKE" = 1 ]; then
    DARGS="--size ${SMOKE_SIZE:-16} --quick --frames 3 --min-frames 2 --config-s 1 --config-timeout-s 170 --main-channels 8 --verify-size 8"
  else
    DARGS="--size ${SIZE:-1024} --main-channels ${MAIN_CHANNELS:-32} --frames 30 --min-frames 8 --config-s ${CONFIG_S:-1.5} --config-timeout-s 25 --verify-size ${VERIFY_SIZE:-64}"
  fi
  mkdir -p "$W/dumps"
  timeout $(( b + 3 )) "$NODE" bench/gpu/dawn_bench.mjs --models "$W/models" --out "$OUT/dawn_bench.json" \
    --dawn "$W/dawn.node" --ort "$W/ort" --bundle $BUNDLE --versions .device/bench/versions.json --budget-s "$b" --dump-dir "$W/dumps" --machine "${MACHINE:-$(hostname)}" $DARGS \
    || echo "dawn_bench exited $?"
  echo "dawn done ($(( $(date +%s) - T0 ))s)"
  # ---- WebGPU outputs vs onnxruntime CPU on the same input (small size)
  if [ -f "$W/dumps/dumps.json" ]; then
    timeout 30 "$PY" bench/gpu/verify_outputs.py "$W/dumps" "$OUT/verify.json" \
      || { [ -d node_modules/onnxruntime-node ] && timeout 30 "$NODE" bench/gpu/verify_node.mjs "$W/dumps" "$OUT/verify.json"; } \
      || echo "verify failed"
  fi
}

main 2>&1 | tee "$OUT/log.txt"
timeout 20 python3 bench/gpu/summarize.py "$OUT" 2>&1 | tee -a "$OUT/log.txt" \
  || /usr/bin/python3 bench/gpu/summarize.py "$OUT" 2>&1 | tee -a "$OUT/log.txt"
echo "== run.sh total $(( $(date +%s) - T0 ))s; files in $OUT: $(ls "$OUT" | tr '\n' ' ')"
if [ "${BENCH_TAR:-0}" = 1 ]; then  # one file back instead of five (the device returns at most 8)
  (cd "$OUT" && tar -czf bench_gpu.tgz log.txt *.json && rm -f log.txt *.json) && echo "packed $OUT/bench_gpu.tgz"
fi
