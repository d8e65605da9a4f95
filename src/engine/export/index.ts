// The export, as the engine runs it: the plan for the open file, then the job on a frame processor
// of its own (same platform, same runner as the player: same model, same engine), run as one
// exclusive job of the engine's loop. Playback pauses meanwhile (the GPU is the export's) and goes
// on after; cancelling stops at once, removes the file and leaves the player as it was.
import type { Media } from '../media';
import type { AnyFramePath } from '../pipeline';
import { CODEC_NAMES, planExport, type ExportContent, type ExportPlan } from './plan';
import { ExportCancelled, ExportJob, exportStill, type ExportChoice, type ExportProgress } from './run';
import { openSaveTarget, saveBlob, SaveDeclined, type SaveMode } from './save';

export interface ExportHost {
  media(): Media | null;
  /** the player's processor with its runners (the export makes a processor of its own there) */
  path(): AnyFramePath | null;
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** pauses playback; returns whether it was playing */
  pause(): boolean;
  play(): void;
  report(p: { exporting?: ExportProgress | null; notice?: string }): void;
  fail(msg: string): void;
}

export class Exporter {
  private job: ExportJob | null = null;

  constructor(private readonly host: ExportHost) {}

  get running(): boolean {
    return this.job !== null;
  }

  /** What can be written for the open file (codecs at its output size, the sound); null: no file. */
  async plan(content: ExportContent): Promise<ExportPlan | null> {
    const info = this.host.media()?.info;
    if (!info) return null;
    const size = ExportJob.outputSize(info.width, info.height, content);
    return planExport(size.width, size.height, info.kind === 'video' ? info.audio : null);
  }

  /** Writes the upscaled file (a still: a PNG). Call from the click that starts it: the file
   *  picker needs the user's gesture. */
  async start(choice: ExportChoice, mode: SaveMode): Promise<void> {
    const h = this.host, media = h.media(), path = h.path();
    if (!media || !path?.runner) return h.fail('nothing to export: open a video or an image first, and wait for the model');
    if (this.job) return;
    const base = media.info.name.replace(/\.[^.]+$/, '');
    const processor = path.detached();
    try {
      if (media.info.kind === 'image') {
        const blob = await h.exclusive(async () => {
          const f = (await media.frames(0).next()).value;
          if (!f) throw new Error('the image has no frame');
          return exportStill(f, processor, choice.content);
        });
        const where = await saveBlob(blob, `${base}-4x.png`, '.png', mode);
        h.report({ notice: `exported the ${choice.content === 'comparison' ? 'comparison' : '4x'} PNG: ${where}` });
        return;
      }
      const ext = `.${choice.container}`;
      const save = await openSaveTarget(`${base}-4x${ext}`, choice.container === 'mp4' ? 'video/mp4' : 'video/webm', ext, mode);
      const wasPlaying = h.pause();
      let last = 0;
      const job = new ExportJob(media.file, media.info.audio, processor, choice, (pr) => {
        const now = performance.now();
        if (now - last > 200 || pr.done === pr.total) {
          last = now;
          h.report({ exporting: pr });
        }
      });
      this.job = job;
      h.report({ exporting: { done: 0, total: 0, fps: 0, etaS: null } });
      try {
        const r = await h.exclusive(() => job.run(save));
        h.report({ notice: `exported ${r.frames} frames in ${r.seconds.toFixed(1)} s (${(r.frames / r.seconds).toFixed(2)} fps), ${CODEC_NAMES[choice.codec]} in ${choice.container.toUpperCase()}; sound: ${r.sound}; ${save.where}` });
      } finally {
        this.job = null;
        h.report({ exporting: null });
        if (wasPlaying) h.play();
      }
    } catch (e) {
      if (e instanceof SaveDeclined) return;
      if (e instanceof ExportCancelled) h.report({ notice: 'export cancelled: no file was written' });
      else h.fail(`export failed: ${(e as Error).message ?? e}`);
    } finally {
      processor.dispose();
    }
  }

  /** Stops the export at once; its file is removed. */
  cancel(): void {
    this.job?.cancel();
  }
}
