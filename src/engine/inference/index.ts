// The only module that imports onnxruntime-web. Backend choice, sessions, IO binding, and the
// serialisation of session creation and runs (one promise chain: no "session already started").
import * as ort from 'onnxruntime-web/webgpu';
import { createBuffer, destroyBuffer, counters } from '../gpu/resources';
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

export class ModelRunner implements Runner, CpuRunner {
  readonly engine = 'ort' as const;
  private chain: Promise<unknown> = Promise.resolve();
  private sessions: Partial<Record<Which, ort.InferenceSession>> = {};
  /** WASM backend: outputs are uploaded into these (one per output, resized as needed). */
  private wasmOut: Partial<Record<Which, GPUBuffer>> = {};
  private disposed = false;

  private constructor(
    readonly backend: Backend,
    readonly dtype: DType,
    /** null on the no-WebGPU path (WASM only, CPU in and out: use runCpu) */
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

  /** Run on the packed input tensor (GPUBuffer, NCHW [1,3,h,w]); the output stays on the GPU. */
  async run(which: Which, input: GPUBuffer, w: number, h: number): Promise<RunOutput> {
    const session = await this.load(which);
    const device = this.device;
    if (!device) throw new Error('run() needs a GPU device; use runCpu()');
    return this.serial(async () => {
      if (this.backend === 'webgpu') {
        const t = ort.Tensor.fromGpuBuffer(input, { dataType: this.dtype === 'fp16' ? 'float16' : 'float32', dims: [1, 3, h, w] });
        const res = await session.run({ input: t });
        const out = res.output;
        return heldOutput(out.gpuBuffer as GPUBuffer, () => out.dispose());
      }
      // WASM: the frame comes to the CPU (packed FP32 tensor), the output goes back to the GPU.
      const data = await this.readInput(device, input, 3 * w * h * 4);
      const res = await session.run({ input: new ort.Tensor('float32', data, [1, 3, h, w]) });
      const outData = res.output.data as Float32Array;
      res.output.dispose();
      let buf = this.wasmOut[which];
      if (!buf || buf.size !== outData.byteLength) {
        destroyBuffer(buf);
        buf = createBuffer(device, {
          label: `wasm ${which} output`,
          size: outData.byteLength,
          usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
        });
        this.wasmOut[which] = buf;
      }
      device.queue.writeBuffer(buf, 0, outData);
      // counted like the WebGPU EP's outputs (the buffer itself is reused: it is ours, not ORT's)
      return heldOutput(buf, () => {});
    });
  }

  /** The packed input to the CPU through one reused staging buffer (the WASM backend, per frame). */
  private staging: GPUBuffer | null = null;
  private async readInput(device: GPUDevice, input: GPUBuffer, size: number): Promise<Float32Array> {
    if (!this.staging || this.staging.size < size) {
      destroyBuffer(this.staging);
      this.staging = createBuffer(device, { label: 'wasm input staging', size, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
    }
    const enc = device.createCommandEncoder({ label: 'wasm input read' });
    enc.copyBufferToBuffer(input, 0, this.staging, 0, size);
    device.queue.submit([enc.finish()]);
    await this.staging.mapAsync(GPUMapMode.READ, 0, size);
    const out = new Float32Array(this.staging.getMappedRange(0, size).slice(0));
    this.staging.unmap();
    return out;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.serial(async () => {
      for (const s of Object.values(this.sessions)) await s?.release();
      this.sessions = {};
      for (const b of Object.values(this.wasmOut)) destroyBuffer(b);
      this.wasmOut = {};
      destroyBuffer(this.staging);
      this.staging = null;
    });
  }
}
