// Model choice: the manifest, the model the URL or the user picks, and the runner that runs it.
// On WebGPU, `?engine=ort|wgsl` forces an engine; otherwise (auto) both load and the first frame
// picks the faster of those that agree with onnxruntime-web (inference/auto.ts), and the pick is
// kept for the session (a lost device or a model switched back does not race again).
import { ModelRunner } from './inference';
import { WasmRunner } from './inference/wasm';
import { AutoRunner, type AutoDecision } from './inference/auto';
import type { CpuRunner, EngineName, ModelBytes, Runner } from './inference/types';
import { WgslRunner, activationSlope } from './inference/wgsl';
import type { EngineChoice } from './inference/wgsl/pick';
import { parseManifest, pickModel, type Manifest, type ModelEntry } from './manifest';
import type { Platform } from './backend';

/** Where the engine gets its model files: the page fetches them from its own origin. */
export interface ModelAssets {
  manifest(): Promise<unknown>;
  bytes: ModelBytes;
}

/** The header's engine line and detail, said whenever the runner changes. */
export type EngineReport = (engine: EngineName | 'auto', detail: string | null) => void;

export class ModelChoice {
  manifest: Manifest | null = null;
  /** the model that runs (or is to run once loaded) */
  model: ModelEntry | null = null;
  /** auto's decisions, per model and precision, for this page's adapter */
  readonly picks = new Map<string, AutoDecision>();

  constructor(
    private readonly assets: ModelAssets,
    private readonly engine: EngineChoice,
  ) {}

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
    return this.manifest?.models.find((x) => x.id === id) ?? null;
  }

  pickKey(m: ModelEntry, p: Platform): string {
    return `${m.id}/${p.dtype}`;
  }

  /** The runner for `m` on the platform (its GPU device, backend and dtype). */
  async createRunner(m: ModelEntry, p: Platform, report: EngineReport): Promise<Runner | CpuRunner> {
    const device = p.gpu?.device ?? null;
    const files = { full: m[p.dtype], low: m.low ? m.low[p.dtype] : null };
    if (p.backend === 'wasm' || !device) {
      const r = await WasmRunner.create({ full: m.fp32, low: m.low ? m.low.fp32 : null }, this.assets.bytes);
      report('ort', null);
      return r;
    }
    const ort = () => ModelRunner.create(p.backend, p.dtype, device, files, this.assets.bytes);
    const choice = this.engine;
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
