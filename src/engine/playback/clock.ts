// The playback clock: which media time is due now. It runs from an anchor (a media time at a wall
// time); a source that knows better (the audio output, audio.ts) can lead it, so the picture
// follows the sound rather than the other way round.

/** A clock that leads when it can: media seconds now, or null (not playing sound, no sound). */
export type LeadingClock = () => number | null;

export class PlaybackClock {
  private anchor = { media: 0, wall: 0 };
  private lead: LeadingClock | null = null;

  /** Media seconds now. */
  now(): number {
    const led = this.lead?.();
    return led ?? this.anchor.media + (performance.now() - this.anchor.wall) / 1000;
  }

  /** Media time `t` is now (play, seek, a stall that should not count). */
  set(t: number, wall = performance.now()): void {
    this.anchor = { media: t, wall };
  }

  /** A loop: `first` is due when the last frame's time (`end`) is up, so the timeline continues. */
  loop(end: number, first: number, playing: boolean): void {
    const wallAtEnd = this.anchor.wall + (end - this.anchor.media) * 1000;
    this.anchor = { media: first, wall: playing ? wallAtEnd : performance.now() };
  }

  /** Lets `c` lead (null: the wall clock alone). */
  follow(c: LeadingClock | null): void {
    this.lead = c;
  }
}
