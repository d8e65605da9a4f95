// The export, as the engine runs it: the plan for the open file (codecs, sound, the models it can
// use and what each would cost), then the job on a frame processor of its own, on the player's
// platform and engine, run as one exclusive job of the engine's loop. The model is the user's pick,
// by default the best-scoring in the manifest (not the player's: the player may run a cheaper one to
// hold real time, and an export is not real time); another model than the player's is loaded for the
// export and let go after, the player keeping its own. Playback pauses meanwhile (the GPU is the
// export's) and goes on after; cancelling stops at once, removes the file and leaves the player as
// it was.
import { bestScoring, modelScore, type ModelEntry } from '../models/manifest';
import { openMedia, type Media } from '../media';
import type { ModelChoice } from '../models/models';
import type { PsnrMode } from '../params';
import type { JobLoop } from '../playback/loop';
import type { Told } from '../snapshot';
import type { AnyFramePath } from '../pipeline';
import type { SessionLog } from '../metrics/sessionLog';
import { estimateExport, newestFirst, playerTiming, type ExportEstimate, type ModelTiming, type OverheadTiming } from './estimate';
import { CODEC_NAMES, planExport, type ExportContent, type ExportPlan } from './plan';
import { ExportCancelled, ExportJob, exportStill, type ExportChoice, type ExportProcessor } from './run';
import { openSaveTarget, saveBlob, SaveDeclined, type SaveMode } from './save';

/** What the export reads of the player and asks of it (engine.ts is the player). */
export interface ExportPlayer {
  readonly transport: { readonly media: Media | null };
  /** the player's processor with its runners (the export makes a processor of its own there) */
  readonly path: AnyFramePath | null;
  /** every model of the session (`all`: the manifest's, then the user's) and the one the player
   *  runs (its runner is path.runner) */
  readonly models: Pick<ModelChoice, 'all' | 'model'>;
  /** the player's log of frames shown, and its PSNR mode: its measured model time */
  readonly frames: { readonly sessionLog: SessionLog };
  readonly psnrMode: PsnrMode;
  readonly loop: Pick<JobLoop, 'exclusive'>;
  readonly playing: boolean;
  setPlaying(p: boolean): void;
  play(): void;
  tell(p: Told): void;
}

/** A model the dialog offers, with what the export would cost with it. */
export interface ExportModelOption {
  id: string;
  /** mean Set5/Set14 PSNR-Y (dB) from the manifest; null: not recorded (a user's model) */
  score: number | null;
  user: boolean;
  /** the one the player runs */
  playing: boolean;
  /** null for a still (one frame) */
  estimate: ExportEstimate | null;
}

export interface ExportOffer extends ExportPlan {
  /** frames to write */
  frames: number;
  models: ExportModelOption[];
  /** the model picked unless the user picks another */
  model: string | null;
}

/** A processor for the export and how to let it go. */
interface Own {
  processor: ExportProcessor;
  release(): Promise<void>;
}

export class Exporter {
  private job: ExportJob | null = null;
  /** between Start and the job: the file opened, the model loading */
  private preparing = false;
  private cancelledEarly = false;
  /** the last export's measured times: its model's, and the rest (decoding, encoding) */
  private measured: { timing: ModelTiming; overhead: OverheadTiming } | null = null;

  constructor(private readonly player: ExportPlayer) {}

  /** every model of the session */
  private models(): readonly ModelEntry[] {
    return this.player.models.all;
  }

  get running(): boolean {
    return this.job !== null || this.preparing;
  }

  /** The model an export uses unless told otherwise: the best-scoring, else the player's. */
  defaultModel(): ModelEntry | null {
    const all = this.models();
    return bestScoring(all) ?? this.player.models.model ?? all[0] ?? null;
  }

  /** What can be written for the open file (codecs at its output size, the sound, the models with
   *  their estimated time); null: no file. */
  async plan(content: ExportContent): Promise<ExportOffer | null> {
    const h = this.player, media = h.transport.media, info = media?.info;
    if (!media || !info) return null;
    const size = ExportJob.outputSize(info.width, info.height, content);
    const still = info.kind === 'image';
    const plan: ExportPlan = still ? { ...size, containers: [] } : await planExport(size.width, size.height, info.audio);
    const frames = await media.frameCount();
    const player = playerTiming(newestFirst(h.frames.sessionLog), { name: info.name, width: info.width, height: info.height, psnr: h.psnrMode }, this.models());
    const timings = [this.measured?.timing, player].filter((t): t is ModelTiming => !!t);
    const playing = h.models.model;
    const models = this.models().map((m): ExportModelOption => ({
      id: m.id,
      score: modelScore(m),
      user: !!m.user,
      playing: m === playing,
      estimate: still ? null : estimateExport({ frames, pixels: info.width * info.height, outPixels: size.width * size.height, model: m, timings, overhead: this.measured?.overhead ?? null }),
    }));
    return { ...plan, frames, models, model: this.defaultModel()?.id ?? null };
  }

  /** Writes the upscaled file (a still: a PNG). Call from the click that starts it: the file
   *  picker needs the user's gesture. */
  async start(choice: ExportChoice, mode: SaveMode): Promise<void> {
    const h = this.player, media = h.transport.media, path = h.path;
    if (!media || !path?.runner) return h.tell({ error: 'nothing to export: open a video or an image first, and wait for the model' });
    if (this.running) return;
    const model = choice.model ? this.models().find((m) => m.id === choice.model) : this.defaultModel();
    if (!model) return h.tell({ error: `export failed: the model ${choice.model ?? ''} is not in this session's list` });
    const base = media.info.name.replace(/\.[^.]+$/, '');
    let own: Own | null = null, reading: Media | null = null;
    try {
      if (media.info.kind === 'image') {
        own = await this.processorFor(model, path);
        const processor = own.processor;
        const blob = await h.loop.exclusive(async () => {
          const f = (await media.frames(0).next()).value;
          if (!f) throw new Error('the image has no frame');
          return exportStill(f, processor, choice.content);
        });
        const where = await saveBlob(blob, `${base}-4x.png`, '.png', mode);
        h.tell({ notice: `exported the ${choice.content === 'comparison' ? 'comparison' : '4x'} PNG with ${model.id}: ${where}` });
        return;
      }
      const ext = `.${choice.container}`;
      // the file first: the picker needs the click's gesture, which a model's loading would outlast
      const save = await openSaveTarget(`${base}-4x${ext}`, choice.container === 'mp4' ? 'video/mp4' : 'video/webm', ext, mode);
      const wasPlaying = h.playing;
      h.setPlaying(false);
      this.preparing = true;
      this.cancelledEarly = false;
      h.tell({ exporting: { done: 0, total: 0, fps: 0, etaS: null } });
      try {
        try {
          own = await this.processorFor(model, path).catch((e) => {
            throw new Error(`the model ${model.id} could not be loaded for it (${(e as Error).message ?? e})`);
          });
          // the frames as the player reads them: the file opened again through media/, its checks and guards
          reading = await openMedia(media.file, media.info.name);
          if (this.cancelledEarly) throw new ExportCancelled('export cancelled');
        } catch (e) {
          await save.discard();
          throw e;
        }
        let last = 0;
        const job = new ExportJob(reading, own.processor, choice, (pr) => {
          const now = performance.now();
          if (now - last > 200 || pr.done === pr.total) {
            last = now;
            h.tell({ exporting: pr });
          }
        });
        this.job = job;
        this.preparing = false;
        const r = await h.loop.exclusive(() => job.run(save));
        const { width, height } = media.info, out = ExportJob.outputSize(width, height, choice.content);
        if (r.modelMs !== null && r.frames > 0) {
          this.measured = {
            timing: { model, pixels: width * height, size: { width, height }, ms: r.modelMs, where: 'export' },
            overhead: { outPixels: out.width * out.height, ms: (1000 * r.seconds) / r.frames - r.modelMs },
          };
        }
        h.tell({ notice: `exported ${r.frames} frames with ${model.id} in ${r.seconds.toFixed(1)} s (${(r.frames / r.seconds).toFixed(2)} fps), ${CODEC_NAMES[choice.codec]} in ${choice.container.toUpperCase()}; sound: ${r.sound}; ${save.where}` });
      } finally {
        this.job = null;
        this.preparing = false;
        h.tell({ exporting: null });
        if (wasPlaying) h.play();
      }
    } catch (e) {
      if (e instanceof SaveDeclined) return;
      if (e instanceof ExportCancelled) h.tell({ notice: 'export cancelled: no file was written' });
      else h.tell({ error: `export failed: ${(e as Error).message ?? e}` });
    } finally {
      reading?.dispose();
      await own?.release();
    }
  }

  /** Stops the export at once; its file is removed. */
  cancel(): void {
    if (this.preparing) this.cancelledEarly = true;
    this.job?.cancel();
  }

  /** A processor running `m`: on the player's runner when it is the player's model, else on a
   *  runner of its own from the player's path (same platform and engine choice), let go after. */
  private async processorFor(m: ModelEntry, path: AnyFramePath): Promise<Own> {
    if (m === this.player.models.model && path.runner) {
      const processor = path.detached();
      return { processor, release: async () => processor.dispose() };
    }
    return path.use<Promise<Own>>(async (p) => {
      // the header's engine line is the player's: the export's runner reports nowhere
      const runner = await p.runners.create(m, () => undefined, false);
      const processor = p.detached(runner);
      return {
        processor,
        release: async () => {
          processor.dispose();
          await runner.dispose().catch(() => undefined);
        },
      };
    });
  }
}
