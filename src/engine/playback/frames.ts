// The open file's frames in time: which frame goes through the processor when (in real time the
// frame that is due, dropping those already late), what a file's first frame shows before the
// model's (the bicubic preview), the figures each frame reports (overlays, session log), falling
// behind (said once, with the lens switched on), and the lens's regions frame by frame.
import type { Frame, MediaInfo } from '../media';
import type { ModelEntry } from '../models/manifest';
import { LensControl, sameRect, type LensRegions } from '../view/lens';
import { behindNotice, PaceWatch } from './pace';
import type { AnyFrameProcessor, FrameSettings } from '../pipeline';
import type { EnginePatch } from '../snapshot';
import { SessionLog } from '../metrics/sessionLog';
import { PlaybackStats } from '../metrics/stats';
import type { Transport } from './transport';

export interface FramesHost {
  processor(): AnyFrameProcessor | null;
  /** a model is loaded (before it, files show their preview only) */
  modelReady(): boolean;
  settings(): FrameSettings;
  /** a frame whose reference PSNR could not be had (under 4 px): the mode falls back */
  psnrFallback(mode: FrameSettings['psnr']): void;
  realtime(): boolean;
  /** the audio context's time as heard (tests compare it with when frames were shown) */
  audioTime(): number | null;
  model(): ModelEntry | null;
  models(): ModelEntry[];
  /** engine, backend and model, for the session log */
  labels(): { engine: string; backend: string; model: string; where: 'GPU' | 'CPU' };
  /** the lens moved: the view must be drawn (and the model re-run over a paused frame) */
  viewChanged(): void;
  /** a frame's model time: `pixels` of input (the whole input, or the lens's crop) through `m` */
  measured(m: ModelEntry, pixels: number, ms: number): void;
  /** falling behind at `fps` shown: true where the player's own model pick steps down instead */
  behind(fps: number): boolean;
  onState(p: EnginePatch): void;
}

export class Frames {
  readonly stats = new PlaybackStats();
  /** every frame shown in the session: the live plots and "Download stats" read it */
  readonly sessionLog = new SessionLog();
  readonly pace = new PaceWatch();
  readonly lens = new LensControl();
  /** the frame on screen */
  shown = { frameIndex: -1, timestamp: NaN };
  /** when (performance.now, ms) the last file started opening, its first picture (the preview) went
   *  up, and the model's first frame of it was done: what a newcomer waits for */
  readonly marks = { opened: NaN, preview: NaN, firstModelFrame: NaN };
  /** the overlay says the lens is held for measuring (it changes with no change of region) */
  private heldShown = false;
  /** said once per video and model */
  private paceWarned = false;

  constructor(
    private readonly transport: Transport,
    private readonly host: FramesHost,
  ) {}

  /** A new file: its figures start again. */
  reset(opened: number): void {
    Object.assign(this.marks, { opened, preview: NaN, firstModelFrame: NaN });
    this.stats.reset();
    this.pace.reset();
    this.paceWarned = false;
  }

  /** A new model may keep up (a recovered device keeps the word said). */
  modelChanged(): void {
    this.paceWarned = false;
    // the frames dropped while the old model ran (or the new one loaded) are not the new one's pace
    this.pace.reset();
  }

  get lastTimestamp(): number {
    return Number.isNaN(this.shown.timestamp) ? 0 : this.shown.timestamp;
  }

  /** Playing: process the frame that is due, in real time (transport.due drops late ones). */
  async advance(): Promise<void> {
    if (!this.host.realtime()) {
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
    this.pace.shown(performance.now(), performance.now() - t);
    this.checkPace();
  }

  /** The next frame; `first`: a file's first, shown at once as its original and bicubic upscale
   *  while the model works on it (or while the model is still loading). */
  async showNext(first = false): Promise<void> {
    const f = await this.transport.take();
    if (!f) return;
    const proc = this.host.processor();
    if (proc && (first || !proc.showing)) {
      await proc.preview(f, this.host.settings());
      if (first) this.marks.preview = performance.now();
      this.host.onState({ previewSince: performance.now() });
    }
    if (proc && this.host.modelReady()) await this.show(f);
    else f.close();
  }

  /** One frame through the processor; its figures arrive as the GPU reports them. */
  private async show(f: Frame): Promise<void> {
    const start = performance.now(), h = this.host;
    const info = this.transport.media?.info;
    const meta = { frameIndex: info ? Math.round((f.timestamp - info.firstTimestamp) * info.fps) : 0, timestamp: f.timestamp };
    const s = h.settings();
    const r = await h.processor()!.process(f, meta, s);
    h.onState({ previewSince: null });
    this.lensShown(s.lens ?? null);
    if (r.psnrMode && r.psnrMode !== s.psnr) h.psnrFallback(r.psnrMode);
    this.shown = meta;
    h.onState({ frameIndex: meta.frameIndex, time: meta.timestamp });
    const stats = this.stats, l = h.labels();
    this.sessionLog.track(r, {
      frame: meta.frameIndex, timestamp: meta.timestamp, start, droppedSoFar: stats.dropped, clock: h.processor()?.modelClock ?? null,
      video: info?.name ?? '', engine: l.engine, backend: l.backend, model: l.model, lens: s.lens?.region ?? null,
    });
    const crop = s.lens?.crop, fps = info?.fps || 30, model = h.model(), input = h.processor()?.sizes?.input;
    const pixels = crop ? crop.width * crop.height : input ? input.width * input.height : 0;
    void r.modelMs.then((ms) => {
      if (ms == null) return;
      stats.modelTime.push(ms);
      if (model && pixels) h.measured(model, pixels, ms);
      if (crop) this.lens.refit(crop.width * crop.height, ms, 1000 / fps);
    });
    void r.psnr.then((p) => p && (stats.psnr = p));
    const marks = this.marks;
    void r.done.then(() => {
      stats.done(meta.timestamp, start, h.audioTime());
      if (Number.isNaN(marks.firstModelFrame)) marks.firstModelFrame = performance.now();
    });
  }

  /** Shows the current frame again after a view, gain or lens change; when the lens moved, the
   *  model runs again on its new region and the PSNR is the new region's. */
  async rerender(proc: AnyFrameProcessor): Promise<void> {
    const s = this.host.settings(), shown = this.shown;
    const p = await proc.rerender(s);
    this.lensShown(s.lens ?? null);
    if (p) this.stats.psnr = { ...p, frameIndex: shown.frameIndex, timestamp: shown.timestamp };
  }

  /** Whether the lens would now be elsewhere than on the frame shown (the view moved). */
  lensMoved(): boolean {
    const lens = this.host.settings().lens ?? null, last = this.lens.last;
    return !(lens === last || sameRect(lens?.region, last?.region));
  }

  toggleLens(): void {
    this.lens.toggle();
    this.host.viewChanged();
    this.reportLens(this.host.settings().lens ?? null);
  }

  private lensShown(r: LensRegions | null): void {
    if (!sameRect(r?.region, this.lens.last?.region) || !r !== !this.lens.last || this.lens.held !== this.heldShown) this.reportLens(r);
    this.lens.last = r;
  }

  private reportLens(r: LensRegions | null): void {
    this.heldShown = this.lens.held;
    this.host.onState({ lens: r ? { width: r.region.width, height: r.region.height, auto: this.lens.auto, held: this.lens.held } : null });
  }

  /** Falling behind the video: say so once, with the rate and a model that would fit (pace.ts), and
   *  switch the lens on, sized for the rate, unless it is on already. */
  private checkPace(): void {
    const media = this.transport.media, model = this.host.model();
    if (this.paceWarned || !media || !model || media.info.kind !== 'video') return;
    const b = this.pace.behind(performance.now());
    if (!b) return;
    this.paceWarned = true;
    if (this.host.behind(b.fps)) return;
    let notice = behindNotice(b, b.windowMs, media.info, model, this.host.models(), this.host.labels().where);
    const size = this.host.processor()?.sizes?.input, ms = this.stats.modelTime.percentile(50);
    if (!this.lens.on && size && ms > 0) notice += this.engageLens(media.info, size, ms);
    this.host.onState({ notice });
  }

  private engageLens(info: MediaInfo, size: { width: number; height: number }, modelMs: number): string {
    this.lens.engage((size.width * size.height) / modelMs, 1000 / info.fps);
    this.host.viewChanged();
    this.pace.reset();
    const side = Math.min(this.lens.maxSide, size.width, size.height);
    // the lens is refitted to the measured rate frame by frame: the notice gives its first size, the
    // overlay its current one
    return `; the lens is on: the model runs only on a region at the centre of the view (bicubic around it), ${side}x${side} to start, resized to hold ${info.fps.toFixed(0)} fps (the overlay shows its size); zoom and pan move it, L turns it off`;
  }
}
