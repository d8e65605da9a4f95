// The WASM backend's runner on the page: the model runs in a worker (wasm.worker.ts) so that the
// page stays responsive while a frame takes seconds; inputs and outputs travel as transferred
// Float32Arrays (a 1024x1024 frame's output is 201 MB of float32: moved, not copied). One worker per
// runner, ended with it.
import { ModelLoadError, ortConfig } from './index';
import type { CpuRunner, DType, ModelBytes, ModelSummary, Which } from './types';
import type { WorkerReply, WorkerRequest } from './wasm.worker';

/** How long a session may take to be created by the threaded runtime (it takes 1-3 s here, the
 *  runtime's files fetched from the page's own origin). */
const THREADED_START_MS = 45_000;

class StartTimeout extends Error {}

type Pending = { resolve: (r: WorkerReply) => void; reject: (e: Error) => void };
type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export class WasmRunner implements CpuRunner {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private lowSent = false;
  private dead: Error | null = null;
  /** what the checks of a user's model found (null: not checked) */
  summary: ModelSummary | null = null;
  /** how it loaded, where that is worth telling (see create) */
  note: string | null = null;
  readonly engine = 'ort' as const;

  private constructor(
    private readonly files: { full: string; low: string | null },
    private readonly bytes: ModelBytes,
  ) {
    this.worker = new Worker(new URL('./wasm.worker.ts', import.meta.url), { type: 'module', name: 'sr4x-wasm-model' });
    this.worker.onmessage = (e: MessageEvent<WorkerReply>) => {
      const p = this.pending.get(e.data.id);
      this.pending.delete(e.data.id);
      p?.resolve(e.data);
    };
    this.worker.onerror = (e) => this.fail(new Error(`the WASM model worker failed: ${e.message || 'unknown error'}`));
  }

  /** `dtype` and `check`: a user's model, in its own precision, checked in the worker as it loads
   *  (ModelRunner.create); the manifest's models are FP32 on the CPU. onnxruntime-web's threaded
   *  runtime sometimes never finishes creating a session while its thread pool starts (seen in
   *  Firefox 153 on a busy 2-core machine, about one page load in ten; a known class of
   *  onnxruntime-web hangs): past THREADED_START_MS the worker is ended and the model loads again
   *  on one thread, and `note` says so. */
  static async create(files: { full: string; low: string | null }, bytes: ModelBytes, dtype: DType = 'fp32', check = false): Promise<WasmRunner> {
    const { threads } = ortConfig();
    if (threads <= 1) return WasmRunner.start(files, bytes, dtype, check, 1, 0);
    try {
      return await WasmRunner.start(files, bytes, dtype, check, threads, THREADED_START_MS);
    } catch (e) {
      if (!(e instanceof StartTimeout)) throw e;
      const r = await WasmRunner.start(files, bytes, dtype, check, 1, 0);
      r.note = `the WASM runtime's ${threads} threads had not started after ${THREADED_START_MS / 1000} s: it runs on one thread`;
      return r;
    }
  }

  private static async start(files: { full: string; low: string | null }, bytes: ModelBytes, dtype: DType, check: boolean, threads: number, limitMs: number): Promise<WasmRunner> {
    const r = new WasmRunner(files, bytes);
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await r.call({ op: 'init', wasmPaths: ortConfig().wasmPaths, threads });
      await r.send(files.full);
      const created = r.call({ op: 'create', files, dtype, check });
      const limit = new Promise<never>((_, reject) => {
        // the worker may be stuck for good: it is not asked to dispose (fail() first), only ended
        if (limitMs) timer = setTimeout(() => reject(r.fail(new StartTimeout())), limitMs);
      });
      r.summary = (await Promise.race([created, limit])).summary ?? null;
    } catch (e) {
      await r.dispose();
      throw e;
    } finally {
      clearTimeout(timer);
    }
    return r;
  }

  get hasLow(): boolean {
    return this.files.low !== null;
  }

  async runCpu(which: Which, data: Float32Array, w: number, h: number): Promise<Float32Array> {
    if (which === 'low' && !this.lowSent) {
      if (!this.files.low) throw new ModelLoadError('this model has no low-frequency (skip path) file in the manifest');
      await this.send(this.files.low);
      this.lowSent = true;
    }
    // the caller keeps its input (a view change runs the low model on it later): send a copy
    const copy = data.slice();
    const r = await this.call({ op: 'run', which, data: copy, w, h }, [copy.buffer]);
    return r.out!;
  }

  async dispose(): Promise<void> {
    if (!this.dead) await this.call({ op: 'dispose' }).catch(() => undefined);
    this.worker.terminate();
    this.fail(new Error('runner disposed'));
  }

  private async send(file: string): Promise<void> {
    const b = await this.bytes(file);
    await this.call({ op: 'bytes', file, bytes: b }, [b.buffer]);
  }

  private call(req: Request, transfer: Transferable[] = []): Promise<WorkerReply> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id }, transfer);
    }).then((r) => {
      if (r.error) throw r.loadError ? new ModelLoadError(r.error) : new Error(r.error);
      return r;
    });
  }

  private fail<E extends Error>(e: E): E {
    this.dead ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    return e;
  }
}
