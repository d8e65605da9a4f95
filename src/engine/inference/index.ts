// The only module that imports onnxruntime-web. Backend choice, sessions, IO binding, and the
// serialisation of session creation and runs (one promise chain: no "session already started").
import * as ort from 'onnxruntime-web/webgpu';
import { counters } from '../gpu/resources';
import type { Backend, CpuRunner, DType, ModelBytes, RunOutput, Runner, Which } from './types';

export type { Backend, DType, RunOutput, Runner, Which } from './types';

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

/** What configureOrt set (the WASM worker is configured the same way). */
export function ortConfig(): { wasmPaths: string; threads: number } {
  return { wasmPaths: String(ort.env.wasm.wasmPaths ?? ''), threads: ort.env.wasm.numThreads ?? 1 };
}

export class ModelRunner implements Runner, CpuRunner {
  readonly engine = 'ort' as const;
  private chain: Promise<unknown> = Promise.resolve();
  private sessions: Partial<Record<Which, ort.InferenceSession>> = {};
  private disposed = false;

  private constructor(
    readonly backend: Backend,
    readonly dtype: DType,
    /** the WebGPU backend's device; null for the WASM backend (CPU in and out: runCpu) */
    private readonly device: GPUDevice | null,
    private readonly files: ModelFiles,
    private readonly bytes: ModelBytes,
  ) {}

  static async create(backend: Backend, dtype: DType, device: GPUDevice | null, files: ModelFiles, bytes: ModelBytes): Promise<ModelRunner> {
    if (backend === 'webgpu' && !device) throw new ModelLoadError('the WebGPU backend needs a GPU device');
    const r = new ModelRunner(backend, dtype, device, files, bytes);
    await r.load('full');
    return r;
  }

  get hasLow(): boolean {
    return this.files.low !== null;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn, fn);
    this.chain = p.catch(() => undefined);
    return p;
  }

  private load(which: Which): Promise<ort.InferenceSession> {
    return this.serial(async () => {
      const have = this.sessions[which];
      if (have) return have;
      const file = which === 'full' ? this.files.full : this.files.low;
      if (!file) throw new ModelLoadError('this model has no low-frequency (skip path) file in the manifest');
      const bytes = await this.bytes(file);
      if (bytes.byteLength === 0) throw new ModelLoadError(`model file models/${file} is empty`);
      const options: ort.InferenceSession.SessionOptions =
        this.backend === 'webgpu'
          ? { executionProviders: [{ name: 'webgpu', device: this.device! }], preferredOutputLocation: 'gpu-buffer', graphOptimizationLevel: 'all' }
          : { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
      let s: ort.InferenceSession;
      try {
        s = await ort.InferenceSession.create(bytes, options);
      } catch (e) {
        throw new ModelLoadError(`model file models/${file} could not be loaded (${this.backend} ${this.dtype}): ${(e as Error).message ?? e}`);
      }
      if (!s.inputNames.includes('input') || !s.outputNames.includes('output')) {
        await s.release();
        throw new ModelLoadError(`model file models/${file} must have an input named "input" and an output named "output"`);
      }
      if (this.disposed) {
        await s.release();
        throw new ModelLoadError('runner disposed');
      }
      this.sessions[which] = s;
      return s;
    });
  }

  /** WASM on CPU data: NCHW float32 [1,3,h,w] in, [1,3,4h,4w] out. */
  async runCpu(which: Which, data: Float32Array, w: number, h: number): Promise<Float32Array> {
    const session = await this.load(which);
    return this.serial(async () => {
      const res = await session.run({ input: new ort.Tensor('float32', data, [1, 3, h, w]) });
      const out = res.output.data as Float32Array;
      res.output.dispose();
      return out;
    });
  }

  /** WebGPU: run on the packed input tensor (GPUBuffer, NCHW [1,3,h,w]); the output stays on the GPU. */
  async run(which: Which, input: GPUBuffer, w: number, h: number): Promise<RunOutput> {
    if (this.backend !== 'webgpu') throw new Error('run() is the WebGPU backend; the WASM backend runs on CPU data (runCpu)');
    const session = await this.load(which);
    return this.serial(async () => {
      const t = ort.Tensor.fromGpuBuffer(input, { dataType: this.dtype === 'fp16' ? 'float16' : 'float32', dims: [1, 3, h, w] });
      const res = await session.run({ input: t });
      const out = res.output;
      return heldOutput(out.gpuBuffer as GPUBuffer, () => out.dispose());
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.serial(async () => {
      for (const s of Object.values(this.sessions)) await s?.release();
      this.sessions = {};
    });
  }
}
