#!/usr/bin/env python3
"""Compare the WebGPU outputs dumped by dawn_bench.mjs (--verify-size N --dump-dir D) with
onnxruntime's CPU EP on the same input bytes. Prints and writes D/../verify.json (or --out).
Pass: relative L2 error <= 1e-3 (fp32) / 1e-2 (fp16), no non-finite values."""
import json
import os
import sys

import numpy as np


def main(dump_dir, out):
    import onnxruntime as ort
    items = json.load(open(os.path.join(dump_dir, "dumps.json")))
    rows = []
    for it in items:
        dt = np.float16 if it["precision"] == "fp16" else np.float32
        w, h = it["input"]
        x = np.fromfile(it["dump"] + ".in.bin", dtype=dt).reshape(1, 3, h, w)
        y = np.fromfile(it["dump"] + ".out.bin", dtype=dt).reshape(1, 3, 4 * h, 4 * w).astype(np.float64)
        try:
            s = ort.InferenceSession(it["model"], providers=["CPUExecutionProvider"])
            ref = s.run([it["output_name"]], {it["input_name"]: x})[0].astype(np.float64)
            ref_from = "same model"
        except Exception as e:  # noqa: BLE001  (fp16 Conv may be missing on the CPU EP: use the fp32 twin)
            twin = it["model"].replace("fp16", "fp32")
            if twin == it["model"] or not os.path.exists(twin):
                print(f"verify {os.path.basename(it['dump'])}: no reference ({e!r})")
                continue
            s = ort.InferenceSession(twin, providers=["CPUExecutionProvider"])
            ref = s.run([it["output_name"]], {it["input_name"]: x.astype(np.float32)})[0].astype(np.float64)
            ref_from = "fp32 twin (same weights)"
        rel = float(np.linalg.norm(y - ref) / max(np.linalg.norm(ref), 1e-30))
        row = {**it, "rel_l2": rel, "max_abs": float(np.abs(y - ref).max()), "nonfinite": int((~np.isfinite(y)).sum()),
               "ref_mean_abs": float(np.abs(ref).mean()), "reference": ref_from,
               "pass": bool(rel <= (1e-2 if it["precision"] == "fp16" else 1e-3) and np.isfinite(y).all())}
        rows.append(row)
        print(f"verify {os.path.basename(it['dump'])}: rel_l2 {rel:.2e} max_abs {row['max_abs']:.2e} "
              f"nonfinite {row['nonfinite']} -> {'PASS' if row['pass'] else 'FAIL'}", flush=True)
    json.dump({"onnxruntime": ort.__version__, "results": rows}, open(out, "w"), indent=1)


if __name__ == "__main__":
    d = sys.argv[1]
    main(d, sys.argv[2] if len(sys.argv) > 2 else os.path.join(d, "verify.json"))
