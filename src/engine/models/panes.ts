// The models the two panes run: the right pane's (the player's model) and, in the A/B view, the
// left pane's (another model, bicubic, or the original). Loading one, switching, the FP16 -> FP32
// fallback, and a user's own model: checked, added to the list for the session, run on the right
// with the model that ran so far moved to the left.
import type { Platform } from '../backend';
import { checkSize, mb, PROBE_SIDE } from '../inference/check';
import type { AnyRunner, EngineName, Runner } from '../inference/types';
import type { ViewMode } from '../params';
import type { AnyFramePath, FramePath } from '../pipeline';
import type { JobLoop } from '../playback/loop';
import type { Told } from '../snapshot';
import type { ModelEntry } from './manifest';
import type { ModelAssets, ModelChoice } from './models';

const ENGINE_LABEL = { ort: 'onnxruntime-web', wgsl: 'WGSL', auto: 'auto…' } as const;

/** What panes.ts reads of the player and asks of it (engine.ts is the player). */
export interface PanesPlayer {
  readonly platform: Platform | null;
  /** the frame processor with the runners it takes (null before the platform is chosen); the
   *  runners live there */
  readonly path: AnyFramePath | null;
  readonly models: ModelChoice;
  readonly loop: Pick<JobLoop, 'exclusive'>;
  /** a new model may keep up (frames.ts says "falling behind" again) */
  readonly frames: { modelChanged(): void };
  /** whether the player picks the model; the user's own model runs: theirs is the pick from now on */
  readonly ladder: { readonly auto: boolean; userChose(): void };
  readonly transport: { readonly media: object | null };
  readonly lastTimestamp: number;
  readonly view: ViewMode;
  /** a new processor for the platform as it now is (its precision changed) */
  remakeProcessor(): void;
  seek(t: number): void;
  setView(v: ViewMode): void;
  /** the frame on screen drawn again (the left pane changed) */
  rerender(): void;
  tell(p: Told): void;
}

export class Panes {
  /** the model's load error stays on screen (a new video does not clear it) until a model loads */
  modelError: string | null = null;
  /** the left pane (the A/B view): 'original', 'bicubic' or a model id (its runner: the path's) */
  compareId = 'original';
  /** the newest left-pane choice wins over one still loading */
  private compareSeq = 0;

  constructor(
    private readonly assets: ModelAssets,
    private readonly player: PanesPlayer,
  ) {}

  private get models(): ModelChoice {
    return this.player.models;
  }

  /** the frame on screen again, through the new model */
  private showCurrent(): void {
    if (this.player.transport.media) this.player.seek(this.player.lastTimestamp);
  }

  /** The first model: the URL's or the manifest's default, then ?model=<path>.onnx, the user's
   *  model, checked like a dropped one, beside it. Resolves once loaded (or failed, the error shown). */
  async start(requested: string | null, url: string | null): Promise<void> {
    try {
      const warning = await this.models.load(requested);
      this.player.tell({ ...this.modelList(), modelId: this.models.model!.id, modelAuto: this.player.ladder.auto, ...(warning && { notice: warning }) });
    } catch (e) {
      this.player.tell({ error: (e as Error).message });
      return;
    }
    await this.load(this.models.model!);
    if (url) await this.addFromUrl(url);
  }

  async addFromUrl(url: string): Promise<void> {
    const name = decodeURIComponent(url.split(/[?#]/)[0].split('/').pop() || url);
    let blob: Blob;
    try {
      if (!this.assets.url) throw new Error('this host loads no models by URL');
      blob = await this.assets.url(url);
    } catch (e) {
      this.player.tell({ fileError: `the model ?model=${url} could not be fetched: ${(e as Error).message}` });
      return;
    }
    await this.addUser(blob, name);
  }

  modelList() {
    return { models: this.models.all.map((m) => m.id), userModels: this.models.user.map((m) => m.id) };
  }

  /** the right pane's model (null while none is loaded) */
  get runner(): AnyRunner | null {
    return this.player.path?.runner ?? null;
  }

  /** what the left pane shows without a model of its own */
  leftPane(): 'original' | 'bicubic' {
    return this.compareId === 'bicubic' ? 'bicubic' : 'original';
  }

  /** Lets go of the left pane's model (the pane shows the original until it is chosen again). */
  async dropCompare(): Promise<void> {
    const path = this.player.path, old = path?.compareRunner;
    path?.setCompare(this.leftPane());
    await old?.dispose().catch(() => undefined);
  }

  /** Lets go of the runner (the processor first lets go of the outputs it holds). */
  async dropRunner(): Promise<void> {
    const path = this.player.path, old = path?.runner;
    path?.setRunner(null);
    await old?.dispose().catch(() => undefined);
  }

  async load(m: ModelEntry): Promise<void> {
    const p = this.player.platform, path = this.player.path;
    if (!p || !path) return;
    this.player.tell({ status: 'loading', modelId: m.id });
    await this.player.loop.exclusive(() => this.dropRunner());
    try {
      await path.use(async (path) => path.setRunner(await path.runners.create(m, (e, d) => this.reportEngine(e, d), false)));
      if (m !== this.models.model) this.player.frames.modelChanged();
      this.models.model = m;
      this.modelError = null;
      this.player.tell({ status: 'ready', modelId: m.id });
      this.player.tell({ error: null });
      this.showCurrent();
    } catch (e) {
      if (p.backend === 'webgpu' && p.dtype === 'fp16' && !m.user) {
        // e.g. an EP or driver that rejects the FP16 graph: the FP32 model still runs
        p.dtype = 'fp32';
        p.note = `the FP16 model failed (${(e as Error).message}); running FP32`;
        this.player.remakeProcessor();
        this.player.tell({ backend: 'webgpu fp32', backendNote: p.note });
        return this.load(m);
      }
      this.modelError = (e as Error).message;
      this.player.tell({ error: this.modelError });
    }
  }

  reportEngine(engine: EngineName | 'auto', detail: string | null): void {
    this.player.tell({ engine: ENGINE_LABEL[engine], backendNote: [this.player.platform?.note, detail].filter(Boolean).join('; ') || null });
  }

  async addUser(file: Blob, name: string): Promise<boolean> {
    return this.player.path!.use((path) => this.addUserOn(path, file, name));
  }

  private async addUserOn<R extends AnyRunner>(path: FramePath<R>, file: Blob, name: string): Promise<boolean> {
    const p = this.player.platform!;
    let got: { entry: ModelEntry; runner: R };
    try {
      checkSize(name, file.size);
      this.player.tell({ notice: `checking the model "${name}"…` });
      got = await this.models.addUser(name, new Uint8Array(await file.arrayBuffer()), p, (e) => path.runners.check(e));
    } catch (e) {
      this.player.tell({ notice: null });
      this.player.tell({ fileError: (e as Error).message });
      return false;
    }
    const { entry, runner } = got;
    const before = this.models.model, old = path.runner;
    // an auto pick not made yet (no frame shown) is not the left pane's to make: a fresh runner goes there
    const keep = old && before && !(old as Runner).undecided;
    await this.player.loop.exclusive(async () => {
      path.setRunner(runner);
      this.models.model = entry;
      if (keep) {
        // the model that ran so far goes to the left pane, as it is (nothing to load)
        ++this.compareSeq;
        const prev = path.compareRunner;
        this.compareId = before!.id;
        path.setCompare(old!);
        await prev?.dispose().catch(() => undefined);
      } else {
        await old?.dispose().catch(() => undefined);
      }
    });
    if (!keep && old && before) void this.setCompare(before.id);
    this.player.frames.modelChanged();
    this.player.ladder.userChose();
    this.modelError = null;
    this.reportEngine('ort', null);
    if (this.player.view !== 'full') this.player.setView('full'); // it has no low-frequency file
    const u = entry.user!, sum = u.summary;
    const checked = sum
      ? `input "${sum.input}", output "${sum.output}", ${u.dtype === 'fp16' ? 'float16' : 'float32'}, ${PROBE_SIDE}x${PROBE_SIDE} -> ${sum.probe.join('x')} (4x), ${mb(u.size)}`
      : `${u.dtype === 'fp16' ? 'float16' : 'float32'}, ${mb(u.size)}`;
    const leftId = old && before ? before.id : this.compareId;
    const where = leftId === 'original' ? '' : leftId === 'bicubic' ? ', bicubic on the left' : `, ${leftId} on the left (the menu above it: original, bicubic or any model)`;
    this.player.tell({ ...this.modelList(), status: 'ready', modelId: entry.id, compare: leftId, notice: `model "${name}" checked (${checked}): it runs on the right${where}` });
    this.player.tell({ error: null });
    this.showCurrent();
    return true;
  }

  /** What the left pane shows: 'original', 'bicubic', or a model's id (its runner loads first; the
   *  pane keeps what it showed until then). Both panes show the same frame at the same zoom, each
   *  with its PSNR; the lens, when on, applies to both. */
  async setCompare(id: string): Promise<void> {
    const path = this.player.platform && this.player.path;
    if (!path || (id === this.compareId && (path.compareRunner || id === 'original' || id === 'bicubic'))) return;
    return path.use((path) => this.setCompareOn(path, id));
  }

  private async setCompareOn<R extends AnyRunner>(path: FramePath<R>, id: string): Promise<void> {
    const seq = ++this.compareSeq;
    let runner: R | null = null;
    if (id !== 'original' && id !== 'bicubic') {
      const m = this.models.find(id);
      if (!m) return;
      try {
        runner = await path.runners.create(m, () => undefined, true);
      } catch (e) {
        if (seq === this.compareSeq) this.player.tell({ fileError: `the left pane's model ${id} could not be loaded: ${(e as Error).message}` });
        this.player.tell({ compare: this.compareId });
        return;
      }
      if (seq !== this.compareSeq) {
        await runner.dispose().catch(() => undefined);
        return;
      }
    }
    await this.player.loop.exclusive(async () => {
      await this.dropCompare();
      this.compareId = id;
      path.setCompare(runner ?? this.leftPane());
    });
    this.player.rerender();
    this.player.tell({ compare: id });
  }
}
