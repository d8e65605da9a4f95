#!/usr/bin/env bash
# Installs what the player and the tests need beyond npm, then the npm packages.
# On Debian/Ubuntu, missing system packages come from apt (never a browser download):
#   chromium (Playwright drives Debian's build), ffmpeg (test clips, demo clip),
#   python3-torch python3-onnx python3-numpy python3-pil python3-pytest (training/ and its tests),
#   mesa-vulkan-drivers (lavapipe: the software Vulkan adapter with shader-f16 that tests/f16 runs
#   the FP16 paths on, through the npm devDependency deno's WebGPU, and Firefox's WebGPU in e2e/engines),
#   firefox-esr (driven over WebDriver BiDi by puppeteer-core), webkit2gtk-driver (WebKitGTK's
#   WebKitWebDriver and MiniBrowser: Safari's engine) under xvfb + xauth, with GStreamer's decoders
#   and encoders behind WebKit's WebCodecs (gstreamer1.0-libav, -plugins-good, -plugins-bad) and a font.
# Usage: scripts/setup.sh [--system-only|--npm-only]
set -euo pipefail
cd "$(dirname "$0")/.."

want=(chromium ffmpeg python3-torch python3-onnx python3-numpy python3-pil python3-pytest mesa-vulkan-drivers
      firefox-esr webkit2gtk-driver xvfb xauth gstreamer1.0-libav gstreamer1.0-plugins-good gstreamer1.0-plugins-bad fonts-dejavu-core)
if [ "${1:-}" != "--npm-only" ]; then
  missing=()
  if command -v dpkg >/dev/null 2>&1; then
    for p in "${want[@]}"; do
      dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    if command -v apt-get >/dev/null 2>&1; then
      echo "setup: installing from apt: ${missing[*]}"
      SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
      $SUDO apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      echo "setup: please install: ${missing[*]} (not a Debian system: no apt-get)" >&2
      exit 1
    fi
  fi
fi
if [ "${1:-}" != "--system-only" ]; then
  # npm ci when node_modules is missing or older than the lock file
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "setup: npm ci"
    npm ci --no-audit --no-fund
  fi
fi
