#!/usr/bin/env bash
# npm test: every test of the project. Installs what is missing first (scripts/setup.sh).
#   1. TypeScript type check (strict)
#   2. Vitest unit tests (src/)
#   3. pytest: the training pipeline (training/tests), on Debian's python3 + torch
#   4. the FP16 paths (tests/f16): both engines in FP16 through the frame path on lavapipe (Deno's
#      WebGPU), against onnxruntime-node FP32
#   5. Playwright end-to-end tests in headless Debian Chromium (software WebGPU)
#   6. the other browser engines (e2e/engines): Firefox ESR over WebDriver BiDi, with and without
#      WebGPU (lavapipe, FP16), and WebKitGTK through WebKitWebDriver under Xvfb
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3

failed=()
step() {
  local name=$1; shift
  echo; echo "=== $name: $*"
  local t0=$SECONDS
  if "$@"; then echo "=== $name: ok ($((SECONDS - t0)) s)"; else echo "=== $name: FAILED ($((SECONDS - t0)) s)"; failed+=("$name"); fi
}
step typecheck npx tsc --noEmit -p .
step unit npx vitest run
step training "$PY" -m pytest -q training/tests
step f16 node --test --test-reporter=spec tests/f16/f16.test.mjs
step e2e npx playwright test
step engines node e2e/engines/run.mjs
echo
if [ ${#failed[@]} -gt 0 ]; then echo "FAILED: ${failed[*]}"; exit 1; fi
echo "all test suites passed"
