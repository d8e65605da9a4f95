// The automatic model pick in real-time playback (ladder.ts decides): which model runs for the open
// video, from the model times this device measures. A video with no measured rate yet starts with
// the lens held on a small region at the centre, so the first measurement costs a fraction of a
// whole frame (seconds on a CPU); two frames after a warm-up decide, and each model switched to is
// measured in turn and stepped down from if it does not hold the rate, never back up within the
// file. The user's own pick (?model=, the menu, a dropped model) turns it off for the session;
// free-running playback (tests, measurements) measures but never switches.
import type { Platform } from '../backend';
import type { MediaInfo } from '../media';
import type { PsnrMode } from '../params';
import type { JobLoop } from '../playback/loop';
import type { Told } from '../snapshot';
import { MARGIN, type LensControl } from '../view/lens';
import { ladderNote, measuredRate, pickForRate, runFlop, type LadderPick, type VideoRate } from './ladder';
import type { ModelEntry } from './manifest';
import type { ModelChoice } from './models';

/** Measured runs of a model that decide (after one warm-up run: compiles, allocations). */
const MIN_RUNS = 2;
/** The held lens's crop side (input pixels, margin included) while the rate is measured: on a GPU
 *  large enough to load it (a small crop would understate its rate), on a CPU small enough to take
 *  well under a second. */
const PROBE_CROP = { GPU: 256, CPU: 128 } as const;

/** What the ladder reads of the player and asks of it (engine.ts is the player). */
export interface LadderPlayer {
  /** the manifest's models (a user's are never picked) and the one running (or loading) on the right */
  readonly models: Pick<ModelChoice, 'model' | 'manifest' | 'find'>;
  readonly loop: Pick<JobLoop, 'realtime'>;
  /** the open file (null: none) */
  readonly transport: { readonly media: { readonly info: MediaInfo } | null };
  readonly platform: Pick<Platform, 'backend'> | null;
  /** reference mode runs the model on a quarter of the frame a side */
  readonly psnrMode: PsnrMode;
  /** the right pane runs `m` (loading it; its frames follow) */
  readonly panes: { load(m: ModelEntry): Promise<void> };
  readonly lens: LensControl;
  /** the lens changed: the view is drawn again */
  viewChanged(): void;
  tell(p: Told): void;
}

export class ModelLadder {
  /** the player picks the model (off once the user picks one) */
  auto: boolean;
  /** the open video's input and rate (null: none, a still, or not picking) */
  private video: VideoRate | null = null;
  /** the device's last measured rate, FLOP per ms of model time, the model it was measured with, and
   *  the input size of the crop it was measured on (null: whole frames) */
  private rate: { flopPerMs: number; on: string; crop: { width: number; height: number } | null } | null = null;
  /** this file's measured runs of one model, and whether its warm-up run has passed */
  private runs: Array<{ flop: number; ms: number }> = [];
  private runsOf: ModelEntry | null = null;
  private warm = false;
  /** no more expensive model than this within the file (FLOPs per 1024x1024 frame) */
  private ceiling = Infinity;
  /** this file's pick is final (it holds the rate, or the cheapest runs with the lens) */
  private settled = false;
  /** a pick made from a crop's rate has been looked at again from whole frames (once a file: a
   *  small crop does not fill a GPU, so its rate understates what whole frames run at) */
  private wholeLook = false;
  /** the model switched to, until it runs (the frames before it are the old model's) */
  private loading: ModelEntry | null = null;

  constructor(
    auto: boolean,
    private readonly player: LadderPlayer,
  ) {
    this.auto = auto;
  }

  private models(): readonly ModelEntry[] {
    return this.player.models.manifest?.models ?? [];
  }

  private realtime(): boolean {
    return this.player.loop.realtime;
  }

  private where(): 'GPU' | 'CPU' {
    return this.player.platform?.backend === 'webgpu' ? 'GPU' : 'CPU';
  }

  private load(m: ModelEntry): void {
    void this.player.panes.load(m);
  }

  /** A file has opened. The pick is made again for another input size or rate; a still has no rate
   *  and keeps the model that runs. */
  opened(info: MediaInfo): void {
    this.forget();
    if (!this.auto) return;
    if (info.kind !== 'video' || !(info.fps > 0)) {
      this.video = null;
      // no rate to hold: nothing is picked for it, and a measurement under way is given up
      if (this.player.lens.held) this.lensOff();
      this.player.tell({ modelNote: null });
      return;
    }
    const quarter = this.player.psnrMode === 'reference';
    const v = { width: quarter ? Math.floor(info.width / 4) : info.width, height: quarter ? Math.floor(info.height / 4) : info.height, fps: info.fps }, was = this.video;
    if (was && was.width === v.width && was.height === v.height && was.fps === v.fps) return;
    this.video = v;
    this.ceiling = Infinity;
    this.settled = false;
    this.wholeLook = false;
    if (!this.realtime()) return;
    if (this.rate) this.apply(pickForRate(this.models(), this.rate.flopPerMs, v, this.ceiling));
    else this.probe(v);
  }

  /** One frame's model time: an input of `size` (a lens crop or the whole frame) through `m` in `ms`. */
  measured(m: ModelEntry, size: { width: number; height: number }, ms: number): void {
    const v = this.video, pixels = size.width * size.height;
    if (!this.auto || !v || this.settled || m !== this.player.models.model || (this.loading && m !== this.loading)) return;
    this.loading = null;
    const flop = runFlop(m, pixels);
    if (flop === null) return;
    if (!this.speaksForWholeFrame(pixels, v)) return;
    if (m !== this.runsOf) this.forget(m);
    if (!this.warm) {
      this.warm = true;
      return;
    }
    this.runs.push({ flop, ms });
    if (this.runs.length < MIN_RUNS || !this.realtime()) return;
    this.rate = { flopPerMs: measuredRate(this.runs)!, on: m.id, crop: pixels < v.width * v.height ? { width: size.width, height: size.height } : null };
    this.forget(m);
    this.apply(pickForRate(this.models(), this.rate.flopPerMs, v, this.ceiling));
  }

  /** Whether a run over `pixels` of input tells the time of a whole frame of `v`. Not a crop's frame
   *  still in flight when the lens went off for the whole-frame look; not the crops, smaller than the
   *  probe's, of a lens sized for a slow device: their times are mostly each run's fixed costs (a
   *  50x50 crop predicted 21 s for a whole frame that takes 1.3 s), so they neither re-rate the
   *  device nor reach the header. */
  private speaksForWholeFrame(pixels: number, v: VideoRate): boolean {
    const frame = v.width * v.height, probe = PROBE_CROP[this.where()] ** 2, lens = this.player.lens;
    if (pixels >= frame) return true;
    if (this.wholeLook && !lens.on) return false;
    return !(lens.on && !lens.held && pixels < probe && frame > probe);
  }

  /** Falling behind with the model the ladder picked (the passes around it took more than their
   *  share, or the device slowed): a cheaper model, from the rate its frames were shown at (the whole
   *  frame's work, so a conservative rate). False where the ladder does not pick, the lens is on, or
   *  nothing is cheaper: the lens is the answer then (frames.ts). */
  behind(shownFps: number): boolean {
    const v = this.video, cur = this.player.models.model;
    if (!this.auto || !v || !cur?.flops || this.player.lens.on || !this.realtime() || !(shownFps > 0)) return false;
    const cheaper = this.models().filter((m) => m.flops && !m.user && m.flops < cur.flops!);
    if (cheaper.length === 0) return false;
    this.rate = { flopPerMs: (runFlop(cur, v.width * v.height)! * shownFps) / 1000, on: cur.id, crop: null };
    this.ceiling = Math.max(...cheaper.map((m) => m.flops!));
    this.settled = false;
    this.wholeLook = true;
    this.forget();
    this.apply(pickForRate(this.models(), this.rate.flopPerMs, v, this.ceiling));
    return true;
  }

  /** The menu: a model (the user's pick, kept for the session), or 'auto' (the player picks again). */
  choose(id: string): void {
    const m = this.player.models.find(id);
    if (id === 'auto' && !m) return this.resume();
    this.userChose();
    if (m && m !== this.player.models.model) this.load(m);
  }

  /** The user picked a model (the menu, ?model=, a dropped one): theirs runs from now on. */
  userChose(): void {
    if (!this.auto) return;
    this.auto = false;
    this.video = null;
    if (this.player.lens.held) this.lensOff();
    this.player.tell({ modelAuto: false, modelNote: null });
  }

  /** "auto" in the menu: the player picks again, for the open video. */
  resume(): void {
    this.auto = true;
    this.video = null;
    this.loading = null;
    this.player.tell({ modelAuto: true, modelNote: null });
    const info = this.player.transport.media?.info;
    if (info) this.opened(info);
  }

  /** Runs of `m` start again (its warm-up is not taken twice); null: a new file's. */
  private forget(m: ModelEntry | null = null): void {
    this.warm = m !== null && m === this.runsOf && this.warm;
    this.runs = [];
    this.runsOf = m;
  }

  /** No rate measured yet: the lens held on the centre while the first runs are timed, where the
   *  frame is larger than the held crop. */
  private probe(v: VideoRate): void {
    const crop = PROBE_CROP[this.where()];
    this.player.tell({ modelNote: `measuring this device's model time at ${v.width}x${v.height}, ${+v.fps.toFixed(2)} fps…` });
    const whole = v.width * v.height <= crop * crop;
    if (whole && this.player.lens.held) this.lensOff(); // held for an earlier, larger video
    if (whole || this.player.lens.on) return;
    this.player.lens.hold(crop - 2 * MARGIN);
    this.player.viewChanged();
  }

  private apply(p: LadderPick | null): void {
    const v = this.video!, cur = this.player.models.model;
    if (!p) {
      this.settled = true;
      if (this.player.lens.held) this.lensOff();
      this.player.tell({ modelNote: null });
      return;
    }
    this.ceiling = p.model.flops!;
    this.player.tell({ modelNote: ladderNote(p, v, this.rate!.on, this.rate!.crop) });
    if (!p.fits) {
      this.player.lens.engage(p.pxPerMs, p.frameMs);
      this.player.viewChanged();
    } else if (this.player.lens.auto && (p.model === cur || !this.player.lens.held)) {
      // it holds the rate: the whole frame again (a held lens stays while a switched-to model is measured)
      this.lensOff();
    }
    // the cheapest with the lens has nowhere lower to go; a model that fits is kept once its own
    // runs agree
    if (p.model !== cur) this.load((this.loading = p.model));
    else if (p.fits && this.rate!.crop && !this.wholeLook) {
      // the lens is off now: this model's whole frames measure again, and may lift the ceiling once
      this.wholeLook = true;
      this.ceiling = Infinity;
      this.warm = false;
    } else this.settled = true;
  }

  private lensOff(): void {
    this.player.lens.release();
    this.player.viewChanged();
  }
}
