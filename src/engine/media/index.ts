// The media adapter: probe a file, then pull decoded frames from a time on. Videos go through
// mediabunny (demux + WebCodecs); still images (PNG, JPEG, WebP) through createImageBitmap, handed
// out as VideoFrames so the rest of the engine treats them alike. Every VideoFrame handed out is
// counted; callers close them (close() here releases everything the frame holds).
import { ALL_FORMATS, AudioBufferSink, BlobSource, Input, IsobmffInputFormat, type InputAudioTrack, type InputFormat, type InputVideoTrack, type VideoSample, type WrappedAudioBuffer } from 'mediabunny';
import { counters } from '../gpu/resources';
import { guardColorSpaces } from './colorSpace';
import { findMoov, mp4TableProblem } from './mp4tables';
import { guardReads } from './spinguard';
import { TolerantVideoSink } from './tolerant';
import { describe, imageSize, mp4HeaderProblem, namedAsImage, sniff, STILL_FORMATS, type Sniffed } from './sniff';

export class MediaError extends Error {}

guardColorSpaces();

export interface MediaInfo {
  name: string;
  /** 'image': one still frame at t = 0 (nothing to play; view and PSNR modes re-run it) */
  kind: 'video' | 'image';
  width: number;
  height: number;
  duration: number;
  fps: number;
  codec: string;
  firstTimestamp: number;
  /** the primary audio track (null: none) */
  audio: AudioInfo | null;
}

export interface AudioInfo {
  /** mediabunny's codec name ('aac', 'opus', ...), or the codec string when it has none */
  codec: string;
  sampleRate: number;
  channels: number;
  /** false: this browser cannot decode it (the video plays silently, with a note) */
  decodable: boolean;
}

/** A decoded frame: the VideoFrame for the GPU plus its timing. close() releases both. */
export interface Frame {
  frame: VideoFrame;
  timestamp: number;
  duration: number;
  close(): void;
}

/** An opened file: its description and its frames. */
export interface Media {
  readonly info: MediaInfo;
  /** Decoded frames from time t on (seconds). Call return() on the iterator to stop early. */
  frames(t: number): AsyncGenerator<Frame, void, unknown>;
  /** Decoded audio from time t on (seconds); null when there is no decodable audio. */
  audio(t: number): AsyncGenerator<WrappedAudioBuffer, void, unknown> | null;
  /** how many frames frames(0) gives (a video's packets; a still: 1) */
  frameCount(): Promise<number>;
  /** the file itself (the exporter reads it again with its own demuxer) */
  readonly file: Blob;
  dispose(): void;
}

/** A video's frames() failing (damaged media data), in the words the player and the export both
 *  use: the file, where (`at`: the end of the last good frame) and why. */
export function decodeFailure(name: string, at: number, duration: number, e: unknown): string {
  // a damaged header can give a duration that is no time at all (the fuzz test met "-0.50 s of -1.20 s")
  const of = duration > at && duration > 0 ? ` of ${duration.toFixed(2)} s` : '';
  return `"${name}": decoding failed at ${at.toFixed(2)} s${of} (${(e as Error).message ?? e})`;
}

/** Runs before any decoding (e.g. the GPU's size limits); throws MediaError to refuse. */
export type MediaCheck = (info: MediaInfo) => void;

function counted(frame: VideoFrame, timestamp: number, duration: number, release?: () => void): Frame {
  counters.videoFramesOpen++;
  counters.videoFramesOpened++;
  let closed = false;
  return {
    frame,
    timestamp,
    duration,
    close() {
      if (closed) return;
      closed = true;
      frame.close();
      release?.();
      counters.videoFramesOpen--;
    },
  };
}

function wrap(sample: VideoSample): Frame {
  return counted(sample.toVideoFrame(), sample.timestamp, sample.duration, () => sample.close());
}

async function head(file: Blob, at: number, n: number): Promise<Uint8Array> {
  return new Uint8Array(await file.slice(at, at + n).arrayBuffer());
}

/** Opens a video or a still image; throws MediaError with a specific, human message. */
export async function openMedia(file: Blob, name: string, check?: MediaCheck): Promise<Media> {
  if (file.size === 0) throw new MediaError(`"${name}" is empty (0 bytes)`);
  const what = sniff(await head(file, 0, 512));
  if (namedAsImage(name, file.type) && what.kind !== 'video') return ImageFile.open(file, name, what, check);
  return MediaFile.open(file, name, what, check);
}

/** A still image: decoded once, handed out as a fresh VideoFrame (t = 0) each time it is asked for. */
export class ImageFile implements Media {
  private constructor(
    private bitmap: ImageBitmap | null,
    readonly info: MediaInfo,
    readonly file: Blob,
  ) {
    counters.mediaOpen++;
  }

  static async open(file: Blob, name: string, what: Sniffed, check?: MediaCheck): Promise<ImageFile> {
    const format = what.kind === 'image' ? what.format : null;
    if (!format || !(STILL_FORMATS as readonly string[]).includes(format)) {
      const is = describe(what);
      throw new MediaError(
        `"${name}" is named like an image but is ${is ?? 'not a PNG, JPEG or WebP image'}` + (is ? ' (stills: PNG, JPEG, WebP)' : ''),
      );
    }
    // refuse a huge image from its header, before decoding allocates width x height x 4 bytes
    const size = imageSize(await head(file, 0, 256 * 1024));
    if (size) check?.({ name, kind: 'image', width: size.width, height: size.height, duration: 0, fps: 0, codec: `${format} image`, firstTimestamp: 0, audio: null });
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(file, { premultiplyAlpha: 'none' });
    } catch (e) {
      throw new MediaError(`"${name}": this ${format} image could not be decoded (damaged or truncated? ${(e as Error).message ?? e})`);
    }
    const info: MediaInfo = { name, kind: 'image', width: bitmap.width, height: bitmap.height, duration: 0, fps: 0, codec: `${format} image`, firstTimestamp: 0, audio: null };
    try {
      if (!info.width || !info.height) throw new MediaError(`"${name}": the image has no pixels`);
      check?.(info);
    } catch (e) {
      bitmap.close();
      throw e;
    }
    return new ImageFile(bitmap, info, file);
  }

  audio(): null {
    return null;
  }

  async frameCount(): Promise<number> {
    return 1;
  }

  async *frames(): AsyncGenerator<Frame, void, unknown> {
    if (!this.bitmap) return;
    yield counted(new VideoFrame(this.bitmap, { timestamp: 0 }), 0, 0);
  }

  dispose(): void {
    if (!this.bitmap) return;
    this.bitmap.close();
    this.bitmap = null;
    counters.mediaOpen--;
  }
}

export class MediaFile implements Media {
  private readonly audioSink: AudioBufferSink | null;

  private constructor(
    private readonly input: Input,
    private readonly track: InputVideoTrack,
    readonly info: MediaInfo,
    readonly file: Blob,
    audioTrack: InputAudioTrack | null,
  ) {
    this.audioSink = audioTrack && info.audio?.decodable ? new AudioBufferSink(audioTrack) : null;
    counters.mediaOpen++;
  }

  /** Opens and checks a video file; throws MediaError with a specific, human message. */
  static async open(file: Blob, name: string, what: Sniffed, check?: MediaCheck): Promise<MediaFile> {
    const input = new Input({ formats: ALL_FORMATS, source: new BlobSource(file) });
    /** The MP4 box layout's problem (a cut-off header) or its sample tables' (mp4tables.ts). */
    const headerProblem = async (format: InputFormat) => {
      if (!(format instanceof IsobmffInputFormat)) return null;
      const read = (at: number) => head(file, at, 16);
      const layout = what.kind === 'video' && what.format === 'MP4' ? await mp4HeaderProblem(file.size, read) : null;
      if (layout) return layout;
      const moov = await findMoov(file.size, read);
      return moov ? mp4TableProblem(await head(file, moov.start, moov.size), file.size) : null;
    };
    let container: string | null = null;
    try {
      let format: InputFormat;
      try {
        format = await input.getFormat();
        container = format.name;
        guardReads(input);
      } catch {
        const is = describe(what);
        if (what.kind === 'image' && (STILL_FORMATS as readonly string[]).includes(what.format)) {
          throw new MediaError(`"${name}" is ${is} named like a video: open it with its image extension (.${what.format.toLowerCase()}) to upscale it as a still`);
        }
        if (what.kind === 'image') throw new MediaError(`"${name}" is ${is}: stills must be PNG, JPEG or WebP, videos MP4, WebM or MOV`);
        if (is) throw new MediaError(`"${name}" is not a video: it is ${is}`);
        throw new MediaError(`"${name}" is not a video file this player can read (unrecognised container)`);
      }
      const damaged = await headerProblem(format);
      if (damaged) throw new MediaError(`"${name}" is a damaged ${format.name} file: ${damaged}`);
      let track: InputVideoTrack | null;
      try {
        track = await input.getPrimaryVideoTrack();
      } catch (e) {
        throw new MediaError(`"${name}" looks like ${format.name} but its header is damaged or truncated (${(e as Error).message})`);
      }
      if (!track) throw new MediaError(`"${name}" has no video track (${format.name}${(await input.getAudioTracks()).length ? ', audio only' : ''})`);
      const codec = (await track.getCodecParameterString()) ?? (await track.getCodec()) ?? 'unknown';
      const width = await track.getDisplayWidth();
      const height = await track.getDisplayHeight();
      if (!width || !height) throw new MediaError(`"${name}": the video track has no frame size`);
      let fps = 30;
      try {
        const m = await track.computePacketStats(60);
        if (m.averagePacketRate > 0) fps = m.averagePacketRate;
      } catch {
        /* keep the default */
      }
      const duration = await track.computeDuration();
      const firstTimestamp = await track.getFirstTimestamp();
      const { info: audio, track: audioTrack } = await probeAudio(input);
      const info: MediaInfo = { name, kind: 'video', width, height, duration, fps, codec, firstTimestamp, audio };
      // size limits first: a browser may also refuse to decode a huge frame, but "too large" is the reason
      check?.(info);
      if (!(await track.canDecode())) {
        const family = (await track.getCodec()) ?? codec;
        throw new MediaError(`"${name}": this browser cannot decode its video codec (${family === 'hevc' ? 'HEVC / H.265' : family}, ${codec})`);
      }
      return new MediaFile(input, track, info, file, audioTrack);
    } catch (e) {
      input.dispose();
      if (e instanceof MediaError) throw e;
      // the demuxer's own words (an assertion, a NaN timestamp) are for the curious: say what it is first
      const why = `the demuxer could not read it (${(e as Error).message ?? e})`;
      throw new MediaError(container ? `"${name}" is a damaged ${container} file: ${why}` : `"${name}" could not be opened: ${why}`);
    }
  }

  /** Decoded frames from time t on (seconds). Call return() on the iterator to stop early. Damaged
   *  media data: every frame before the damage, then the error (tolerant.ts). */
  async *frames(t: number): AsyncGenerator<Frame, void, unknown> {
    const sink = new TolerantVideoSink(this.track);
    const it = sink.samples(t);
    try {
      for (let r = await sink.next(it); !r.done; r = await sink.next(it)) yield wrap(r.value);
    } finally {
      await it.return(undefined);
    }
    if (sink.failure) throw sink.failure;
  }

  audio(t: number): AsyncGenerator<WrappedAudioBuffer, void, unknown> | null {
    return this.audioSink?.buffers(t) ?? null;
  }

  async frameCount(): Promise<number> {
    return (await this.track.computePacketStats()).packetCount;
  }

  private disposed = false;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.input.dispose();
    counters.mediaOpen--;
  }
}

/** The primary audio track and what this browser can do with it; a damaged or odd audio track
 *  never refuses the video (it plays silently, with a note). */
async function probeAudio(input: Input): Promise<{ info: AudioInfo | null; track: InputAudioTrack | null }> {
  try {
    const track = await input.getPrimaryAudioTrack();
    if (!track) return { info: null, track: null };
    const codec = (await track.getCodec()) ?? (await track.getCodecParameterString()) ?? 'unknown';
    const decodable = (await track.getCodec()) !== null && (await track.canDecode());
    return { info: { codec, sampleRate: await track.getSampleRate(), channels: await track.getNumberOfChannels(), decodable }, track };
  } catch {
    return { info: { codec: 'unknown', sampleRate: 0, channels: 0, decodable: false }, track: null };
  }
}
