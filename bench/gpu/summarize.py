#!/usr/bin/env python3
"""Merge what bench/gpu/run.sh wrote to $OUT (torch_anchor.json, dawn_bench.json, verify.json,
wgsl_engine_<model>.json, frame_<model>.json) into $OUT/results.json (the results
schema every benchmark writes: {machine, gpu, date, versions, results:[{engine, backend, precision, input, model_ms,
frame_ms, ...}]}) and print short tables: the anchor, every Dawn config, per width the best WebGPU
time over the cuDNN FP16 anchor and over the arithmetic floor, our WGSL engine, and the player's
frame path. Standard library only.
  summarize.py OUT_DIR              merge + print
  summarize.py --markdown FILE|DIR  markdown tables (with machine, date, versions) for docs/PERFORMANCE.md"""
import json
import os
import sys


def load(p):
    try:
        with open(p) as f:
            return json.load(f)
    except Exception as e:  # noqa: BLE001
        print(f"summarize: {os.path.basename(p)}: {e!r}")
        return None


def fmt(x, n=3):
    return "-" if x is None else (f"{x:.{n}f}" if isinstance(x, (int, float)) else str(x))


def load_all(out, prefix):
    """Every $OUT/<prefix>*.json that loads (one file per model)."""
    return [d for d in (load(os.path.join(out, f)) for f in sorted(os.listdir(out)) if f.startswith(prefix) and f.endswith(".json")) if d]


def main(out):
    ta = load(os.path.join(out, "torch_anchor.json"))
    db = load(os.path.join(out, "dawn_bench.json"))
    vf = load(os.path.join(out, "verify.json")) if os.path.exists(os.path.join(out, "verify.json")) else None
    we = load_all(out, "wgsl_engine_")  # our WGSL engine (bench/wgsl-engine.mjs --dawn)
    fb = load_all(out, "frame_")  # the player's frame path (bench/gpu/frame_bench.mjs)
    base = ta or db or {}
    versions = {}
    for d in (ta, db):
        if d:
            versions.update(d.get("versions") or {})
    doc = {"machine": base.get("machine"), "gpu": (ta or {}).get("gpu") or (db or {}).get("gpu"),
           "date": base.get("date"), "versions": versions,
           "webgpu_adapter": (db or {}).get("adapter"), "gpu_webgpu_name": (db or {}).get("gpu"),
           "floors": (ta or {}).get("floors"), "ceilings": (ta or {}).get("ceilings"),
           "datasheet_fp16_dense_tflops": (ta or {}).get("datasheet_fp16_dense_tflops"),
           "methods": {"pytorch": (ta or {}).get("method"), "dawn": (db or {}).get("method")},
           "verify": vf,
           "results": (ta or {}).get("results", []) + (db or {}).get("results", [])
           + [r for d in we for r in d.get("results", [])] + [r for d in fb for r in d.get("results", [])]}
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(doc, f, indent=1)

    print(f"\n== {doc['machine']} | {doc['gpu']} | webgpu adapter: {doc['gpu_webgpu_name']} | {doc['date']}")
    print("== versions: " + json.dumps(versions))
    floors = {f["channels"]: f for f in (doc["floors"] or [])}
    anchor = {}
    a_in = ((ta or {}).get("results") or [{}])[0].get("input")  # the anchor's input size: ratios only at it
    if ta:
        print("\n-- PyTorch anchor (ms, median; input %s)" % (ta["results"][0]["input"] if ta.get("results") else "?"))
        print(f"{'C':>4} {'fp16':>8} {'fp16+graph':>10} {'fp32':>8} {'tf32':>8} {'floor_meas':>10} {'floor_sheet':>11} {'GFLOP':>7}")
        by = {}
        for r in ta.get("results", []):
            key = r["precision"] + ("+graph" if r.get("cuda_graph") else "")
            by.setdefault(r["channels"], {})[key] = r.get("model_ms")
        for c, v in sorted(by.items()):
            f = floors.get(c, {})
            fp16 = [x for x in (v.get("fp16"), v.get("fp16+graph")) if x]
            anchor[c] = min(fp16) if fp16 else None
            print(f"{c:>4} {fmt(v.get('fp16')):>8} {fmt(v.get('fp16+graph')):>10} {fmt(v.get('fp32')):>8} {fmt(v.get('tf32')):>8} "
                  f"{fmt(f.get('floor_ms_measured_fp16_rate')):>10} {fmt(f.get('floor_ms_datasheet_fp16_dense')):>11} {fmt(f.get('gflop_per_frame'), 1):>7}")
    if db:
        rs = db.get("results", [])
        print(f"\n-- onnxruntime-web WebGPU under Dawn for Node (ms; model = run + onSubmittedWorkDone, median)")
        print(f"{'C':>4} {'input':>9} {'prec':>5} {'layout':>6} {'graph':>5} {'fixed':>5} {'prealloc':>8} {'model':>9} {'p95':>9} {'thrpt':>9} {'create':>8} {'x_anchor':>8}  status")
        for r in rs:
            a = anchor.get(r["channels"]) if r.get("input") == a_in else None
            ratio = (r["model_ms"] / a) if (a and r.get("model_ms")) else None
            print(f"{r['channels']:>4} {'x'.join(map(str, r['input'])):>9} {r['precision']:>5} {r['layout']:>6} {int(bool(r['graph_capture'])):>5} {int(bool(r['fixed_shapes'])):>5} "
                  f"{int(bool(r['prealloc_output'])):>8} {fmt(r.get('model_ms')):>9} {fmt(r.get('p95_ms')):>9} {fmt(r.get('throughput_ms')):>9} "
                  f"{fmt(r.get('session_create_ms'), 0):>8} {fmt(ratio, 2):>8}  {r['status']}{(': ' + r['error'][:90]) if r.get('error') else ''}")
        print("\n-- best WebGPU per width vs the cuDNN FP16 anchor (target <= 2x) and the floor")
        print(f"{'C':>4} {'prec':>5} {'best_ms':>8} {'config':>28} {'anchor16':>9} {'x_anchor':>8} {'x_floor':>8}")
        best = {}
        for r in rs:
            if r["status"] == "ok" and r.get("model_ms") and r.get("stage") != "verify":
                k = (r["channels"], r["precision"])
                if k not in best or r["model_ms"] < best[k]["model_ms"]:
                    best[k] = r
        for (c, p), r in sorted(best.items()):
            a = anchor.get(c)
            fl = floors.get(c, {}).get("floor_ms_measured_fp16_rate") or floors.get(c, {}).get("floor_ms_datasheet_fp16_dense")
            cfg = f"{r['layout']} graph={int(bool(r['graph_capture']))} fixed={int(bool(r['fixed_shapes']))}{' prealloc' if r['prealloc_output'] else ''}"
            print(f"{c:>4} {p:>5} {fmt(r['model_ms']):>8} {cfg:>28} {fmt(a):>9} {fmt(r['model_ms'] / a if a else None, 2):>8} {fmt(r['model_ms'] / fl if fl else None, 1):>8}")
        bad = [r for r in rs if r.get("check") and (r["check"].get("nonfinite") or (r["check"].get("max_rel_diff_vs_first") or 0) > (0.05 if r["precision"] == "fp16" else 1e-3))]
        print(f"\n-- output checks: {len([r for r in rs if r.get('check')])} read back, {len(bad)} suspicious (non-finite or differing from the first config of the same model)")
        for r in bad:
            print(f"   C={r['channels']} {r['precision']} {r['layout']} graph={r['graph_capture']}: {r['check']}")
    if we:
        print("\n-- our WGSL engine vs onnxruntime-web, same device and input (ms: run + onSubmittedWorkDone, median)")
        print(f"{'model':>9} {'prec':>5} {'input':>9} {'engine':>16} {'model_ms':>9} {'x_anchor':>8}  check")
        for d in we:
            for r in d.get("results", []):
                if r.get("status") != "ok":
                    print(f"{r.get('model', '?'):>9} {r.get('precision', '?'):>5} {'-':>9} {r.get('engine', '?'):>16} {'-':>9} {'-':>8}  {r.get('status')} {r.get('note', '')}")
                    continue
                a = anchor.get(r.get("channels")) if r.get("input") == a_in else None
                chk = ""
                if r.get("psnr_vs_ort") is not None:
                    chk = f"vs ORT same precision {r['psnr_vs_ort']} dB, max |diff| {r.get('max_abs_diff_vs_ort', float('nan')):.1e}"
                if r.get("psnr_vs_ort_fp32") is not None:
                    chk += f"{'; ' if chk else ''}vs ORT fp32 {r['psnr_vs_ort_fp32']} dB"
                print(f"{r['model']:>9} {r['precision']:>5} {'x'.join(map(str, r['input'])):>9} {r['engine']:>16} {fmt(r.get('model_ms')):>9} "
                      f"{fmt(r['model_ms'] / a if (a and r.get('model_ms')) else None, 2):>8}  {chk}")
    if fb:
        print("\n-- the player's frame path (upload copy, pack, model, unpack, PSNR, two presents), frames overlapping; '(export)': no PSNR/display, one frame at a time, no snapshot/encode")
        print(f"{'model':>9} {'prec':>5} {'input':>9} {'engine':>24} {'frame_ms':>9} {'fps':>6} {'model_gpu':>9} {'model_only':>10} {'overhead':>8} {'latency':>8} {'PSNR':>7}")
        for d in fb:
            for r in d.get("results", []):
                if r.get("status") != "ok":
                    print(f"{r.get('model', '?'):>9} {r.get('precision', '?'):>5} {'-':>9} {r.get('model_engine', '?'):>24}  {r.get('status')}: {r.get('error', '')[:80]}")
                    continue
                fps = 1000 / r["frame_ms"] if r.get("frame_ms") else None
                ov = f"{r['overhead'] * 100:.1f}%" if r.get("overhead") is not None else "-"
                print(f"{r['model']:>9} {r['precision']:>5} {'x'.join(map(str, r['input'])):>9} {r['model_engine']:>24} {fmt(r.get('frame_ms')):>9} {fmt(fps, 1):>6} "
                      f"{fmt(r.get('model_ms')):>9} {fmt(r.get('model_only_ms')):>10} {ov:>8} {fmt(r.get('latency_ms')):>8} {fmt(r.get('psnr_consistency_db'), 2):>7}")
    if vf:
        print("\n-- WebGPU output vs onnxruntime CPU, same input (%s)" % vf.get("onnxruntime"))
        for r in vf.get("results", []):
            print(f"   {os.path.basename(r['dump'])} {r['input']}: rel_l2 {r['rel_l2']:.2e} max_abs {r['max_abs']:.2e} -> {'PASS' if r['pass'] else 'FAIL'}")
    print(f"\nsummarize: wrote {os.path.join(out, 'results.json')}")


def markdown(path):
    """Markdown tables for docs/PERFORMANCE.md from a merged results.json (or a folder holding one)."""
    if os.path.isdir(path):
        path = os.path.join(path, "results.json")
    d = load(path)
    v = d.get("versions", {})
    head = (f"`{os.path.basename(path)}` — {d.get('gpu')} (WebGPU adapter: {d.get('gpu_webgpu_name')}), "
            f"{d.get('date')}, machine `{d.get('machine')}`; versions: " + ", ".join(f"{k} {x}" for k, x in v.items()))
    print(head + "\n")
    floors = {f["channels"]: f for f in (d.get("floors") or [])}
    anchor = {}
    rows = d.get("results", [])
    ta = [r for r in rows if r.get("engine", "").startswith("pytorch")]
    if ta:
        print("| C | FP16 | FP16 + CUDA graph | FP32 | TF32 | floor (measured FP16 rate) |\n| --- | --- | --- | --- | --- | --- |")
        by = {}
        for r in ta:
            by.setdefault(r["channels"], {})[r["precision"] + ("+graph" if r.get("cuda_graph") else "")] = r.get("model_ms")
        for c, x in sorted(by.items()):
            f16 = [y for y in (x.get("fp16"), x.get("fp16+graph")) if y]
            anchor[c] = min(f16) if f16 else None
            fl = floors.get(c, {}).get("floor_ms_measured_fp16_rate")
            print(f"| {c} | {fmt(x.get('fp16'))} | {fmt(x.get('fp16+graph'))} | {fmt(x.get('fp32'))} | {fmt(x.get('tf32'))} | {fmt(fl)} |")
        print()
    # the option grid (dawn_bench rows have a layout; wgsl-engine's ORT rows do not)
    dw = [r for r in rows if r.get("backend") == "webgpu-dawn-node" and r.get("engine") == "onnxruntime-web" and "layout" in r]
    if dw:
        print("| C | input | precision | layout | graph capture | fixed shapes | prealloc out | model ms | p95 | throughput ms | x FP16 anchor | x floor | status |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for r in dw:
            a = anchor.get(r["channels"])
            fl = floors.get(r["channels"], {}).get("floor_ms_measured_fp16_rate")
            m = r.get("model_ms")
            if r.get("stage") == "verify":
                continue
            print(f"| {r['channels']} | {'x'.join(map(str, r['input']))} | {r['precision']} | {r['layout']} | {int(bool(r['graph_capture']))} | {int(bool(r['fixed_shapes']))} | "
                  f"{int(bool(r['prealloc_output']))} | {fmt(m)} | {fmt(r.get('p95_ms'))} | {fmt(r.get('throughput_ms'))} | "
                  f"{fmt(m / a if (m and a) else None, 2)} | {fmt(m / fl if (m and fl) else None, 1)} | {r['status']} |")
    wc = [r for r in rows if r.get("engine") == "wgsl-conv-prototype"]
    if wc:
        print("\nHand-written WGSL conv layer (the prototype `bench/gpu/wgsl_conv.mjs`, removed since; network time estimated from one C->C layer):\n")
        print("| C | precision | pixels per thread | layer ms | GFLOP/s | network estimate ms | x FP16 anchor | check vs CPU |\n| --- | --- | --- | --- | --- | --- | --- | --- |")
        for r in wc:
            a = anchor.get(r["channels"])
            m = r.get("model_ms")
            chk = f"rel {r['verify_rel_l2']:.1e} {'PASS' if r['verify_pass'] else 'FAIL'}" if r.get("verify_rel_l2") is not None else r.get("error", "")[:60]
            print(f"| {r['channels']} | {r['precision']} | {r.get('px')} | {fmt(r.get('layer_ms'))} | {fmt(r.get('layer_gflops'), 0)} | {fmt(m)} | {fmt(m / a if (m and a) else None, 2)} | {chk} |")
    we = [r for r in rows if r.get("model") and r.get("engine") in ("wgsl-engine", "onnxruntime-web") and "layout" not in r]
    if we:
        print("\nOur WGSL engine against onnxruntime-web, same Dawn device and input (`bench/wgsl-engine.mjs --dawn`):\n")
        print("| model | precision | input | engine | model ms | x FP16 anchor | vs ORT same precision | vs ORT FP32 |\n| --- | --- | --- | --- | --- | --- | --- | --- |")
        for r in we:
            if r.get("status") != "ok":
                print(f"| {r.get('model')} | {r.get('precision')} | - | {r.get('engine')} | - | - | {r.get('status')} {r.get('note', '')} | - |")
                continue
            a, m = anchor.get(r.get("channels")), r.get("model_ms")
            vs = f"{fmt(r.get('psnr_vs_ort'), 1)} dB, max diff {r['max_abs_diff_vs_ort']:.1e}" if r.get("psnr_vs_ort") is not None else "-"
            print(f"| {r['model']} | {r['precision']} | {'x'.join(map(str, r['input']))} | {r['engine']} | {fmt(m)} | {fmt(m / a if (m and a) else None, 2)} | {vs} | "
                  f"{fmt(r.get('psnr_vs_ort_fp32'), 1)} |")
    fp = [r for r in rows if r.get("engine") == "player-frame-path"]
    if fp:
        print("\nThe player's frame path (`bench/gpu/frame_bench.mjs`: upload copy, pack, model, unpack, PSNR, two presents; frames overlapping; "
              "rows '(export)': the export's per-frame path, no PSNR or display, one frame at a time, without the browser-only snapshot and encoder):\n")
        print("| model | precision | input | engine | frame ms (fps) | model ms (GPU clock) | model alone ms | overhead | latency ms | consistency PSNR |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for r in fp:
            if r.get("status") != "ok":
                print(f"| {r.get('model')} | {r.get('precision')} | - | {r.get('model_engine')} | {r.get('status')}: {r.get('error', '')[:60]} | | | | | |")
                continue
            fps = 1000 / r["frame_ms"] if r.get("frame_ms") else None
            ov = f"{r['overhead'] * 100:.1f}%" if r.get("overhead") is not None else "-"
            print(f"| {r['model']} | {r['precision']} | {'x'.join(map(str, r['input']))} | {r['model_engine']} | {fmt(r.get('frame_ms'))} ({fmt(fps, 1)}) | "
                  f"{fmt(r.get('model_ms'))} | {fmt(r.get('model_only_ms'))} | {ov} | {fmt(r.get('latency_ms'))} | "
                  f"{fmt(r.get('psnr_consistency_db'), 2) + ' dB' if r.get('psnr_consistency_db') is not None else '-'} |")
    vf = d.get("verify")
    if vf:
        print("\nWebGPU output vs onnxruntime CPU (same input): " + "; ".join(
            f"{os.path.basename(r['dump'])} rel L2 {r['rel_l2']:.1e} {'PASS' if r['pass'] else 'FAIL'}" for r in vf.get("results", [])))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--markdown":
        markdown(sys.argv[2])
    else:
        main(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("OUT", "."))
