// The engine: React-free. It owns the platform (GPU device or CPU), the model runner, the frame
// processor, the open media and its own loop, and reports to the UI through `onState` patches a
// few times a second. One frame's path lives in pipeline/ (gpu.ts or cpu.ts, chosen once); this
// file says when frames go through it: commands, real-time pacing, stats.
import { AudioOutput } from './audio';
import { choosePlatform, recreatePlatform, type Platform } from './backend';
import { PlaybackClock } from './clock';
import { debugHook } from './debugHook';
import { DeviceRecovery } from './recovery';
import type { CpuRunner, EngineName, Runner } from './inference/types';
import { Exporter } from './export';
import type { ExportChoice } from './export/run';
import { LensControl, sameRect, type LensRegions } from './lens';
import { checkInputSize } from './limits';
import { JobLoop, type Job } from './loop';
import type { Frame, MediaInfo } from './media';
import { ModelChoice, type ModelAssets } from './models';
import type { ModelEntry } from './manifest';
import { behindNotice, PaceWatch } from './pace';
import type { PsnrMode, UrlParams, ViewMode } from './params';
import { createFrameProcessor, type FrameProcessor, type FrameSettings } from './pipeline';
import type { EnginePatch } from './snapshot';
import { emptyStats, PlaybackStats, type EngineStats } from './stats';
import { SessionLog } from './sessionLog';
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
  readonly stats = new PlaybackStats();
  /** every frame shown in the session: the live plots and "Download stats" read it */
  readonly sessionLog = new SessionLog();
  readonly pace = new PaceWatch();
  readonly lens = new LensControl();
  playing = false;
  view: ViewMode;
  gain = 4;
  psnrMode: PsnrMode;
  /** the frame on screen */
  shown = { frameIndex: -1, timestamp: NaN };
  /** when (performance.now, ms) the last file started opening, its first picture (the preview) went
   *  up, and the model's first frame of it was done: what a newcomer waits for */
  readonly marks = { opened: NaN, preview: NaN, firstModelFrame: NaN };
  readonly recovery: DeviceRecovery;
  needRerender = false;

  private viewport: ViewportController | null = null;
  private canvases: HTMLCanvasElement[] = [];
  private viewDirty = false;
  private lastPush = 0;
  private disposed = false;
  /** a newer drop wins, whichever finishes opening first */
  private loadSeq = 0;
  /** said once per video and model */
  private paceWarned = false;
  /** the model's load error stays on screen (a new video does not clear it) until a model loads */
  private modelError: string | null = null;
  readonly exporter: Exporter;

  constructor(
    private readonly params: UrlParams,
    private readonly onState: (p: EnginePatch) => void,
    assets: ModelAssets,
  ) {
    this.view = params.view ?? 'full';
    this.psnrMode = params.psnr ?? 'consistency';
    this.models = new ModelChoice(assets, params.engine);
    this.transport = new Transport(this.clock, {
      notice: (msg) => this.onState({ notice: msg }),
      stop: () => this.setPlaying(false),
      playing: () => this.playing,
      shownAny: () => this.stats.framesProcessed > 0,
      lastShown: () => this.lastTimestamp,
      looped: (media, end, first) => {
        this.clock.loop(end, first, this.playing);
        this.audio.loop(media, end, first);
      },
    });
    // Frames are taken when due and shown a frame's latency later: with sound, the picture's clock
    // runs that much ahead of what is heard, so each frame appears with its sound.
    this.clock.follow(() => {
      const heard = this.audio.now();
      return heard === null ? null : heard + Math.min(MAX_AV_LEAD_S, (this.stats.latency.percentile(50) || 0) / 1000);
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
        await this.loop.exclusive(async () => {
          await this.dropRunner();
          this.processor?.dispose();
          this.processor = null;
          this.platform = await recreatePlatform(this.platform!);
          this.processor = this.makeProcessor(this.platform);
        });
        if (this.models.model) await this.loadModel(this.models.model);
        this.onState({ error: null });
        return this.platform!.gpu!.device;
      },
    });
    this.loop = new JobLoop((now) => this.pushStats(now), () => this.nextJob(), (e) => this.fail(e instanceof Error ? e.message : String(e)));
  }

  get viewportView(): Viewport {
    return this.viewport?.view ?? { zoom: 1, cx: 0.5, cy: 0.5 };
  }

  get lastTimestamp(): number {
    return Number.isNaN(this.shown.timestamp) ? 0 : this.shown.timestamp;
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
    this.modelLoaded = this.loadFirstModel();
  }

  /** Resolves once the first model is loaded (or has failed, with the error shown). */
  modelLoaded: Promise<void> = Promise.resolve();

  private async loadFirstModel(): Promise<void> {
    try {
      const warning = await this.models.load(this.params.model);
      const ms = this.models.manifest!;
      this.onState({ models: ms.models.map((m) => m.id), modelId: this.models.model!.id });
      if (warning) this.onState({ notice: warning });
    } catch (e) {
      this.fail((e as Error).message);
      return;
    }
    await this.loadModel(this.models.model!);
  }

  private makeProcessor(p: Platform): FrameProcessor {
    return createFrameProcessor(p, { original: this.canvases[0], upscaled: this.canvases[1], viewport: this.viewport!.view });
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
      if (m !== this.models.model) this.paceWarned = false; // a new model may keep up (recovery keeps the word said)
      this.models.model = m;
      this.modelError = null;
      this.onState({ status: 'ready', modelId: m.id, error: null });
      if (this.transport.media) this.seek(this.lastTimestamp);
    } catch (e) {
      if (p.backend === 'webgpu' && p.dtype === 'fp16') {
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

  /** Opens a file; on failure the current video keeps playing and the error is shown. */
  async load(file: Blob, name: string, note: string | null = null): Promise<boolean> {
    const seq = ++this.loadSeq;
    const opened = performance.now();
    let o: Opened;
    try {
      o = await openFirstFrame(file, name, (info) => checkInputSize(info, this.platform, this.models.model?.channels ?? 64));
    } catch (e) {
      if (seq === this.loadSeq) this.fail((e as Error).message);
      return false;
    }
    try {
      return await this.loop.exclusive(async () => {
        if (seq !== this.loadSeq) {
          await o.drop();
          return false;
        }
        await this.transport.replace(o);
        Object.assign(this.marks, { opened, preview: NaN, firstModelFrame: NaN });
        const info = o.media.info;
        this.stats.reset();
        this.pace.reset();
        this.paceWarned = false;
        this.viewport?.reset();
        this.onState({ media: info, error: this.modelError, notice: [note, silentNote(info)].filter(Boolean).join('; ') || null, frameIndex: 0, time: info.firstTimestamp, stats: emptyStats(this.psnrMode) });
        await this.showNext(true);
        this.setPlaying(info.kind === 'video');
        return true;
      });
    } catch (e) {
      this.fail((e as Error).message ?? String(e));
      return false;
    }
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
      await this.showNext();
      this.syncAudio(this.lastTimestamp);
      this.pace.reset();
    });
  }

  /** Pause and advance exactly one frame. */
  step(): void {
    if (this.transport.media?.info.kind !== 'video') return;
    this.setPlaying(false);
    this.loop.command(() => this.showNext());
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
    this.stats.psnr = null;
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

  dismissError(): void {
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
      return this.rerenderJob(proc);
    }
    if (this.playing && this.transport.media && proc && this.runner) return () => this.advance();
    if (this.viewDirty && proc?.showing) {
      this.viewDirty = false;
      const lens = this.settings().lens ?? null;
      if (proc.hasFrame && !(lens === this.lens.last || sameRect(lens?.region, this.lens.last?.region))) {
        this.reportLens(lens);
        return this.rerenderJob(proc);
      }
      return async () => proc.present();
    }
    return null;
  }

  private settings(): FrameSettings {
    const size = this.processor?.sizes?.input, c = this.canvases[1];
    const lens = size && c ? this.lens.regions(this.viewport!.view, c.width, c.height, size.width, size.height) : null;
    return { view: this.view, gain: this.gain, psnr: this.psnrMode, lens };
  }

  /** L, the lens button: the model on the zoomed region only (or the whole frame again). */
  toggleLens(): void {
    this.lens.toggle();
    this.viewDirty = true;
    this.reportLens();
  }

  private reportLens(r: LensRegions | null = this.settings().lens ?? null): void {
    this.onState({ lens: r ? { width: r.region.width, height: r.region.height, auto: this.lens.auto } : null });
  }

  /** A job that shows the current frame again after a view, gain or lens change; when the lens moved,
   *  the model runs again on its new region and the PSNR is the new region's. */
  private rerenderJob(proc: FrameProcessor): Job {
    const s = this.settings(), shown = this.shown;
    return async () => {
      const p = await proc.rerender(s);
      this.lens.last = s.lens ?? null;
      if (p) this.stats.psnr = { ...p, frameIndex: shown.frameIndex, timestamp: shown.timestamp };
    };
  }

  private setPlaying(p: boolean): void {
    this.playing = p;
    this.pace.reset();
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

  /** Playing: process the frame that is due, in real time (transport.due drops late ones). */
  private async advance(): Promise<void> {
    if (!this.loop.realtime) {
      // free-running (tests, measurements): every frame, as fast as the backend goes
      return this.showNext();
    }
    const f = await this.transport.due(() => {
      this.stats.dropped++;
      this.pace.frame(performance.now(), false);
    });
    if (!f) return;
    const t = performance.now();
    await this.show(f);
    // a stall (the first frame's engine pick, pipeline compiles, a hidden tab) is not the model's pace
    if (performance.now() - t > this.pace.windowMs / 2) this.pace.reset();
    this.pace.frame(performance.now(), true);
    this.checkPace();
  }

  /** The next frame; `first`: a file's first, shown at once as its original and bicubic upscale
   *  while the model works on it (or while the model is still loading). */
  private async showNext(first = false): Promise<void> {
    const f = await this.transport.take();
    if (!f) return;
    const proc = this.processor;
    if (proc && (first || !proc.showing)) {
      proc.preview(f, this.settings());
      if (first) this.marks.preview = performance.now();
      this.onState({ previewSince: performance.now() });
    }
    if (proc && this.runner) await this.show(f);
    else f.close();
  }

  /** One frame through the processor; its figures arrive as the GPU reports them. */
  private async show(f: Frame): Promise<void> {
    const start = performance.now();
    const info = this.transport.media?.info;
    const meta = { frameIndex: info ? Math.round((f.timestamp - info.firstTimestamp) * info.fps) : 0, timestamp: f.timestamp };
    const s = this.settings();
    const r = await this.processor!.process(f, meta, s);
    this.onState({ previewSince: null });
    if (!sameRect(s.lens?.region, this.lens.last?.region)) this.reportLens(s.lens);
    this.lens.last = s.lens ?? null;
    if (r.psnrMode && r.psnrMode !== this.psnrMode) {
      const s = this.processor?.sizes?.frame;
      this.psnrMode = r.psnrMode;
      this.onState({ psnrMode: r.psnrMode, notice: `${s?.width}x${s?.height} is too small for reference mode (it downscales 4x): using consistency` });
    }
    this.shown = meta;
    this.onState({ frameIndex: meta.frameIndex, time: meta.timestamp });
    const stats = this.stats, runner = this.runner, p = this.platform;
    this.sessionLog.track(r, {
      frame: meta.frameIndex, timestamp: meta.timestamp, start, droppedSoFar: stats.dropped, clock: this.processor?.modelClock ?? null,
      video: info?.name ?? '', engine: runner && 'engine' in runner ? runner.engine : 'ort', backend: p ? `${p.backend} ${p.dtype}` : '', model: this.models.model?.id ?? '',
    });
    const crop = s.lens?.crop, fps = this.transport.media?.info.fps || 30;
    void r.modelMs.then((ms) => {
      if (ms == null) return;
      stats.modelTime.push(ms);
      if (crop) this.lens.refit(crop.width * crop.height, ms, 1000 / fps);
    });
    void r.psnr.then((p) => p && (stats.psnr = p));
    const marks = this.marks;
    void r.done.then(() => {
      stats.done(meta.timestamp, start, this.audio.contextTime());
      if (Number.isNaN(marks.firstModelFrame)) marks.firstModelFrame = performance.now();
    });
  }

  /** Falling behind the video: say so once, with the rate and a model that would fit (pace.ts). */
  private checkPace(): void {
    const media = this.transport.media, model = this.models.model;
    if (this.paceWarned || !media || !model || media.info.kind !== 'video') return;
    const b = this.pace.behind(performance.now());
    if (!b) return;
    this.paceWarned = true;
    const where = this.platform?.backend === 'webgpu' ? 'GPU' : 'CPU';
    let notice = behindNotice(b, this.pace.windowMs, media.info, model, this.models.manifest?.models ?? [], where);
    const size = this.processor?.sizes?.input, ms = this.stats.modelTime.percentile(50);
    if (!this.lens.on && size && ms > 0) {
      this.lens.engage((size.width * size.height) / ms, 1000 / media.info.fps);
      this.viewDirty = true;
      const side = Math.min(this.lens.maxSide, size.width, size.height);
      notice += `; the lens is on: the model runs only on a ${side}x${side} region at the centre of the view (bicubic around it), sized for ${media.info.fps.toFixed(0)} fps; zoom and pan move it, L turns it off`;
      this.pace.reset();
    }
    this.onState({ notice });
  }

  statsNow(now: number): EngineStats {
    return this.stats.snapshot(now, this.psnrMode, this.processor?.sizes ? this.processor.modelClock : null);
  }

  private fail(msg: string): void {
    console.warn('[sr4x]', msg);
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
    this.viewport?.dispose();
    this.platform?.gpu?.device.destroy();
  }
}

/** Why a video plays without sound, when it has sound the browser cannot play. */
function silentNote(info: MediaInfo): string | null {
  const a = info.audio;
  return a && !a.decodable ? `"${info.name}" plays silently: this browser cannot decode its audio (${a.codec})` : null;
}
