// The only module that imports onnxruntime-web. Backend choice, sessions, IO binding, and the
// serialisation of session creation and runs (one promise chain: no "session already started").
import * as ort from 'onnxruntime-web/webgpu';
import { counters } from '../gpu/resources';
import { halfToFloat, toF16 } from '../gpu/half';
import { checkProbe, checkSignature, ModelCheckError, PROBE_SIDE, type ModelIo, type ValueInfo } from './check';
import { fileLabel, fileName, type Backend, type CpuRunner, type DType, type ModelBytes, type ModelSummary, type RunOutput, type Runner, type Which } from './types';

export type { Backend, DType, ModelSummary, RunOutput, Runner, Which } from './types';

const TYPE = { fp16: 'float16', fp32: 'float32' } as const;

/** The model's files (names in models/): the whole net, and its low-frequency part if any. */
export interface ModelFiles {
  full: string;
  low: string | null;
}

export class ModelLoadError extends Error {}

/** A model output handed to the frame loop: counted while held (the leak checks read it);
 *  `release` is idempotent and calls `free` once. */
export function heldOutput(buffer: GPUBuffer, free: () => void): RunOutput {
  counters.ortOutputsLive++;
  let released = false;
  return {
    buffer,
    release: () => {
      if (released) return;
      released = true;
      counters.ortOutputsLive--;
      free();
    },
  };
}

/** Where onnxruntime-web finds its WASM runtime (the page: its own origin's /ort/, never a CDN),
 *  and how many threads it may use. Called once by the host before any runner is made. */
export function configureOrt(wasmPaths: string, threads: number): void {
  ort.env.wasm.wasmPaths = wasmPaths;
  ort.env.wasm.numThreads = Math.max(1, threads);
  ort.env.logLevel = 'error';
}

/** The threads a page gives onnxruntime-web's WASM backend: up to 4 where the page is
 *  cross-origin isolated (threaded WASM needs SharedArrayBuffer: the headers in vite.config.ts), else 1. */
export const pageThreads = (): number => (globalThis.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1);

/** onnxruntime-web's version strings (the benchmarks record them). */
export const ortVersions = (): Record<string, string | undefined> => ({ ...ort.env.versions });

/** What configureOrt set (the WASM worker is configured the same way). */
export function ortConfig(): { wasmPaths: string; threads: number } {
  return { wasmPaths: String(ort.env.wasm.wasmPaths ?? ''), threads: ort.env.wasm.numThreads ?? 1 };
}

/** Every session creation and run on this page (or in this worker), in order, on one promise
 *  chain: two runners (the A/B view's two models, a dropped model being checked while another
 *  plays) never overlap inside onnxruntime-web. */
let chain: Promise<unknown> = Promise.resolve();
function serial<T>(fn: () => Promise<T>): Promise<T> {
  const p = chain.then(fn, fn);
  chain = p.catch(() => undefined);
  return p;
}

/** onnxruntime's metadata of a graph input/output, as check.ts reads it (none: the name, and the
 *  type the file should have). */
function valueInfo(m: ort.InferenceSession.ValueMetadata | undefined, name: string, type: string): ValueInfo {
  if (!m) return { name, type, shape: null };
  if (!m.isTensor) return { name: m.name, type: null, shape: null };
  return { name: m.name, type: m.type, shape: m.shape.map((d) => (typeof d === 'number' && d < 0 ? null : d)) };
}

export class ModelRunner implements Runner, CpuRunner {
  readonly engine = 'ort' as const;
  private sessions: Partial<Record<Which, ort.InferenceSession>> = {};
  /** each session's tensor names (any single input and output: a user's model names its own) */
  private io: Partial<Record<Which, ModelIo>> = {};
  private disposed = false;
  /** what the checks found (a checked model: see create) */
  summary: ModelSummary | null = null;

  private constructor(
    readonly backend: Backend,
    readonly dtype: DType,
    /** the WebGPU backend's device; null for the WASM backend (CPU in and out: runCpu) */
    private readonly device: GPUDevice | null,
    private readonly files: ModelFiles,
    private readonly bytes: ModelBytes,
    private readonly check: boolean,
  ) {}

  /** `check`: a user's model, whose file check.ts has read: its session's inputs and outputs are
   *  checked again as onnxruntime sees them, and a probe run on an 8x8 input must give 32x32. */
  static async create(backend: Backend, dtype: DType, device: GPUDevice | null, files: ModelFiles, bytes: ModelBytes, check = false): Promise<ModelRunner> {
    if (backend === 'webgpu' && !device) throw new ModelLoadError('the WebGPU backend needs a GPU device');
    const r = new ModelRunner(backend, dtype, device, files, bytes, check);
    await r.load('full');
    return r;
  }

  get hasLow(): boolean {
    return this.files.low !== null;
  }

  private load(which: Which): Promise<ort.InferenceSession> {
    return serial(async () => {
      const have = this.sessions[which];
      if (have) return have;
      const file = which === 'full' ? this.files.full : this.files.low;
      if (!file) throw new ModelLoadError('this model has no low-frequency (skip path) file in the manifest');
      const bytes = await this.bytes(file);
      if (bytes.byteLength === 0) throw new ModelLoadError(`model file ${fileLabel(file)} is empty`);
      const options: ort.InferenceSession.SessionOptions =
        this.backend === 'webgpu'
          ? { executionProviders: [{ name: 'webgpu', device: this.device! }], preferredOutputLocation: 'gpu-buffer', graphOptimizationLevel: 'all' }
          : { executionProviders: ['wasm'], graphOptimizationLevel: 'all', extra: { session: { intra_op: { allow_spinning: '0' } } } };
      let s: ort.InferenceSession;
      try {
        s = await ort.InferenceSession.create(bytes, options);
      } catch (e) {
        throw new ModelLoadError(`model file ${fileLabel(file)} could not be loaded (${this.backend} ${this.dtype}): ${(e as Error).message ?? e}`);
      }
      try {
        const io = checkSignature(fileName(file), {
          inputs: s.inputNames.map((n, i) => valueInfo(s.inputMetadata?.[i], n, TYPE[this.dtype])),
          outputs: s.outputNames.map((n, i) => valueInfo(s.outputMetadata?.[i], n, TYPE[this.dtype])),
        });
        if (io.dtype !== this.dtype) throw new ModelCheckError(`model file ${fileLabel(file)} is ${TYPE[io.dtype]}, where ${TYPE[this.dtype]} was expected (the ${this.dtype} file)`);
        if (this.check && which === 'full') this.summary = { ...io, probe: await this.testRun(s, io, fileName(file)) };
        if (this.disposed) throw new ModelLoadError('runner disposed');
        this.io[which] = io;
      } catch (e) {
        await s.release();
        throw e instanceof ModelCheckError ? new ModelLoadError(e.message) : e;
      }
      this.sessions[which] = s;
      return s;
    });
  }

  /** One run on a 1x3x8x8 mid-grey input, on the backend that will run the frames: its output size
   *  (check.ts: it must be 32x32). */
  private async testRun(s: ort.InferenceSession, io: ModelIo, name: string): Promise<[number, number]> {
    const S = PROBE_SIDE, x = new Float32Array(3 * S * S).fill(0.5);
    let res: ort.InferenceSession.ReturnType;
    try {
      res = await s.run({ [io.input]: this.tensor(x, S, S) });
    } catch (e) {
      throw new ModelCheckError(`"${name}" failed on a 1x3x${S}x${S} test input: ${(e as Error).message ?? e}`);
    }
    const out = res[io.output];
    const dims = [...out.dims];
    for (const v of Object.values(res)) v.dispose();
    checkProbe(name, dims);
    return [dims[3], dims[2]];
  }

  /** A CPU tensor in the model's precision (float16 as its bits). */
  private tensor(data: Float32Array, w: number, h: number): ort.Tensor {
    return this.dtype === 'fp16' ? new ort.Tensor('float16', toF16(data), [1, 3, h, w]) : new ort.Tensor('float32', data, [1, 3, h, w]);
  }

  /** WASM on CPU data: NCHW float32 [1,3,h,w] in, [1,3,4h,4w] out. */
  async runCpu(which: Which, data: Float32Array, w: number, h: number): Promise<Float32Array> {
    const session = await this.load(which);
    const io = this.io[which]!;
    return serial(async () => {
      const res = await session.run({ [io.input]: this.tensor(data, w, h) });
      const o = res[io.output];
      const out = o.type !== 'float16' ? (o.data as Float32Array) : o.data instanceof Uint16Array ? halfToFloat(o.data) : Float32Array.from(o.data as ArrayLike<number>); // bits, or a Float16Array where the browser has it
      o.dispose();
      return out;
    });
  }

  /** WebGPU: run on the packed input tensor (GPUBuffer, NCHW [1,3,h,w]); the output stays on the GPU. */
  async run(which: Which, input: GPUBuffer, w: number, h: number): Promise<RunOutput> {
    if (this.backend !== 'webgpu') throw new Error('run() is the WebGPU backend; the WASM backend runs on CPU data (runCpu)');
    const session = await this.load(which);
    const io = this.io[which]!;
    return serial(async () => {
      const t = ort.Tensor.fromGpuBuffer(input, { dataType: TYPE[this.dtype], dims: [1, 3, h, w] });
      const res = await session.run({ [io.input]: t });
      const out = res[io.output];
      return heldOutput(out.gpuBuffer as GPUBuffer, () => out.dispose());
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await serial(async () => {
      for (const s of Object.values(this.sessions)) await s?.release();
      this.sessions = {};
    });
  }
}
