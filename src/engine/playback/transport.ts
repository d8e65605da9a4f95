// The open media and where playback is in it: the decoder's iterator, the next decoded frame, and
// the rules for pulling frames in real time (drop those whose successor is already due), looping
// at the end, and a decode failure mid-stream.
import type { Told } from '../snapshot';
import type { AudioOutput } from './audio';
import type { PlaybackClock } from './clock';
import { decodeFailure, MediaError, openMedia, type Frame, type Media, type MediaCheck } from '../media';

/** Early frames wait; a frame within this of its time is due (seconds). */
const DUE_SLACK = 0.004;

/** What transport.ts reads of the player and asks of it (engine.ts is the player). */
export interface TransportPlayer {
  readonly clock: PlaybackClock;
  readonly audio: Pick<AudioOutput, 'loop'>;
  readonly playing: boolean;
  /** whether any frame of this media was shown (a file cut before its first frame loops silently) */
  readonly frames: { readonly stats: { readonly framesProcessed: number } };
  /** the media data failed mid-stream: the message names the file and the time; the last frame
   *  shown stays, and play or a seek starts again before the break */
  readonly opener: { mediaFailed(msg: string): void };
  setPlaying(p: boolean): void;
  tell(p: Told): void;
}

/** A file opened with its first frame decoded, not yet playing: whatever plays now goes on until
 *  this is swapped in, so a file with no decodable frame never stops it. */
export interface Opened {
  media: Media;
  iter: AsyncGenerator<Frame, void, unknown>;
  first: Frame;
  /** lets go of it unused (a newer file won) */
  drop(): Promise<void>;
}

/** Opening a file takes milliseconds, a large one a second or two; past this it is refused. */
const OPEN_LIMIT_MS = 10_000;

/** Opens `file` and decodes its first frame; throws MediaError with a message that names the file,
 *  also when the demuxer or the decoder never answers on it (within()). */
export function openFirstFrame(file: Blob, name: string, check: MediaCheck): Promise<Opened> {
  return within(open(file, name, check), OPEN_LIMIT_MS, name);
}

/** `opening`, or a MediaError after `ms`; an opening that comes in later is let go of. */
export function within(opening: Promise<Opened>, ms: number, name: string): Promise<Opened> {
  return new Promise((resolve, reject) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      reject(new MediaError(`"${name}" gave no answer within ${ms / 1000} s: the demuxer or the decoder is stuck on it (a damaged file?)`));
    }, ms);
    opening.then(
      (o) => {
        clearTimeout(timer);
        if (late) void o.drop();
        else resolve(o);
      },
      (e: unknown) => {
        clearTimeout(timer);
        if (!late) reject(e);
      },
    );
  });
}

async function open(file: Blob, name: string, check: MediaCheck): Promise<Opened> {
  let media: Media;
  try {
    media = await openMedia(file, name, check);
  } catch (e) {
    throw e instanceof MediaError ? e : new MediaError(`"${name}" could not be opened: ${(e as Error).message}`);
  }
  const iter = media.frames(media.info.firstTimestamp);
  let first: Frame | null = null;
  const drop = async () => {
    first?.close();
    await iter.return(undefined).catch(() => undefined);
    media.dispose();
  };
  try {
    const r = await iter.next();
    if (r.done) throw new MediaError(`"${name}" has no decodable video frames (the media data is missing or damaged: truncated file?)`);
    first = r.value;
  } catch (e) {
    await drop();
    throw e instanceof MediaError ? e : new MediaError(`"${name}": its first frame could not be decoded (${(e as Error).message ?? e})`);
  }
  return { media, iter, first, drop };
}

export class Transport {
  media: Media | null = null;
  private iter: AsyncGenerator<Frame, void, unknown> | null = null;
  private next: Frame | null = null;
  /** end time (timestamp + duration) of the last frame decoded: where the media data ends */
  private lastPulledEnd = 0;
  /** where playing goes on from when no frame is decoded ahead (after a decode failure) */
  private resumeAt: number | null = null;

  constructor(private readonly p: TransportPlayer) {}

  /** The timestamp of the next frame to show, if it is decoded already (or where a failed stream
   *  starts again). */
  get nextTimestamp(): number | null {
    return this.next?.timestamp ?? this.resumeAt;
  }

  /** Plays `o` from its first frame on, closing what was open. */
  async replace(o: Opened): Promise<void> {
    await this.close();
    this.media = o.media;
    this.iter = o.iter;
    this.next = o.first;
    this.lastPulledEnd = o.first.timestamp + (o.first.duration || 0);
    this.resumeAt = null;
  }

  async close(): Promise<void> {
    await this.dropNext();
    this.media?.dispose();
    this.media = null;
  }

  /** Frames from time t on (seconds, clamped to the media). */
  async seek(t: number): Promise<void> {
    if (!this.media) return;
    const clamped = Math.max(this.media.info.firstTimestamp, Math.min(t, this.media.info.duration));
    await this.dropNext();
    this.iter = this.media.frames(clamped);
    this.lastPulledEnd = clamped; // a failure before the first frame decoded is "at" the target
    this.resumeAt = null;
  }

  /** The next frame in order (step, seek, a paused still), or null at no media. */
  async take(): Promise<Frame | null> {
    const f = this.next ?? (await this.pull());
    this.next = null;
    return f;
  }

  /** Playing in real time: the frame due now, dropping (closing) every frame whose successor is
   *  already due; null while the next frame is early. `onDrop` counts each dropped frame. */
  async due(onDrop: () => void): Promise<Frame | null> {
    if (!this.next) this.next = await this.pull();
    let f = this.next;
    if (!f) return null;
    if (f.timestamp > this.p.clock.now() + DUE_SLACK) return null;
    this.next = null;
    for (let skips = 0; skips < 120; skips++) {
      const n = await this.pull();
      if (!n || n.timestamp <= f.timestamp || n.timestamp > this.p.clock.now() + DUE_SLACK) {
        this.next = n; // not due yet (or the clip looped): show f now, n later
        break;
      }
      f.close();
      onDrop();
      f = n;
    }
    return f;
  }

  /** Pull the next decoded frame; at the end, loop to the start. Null: nothing to show (no
   *  media, or its data failed: the failed hook has said so). */
  private async pull(): Promise<Frame | null> {
    if (!this.media || !this.iter) return null;
    const media = this.media;
    const { duration, fps, name, kind, firstTimestamp } = media.info;
    try {
      let r = await this.iter.next();
      if (r.done) {
        const end = this.lastPulledEnd;
        if (kind === 'video' && this.p.frames.stats.framesProcessed > 0 && end + 1 / fps < duration - 1e-3) {
          this.p.tell({ notice: `"${name}": the media data ends at ${end.toFixed(2)} s of ${duration.toFixed(2)} s (truncated file?); looping what is there` });
        }
        this.iter = media.frames(firstTimestamp);
        r = await this.iter.next();
        // the clocks continue the timeline from `firstTimestamp` on
        this.p.clock.loop(end, firstTimestamp, this.p.playing);
        this.p.audio.loop(media, end, firstTimestamp);
        if (r.done) return this.broken(`"${name}" has no decodable video frames (the media data is missing or damaged: truncated file?)`);
      }
      this.lastPulledEnd = r.value.timestamp + (r.value.duration || 0);
      this.resumeAt = null;
      return r.value;
    } catch (e) {
      // damaged media data (a decoder error, a packet the demuxer cannot read): the picture stops
      // at the last good frame, and what comes before the break still plays
      return this.broken(`${decodeFailure(name, this.lastPulledEnd, duration, e)}; stopped on the last good frame: what comes before still plays`);
    }
  }

  private broken(msg: string): null {
    const media = this.media!;
    this.p.setPlaying(false);
    this.iter = media.frames(media.info.firstTimestamp);
    this.resumeAt = media.info.firstTimestamp;
    this.p.opener.mediaFailed(msg);
    return null;
  }

  private async dropNext(): Promise<void> {
    this.next?.close();
    this.next = null;
    try {
      await this.iter?.return(undefined);
    } catch {
      /* already finished */
    }
    this.iter = null;
  }
}
