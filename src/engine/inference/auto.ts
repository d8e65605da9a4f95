// `?engine=auto` (the default on WebGPU): both engines are loaded, and on the first frame the
// player runs (its real size, on its real device) they are compared and timed; the faster one
// stays and the other is freed. onnxruntime-web is the reference: the WGSL engine is kept only
// if its output agrees with ORT's on that frame, so an unverified path (its FP16 kernels had
// never run on this project's machines) can cost speed, never pixels.
import { readBuffer } from '../gpu/resources';
import { halfTable } from '../gpu/half';
import { RollingStats } from '../metrics/stats';
import type { EngineName, RunOutput, Runner, Which } from './types';
import { AGREE_DB, fasterEngine, psnrDb } from './wgsl/pick';

export interface AutoDecision {
  engine: EngineName;
  /** median ms per run (submit to GPU done) at `size`, up to 3 runs or 1 s each; null: not timed (failed or disagreed) */
  ms: { ort: number | null; wgsl: number | null };
  size: [number, number];
  /** PSNR of the WGSL output against ORT's on the probe frame (dB); null if WGSL failed */
  agreeDb: number | null;
  /** why the WGSL engine was left out, if it was */
  reason: string | null;
}

/** Median ms of run('full') + queue.onSubmittedWorkDone() over up to `frames` runs, stopping
 *  early once `budgetMs` is spent (at least one run): on a slow GPU the pick must not hold the
 *  first frame for many slow runs. The caller warms the runner up first (compiles, allocations). */
export async function timeRuns(device: GPUDevice, r: Pick<Runner, 'run'>, input: GPUBuffer, w: number, h: number, frames: number, budgetMs: number): Promise<number> {
  const ts = new RollingStats(frames);
  const t0 = performance.now();
  while (ts.count < frames && !(ts.count > 0 && performance.now() - t0 > budgetMs)) {
    const t = performance.now();
    const o = await r.run('full', input, w, h);
    await device.queue.onSubmittedWorkDone();
    ts.push(performance.now() - t);
    o.release();
  }
  return ts.percentile(50);
}

/** Timed runs per engine, and the time after which no more are started. Each engine's output()
 *  read comes first and is its warm-up (pipeline compiles, allocations). */
const PROBE_RUNS = 3, PROBE_BUDGET_MS = 1000;

export class AutoRunner implements Runner {
  readonly hasLow: boolean;
  readonly dtype: Runner['dtype'];
  private ort: Runner | null;
  private wgsl: Runner | null;
  private picked: Runner | null = null;
  private deciding: Promise<void> | null = null;

  constructor(
    private readonly device: GPUDevice,
    ort: Runner,
    wgsl: Runner,
    private readonly onDecide: (d: AutoDecision) => void,
  ) {
    if (ort.dtype !== wgsl.dtype) throw new Error('AutoRunner: both engines must run the same precision');
    this.ort = ort;
    this.wgsl = wgsl;
    this.hasLow = ort.hasLow;
    this.dtype = ort.dtype;
  }

  /** The engine running frames now (onnxruntime-web until the first frame decides). */
  get engine(): EngineName {
    return this.picked && this.picked === this.wgsl ? 'wgsl' : 'ort';
  }

  get undecided(): boolean {
    return !this.picked;
  }

  /** Compares and times both engines on this input (the frame path hands a central crop of a large
   *  frame, so a slow device is not held for whole-frame runs); one decision at a time, and if the
   *  reference itself failed, the next frame tries again. */
  async probe(input: GPUBuffer, w: number, h: number): Promise<void> {
    if (!this.picked) await (this.deciding ??= this.decide(input, w, h).finally(() => (this.deciding = null)));
  }

  async run(which: Which, input: GPUBuffer, w: number, h: number): Promise<RunOutput> {
    await this.probe(input, w, h);
    if (!this.picked) throw new Error('engine disposed');
    return this.picked.run(which, input, w, h);
  }

  private async decide(input: GPUBuffer, w: number, h: number): Promise<void> {
    const ort = this.ort!, wgsl = this.wgsl!;
    const d: AutoDecision = { engine: 'ort', ms: { ort: null, wgsl: null }, size: [w, h], agreeDb: null, reason: null };
    // The reference must work: if it fails, this frame fails exactly as it would without auto.
    const ref = await this.output(ort, input, w, h);
    try {
      d.agreeDb = psnrDb(await this.output(wgsl, input, w, h), ref, wgsl.dtype === 'fp16' ? halfTable() : undefined);
      // NaN (a broken engine outputs NaNs) must fail too, so the test is "not at least", not "below"
      if (!(d.agreeDb >= AGREE_DB)) d.reason = `its output differs from onnxruntime-web's (${d.agreeDb.toFixed(1)} dB)`;
      else d.ms.wgsl = await timeRuns(this.device, wgsl, input, w, h, PROBE_RUNS, PROBE_BUDGET_MS);
    } catch (e) {
      d.reason = `it failed: ${(e as Error).message}`;
    }
    d.ms.ort = await timeRuns(this.device, ort, input, w, h, PROBE_RUNS, PROBE_BUDGET_MS);
    if (this.disposed) return;
    d.engine = fasterEngine(d.ms);
    const drop = d.engine === 'wgsl' ? ort : wgsl;
    this.picked = d.engine === 'wgsl' ? wgsl : ort;
    if (d.engine === 'wgsl') this.ort = null;
    else this.wgsl = null;
    await drop.dispose();
    this.onDecide(d);
  }

  /** One full-path output read back in its stored form (Uint16 halves or Float32). */
  private async output(r: Runner, input: GPUBuffer, w: number, h: number): Promise<Uint16Array | Float32Array> {
    const o = await r.run('full', input, w, h);
    try {
      const fp16 = r.dtype === 'fp16';
      const bytes = await readBuffer(this.device, o.buffer, 48 * w * h * (fp16 ? 2 : 4));
      return fp16 ? new Uint16Array(bytes) : new Float32Array(bytes);
    } finally {
      o.release();
    }
  }

  private disposed = false;

  async dispose(): Promise<void> {
    this.disposed = true;
    const rs = [this.ort, this.wgsl];
    this.ort = this.wgsl = this.picked = null;
    for (const r of rs) await r?.dispose();
  }
}
