// An export: every frame of the source, none dropped, at its own timestamps, through the same frame
// processor as the player (same model, same engine), encoded and muxed by mediabunny. The frames
// are read as the player reads them, through media/ (its checks of the file, the stuck-demuxer
// guard, the tolerant decoder, the frame counters), so damage the player meets stops the export at
// the same place with the same words. The sound is a composable mediabunny Conversion of the audio
// track into the same output (copied, or transcoded where the container needs it), from the same
// start. Each frame goes through the processor and its 4x output to the encoder, whose queue
// pushes back, so only a few frames are ever held.
import { ALL_FORMATS, BlobSource, Conversion, ConversionCanceledError, Input, Output, Quality, VideoSample, VideoSampleSource, type VideoCodec } from 'mediabunny';
import { decodeFailure, type Frame, type Media } from '../media';
import { guardReads } from '../media/spinguard';
import type { AnyFrameProcessor, InputFrame, SnapshotKind } from '../pipeline/types';
import { outputFormat, soundPlan, videoBitrate, type Container, type ExportContent, type ExportQuality } from './plan';
import type { SaveTarget } from './save';
import { median } from '../metrics/sample.mjs';

export interface ExportChoice {
  /** the model's id (any of the session's); none: the exporter's default */
  model?: string;
  content: ExportContent;
  container: Container;
  codec: VideoCodec;
  quality: ExportQuality;
}

export interface ExportProgress {
  done: number;
  total: number;
  /** frames per second so far */
  fps: number;
  /** seconds left at that rate (null until measured) */
  etaS: number | null;
}

export interface ExportResult {
  frames: number;
  seconds: number;
  /** the model's median time per frame (ms; null: not measured) */
  modelMs: number | null;
  sound: string;
}

export class ExportCancelled extends Error {}

/** What the export asks of a processor: frames in, its outputs out (either kind, runner set). */
export type ExportProcessor = Pick<AnyFrameProcessor, 'process' | 'snapshot' | 'dispose'>;

export class ExportJob {
  private output: Output | null = null;
  private conversion: Conversion | null = null;
  private cancelled = false;
  /** the output's cancel, under way */
  private stopping: Promise<void> | null = null;
  /** the frames' loop, to be over before the processor and the file it reads go */
  private picturing: Promise<unknown> | null = null;

  constructor(
    /** the exporter's own opening of the file (media/), disposed by the caller */
    private readonly media: Media,
    private readonly processor: ExportProcessor,
    private readonly choice: ExportChoice,
    private readonly onProgress: (p: ExportProgress) => void,
  ) {}

  /** Output size of a w x h source. */
  static outputSize(w: number, h: number, content: ExportContent): { width: number; height: number } {
    return { width: (content === 'comparison' ? 8 : 4) * w, height: 4 * h };
  }

  async run(save: SaveTarget): Promise<ExportResult> {
    // the sound's own demuxer (mediabunny copies or transcodes it), under the same stuck-read guard
    const input = new Input({ source: new BlobSource(this.media.file), formats: ALL_FORMATS });
    try {
      return await this.convert(input, save);
    } catch (e) {
      const byUser = this.cancelled || e instanceof ConversionCanceledError;
      // the output lets go of the file first (cancelling closes its writer, asynchronously): removed
      // while still open, the file stayed behind (seen once in .ci/run)
      this.cancel();
      await this.stopping;
      await this.picturing?.catch(() => undefined);
      await save.discard();
      if (byUser) throw new ExportCancelled('export cancelled');
      throw e;
    } finally {
      input.dispose();
    }
  }

  /** Stops at once; run() then rejects with ExportCancelled and the file is removed. */
  cancel(): void {
    this.cancelled = true;
    this.stopping ??= (async () => {
      await this.conversion?.cancel().catch(() => undefined);
      await this.output?.cancel().catch(() => undefined);
    })();
  }

  private async convert(input: Input, save: SaveTarget): Promise<ExportResult> {
    const info = this.media.info;
    const total = await this.media.frameCount(), fps = info.fps || 30;
    const size = ExportJob.outputSize(info.width, info.height, this.choice.content);
    const format = outputFormat(this.choice.container);
    const sound = await soundPlan(info.audio, format);
    const output = (this.output = new Output({ format, target: save.target }));
    const video = new VideoSampleSource({
      codec: this.choice.codec,
      quality: new Quality({ bitrate: videoBitrate(this.choice.codec, size.width, size.height, fps, this.choice.quality), bitrateMode: 'variable' }),
    });
    output.addVideoTrack(video);
    // where both tracks start from, as one conversion of both did: the earliest first timestamp,
    // negative ones ("do not present") cut
    await input.getFormat();
    guardReads(input);
    const tracks = [await input.getPrimaryVideoTrack(), sound.action === 'none' ? null : await input.getPrimaryAudioTrack()].filter((t) => t !== null);
    const start = Math.max(await input.getFirstTimestamp(tracks), 0);
    if (sound.action !== 'none') {
      this.conversion = await Conversion.init({
        input,
        output,
        composable: true,
        tracks: 'primary',
        trim: { start },
        video: { discard: true },
        audio: sound.action === 'transcode' ? { codec: sound.codec! } : {},
        showWarnings: false,
      });
      const lost = this.conversion.discardedTracks.filter((d) => d.reason !== 'discarded_by_user');
      if (lost.length) throw new Error(`the export cannot start: ${lost.map((d) => `${d.track.type} track ${d.reason.replace(/_/g, ' ')}`).join('; ')}`);
    }
    if (this.cancelled) throw new ExportCancelled('export cancelled');
    await output.start();
    this.onProgress({ done: 0, total, fps: 0, etaS: null });
    const t0 = performance.now();
    const pictures = this.pictures(video, start, total, t0);
    this.picturing = pictures;
    await Promise.all([pictures, this.conversion?.execute()]);
    const { frames, modelMs } = await pictures;
    if (this.cancelled) throw new ExportCancelled('export cancelled');
    await output.finalize();
    await save.finish();
    return { frames, seconds: (performance.now() - t0) / 1000, modelMs, sound: sound.text };
  }

  /** Every frame through the processor into the encoder, from `start` on (the shared origin). */
  private async pictures(video: VideoSampleSource, start: number, total: number, t0: number): Promise<{ frames: number; modelMs: number | null }> {
    const kind: SnapshotKind = this.choice.content, info = this.media.info;
    const times: number[] = [];
    let done = 0, end = info.firstTimestamp;
    const it = this.media.frames(info.firstTimestamp);
    try {
      for (;;) {
        let r: IteratorResult<Frame, void>;
        try {
          r = await it.next();
        } catch (e) {
          throw new Error(`${decodeFailure(info.name, end, info.duration, e)}; nothing was written`);
        }
        if (r.done) break;
        const f = r.value;
        if (this.cancelled) {
          f.close();
          throw new ExportCancelled('export cancelled');
        }
        end = f.timestamp + (f.duration || 0);
        // as mediabunny's conversion did: clamped to the start, wholly before it left out
        const from = Math.max(start, f.timestamp), to = f.timestamp + f.duration;
        if (from >= to) {
          f.close();
          continue;
        }
        const res = await this.processor.process(f, { frameIndex: done, timestamp: f.timestamp }, { view: 'full', gain: 1, psnr: null });
        void res.modelMs.then((ms) => ms != null && times.length < 4096 && times.push(ms));
        const vf = await this.processor.snapshot(kind, from - start, to - from);
        const sample = new VideoSample(vf, { timestamp: from - start, duration: to - from });
        try {
          await video.add(sample);
        } finally {
          sample.close();
          vf.close();
        }
        done++;
        const s = (performance.now() - t0) / 1000, rate = done / Math.max(s, 1e-3);
        this.onProgress({ done, total, fps: rate, etaS: done > 1 ? (total - done) / rate : null });
      }
    } finally {
      await it.return(undefined);
    }
    video.close();
    // the first frame pays for compiles and the engine pick
    const ms = median(times.slice(times.length > 1 ? 1 : 0));
    return { frames: done, modelMs: Number.isFinite(ms) ? ms : null };
  }
}

/** A still: its 4x output (or bicubic | model) as a PNG, through the same processor. */
export async function exportStill(frame: InputFrame, processor: ExportProcessor, content: ExportContent): Promise<Blob> {
  await processor.process(frame, { frameIndex: 0, timestamp: 0 }, { view: 'full', gain: 1, psnr: null });
  const vf = await processor.snapshot(content, 0, 0);
  try {
    const c = new OffscreenCanvas(vf.displayWidth, vf.displayHeight);
    c.getContext('2d')!.drawImage(vf, 0, 0);
    return await c.convertToBlob({ type: 'image/png' });
  } finally {
    vf.close();
  }
}
