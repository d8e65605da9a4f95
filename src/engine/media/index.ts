// The mediabunny adapter: probe a file, then pull decoded frames from a time on. Every VideoSample
// and VideoFrame handed out is counted; callers close them (close() here does both).
import { ALL_FORMATS, BlobSource, Input, VideoSampleSink, type InputVideoTrack, type VideoSample } from 'mediabunny';
import { counters } from '../gpu/resources';

export class MediaError extends Error {}

export interface MediaInfo {
  name: string;
  width: number;
  height: number;
  duration: number;
  fps: number;
  codec: string;
  firstTimestamp: number;
}

/** A decoded frame: the VideoFrame for the GPU plus its timing. close() releases both. */
export interface Frame {
  frame: VideoFrame;
  timestamp: number;
  duration: number;
  close(): void;
}

function wrap(sample: VideoSample): Frame {
  const frame = sample.toVideoFrame();
  counters.videoFramesOpen++;
  counters.videoFramesOpened++;
  let closed = false;
  return {
    frame,
    timestamp: sample.timestamp,
    duration: sample.duration,
    close() {
      if (closed) return;
      closed = true;
      frame.close();
      sample.close();
      counters.videoFramesOpen--;
    },
  };
}

export class MediaFile {
  private constructor(
    private readonly input: Input,
    private readonly track: InputVideoTrack,
    private readonly sink: VideoSampleSink,
    readonly info: MediaInfo,
  ) {}

  /** Opens and checks a file; throws MediaError with a specific, human message. */
  static async open(file: Blob, name: string): Promise<MediaFile> {
    if (file.size === 0) throw new MediaError(`"${name}" is empty (0 bytes)`);
    const input = new Input({ formats: ALL_FORMATS, source: new BlobSource(file) });
    try {
      let format;
      try {
        format = await input.getFormat();
      } catch {
        throw new MediaError(`"${name}" is not a video file this player can read (unrecognised container)`);
      }
      let track: InputVideoTrack | null;
      try {
        track = await input.getPrimaryVideoTrack();
      } catch (e) {
        throw new MediaError(`"${name}" looks like ${format.name} but its header is damaged or truncated (${(e as Error).message})`);
      }
      if (!track) throw new MediaError(`"${name}" has no video track (${format.name}${(await input.getAudioTracks()).length ? ', audio only' : ''})`);
      const codec = (await track.getCodecParameterString()) ?? (await track.getCodec()) ?? 'unknown';
      if (!(await track.canDecode())) throw new MediaError(`"${name}": this browser cannot decode its video codec (${codec})`);
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
      const sink = new VideoSampleSink(track);
      return new MediaFile(input, track, sink, { name, width, height, duration, fps, codec, firstTimestamp });
    } catch (e) {
      input.dispose();
      if (e instanceof MediaError) throw e;
      throw new MediaError(`"${name}" could not be opened: ${(e as Error).message ?? e}`);
    }
  }

  /** Decoded frames from time t on (seconds). Call return() on the iterator to stop early. */
  async *frames(t: number): AsyncGenerator<Frame, void, unknown> {
    const it = this.sink.samples(t);
    try {
      for await (const s of it) yield wrap(s);
    } finally {
      await it.return(undefined);
    }
  }

  dispose(): void {
    void this.track;
    this.input.dispose();
  }
}
