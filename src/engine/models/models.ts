// Model choice: the manifest, the model the URL or the user picks, and the runner that runs it.
// On WebGPU, `?engine=ort|wgsl` forces an engine; otherwise (auto) both load and the first frame
// picks the faster of those that agree with onnxruntime-web (inference/auto.ts), and the pick is
// kept for the session (a lost device or a model switched back does not race again).
// The user's own models (a dropped .onnx, ?model=<url>.onnx) join the list for the session once
// they pass the checks (inference/check.ts, then a probe run where they will run); onnxruntime-web
// runs them, in their own precision.
import { ModelRunner } from '../inference';
import { checkSignature, checkSize, ModelCheckError, readSignature } from '../inference/check';
import { describe as describeBytes, sniff } from '../media/sniff';
import { WasmRunner } from '../inference/wasm';
import { AutoRunner, type AutoDecision } from '../inference/auto';
import { USER_FILE, type AnyRunner, type CpuRunner, type ModelSummary, type EngineChoice, type EngineName, type ModelBytes, type Runner } from '../inference/types';
import { WgslRunner, activationSlope } from '../inference/wgsl';
import { parseManifest, pickModel, type Manifest, type ModelEntry } from './manifest';
import type { Platform } from '../backend';

/** Where the engine gets its model files: the page fetches them from its own origin. */
export interface ModelAssets {
  manifest(): Promise<unknown>;
  bytes: ModelBytes;
  /** a user's model by URL (?model=<path>.onnx: the page's own origin only) */
  url?(href: string): Promise<Blob>;
}

/** The header's engine line and detail, said whenever the runner changes. */
export type EngineReport = (engine: EngineName | 'auto', detail: string | null) => void;

/** Where a frame path's runners come from (pipeline/path.ts): one kind of runner, the path's. */
export interface RunnerSource<R extends AnyRunner> {
  /** the runner of a model (the manifest's or a user's); `compare`: for the A/B view's left pane */
  create(m: ModelEntry, report: EngineReport, compare: boolean): Promise<R>;
  /** the runner of a user's new model, after its probe run (what it found: its summary) */
  check(m: ModelEntry): Promise<R & { summary: ModelSummary | null }>;
}

export class ModelChoice {
  manifest: Manifest | null = null;
  /** the model that runs (or is to run once loaded) */
  model: ModelEntry | null = null;
  /** auto's decisions, per model and precision, for this page's adapter */
  readonly picks = new Map<string, AutoDecision>();
  /** the user's models that passed the checks, in the order they came */
  readonly user: ModelEntry[] = [];
  private readonly userBytes = new Map<string, Uint8Array>();
  /** a file's bytes: a user's (a copy each time: the WASM runner hands its copy to its worker), or
   *  the host's */
  private readonly bytes: ModelBytes = async (file) => this.userBytes.get(file)?.slice() ?? this.assets.bytes(file);

  constructor(
    private readonly assets: ModelAssets,
    private readonly engine: EngineChoice,
  ) {}

  /** every model of the session: the manifest's, then the user's */
  get all(): ModelEntry[] {
    return [...(this.manifest?.models ?? []), ...this.user];
  }

  /** Reads the manifest and picks the model (`requested`, else the default); returns a warning for
   *  a requested id that is not there. Throws with a message for the banner. */
  async load(requested: string | null): Promise<string | null> {
    let json: unknown;
    try {
      json = await this.assets.manifest();
    } catch (e) {
      throw new Error(`cannot load the model list: ${(e as Error).message}`);
    }
    this.manifest = parseManifest(json);
    const { model, warning } = pickModel(this.manifest, requested);
    this.model = model;
    return warning;
  }

  find(id: string): ModelEntry | null {
    return this.all.find((x) => x.id === id) ?? null;
  }

  /** A user's model file, checked before anything else runs it: its size, its ONNX graph's inputs
   *  and outputs and precision (check.ts), that this device can run that precision, then, on the
   *  backend that will run it, its session and a probe run (8x8 in, 32x32 out). On success it joins
   *  the list, and its runner comes back; on any failure a ModelCheckError/ModelLoadError says what
   *  is wrong and nothing is added. `check`: the runner with its probe run, on the platform's path. */
  async addUser<R extends AnyRunner>(name: string, bytes: Uint8Array, p: Platform, check: RunnerSource<R>['check']): Promise<{ entry: ModelEntry; runner: R }> {
    checkSize(name, bytes.byteLength);
    const io = checkSignature(name, readSignature(name, bytes, describeBytes(sniff(bytes.subarray(0, 64)))));
    if (io.dtype === 'fp16' && p.backend === 'webgpu' && !p.gpu?.f16) {
      throw new ModelCheckError(`"${name}" is an FP16 model and this GPU has no shader-f16: export it in FP32 (training/export.py writes both)`);
    }
    let id = name;
    for (let n = 2; this.find(id); n++) id = `${name} (${n})`;
    const file = USER_FILE + id;
    const entry: ModelEntry = { id, scale: 4, fp16: file, fp32: file, low: null, user: { name, dtype: io.dtype, size: bytes.byteLength, summary: null } };
    this.userBytes.set(file, bytes);
    try {
      const runner = await check(entry);
      entry.user!.summary = runner.summary;
      this.user.push(entry);
      return { entry, runner };
    } catch (e) {
      this.userBytes.delete(file);
      throw e;
    }
  }

  /** The runners on the WebGPU path (pipeline/index.ts): on the platform's device, in its precision. */
  gpuRunners(p: Platform, device: GPUDevice): RunnerSource<Runner> {
    return { create: (m, report, compare) => this.gpuRunner(m, p, device, report, compare), check: (m) => this.userOnGpu(m, device, true) };
  }

  /** The runners on the CPU path: onnxruntime-web's WASM backend, in a worker. */
  cpuRunners(): RunnerSource<CpuRunner> {
    return {
      create: async (m, report) => {
        const r = m.user ? await this.userOnCpu(m, false) : await WasmRunner.create({ full: m.fp32, low: m.low ? m.low.fp32 : null }, this.bytes);
        report('ort', r.note);
        return r;
      },
      check: (m) => this.userOnCpu(m, true),
    };
  }

  /** A user's model: onnxruntime-web, in the model's own precision; `check`: the probe. */
  private userOnGpu(m: ModelEntry, device: GPUDevice, check: boolean): Promise<ModelRunner> {
    return ModelRunner.create('webgpu', m.user!.dtype, device, { full: m.fp32, low: null }, this.bytes, check);
  }

  private userOnCpu(m: ModelEntry, check: boolean): Promise<WasmRunner> {
    return WasmRunner.create({ full: m.fp32, low: null }, this.bytes, m.user!.dtype, check);
  }

  pickKey(m: ModelEntry, p: Platform): string {
    return `${m.id}/${p.dtype}`;
  }

  /** The GPU runner for `m` on the platform's device, in its precision. `compare`: for the A/B
   *  view's left pane: no race of engines (the one picked earlier for it, else onnxruntime-web). */
  private async gpuRunner(m: ModelEntry, p: Platform, device: GPUDevice, report: EngineReport, compare: boolean): Promise<Runner> {
    if (m.user) {
      const r = await this.userOnGpu(m, device, false);
      report('ort', null);
      return r;
    }
    const files = { full: m[p.dtype], low: m.low ? m.low[p.dtype] : null };
    const ort = () => ModelRunner.create(p.backend, p.dtype, device, files, this.bytes);
    const choice = compare && this.engine === 'auto' ? (this.picks.get(this.pickKey(m, p))?.engine === 'wgsl' ? 'wgsl' : 'ort') : this.engine;
    if (choice === 'ort' || (choice === 'auto' && !m.weights)) {
      const r = await ort();
      report('ort', null);
      return r;
    }
    if (!m.weights) throw new Error(`model ${m.id} has no weights file in the manifest: the WGSL engine cannot run it`);
    const w = m.weights;
    const wgsl = async () => {
      const raw = await this.assets.bytes(w.file);
      return WgslRunner.create(device, p.dtype, raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer, w.convs, activationSlope(w.act, w.slope));
    };
    if (choice === 'wgsl') {
      const r = await wgsl();
      report('wgsl', 'engine: WGSL (our own kernels for this network), forced by ?engine=wgsl');
      return r;
    }
    const key = this.pickKey(m, p), earlier = this.picks.get(key);
    if (earlier) {
      const r = earlier.engine === 'wgsl' ? await wgsl() : await ort();
      report(earlier.engine, `${describeDecision(earlier)} (picked earlier in this session)`);
      return r;
    }
    const ref = await ort();
    let ours: WgslRunner;
    try {
      ours = await wgsl();
    } catch (e) {
      report('ort', `engine: the WGSL engine did not load (${(e as Error).message})`);
      return ref;
    }
    report('auto', 'engine: both loaded, the first frame picks the faster');
    return new AutoRunner(device, ref, ours, (d) => {
      this.picks.set(key, d);
      report(d.engine, describeDecision(d));
    });
  }
}

/** The overlay line for an auto pick, e.g. "engine: WGSL, 12.1 ms vs onnxruntime-web 30.2 ms at 1024x1024". */
export function describeDecision(d: AutoDecision): string {
  const at = `at ${d.size[0]}x${d.size[1]}`;
  const ms = (v: number | null) => (v == null ? '?' : v < 10 ? v.toFixed(2) : v.toFixed(1));
  if (d.engine === 'wgsl') return `engine: WGSL, ${ms(d.ms.wgsl)} ms vs onnxruntime-web ${ms(d.ms.ort)} ms ${at}`;
  if (d.reason) return `engine: onnxruntime-web (${ms(d.ms.ort)} ms ${at}); WGSL engine left out: ${d.reason}`;
  return `engine: onnxruntime-web, ${ms(d.ms.ort)} ms vs WGSL ${ms(d.ms.wgsl)} ms ${at}`;
}
