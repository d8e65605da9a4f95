// The sound: the media's audio decoded by mediabunny (AudioBufferSink) and scheduled on a WebAudio
// context, about a second ahead. While it plays, its clock leads the playback clock (clock.ts): the
// picture follows the sound, so when the model falls behind, frames drop and the sound never waits.
// Browsers keep an AudioContext silent until a user gesture, so the player starts muted and the
// context is made on the first unmute (a click).
import type { WrappedAudioBuffer } from 'mediabunny';
import type { Media } from '../media';

/** Seconds of sound scheduled ahead of the clock. */
const AHEAD_S = 1;
/** Seconds between a start and its first sample rendered. */
const START_LEAD_S = 0.05;

interface Session {
  /** media time rendered at context time ctxStart (heard outputLatency later) */
  mediaStart: number;
  ctxStart: number;
  iter: AsyncGenerator<WrappedAudioBuffer, void, unknown>;
  nodes: Set<AudioBufferSourceNode>;
  stopped: boolean;
}

/** One scheduled buffer (tests compare it with when frames were shown). */
export interface ScheduledAudio {
  timestamp: number;
  duration: number;
  /** the context time its first sample is rendered (heard when contextTime() reaches it) */
  at: number;
  /** where its loudest sample is (s into the buffer), when that is loud (over half scale); else null */
  peak: number | null;
}

function peakOf(b: AudioBuffer): number | null {
  const d = b.getChannelData(0);
  let m = 0, at = 0;
  for (let i = 0; i < d.length; i++) if (Math.abs(d[i]) > m) (m = Math.abs(d[i])), (at = i);
  return m > 0.5 ? at / b.sampleRate : null;
}

export class AudioOutput {
  private ctx: AudioContext | null = null;
  private gain: GainNode | null = null;
  private session: Session | null = null;
  muted = true;
  volume = 1;
  /** the last buffers scheduled (a test log, capped) */
  readonly log: ScheduledAudio[] = [];

  /** Media seconds being heard now, or null when no sound plays (muted, no audio, not started). */
  now(): number | null {
    const s = this.session, c = this.ctx;
    if (!s || s.stopped || !c || c.state !== 'running') return null;
    return s.mediaStart + (this.heardAt(c) - s.ctxStart);
  }

  /** The context time of the sample reaching the speakers now (what is scheduled later is heard later). */
  private heardAt(c: AudioContext): number {
    return c.currentTime - (c.outputLatency || 0);
  }

  /** The context time now, as heard (tests log it beside each frame shown); null without a context. */
  contextTime(): number | null {
    return this.ctx && this.ctx.state === 'running' ? this.heardAt(this.ctx) : null;
  }

  /** Plays `media`'s sound from media time t, starting now; nothing when muted or silent media. */
  start(media: Media, t: number): void {
    this.stop();
    const c = this.ctx;
    if (this.muted || !c || c.state !== 'running') return;
    const iter = media.audio(t);
    if (!iter) return;
    // media time t is rendered a moment from now (what is already due cannot be rendered in time)
    this.session = { mediaStart: t, ctxStart: c.currentTime + START_LEAD_S, iter, nodes: new Set(), stopped: false };
    void this.pump(this.session);
  }

  /** A loop: when the clock reaches `end`, the sound continues from `first` (no gap, no restart). */
  loop(media: Media, end: number, first: number): void {
    const s = this.session;
    if (!s || s.stopped) return;
    const ctxAtEnd = s.ctxStart + (end - s.mediaStart);
    s.stopped = true; // its scheduled tail still plays out
    void s.iter.return(undefined).catch(() => undefined);
    const iter = media.audio(first);
    if (!iter) return;
    this.session = { mediaStart: first, ctxStart: ctxAtEnd, iter, nodes: s.nodes, stopped: false };
    void this.pump(this.session);
  }

  stop(): void {
    const s = this.session;
    this.session = null;
    if (!s) return;
    s.stopped = true;
    void s.iter.return(undefined).catch(() => undefined);
    for (const n of s.nodes) n.stop();
    s.nodes.clear();
  }

  /** Mute or unmute; unmuting makes or resumes the context, so call it from a user gesture. */
  async setMuted(m: boolean): Promise<void> {
    this.muted = m;
    if (m) {
      this.stop();
      return;
    }
    if (!this.ctx) {
      this.ctx = new AudioContext({ latencyHint: 'playback' });
      this.gain = this.ctx.createGain();
      this.gain.gain.value = this.volume;
      this.gain.connect(this.ctx.destination);
    }
    if (this.ctx.state !== 'running') await this.ctx.resume();
  }

  setVolume(v: number): void {
    this.volume = Math.max(0, Math.min(1, v));
    if (this.gain) this.gain.gain.value = this.volume;
  }

  async dispose(): Promise<void> {
    this.stop();
    await this.ctx?.close().catch(() => undefined);
    this.ctx = null;
  }

  /** Schedules decoded buffers at their media time, staying about AHEAD_S ahead of the clock. */
  private async pump(s: Session): Promise<void> {
    const c = this.ctx!;
    try {
      for await (const { buffer, timestamp, duration } of s.iter) {
        if (s.stopped) break;
        const node = c.createBufferSource();
        node.buffer = buffer;
        node.connect(this.gain!);
        // in context time, rounded to a sample so consecutive buffers meet without a click
        const at = Math.round((s.ctxStart + (timestamp - s.mediaStart)) * c.sampleRate) / c.sampleRate;
        if (at >= c.currentTime) node.start(at);
        else if (c.currentTime - at < duration) node.start(c.currentTime, c.currentTime - at);
        else continue; // already past
        s.nodes.add(node);
        node.onended = () => s.nodes.delete(node);
        this.log.push({ timestamp, duration, at, peak: peakOf(buffer) });
        if (this.log.length > 512) this.log.shift();
        while (!s.stopped && timestamp - (s.mediaStart + (this.heardAt(c) - s.ctxStart)) > AHEAD_S) {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    } catch (e) {
      // a damaged audio packet: the picture goes on, silently (said once)
      if (!s.stopped) this.onError?.((e as Error).message ?? String(e));
    }
  }

  /** told once a session's decoding fails */
  onError: ((msg: string) => void) | null = null;
}
