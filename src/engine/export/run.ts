// An export: every frame of the source, none dropped, at its own timestamps, through the same frame
// processor as the player (same model, same engine), encoded and muxed by mediabunny's Conversion,
// which also carries the sound (copied, or transcoded where the container needs it). Its `process`
// hook takes each decoded sample through the processor and hands the 4x output back as a
// VideoFrame; the encoder's queue pushes back, so only a few frames are ever held.
import { ALL_FORMATS, BlobSource, Conversion, ConversionCanceledError, Input, Output, Quality, type VideoCodec, type VideoSample } from 'mediabunny';
import type { AudioInfo } from '../media';
import type { AnyFrameProcessor, InputFrame, SnapshotKind } from '../pipeline/types';
import { outputFormat, soundPlan, videoBitrate, type Container, type ExportContent, type ExportQuality } from './plan';
import type { SaveTarget } from './save';
import { median } from '../sample.mjs';

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
  private conversion: Conversion | null = null;
  private cancelled = false;
  /** the conversion's cancel, under way */
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly file: Blob,
    private readonly audio: AudioInfo | null,
    private readonly processor: ExportProcessor,
    private readonly choice: ExportChoice,
    private readonly onProgress: (p: ExportProgress) => void,
  ) {}

  /** Output size of a w x h source. */
  static outputSize(w: number, h: number, content: ExportContent): { width: number; height: number } {
    return { width: (content === 'comparison' ? 8 : 4) * w, height: 4 * h };
  }

  async run(save: SaveTarget): Promise<ExportResult> {
    const input = new Input({ source: new BlobSource(this.file), formats: ALL_FORMATS });
    try {
      return await this.convert(input, save);
    } catch (e) {
      // the output lets go of the file first (cancelling closes its writer, asynchronously): removed
      // while still open, the file stayed behind (seen once in .ci/run)
      await (this.stopping ?? this.conversion?.cancel().catch(() => undefined));
      await save.discard();
      if (this.cancelled || e instanceof ConversionCanceledError) throw new ExportCancelled('export cancelled');
      throw e;
    } finally {
      input.dispose();
    }
  }

  /** Stops at once; run() then rejects with ExportCancelled and the file is removed. */
  cancel(): void {
    this.cancelled = true;
    this.stopping ??= this.conversion?.cancel().catch(() => undefined) ?? null;
  }

  private async convert(input: Input, save: SaveTarget): Promise<ExportResult> {
    const track = await input.getPrimaryVideoTrack();
    if (!track) throw new Error('the file has no video track to export');
    const stats = await track.computePacketStats();
    const total = stats.packetCount, fps = stats.averagePacketRate || 30;
    const size = ExportJob.outputSize(await track.getDisplayWidth(), await track.getDisplayHeight(), this.choice.content);
    const format = outputFormat(this.choice.container);
    const sound = await soundPlan(this.audio, format);
    const output = new Output({ format, target: save.target });
    const kind: SnapshotKind = this.choice.content;
    const t0 = performance.now();
    const modelMs: number[] = [];
    let done = 0;
    const process = async (sample: VideoSample): Promise<VideoFrame> => {
      if (this.cancelled) throw new ExportCancelled('export cancelled');
      const vf = sample.toVideoFrame();
      const r = await this.processor.process({ frame: vf, close: () => vf.close() }, { frameIndex: done, timestamp: sample.timestamp }, { view: 'full', gain: 1, psnr: null });
      void r.modelMs.then((ms) => ms != null && modelMs.length < 4096 && modelMs.push(ms));
      const out = await this.processor.snapshot(kind, sample.timestamp, sample.duration);
      done++;
      const s = (performance.now() - t0) / 1000, fps = done / Math.max(s, 1e-3);
      this.onProgress({ done, total, fps, etaS: done > 1 ? (total - done) / fps : null });
      return out;
    };
    this.conversion = await Conversion.init({
      input,
      output,
      tracks: 'primary',
      video: {
        codec: this.choice.codec,
        quality: new Quality({ bitrate: videoBitrate(this.choice.codec, size.width, size.height, fps, this.choice.quality), bitrateMode: 'variable' }),
        forceTranscode: true,
        process,
        processedWidth: size.width,
        processedHeight: size.height,
      },
      audio: sound.action === 'none' ? { discard: true } : sound.action === 'transcode' ? { codec: sound.codec! } : {},
    });
    const c = this.conversion;
    const lost = c.discardedTracks.filter((d) => d.reason !== 'discarded_by_user');
    if (!c.isValid || lost.length) {
      throw new Error(`the export cannot start: ${lost.map((d) => `${d.track.type} track ${d.reason.replace(/_/g, ' ')}`).join('; ') || 'no valid output'}`);
    }
    if (this.cancelled) throw new ExportCancelled('export cancelled');
    this.onProgress({ done: 0, total, fps: 0, etaS: null });
    await c.execute();
    await save.finish();
    // the first frame pays for compiles and the engine pick
    const ms = median(modelMs.slice(modelMs.length > 1 ? 1 : 0));
    return { frames: done, seconds: (performance.now() - t0) / 1000, modelMs: Number.isFinite(ms) ? ms : null, sound: sound.text };
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
