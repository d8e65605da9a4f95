#!/usr/bin/env bash
# Train several widths at once on one GPU (small nets leave most of it idle), each for a
# wall-clock budget, then evaluate each on every set found and pack the runs.
#
#   DATA=.device/train EVAL=.device/eval OUT=/tmp/out WIDTHS="16 32 48 32:relu" MINUTES=6 bash training/sweep.sh
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
for w in $WIDTHS; do  # "32" or "32:relu"
  c=${w%%:*}; act=lrelu; [ "$w" != "$c" ] && act=${w#*:}
  $PY -m training.train --data "$DATA" --eval-data "$EVAL" --out "$RUNS/c$c-$act" --channels "$c" --act "$act" \
      --minutes "$MINUTES" --steps 1000000 --eval-every 2000 $EXTRA > "$RUNS/c$c-$act.log" 2>&1 &
done
wait
for r in $(cd "$RUNS" && ls -d c*/ | tr -d /); do
  echo "== $r: $(grep -E '^(final|before)' "$RUNS/$r.log" | tr '\n' ' ')"
  tail -c 400 "$RUNS/$r.log" | tr '\r' '\n' | tail -n 3
  [ -f "$RUNS/$r/ckpt.pt" ] && [ -z "${SKIP_EVAL:-}" ] && timeout 120 $PY -m training.evaluate --ckpt "$RUNS/$r/ckpt.pt" --data "$EVAL"
done 2>&1 | tee "$OUT/sweep.txt"
# one archive a run: the device tool brings back files of at most 16 MiB
for r in $(cd "$RUNS" && ls -d c*/ | tr -d /); do tar czf "$OUT/$r.tgz" -C "$RUNS" "$r" "$r.log"; done
ls -la "$OUT"
