// onnxruntime-web's WASM backend in a worker of its own: a 1024x1024 frame takes seconds on a CPU,
// and run on the page's thread it would freeze the page for as long (no overlays, no input, not even
// the preview's label). The page side is WasmRunner (wasm.ts); this side holds the sessions, through
// the same ModelRunner as the WebGPU backend.
import { configureOrt, ModelLoadError, ModelRunner } from './index';
import { fileLabel } from './types';
import type { DType, ModelSummary, Which } from './types';

export type WorkerRequest =
  | { id: number; op: 'init'; wasmPaths: string; threads: number }
  | { id: number; op: 'bytes'; file: string; bytes: Uint8Array }
  /** `check`: a user's model, checked as it loads (index.ts), in its own precision (`dtype`) */
  | { id: number; op: 'create'; files: { full: string; low: string | null }; dtype: DType; check: boolean }
  | { id: number; op: 'run'; which: Which; data: Float32Array; w: number; h: number }
  | { id: number; op: 'dispose' };

export type WorkerReply = { id: number; out?: Float32Array; summary?: ModelSummary | null; error?: string; loadError?: boolean };

const sent = new Map<string, Uint8Array>();
let runner: ModelRunner | null = null;

const reply = (r: WorkerReply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(r, transfer);

self.onmessage = async (e: MessageEvent<WorkerRequest>) => {
  const m = e.data;
  try {
    switch (m.op) {
      case 'init':
        configureOrt(m.wasmPaths, m.threads);
        return reply({ id: m.id });
      case 'bytes':
        sent.set(m.file, m.bytes);
        return reply({ id: m.id });
      case 'create':
        runner = await ModelRunner.create('wasm', m.dtype, null, m.files, async (file) => {
          const b = sent.get(file);
          if (!b) throw new ModelLoadError(`model file ${fileLabel(file)} was not handed to the WASM worker`);
          return b;
        }, m.check);
        return reply({ id: m.id, summary: runner.summary });
      case 'run': {
        if (!runner) throw new Error('no model in the WASM worker');
        const out = await runner.runCpu(m.which, m.data, m.w, m.h);
        return reply({ id: m.id, out }, [out.buffer]);
      }
      case 'dispose':
        await runner?.dispose();
        runner = null;
        sent.clear();
        return reply({ id: m.id });
    }
  } catch (err) {
    reply({ id: m.id, error: (err as Error).message ?? String(err), loadError: err instanceof ModelLoadError });
  }
};
