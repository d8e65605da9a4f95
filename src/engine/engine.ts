// The engine: React-free. It owns the platform (GPU device or CPU), the model runner, the frame
// processor, the open media and its own loop, and reports to the UI through `onState` patches a
// few times a second. One frame's path lives in pipeline/ (gpu.ts or cpu.ts, chosen once); this
// file says when frames go through it: commands, real-time pacing, stats.
import { AudioOutput } from './audio';
import { choosePlatform, recreatePlatform, type Platform } from './backend';
import { PlaybackClock } from './clock';
import { debugHook } from './debugHook';
import { DeviceRecovery } from './recovery';
import { Drops } from './drops';
import type { CpuRunner, EngineName, Runner } from './inference/types';
import { Exporter } from './export';
import type { ExportChoice } from './export/run';
import { checkInputSize } from './limits';
import { JobLoop, type Job } from './loop';
import type { MediaInfo } from './media';
import { ModelChoice, type ModelAssets } from './models';
import type { ModelEntry } from './manifest';
import type { PsnrMode, UrlParams, ViewMode } from './params';
import { createFrameProcessor, type Compare, type FrameProcessor, type FrameSettings } from './pipeline';
import { checkSize, mb, PROBE_SIDE } from './inference/check';
import type { EnginePatch } from './snapshot';
import { emptyStats, type EngineStats } from './stats';
import { Frames } from './frames';
import { openFirstFrame, Transport, type Opened } from './transport';
import { ViewportController } from './viewport';
import type { Viewport } from './passes/present';

export type { EngineStats } from './stats';
export type { EnginePatch, EngineSnapshot } from './snapshot';

/** The picture's latency counted ahead of the sound at most (a first frame's engine pick is not its pace). */
const MAX_AV_LEAD_S = 0.25;

const ENGINE_LABEL = { ort: 'onnxruntime-web', wgsl: 'WGSL', auto: 'auto…' } as const;

export class Engine {
  /** @internal (the debug hook reads these) */
  platform: Platform | null = null;
  runner: Runner | CpuRunner | null = null;
  processor: FrameProcessor | null = null;
  readonly models: ModelChoice;
  readonly clock = new PlaybackClock();
  readonly audio = new AudioOutput();
  readonly transport: Transport;
  readonly loop: JobLoop;
  /** the open file's frames in time: pacing, preview, figures, falling behind, the lens */
  readonly frames: Frames;
  playing = false;
  view: ViewMode;
  gain = 4;
  psnrMode: PsnrMode;
  readonly recovery: DeviceRecovery;
  needRerender = false;

  private viewport: ViewportController | null = null;
  private canvases: HTMLCanvasElement[] = [];
  private viewDirty = false;
  private lastPush = 0;
  private disposed = false;
  /** every drop answered, the newest winning (drops.ts) */
  readonly drops = new Drops();
  /** the drop open in the transport */
  private openSeq = 0;
  /** resolves once the platform is chosen and the loop runs: a file dropped before waits for it */
  private started!: () => void;
  private readonly canOpen = new Promise<void>((r) => (this.started = r));
  /** the model's load error stays on screen (a new video does not clear it) until a model loads */
  private modelError: string | null = null;
  readonly exporter: Exporter;
  /** the left pane (the A/B view): 'original', 'bicubic' or a model id, and that model's runner */
  private compareId = 'original';
  private compareRunner: Runner | CpuRunner | null = null;
  /** the newest left-pane choice wins over one still loading */
  private compareSeq = 0;

  constructor(
    private readonly params: UrlParams,
    private readonly onState: (p: EnginePatch) => void,
    private readonly assets: ModelAssets,
  ) {
    this.view = params.view ?? 'full';
    this.psnrMode = params.psnr ?? 'consistency';
    this.models = new ModelChoice(assets, params.engine);
    this.transport = new Transport(this.clock, {
      notice: (msg) => this.onState({ notice: msg }),
      stop: () => this.setPlaying(false),
      playing: () => this.playing,
      shownAny: () => this.frames.stats.framesProcessed > 0,
      failed: (msg) => this.mediaFailed(msg),
      looped: (media, end, first) => {
        this.clock.loop(end, first, this.playing);
        this.audio.loop(media, end, first);
      },
    });
    // Frames are taken when due and shown a frame's latency later: with sound, the picture's clock
    // runs that much ahead of what is heard, so each frame appears with its sound.
    this.frames = new Frames(this.transport, {
      processor: () => this.processor,
      modelReady: () => this.runner !== null,
      settings: () => this.settings(),
      psnrFallback: (m) => {
        const f = this.processor?.sizes?.frame;
        this.psnrMode = m ?? 'consistency';
        this.onState({ psnrMode: this.psnrMode, notice: `${f?.width}x${f?.height} is too small for reference mode (it downscales 4x): using consistency` });
      },
      realtime: () => this.loop.realtime,
      audioTime: () => this.audio.contextTime(),
      model: () => this.models.model,
      models: () => this.models.manifest?.models ?? [],
      labels: () => {
        const r = this.runner, p = this.platform;
        return { engine: r && 'engine' in r ? r.engine : 'ort', backend: p ? `${p.backend} ${p.dtype}` : '', model: this.models.model?.id ?? '', where: p?.backend === 'webgpu' ? 'GPU' : 'CPU' };
      },
      viewChanged: () => (this.viewDirty = true),
      onState: (p) => this.onState(p),
    });
    this.clock.follow(() => {
      const heard = this.audio.now();
      return heard === null ? null : heard + Math.min(MAX_AV_LEAD_S, (this.frames.stats.latency.percentile(50) || 0) / 1000);
    });
    this.audio.onError = (msg) => this.onState({ notice: `the sound stopped: its audio could not be decoded (${msg}); the picture goes on` });
    this.exporter = new Exporter({
      media: () => this.transport.media,
      platform: () => this.platform,
      runner: () => this.runner,
      exclusive: (fn) => this.loop.exclusive(fn),
      pause: () => {
        const was = this.playing;
        this.setPlaying(false);
        return was;
      },
      play: () => this.play(),
      report: (p) => this.onState(p),
      fail: (msg) => this.fail(msg),
    });
    this.recovery = new DeviceRecovery({
      current: () => this.platform?.gpu?.device ?? null,
      disposed: () => this.disposed,
      notice: (msg) => this.onState({ notice: msg }),
      fail: (msg) => this.fail(msg),
      rebuild: async () => {
        const compare = this.compareId;
        await this.loop.exclusive(async () => {
          await this.dropRunner();
          await this.dropCompare();
          this.processor?.dispose();
          this.processor = null;
          this.platform = await recreatePlatform(this.platform!);
          this.processor = this.makeProcessor(this.platform);
        });
        if (this.models.model) await this.loadModel(this.models.model);
        await this.setCompare(compare);
        this.clearError();
        return this.platform!.gpu!.device;
      },
    });
    this.loop = new JobLoop((now) => this.pushStats(now), () => this.nextJob(), (e) => this.fail(e instanceof Error ? e.message : String(e)));
  }

  get viewportView(): Viewport {
    return this.viewport?.view ?? { zoom: 1, cx: 0.5, cy: 0.5 };
  }

  get lastTimestamp(): number {
    return this.frames.lastTimestamp;
  }

  // ---------------------------------------------------------------- start-up and recovery

  /** Picks the backend and binds the canvases: files can open (and show) from then on. The model
   *  loads after, in the background; `modelLoaded` says when that is done. */
  async start(original: HTMLCanvasElement, upscaled: HTMLCanvasElement): Promise<void> {
    this.onState({ status: 'starting', view: this.view, gain: this.gain, psnrMode: this.psnrMode, stats: emptyStats(this.psnrMode), muted: this.audio.muted, volume: this.audio.volume });
    this.canvases = [original, upscaled];
    const p = await choosePlatform(this.params.backend);
    this.platform = p;
    if (p.gpu) this.recovery.watch(p.gpu.device);
    this.onState({ backend: `${p.backend} ${p.dtype}`, backendNote: p.note, adapter: p.adapter });
    this.viewport = new ViewportController(() => {
      const s = this.processor?.sizes?.output;
      return s ? { w: s.width, h: s.height } : null;
    }, () => (this.viewDirty = true));
    this.viewport.attach(original, upscaled);
    this.processor = this.makeProcessor(p);
    this.loop.start();
    this.started();
    this.modelLoaded = this.loadFirstModel();
  }

  /** Resolves once the first model is loaded (or has failed, with the error shown). */
  modelLoaded: Promise<void> = Promise.resolve();

  private async loadFirstModel(): Promise<void> {
    try {
      const warning = await this.models.load(this.params.model);
      this.onState({ ...this.modelList(), modelId: this.models.model!.id });
      if (warning) this.onState({ notice: warning });
    } catch (e) {
      this.fail((e as Error).message);
      return;
    }
    await this.loadModel(this.models.model!);
    // ?model=<path>.onnx: the user's model, checked like a dropped one, beside the default
    const url = this.params.modelUrl;
    if (url) await this.addModelFromUrl(url);
  }

  private async addModelFromUrl(url: string): Promise<void> {
    const name = decodeURIComponent(url.split(/[?#]/)[0].split('/').pop() || url);
    let blob: Blob;
    try {
      if (!this.assets.url) throw new Error('this host loads no models by URL');
      blob = await this.assets.url(url);
    } catch (e) {
      this.say(`the model ?model=${url} could not be fetched: ${(e as Error).message}`);
      return;
    }
    await this.addModelNow(blob, name);
  }

  private modelList() {
    return { models: this.models.all.map((m) => m.id), userModels: this.models.user.map((m) => m.id) };
  }

  private makeProcessor(p: Platform): FrameProcessor {
    const proc = createFrameProcessor(p, { original: this.canvases[0], upscaled: this.canvases[1], viewport: this.viewport!.view });
    proc.setCompare(this.compareChoice());
    return proc;
  }

  /** what the left pane is set to show ('original', 'bicubic' or a model id; the debug hook) */
  get compareShown(): string {
    return this.compareId;
  }

  private compareChoice(): Compare {
    return this.compareRunner ?? (this.compareId === 'bicubic' ? 'bicubic' : 'original');
  }

  /** Lets go of the left pane's model (the pane shows the original until it is chosen again). */
  private async dropCompare(): Promise<void> {
    const old = this.compareRunner;
    this.compareRunner = null;
    this.processor?.setCompare(this.compareChoice());
    await old?.dispose().catch(() => undefined);
  }

  /** Lets go of the runner (the processor first lets go of the outputs it holds). */
  private async dropRunner(): Promise<void> {
    this.processor?.setRunner(null);
    const old = this.runner;
    this.runner = null;
    await old?.dispose().catch(() => undefined);
  }

  private async loadModel(m: ModelEntry): Promise<void> {
    const p = this.platform;
    if (!p) return;
    this.onState({ status: 'loading', modelId: m.id });
    await this.loop.exclusive(() => this.dropRunner());
    try {
      const runner = await this.models.createRunner(m, p, (e, d) => this.reportEngine(e, d));
      this.runner = runner;
      this.processor!.setRunner(runner);
      if (m !== this.models.model) this.frames.modelChanged();
      this.models.model = m;
      this.modelError = null;
      this.onState({ status: 'ready', modelId: m.id });
      this.clearError();
      if (this.transport.media) this.seek(this.lastTimestamp);
    } catch (e) {
      if (p.backend === 'webgpu' && p.dtype === 'fp16' && !m.user) {
        // e.g. an EP or driver that rejects the FP16 graph: the FP32 model still runs
        p.dtype = 'fp32';
        p.note = `the FP16 model failed (${(e as Error).message}); running FP32`;
        this.processor?.dispose();
        this.processor = this.makeProcessor(p);
        this.onState({ backend: 'webgpu fp32', backendNote: p.note });
        return this.loadModel(m);
      }
      this.modelError = (e as Error).message;
      this.fail(this.modelError);
    }
  }

  private reportEngine(engine: EngineName | 'auto', detail: string | null): void {
    this.onState({ engine: ENGINE_LABEL[engine], backendNote: [this.platform?.note, detail].filter(Boolean).join('; ') || null });
  }

  // ---------------------------------------------------------------- commands (called by the UI)

  /** Opens a file (a drop, the picker, the demo clip). Every call is answered: the file plays, or
   *  a message names it, unless a newer drop wins first (drops.ts); whatever plays goes on until the
   *  new file's first frame is decoded. */
  async load(file: Blob, name: string, note: string | null = null): Promise<boolean> {
    const seq = this.drops.begin(name);
    const opened = performance.now();
    try {
      await this.canOpen; // dropped during start-up: the device's limits decide what fits
      if (!this.drops.isNewest(seq)) return this.superseded(seq, null);
      let o: Opened;
      try {
        o = await openFirstFrame(file, name, (info) => checkInputSize(info, this.platform, this.models.model?.channels ?? 64));
      } catch (e) {
        this.refuse(seq, (e as Error).message);
        return false;
      }
      if (!this.drops.isNewest(seq)) return this.superseded(seq, o);
      if (this.exporter.running) {
        // the export holds the loop until it ends: the file opens then, and says so now
        const msg = `"${name}" opens when the export ends (cancel the export to open it now)`;
        this.drops.wait(seq, msg);
        this.onState({ error: this.modelError, notice: msg });
      }
      return await this.loop.exclusive(async () => {
        if (!this.drops.isNewest(seq)) return this.superseded(seq, o);
        await this.transport.replace(o);
        this.openSeq = seq;
        this.frames.reset(opened);
        const info = o.media.info;
        // where a model that arrives later (start-up, a switch, a recovered device) picks it up
        this.frames.shown = { frameIndex: 0, timestamp: info.firstTimestamp };
        this.viewport?.reset();
        this.drops.open(seq);
        this.onState({ media: info, error: this.modelError, notice: [note, silentNote(info)].filter(Boolean).join('; ') || null, frameIndex: 0, time: info.firstTimestamp, stats: emptyStats(this.psnrMode) });
        await this.frames.showNext(true);
        if (this.processor) this.drops.played(seq);
        this.setPlaying(info.kind === 'video');
        return true;
      });
    } catch (e) {
      this.refuse(seq, `"${name}" could not be shown: ${(e as Error).message ?? e}`);
      return false;
    }
  }

  /** A newer drop won while this one opened: let go of it. */
  private async superseded(seq: number, o: Opened | null): Promise<false> {
    await o?.drop();
    this.drops.supersede(seq);
    return false;
  }

  private refuse(seq: number, msg: string): void {
    if (this.drops.refuse(seq, msg)) this.say(msg);
    else console.warn('[sr4x] (a newer file was answered first)', msg);
  }

  /** The open file's media data failed mid-stream (transport.ts stopped on its last good frame). */
  private mediaFailed(msg: string): void {
    if (this.drops.fail(this.openSeq, msg)) this.say(msg);
    else console.warn('[sr4x] (a newer file was answered first)', msg);
  }

  /** A file's message, in the banner (drops.ts decided that it may). */
  private say(msg: string): void {
    console.warn('[sr4x]', msg);
    this.onState({ error: msg });
  }

  /** The model or the device is back: its error goes, a file's message stays (until a newer file
   *  opens or it is dismissed). */
  private clearError(): void {
    if (!this.drops.holdsBanner) this.onState({ error: null });
  }

  play(): void {
    if (this.transport.media?.info.kind === 'video') this.setPlaying(true);
  }
  pause(): void {
    this.setPlaying(false);
  }
  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  /** Seek to time t (seconds) and show that frame. */
  seek(t: number): void {
    this.loop.command(async () => {
      if (!this.transport.media) return;
      await this.transport.seek(t);
      await this.frames.showNext();
      this.syncAudio(this.lastTimestamp);
      this.frames.pace.reset();
    });
  }

  /** Pause and advance exactly one frame. */
  step(): void {
    if (this.transport.media?.info.kind !== 'video') return;
    this.setPlaying(false);
    this.loop.command(() => this.frames.showNext());
  }

  setView(v: ViewMode): void {
    if (v !== 'full' && !this.runner?.hasLow) {
      this.onState({ notice: 'this model has no low-frequency file: only the full view is available', view: 'full' });
      return;
    }
    this.view = v;
    this.needRerender = true;
    this.onState({ view: v });
  }

  setGain(g: number): void {
    this.gain = Math.max(0.25, Math.min(64, g));
    this.needRerender = true;
    this.onState({ gain: this.gain });
  }

  setPsnrMode(m: PsnrMode): void {
    if (m === this.psnrMode) return;
    this.psnrMode = m;
    this.frames.stats.psnr = null;
    this.onState({ psnrMode: m, stats: { ...this.statsNow(performance.now()), psnr: NaN, psnrBicubic: NaN, psnrMode: m } });
    if (this.transport.media) this.seek(this.lastTimestamp);
  }

  /** Call from a user gesture when unmuting: the browser lets sound start only then. */
  async setMuted(m: boolean): Promise<void> {
    await this.audio.setMuted(m);
    this.syncAudio();
    this.onState({ muted: m });
  }

  setVolume(v: number): void {
    this.audio.setVolume(v);
    this.onState({ volume: this.audio.volume });
  }

  setModel(id: string): void {
    const m = this.models.find(id);
    if (m && m !== this.models.model) void this.loadModel(m);
  }

  /** A user's model file (a drop, the picker, ?model=<url>): checked (models.ts: its size, inputs
   *  and outputs, precision, a probe run for the scale); if it passes, it joins the model list and
   *  runs in the right pane, with the model that ran so far in the left (the A/B view: yours beside
   *  ours). If not, the banner says what is wrong and nothing else changes. */
  async addModel(file: Blob, name: string): Promise<boolean> {
    await this.canOpen;
    await this.modelLoaded; // the first model first: it would replace this one when it came
    return this.addModelNow(file, name);
  }

  private async addModelNow(file: Blob, name: string): Promise<boolean> {
    const p = this.platform!;
    let got: Awaited<ReturnType<ModelChoice['addUser']>>;
    try {
      checkSize(name, file.size);
      this.onState({ notice: `checking the model "${name}"…` });
      got = await this.models.addUser(name, new Uint8Array(await file.arrayBuffer()), p);
    } catch (e) {
      this.onState({ notice: null });
      this.say((e as Error).message);
      return false;
    }
    const { entry, runner } = got;
    const before = this.models.model, old = this.runner;
    // an auto pick not made yet (no frame shown) is not the left pane's to make: a fresh runner goes there
    const keep = old && before && !(old as Runner).undecided;
    await this.loop.exclusive(async () => {
      this.processor!.setRunner(runner);
      this.runner = runner;
      this.models.model = entry;
      if (keep) {
        // the model that ran so far goes to the left pane, as it is (nothing to load)
        ++this.compareSeq;
        const prev = this.compareRunner;
        this.compareRunner = old;
        this.compareId = before!.id;
        this.processor!.setCompare(old!);
        await prev?.dispose().catch(() => undefined);
      } else {
        await old?.dispose().catch(() => undefined);
      }
    });
    if (!keep && old && before) void this.setCompare(before.id);
    this.frames.modelChanged();
    this.modelError = null;
    this.reportEngine('ort', null);
    if (this.view !== 'full') this.setView('full'); // it has no low-frequency file
    const u = entry.user!, sum = u.summary;
    const checked = sum
      ? `input "${sum.input}", output "${sum.output}", ${u.dtype === 'fp16' ? 'float16' : 'float32'}, ${PROBE_SIDE}x${PROBE_SIDE} -> ${sum.probe.join('x')} (4x), ${mb(u.size)}`
      : `${u.dtype === 'fp16' ? 'float16' : 'float32'}, ${mb(u.size)}`;
    const leftId = old && before ? before.id : this.compareId;
    const where = leftId === 'original' ? '' : leftId === 'bicubic' ? ', bicubic on the left' : `, ${leftId} on the left (the menu above it: original, bicubic or any model)`;
    this.onState({ ...this.modelList(), status: 'ready', modelId: entry.id, compare: leftId, notice: `model "${name}" checked (${checked}): it runs on the right${where}` });
    this.clearError();
    if (this.transport.media) this.seek(this.lastTimestamp);
    return true;
  }

  /** What the left pane shows: 'original', 'bicubic', or a model's id (its runner loads first; the
   *  pane keeps what it showed until then). Both panes show the same frame at the same zoom, each
   *  with its PSNR; the lens, when on, applies to both. */
  async setCompare(id: string): Promise<void> {
    const p = this.platform;
    if (!p || (id === this.compareId && (this.compareRunner || id === 'original' || id === 'bicubic'))) return;
    const seq = ++this.compareSeq;
    let runner: Runner | CpuRunner | null = null;
    if (id !== 'original' && id !== 'bicubic') {
      const m = this.models.find(id);
      if (!m) return;
      try {
        runner = await this.models.createRunner(m, p, () => undefined, true);
      } catch (e) {
        if (seq === this.compareSeq) this.say(`the left pane's model ${id} could not be loaded: ${(e as Error).message}`);
        this.onState({ compare: this.compareId });
        return;
      }
      if (seq !== this.compareSeq) {
        await runner.dispose().catch(() => undefined);
        return;
      }
    }
    await this.loop.exclusive(async () => {
      await this.dropCompare();
      this.compareRunner = runner;
      this.compareId = id;
      this.processor?.setCompare(this.compareChoice());
    });
    this.needRerender = true;
    this.onState({ compare: id });
  }

  dismissError(): void {
    this.drops.released();
    this.onState({ error: null, notice: null });
  }

  /** Canvas backing sizes follow their CSS size (called by the UI on resize). */
  resizeCanvases(): void {
    for (const c of this.canvases) {
      const dpr = Math.min(2, window.devicePixelRatio || 1);
      const w = Math.max(1, Math.round(c.clientWidth * dpr)), h = Math.max(1, Math.round(c.clientHeight * dpr));
      if (c.width !== w || c.height !== h) {
        c.width = w;
        c.height = h;
      }
    }
    this.viewDirty = true;
  }

  /** Export (export/index.ts) with the URL's save mode; call from the click that starts it. */
  startExport(choice: ExportChoice): Promise<void> {
    return this.exporter.start(choice, this.params.save);
  }

  // ---------------------------------------------------------------- the loop

  private pushStats(now: number): void {
    if (now - this.lastPush <= 250) return;
    this.lastPush = now;
    this.onState({ stats: this.statsNow(now), playing: this.playing });
  }

  /** With no command waiting: a re-render, the next frame, or a redraw. */
  private nextJob(): Job | null {
    const proc = this.processor;
    if (this.needRerender && proc?.hasFrame) {
      this.needRerender = false;
      return () => this.frames.rerender(proc);
    }
    if (this.playing && this.transport.media && proc && this.runner) return () => this.frames.advance();
    if (this.viewDirty && proc?.showing) {
      this.viewDirty = false;
      // the lens moved over a paused frame: the model runs again on its new region
      if (proc.hasFrame && this.frames.lensMoved()) return () => this.frames.rerender(proc);
      return async () => proc.present();
    }
    return null;
  }

  private settings(): FrameSettings {
    const size = this.processor?.sizes?.input, c = this.canvases[1];
    const lens = size && c ? this.frames.lens.regions(this.viewport!.view, c.width, c.height, size.width, size.height) : null;
    return { view: this.view, gain: this.gain, psnr: this.psnrMode, lens };
  }

  /** L, the lens button: the model on the zoomed region only (or the whole frame again). */
  toggleLens(): void {
    this.frames.toggleLens();
  }

  private setPlaying(p: boolean): void {
    this.playing = p;
    this.frames.pace.reset();
    this.syncAudio(this.transport.nextTimestamp ?? this.lastTimestamp);
    this.onState({ playing: p });
  }

  /** The clock at media time t (default: where it is), and the sound from there when playing. */
  syncAudio(t = this.clock.now()): void {
    this.audio.stop();
    this.clock.set(t);
    const media = this.transport.media;
    if (this.playing && media && this.loop.realtime) this.audio.start(media, t);
  }

  statsNow(now: number): EngineStats {
    return this.frames.stats.snapshot(now, this.psnrMode, this.processor?.sizes ? this.processor.modelClock : null);
  }

  private fail(msg: string): void {
    console.warn('[sr4x]', msg);
    this.drops.released();
    this.onState({ error: msg });
  }

  /** Read-backs and switches for tests (window.__sr); none runs inside the frame loop. */
  debug() {
    return debugHook(this);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.loop.stop();
    await this.audio.dispose();
    await this.transport.close();
    await this.dropRunner();
    await this.dropCompare();
    this.viewport?.dispose();
    this.platform?.gpu?.device.destroy();
  }
}

/** Why a video plays without sound, when it has sound the browser cannot play. */
function silentNote(info: MediaInfo): string | null {
  const a = info.audio;
  return a && !a.decodable ? `"${info.name}" plays silently: this browser cannot decode its audio (${a.codec})` : null;
}
