#!/usr/bin/env bash
# Train several widths at once on one GPU (small nets leave most of it idle), each for a
# wall-clock budget, then evaluate each on every set found and pack the runs.
#
#   DATA=.device/train EVAL=.device/eval OUT=/tmp/out WIDTHS="16 32 48" MINUTES=6 bash training/sweep.sh
#
# Leaves $OUT/runs.tgz (checkpoints, logs, metrics) and $OUT/sweep.txt (the tables).
set -u
DATA=${DATA:-../shared/datasets/train}
EVAL=${EVAL:-../shared/datasets/eval}
OUT=${OUT:-training/runs}
WIDTHS=${WIDTHS:-"16 32 48"}
MINUTES=${MINUTES:-6}
PY=${PY:-python3}
EXTRA=${EXTRA:-}
RUNS=${RUNS:-/tmp/sweep-runs}
mkdir -p "$OUT" "$RUNS"
export PYTHONUNBUFFERED=1
for c in $WIDTHS; do
  $PY -m training.train --data "$DATA" --eval-data "$EVAL" --out "$RUNS/c$c" --channels "$c" \
      --minutes "$MINUTES" --steps 1000000 --eval-every 2000 $EXTRA > "$RUNS/c$c.log" 2>&1 &
done
wait
for c in $WIDTHS; do
  echo "== c$c: $(grep -E '^(final|before)' "$RUNS/c$c.log" | tr '\n' ' ')"
  tail -c 400 "$RUNS/c$c.log" | tr '\r' '\n' | tail -n 3
  [ -f "$RUNS/c$c/ckpt.pt" ] && timeout 120 $PY -m training.evaluate --ckpt "$RUNS/c$c/ckpt.pt" --data "$EVAL"
done 2>&1 | tee "$OUT/sweep.txt"
tar czf "$OUT/runs.tgz" -C "$RUNS" .
ls -la "$OUT"
