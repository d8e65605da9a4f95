#!/usr/bin/env bash
# npm start: install what is missing, then serve the player (it plays the demo clip until you drop a video).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --npm-only
open_flag=""
[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && open_flag="--open"
echo "Player: http://localhost:5173/  (drop a video on the page; ?backend=wasm|webgpu, ?model=<id>)"
exec npx vite $open_flag "$@"
