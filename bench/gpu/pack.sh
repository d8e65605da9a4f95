#!/usr/bin/env bash
# Builds .device/bench/ (git-ignored) for bench/gpu/run.sh on the GPU machine, which has no Node and no
# registries: a stripped, xz'd Node binary, Dawn for Node (npm `webgpu`, linux-x64 dawn.node),
# onnxruntime-web's WebGPU bundle + its wasm, the player bundle (bench/lib/bundle.mjs: the player's
# device set-up, frame path and engines, built from the current src/), and versions.json. The bench JS/Python stay in
# bench/gpu/ (they travel with the working tree). Models are made on the device by
# make_models.py unless .device/bench/models/*.onnx exist (then they are indexed and used).
# Re-running skips files that are already packed and newer than their source.
# Also fetches the Vulkan loader .debs into .gl/ if missing (device README).
set -euo pipefail
cd "$(dirname "$0")/../.."
D=.device/bench
mkdir -p "$D/ort"
NODE_BIN=${NODE_BIN:-$(readlink -f "$(command -v node)")}
DAWN=node_modules/webgpu/dist/linux-x64/dawn.node
ORTD=node_modules/onnxruntime-web/dist
[ -f "$DAWN" ] || { echo "pack: $DAWN missing (npm ci first)"; exit 1; }
[ -f "$ORTD/ort.webgpu.bundle.min.mjs" ] || { echo "pack: onnxruntime-web missing"; exit 1; }

pack_bin() { # src dst.xz : strip a copy, xz with the x86 BCJ filter
  local src=$1 dst=$2
  if [ -f "$dst" ] && [ "$dst" -nt "$src" ]; then echo "pack: $dst up to date"; return; fi
  local tmp; tmp=$(mktemp)
  cp "$src" "$tmp"; strip "$tmp" 2>/dev/null || true
  xz -T1 --x86 --lzma2=preset=9e -c "$tmp" > "$dst.tmp" && mv "$dst.tmp" "$dst"
  rm -f "$tmp"; echo "pack: $dst $(du -h "$dst" | cut -f1)"
}
pack_xz() { # src dst.xz
  local src=$1 dst=$2
  if [ -f "$dst" ] && [ "$dst" -nt "$src" ]; then echo "pack: $dst up to date"; return; fi
  xz -T1 -9 -c "$src" > "$dst.tmp" && mv "$dst.tmp" "$dst"; echo "pack: $dst $(du -h "$dst" | cut -f1)"
}
pack_bin "$NODE_BIN" "$D/node.xz" &
pack_bin "$DAWN" "$D/dawn.node.xz"
pack_xz "$ORTD/ort-wasm-simd-threaded.asyncify.wasm" "$D/ort/ort-wasm-simd-threaded.asyncify.wasm.xz"
wait
# the runtime's glue module too: the player's configureOrt sets wasmPaths, and ORT then loads it from there
cp "$ORTD/ort.webgpu.bundle.min.mjs" "$ORTD/ort-wasm-simd-threaded.asyncify.mjs" "$D/ort/"
# the player as one ES module (WGSL inlined; imports ./ort/ort.webgpu.bundle.min.mjs): every stage of run.sh
rm -f "$D/wgsl-engine.bundle.mjs"  # its name before 2026-11-30
node bench/lib/bundle.mjs "$D/player.bundle.mjs"
# the bundle is an ES module: Node needs "type": "module" beside it or the .mjs name (kept)
node -e '
const fs=require("fs");
const v={node:process.version,
 "onnxruntime-web":require("./node_modules/onnxruntime-web/package.json").version,
 webgpu_npm:require("./node_modules/webgpu/package.json").version,
 packed:new Date().toISOString(), node_bin:process.argv[1], commit:process.argv[2]};
fs.writeFileSync(".device/bench/versions.json", JSON.stringify(v,null,1)); console.log("pack: versions", JSON.stringify(v));' "$NODE_BIN" "$(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo +dirty)"

if ! ls .gl/libvulkan1_*.deb >/dev/null 2>&1; then
  grep -q '^/.gl/' .git/info/exclude 2>/dev/null || echo /.gl/ >> .git/info/exclude
  mkdir -p .gl /tmp/amd64/partial
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  apt-get $o update >/dev/null
  (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
fi
du -sh .device/bench .gl
du -sc .device/bench .gl | tail -1 | awk '{printf "pack: total %.1f MiB to carry (.device/bench + .gl)\n", $1/1024}'
