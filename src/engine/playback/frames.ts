// The open file's frames in time: which frame goes through the processor when (in real time the
// frame that is due, dropping those already late), what a file's first frame shows before the
// model's (the bicubic preview), the figures each frame reports (overlays, session log), falling
// behind (said once, with the lens switched on), and the lens's regions frame by frame.
import type { Platform } from '../backend';
import type { AnyRunner } from '../inference/types';
import type { Frame, MediaInfo } from '../media';
import type { ModelLadder } from '../models/ladderControl';
import type { ModelChoice } from '../models/models';
import type { PsnrMode } from '../params';
import type { AnyFrameProcessor, FrameSettings } from '../pipeline';
import type { Told } from '../snapshot';
import { SessionLog } from '../metrics/sessionLog';
import { PlaybackStats } from '../metrics/stats';
import { sameRect, type LensControl, type LensRegions } from '../view/lens';
import type { AudioOutput } from './audio';
import type { JobLoop } from './loop';
import { behindNotice, PaceWatch } from './pace';
import type { Transport } from './transport';

/** What frames.ts reads of the player and asks of it (engine.ts is the player). */
export interface FramesPlayer {
  readonly transport: Transport;
  readonly processor: AnyFrameProcessor | null;
  /** the right pane's model (before one is loaded, files show their preview only) */
  readonly runner: AnyRunner | null;
  readonly platform: Platform | null;
  readonly models: Pick<ModelChoice, 'model' | 'manifest'>;
  readonly loop: Pick<JobLoop, 'realtime'>;
  /** the audio context's time as heard (tests compare it with when frames were shown) */
  readonly audio: Pick<AudioOutput, 'contextTime'>;
  readonly lens: LensControl;
  /** each frame's model time goes to the ladder; falling behind asks it for a cheaper model first */
  readonly ladder: Pick<ModelLadder, 'measured' | 'behind'>;
  settings(): FrameSettings;
  /** a frame whose reference PSNR could not be had (under 4 px): the mode falls back */
  psnrFellBack(mode: PsnrMode | null): void;
  /** the lens moved: the view must be drawn (and the model re-run over a paused frame) */
  viewChanged(): void;
  tell(p: Told): void;
}

export class Frames {
  readonly stats = new PlaybackStats();
  /** every frame shown in the session: the live plots and "Download stats" read it */
  readonly sessionLog = new SessionLog();
  readonly pace = new PaceWatch();
  /** the frame on screen */
  shown = { frameIndex: -1, timestamp: NaN };
  /** when (performance.now, ms) the last file started opening, its first picture (the preview) went
   *  up, and the model's first frame of it was done: what a newcomer waits for */
  readonly marks = { opened: NaN, preview: NaN, firstModelFrame: NaN };
  /** the overlay says the lens is held for measuring (it changes with no change of region) */
  private heldShown = false;
  /** said once per video and model */
  private paceWarned = false;

  constructor(private readonly p: FramesPlayer) {}

  private get transport(): Transport {
    return this.p.transport;
  }

  private get lens(): LensControl {
    return this.p.lens;
  }

  /** engine, backend and model, for the session log */
  private labels() {
    const r = this.p.runner, pl = this.p.platform;
    return { engine: r?.engine ?? 'ort', backend: pl ? `${pl.backend} ${pl.dtype}` : '', model: this.p.models.model?.id ?? '', where: pl?.backend === 'webgpu' ? ('GPU' as const) : ('CPU' as const) };
  }

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
    if (!this.p.loop.realtime) {
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
    const proc = this.p.processor;
    if (proc && (first || !proc.showing)) {
      await proc.preview(f, this.p.settings());
      if (first) this.marks.preview = performance.now();
      this.p.tell({ previewSince: performance.now() });
    }
    if (proc && this.p.runner) await this.show(f);
    else f.close();
  }

  /** One frame through the processor; its figures arrive as the GPU reports them. */
  private async show(f: Frame): Promise<void> {
    const start = performance.now(), h = this.p;
    const info = this.transport.media?.info;
    const meta = { frameIndex: info ? Math.round((f.timestamp - info.firstTimestamp) * info.fps) : 0, timestamp: f.timestamp };
    const s = h.settings();
    const r = await h.processor!.process(f, meta, s);
    h.tell({ previewSince: null });
    this.lensShown(s.lens ?? null);
    if (r.psnrMode && r.psnrMode !== s.psnr) h.psnrFellBack(r.psnrMode);
    this.shown = meta;
    h.tell({ frameIndex: meta.frameIndex, time: meta.timestamp });
    const stats = this.stats, l = this.labels();
    this.sessionLog.track(r, {
      frame: meta.frameIndex, timestamp: meta.timestamp, start, droppedSoFar: stats.dropped, clock: h.processor?.modelClock ?? null,
      video: info?.name ?? '', engine: l.engine, backend: l.backend, model: l.model, lens: s.lens?.region ?? null,
    });
    const crop = s.lens?.crop, fps = info?.fps || 30, model = h.models.model, input = h.processor?.sizes?.input;
    const ran = crop ?? input;
    void r.modelMs.then((ms) => {
      if (ms == null) return;
      stats.modelTime.push(ms);
      if (model && ran && ran.width * ran.height) h.ladder.measured(model, { width: ran.width, height: ran.height }, ms);
      if (crop) this.lens.refit(crop.width * crop.height, ms, 1000 / fps);
    });
    void r.psnr.then((p) => p && (stats.psnr = p));
    const marks = this.marks;
    void r.done.then(() => {
      stats.done(meta.timestamp, start, h.audio.contextTime());
      if (Number.isNaN(marks.firstModelFrame)) marks.firstModelFrame = performance.now();
    });
  }

  /** Shows the current frame again after a view, gain or lens change; when the lens moved, the
   *  model runs again on its new region and the PSNR is the new region's. */
  async rerender(proc: AnyFrameProcessor): Promise<void> {
    const s = this.p.settings(), shown = this.shown;
    const p = await proc.rerender(s);
    this.lensShown(s.lens ?? null);
    if (p) this.stats.psnr = { ...p, frameIndex: shown.frameIndex, timestamp: shown.timestamp };
  }

  /** Whether the lens would now be elsewhere than on the frame shown (the view moved). */
  lensMoved(): boolean {
    const lens = this.p.settings().lens ?? null, last = this.lens.last;
    return !(lens === last || sameRect(lens?.region, last?.region));
  }

  toggleLens(): void {
    this.lens.toggle();
    this.p.viewChanged();
    this.reportLens(this.p.settings().lens ?? null);
  }

  private lensShown(r: LensRegions | null): void {
    if (!sameRect(r?.region, this.lens.last?.region) || !r !== !this.lens.last || this.lens.held !== this.heldShown) this.reportLens(r);
    this.lens.last = r;
  }

  private reportLens(r: LensRegions | null): void {
    this.heldShown = this.lens.held;
    this.p.tell({ lens: r ? { width: r.region.width, height: r.region.height, auto: this.lens.auto, held: this.lens.held } : null });
  }

  /** Falling behind the video: say so once, with the rate and a model that would fit (pace.ts), and
   *  switch the lens on, sized for the rate, unless it is on already. */
  private checkPace(): void {
    const media = this.transport.media, model = this.p.models.model;
    if (this.paceWarned || !media || !model || media.info.kind !== 'video') return;
    const b = this.pace.behind(performance.now());
    if (!b) return;
    this.paceWarned = true;
    if (this.p.ladder.behind(b.fps)) return;
    const size = this.p.processor?.sizes?.input, ms = this.stats.modelTime.percentile(50);
    let notice = behindNotice(b, b.windowMs, media.info, model, this.p.models.manifest?.models ?? [], this.labels().where);
    if (!this.lens.on && size && ms > 0) notice += this.engageLens(media.info, size, ms);
    this.p.tell({ notice });
  }

  private engageLens(info: MediaInfo, size: { width: number; height: number }, modelMs: number): string {
    this.lens.engage((size.width * size.height) / modelMs, 1000 / info.fps);
    this.p.viewChanged();
    this.pace.reset();
    const side = Math.min(this.lens.maxSide, size.width, size.height);
    // the lens is refitted to the measured rate frame by frame: the notice gives its first size, the
    // overlay its current one
    return `; the lens is on: the model runs only on a region at the centre of the view (bicubic around it), ${side}x${side} to start, resized to hold ${info.fps.toFixed(0)} fps (the overlay shows its size); zoom and pan move it, L turns it off`;
  }
}
