// The engine, React-free: the player. It owns the platform (GPU device or CPU), the models, the
// frame processor, the open media in time (transport), its frames, the lens, the view's settings
// and its own loop, and makes its parts with itself as what they call: each part names the slice it
// uses (FramesPlayer, OpeningPlayer, LadderPlayer, PanesPlayer, ExportPlayer, RecoveryPlayer,
// TransportPlayer). Everything the UI is told goes through `tell`. One frame's path lives in
// pipeline/ (gpu.ts or cpu.ts, chosen once); this file says when frames go through it.
import { choosePlatform, recreatePlatform, type Platform } from './backend';
import { debugHook } from './debugHook';
import { Exporter } from './export';
import type { ExportChoice } from './export/run';
import { FileOpener } from './intake/opening';
import type { AnyRunner } from './inference/types';
import { emptyStats, type EngineStats } from './metrics/stats';
import { ModelLadder } from './models/ladderControl';
import { ModelChoice, type ModelAssets } from './models/models';
import { Panes } from './models/panes';
import type { PsnrMode, UrlParams, ViewMode } from './params';
import type { Viewport } from './passes/present';
import { createFramePath, type AnyFrameProcessor, type AnyFramePath, type FrameSettings } from './pipeline';
import { AudioOutput } from './playback/audio';
import { PlaybackClock } from './playback/clock';
import { Frames } from './playback/frames';
import { JobLoop, type Job } from './playback/loop';
import { Transport, type Opened } from './playback/transport';
import { DeviceRecovery } from './recovery';
import type { EnginePatch, Told } from './snapshot';
import { LensControl } from './view/lens';
import { ViewportController } from './view/viewport';

export type { EngineStats } from './metrics/stats';
export type { EnginePatch, EngineSnapshot } from './snapshot';

/** The picture's latency counted ahead of the sound at most (a first frame's engine pick is not its pace). */
const MAX_AV_LEAD_S = 0.25;

export class Engine {
  platform: Platform | null = null;
  /** the frame processor with the runners it takes (one kind, for the platform) */
  path: AnyFramePath | null = null;
  readonly models: ModelChoice;
  readonly clock = new PlaybackClock();
  readonly audio = new AudioOutput();
  readonly loop: JobLoop;
  /** the open media and where playback is in it */
  readonly transport = new Transport(this);
  /** the open file's frames in time: pacing, preview, figures, falling behind */
  readonly frames = new Frames(this);
  /** the model on a region only: by request, when falling behind, or held while measuring */
  readonly lens = new LensControl();
  /** the models the panes run (the right pane's, and the left's in the A/B view) */
  readonly panes: Panes;
  /** which model holds the video's rate on this device */
  readonly ladder: ModelLadder;
  /** opening files and answering every drop, the newest winning */
  readonly opener = new FileOpener(this);
  readonly exporter = new Exporter(this);
  readonly recovery = new DeviceRecovery(this);
  playing = false;
  view: ViewMode;
  gain = 4;
  psnrMode: PsnrMode;
  needRerender = false;
  disposed = false;

  private viewport: ViewportController | null = null;
  private canvases: HTMLCanvasElement[] = [];
  private viewDirty = false;
  /** a zoom, pan or lens change waits for the loop's next turn (the debug hook's idle waits for it) */
  get viewPending(): boolean {
    return this.viewDirty;
  }
  private lastPush = 0;
  /** resolves once the platform is chosen and the loop runs: a file dropped before waits for it */
  private started!: () => void;
  readonly canOpen = new Promise<void>((r) => (this.started = r));

  constructor(
    private readonly params: UrlParams,
    /** the UI's store takes patches of its state */
    private readonly report: (p: EnginePatch) => void,
    assets: ModelAssets,
  ) {
    this.view = params.view ?? 'full';
    this.psnrMode = params.psnr ?? 'consistency';
    this.models = new ModelChoice(assets, params.engine);
    this.panes = new Panes(assets, this);
    this.ladder = new ModelLadder(!params.model && !params.modelUrl, this);
    // Frames are taken when due and shown a frame's latency later: with sound, the picture's clock
    // runs that much ahead of what is heard, so each frame appears with its sound.
    this.clock.follow(() => {
      const heard = this.audio.now();
      return heard === null ? null : heard + Math.min(MAX_AV_LEAD_S, (this.frames.stats.latency.percentile(50) || 0) / 1000);
    });
    this.audio.onError = (msg) => this.tell({ notice: `the sound stopped: its audio could not be decoded (${msg}); the picture goes on` });
    this.loop = new JobLoop((now) => this.pushStats(now), () => this.nextJob(), (e) => this.tell({ error: e instanceof Error ? e.message : String(e) }));
  }

  /** The one way the engine and its parts tell the UI (snapshot.ts `Told`): the player's own error
   *  lets go of a file's hold on the banner; clearing it leaves a file's message in place. */
  tell(p: Told): void {
    const { fileError, ...patch } = p;
    if (fileError !== undefined) {
      console.warn('[sr4x]', fileError);
      patch.error = fileError;
    } else if (patch.error) {
      console.warn('[sr4x]', patch.error);
      this.opener.drops.released();
    } else if (patch.error === null && this.opener.drops.holdsBanner) delete patch.error;
    this.report(patch);
  }

  rerender(): void {
    this.needRerender = true;
  }

  /** a zoom, pan, lens or canvas change, applied on the loop's next turn */
  viewChanged(): void {
    this.viewDirty = true;
  }

  /** the frame processor made again for the platform (another model's precision) */
  remakeProcessor(): void {
    this.path?.remake();
  }

  get processor(): AnyFrameProcessor | null {
    return this.path?.processor ?? null;
  }

  /** reference mode asked of a frame too small for it */
  psnrFellBack(m: PsnrMode | null): void {
    const f = this.processor?.sizes?.frame;
    this.psnrMode = m ?? 'consistency';
    this.tell({ psnrMode: this.psnrMode, notice: `${f?.width}x${f?.height} is too small for reference mode (it downscales 4x): using consistency` });
  }

  /** `o` is the open file from now on (opening.ts decided that it may): its figures start afresh
   *  from `opened`, the ladder picks for it, its first frame is shown and it plays. */
  async begin(o: Opened, opened: number, notice: string | null): Promise<void> {
    await this.transport.replace(o);
    const info = o.media.info;
    this.frames.reset(opened);
    // where a model that arrives later (start-up, a switch, a recovered device) picks it up
    this.frames.shown = { frameIndex: 0, timestamp: info.firstTimestamp };
    this.viewport?.reset();
    this.tell({ stats: emptyStats(this.psnrMode), media: info, error: this.panes.modelError, notice, frameIndex: 0, time: info.firstTimestamp });
    this.ladder.opened(info); // after the figures are reset: its first runs are this file's
    await this.frames.showNext(true);
    this.setPlaying(info.kind === 'video');
  }

  /** every drop's answer (tests read it: window.__sr.engine.drops) */
  get drops() {
    return this.opener.drops;
  }

  /** the right pane's model runner (null while none is loaded) */
  get runner(): AnyRunner | null {
    return this.panes.runner;
  }

  /** The left pane: 'original', 'bicubic' or a model id (panes.ts). */
  setCompare(id: string): Promise<void> {
    return this.panes.setCompare(id);
  }

  get viewportView(): Viewport {
    return this.viewport?.view ?? { zoom: 1, cx: 0.5, cy: 0.5 };
  }

  get lastTimestamp(): number {
    return this.frames.lastTimestamp;
  }

  // ---------------------------------------------------------------- start-up and recovery

  /** After a lost device (recovery.ts): the platform, processor and models again; the new device. */
  async rebuildDevice(): Promise<GPUDevice> {
    const compare = this.panes.compareId;
    await this.loop.exclusive(async () => {
      await this.panes.dropRunner();
      await this.panes.dropCompare();
      this.path?.dispose();
      this.path = null;
      this.platform = await recreatePlatform(this.platform!);
      this.path = this.makePath(this.platform);
    });
    if (this.models.model) await this.panes.load(this.models.model);
    await this.panes.setCompare(compare);
    this.tell({ error: null });
    return this.platform!.gpu!.device;
  }

  /** Picks the backend and binds the canvases: files can open (and show) from then on. The model
   *  loads after, in the background; `modelLoaded` says when that is done. */
  async start(original: HTMLCanvasElement, upscaled: HTMLCanvasElement): Promise<void> {
    this.tell({ status: 'starting', view: this.view, gain: this.gain, psnrMode: this.psnrMode, stats: emptyStats(this.psnrMode), muted: this.audio.muted, volume: this.audio.volume });
    this.canvases = [original, upscaled];
    const p = (this.platform = await choosePlatform(this.params.backend));
    if (p.gpu) this.recovery.watch(p.gpu.device);
    this.tell({ backend: `${p.backend} ${p.dtype}`, backendNote: p.note, adapter: p.adapter });
    this.viewport = new ViewportController(() => {
      const s = this.processor?.sizes?.output;
      return s ? { w: s.width, h: s.height } : null;
    }, () => (this.viewDirty = true));
    this.viewport.attach(original, upscaled);
    this.path = this.makePath(p);
    this.loop.start();
    this.started();
    this.modelLoaded = this.panes.start(this.params.model, this.params.modelUrl);
  }

  /** Resolves once the first model is loaded (or has failed, with the error shown). */
  modelLoaded: Promise<void> = Promise.resolve();

  private makePath(p: Platform): AnyFramePath {
    const path = createFramePath(p, this.models, { original: this.canvases[0], upscaled: this.canvases[1], viewport: this.viewport!.view });
    path.setCompare(this.panes.leftPane());
    return path;
  }

  // ---------------------------------------------------------------- commands (called by the UI)

  /** Opens a file (a drop, the picker, the demo clip). Every call is answered: the file plays, or
   *  a message names it, unless a newer drop wins first (opening.ts). */
  load(file: Blob, name: string, note: string | null = null): Promise<boolean> {
    return this.opener.open(file, name, note);
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
      this.tell({ notice: 'this model has no low-frequency file: only the full view is available', view: 'full' });
      return;
    }
    this.view = v;
    this.needRerender = true;
    this.tell({ view: v });
  }

  setGain(g: number): void {
    this.gain = Math.max(0.25, Math.min(64, g));
    this.needRerender = true;
    this.tell({ gain: this.gain });
  }

  setPsnrMode(m: PsnrMode): void {
    if (m === this.psnrMode) return;
    this.psnrMode = m;
    this.frames.stats.psnr = null;
    this.tell({ psnrMode: m, stats: { ...this.statsNow(performance.now()), psnr: NaN, psnrBicubic: NaN, psnrMode: m } });
    if (this.transport.media) this.seek(this.lastTimestamp);
  }

  /** Call from a user gesture when unmuting: the browser lets sound start only then. */
  async setMuted(m: boolean): Promise<void> {
    await this.audio.setMuted(m);
    this.syncAudio();
    this.tell({ muted: m });
  }

  setVolume(v: number): void {
    this.audio.setVolume(v);
    this.tell({ volume: this.audio.volume });
  }

  /** A model from the menu (the user's pick, kept for the session), or 'auto' (ladderControl.ts). */
  setModel(id: string): void {
    this.ladder.choose(id);
  }

  /** A user's model file (a drop, the picker, ?model=<url>): checked (models.ts: its size, inputs
   *  and outputs, precision, a probe run for the scale); if it passes, it joins the model list and
   *  runs in the right pane, with the model that ran so far in the left (the A/B view: yours beside
   *  ours). If not, the banner says what is wrong and nothing else changes. */
  async addModel(file: Blob, name: string): Promise<boolean> {
    await this.canOpen;
    await this.modelLoaded; // the first model first: it would replace this one when it came
    return this.panes.addUser(file, name);
  }

  dismissError(): void {
    this.drops.released();
    this.tell({ error: null, notice: null });
  }

  /** Canvas backing sizes follow their CSS size (called by the UI on resize). */
  resizeCanvases(): void {
    this.viewport?.fitCanvases();
  }

  /** Export (export/index.ts) with the URL's save mode; call from the click that starts it. */
  startExport(choice: ExportChoice): Promise<void> {
    return this.exporter.start(choice, this.params.save);
  }

  // ---------------------------------------------------------------- the loop

  private pushStats(now: number): void {
    if (now - this.lastPush <= 250) return;
    this.lastPush = now;
    this.tell({ stats: this.statsNow(now), playing: this.playing });
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

  settings(): FrameSettings {
    const size = this.processor?.sizes?.input, c = this.canvases[1];
    const lens = size && c ? this.lens.regions(this.viewport!.view, c.width, c.height, size.width, size.height) : null;
    return { view: this.view, gain: this.gain, psnr: this.psnrMode, lens };
  }

  /** L, the lens button: the model on the zoomed region only (or the whole frame again). */
  toggleLens(): void {
    this.frames.toggleLens();
  }

  setPlaying(p: boolean): void {
    this.playing = p;
    this.frames.pace.reset();
    this.syncAudio(this.transport.nextTimestamp ?? this.lastTimestamp);
    this.tell({ playing: p });
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

  /** Read-backs and switches for tests (window.__sr); none runs inside the frame loop. */
  debug() {
    return debugHook(this);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.loop.stop();
    await this.audio.dispose();
    await this.transport.close();
    await this.panes.dropRunner();
    await this.panes.dropCompare();
    this.viewport?.dispose();
    this.platform?.gpu?.device.destroy();
  }
}
