// Every dropped file gets an answer: its picture, or a message that names it. Drops are
// numbered; the newest wins over any still opening, and the banner remembers whose message it
// shows, so that a late word about an older file (a refusal that took long, a decode failure
// mid-stream) never hides the answer of a newer one. The log of answers is for the tests
// (window.__sr.answers()).

export type Outcome =
  /** being opened */
  | 'opening'
  /** opened while an export runs: it opens when the export ends (a notice says so) */
  | 'waiting'
  /** it is the open file; its picture comes once the model is loaded */
  | 'opened'
  /** its first frame is on screen */
  | 'played'
  /** not opened: a message names it */
  | 'refused'
  /** it opened, then its media data failed to decode: a message names it and the time */
  | 'failed'
  /** a newer drop won before it was answered */
  | 'superseded';

export interface Answer {
  seq: number;
  name: string;
  outcome: Outcome;
  message: string | null;
  /** whether its (latest) message reached the screen (false: a newer file's answer was there already) */
  shown: boolean;
  /** performance.now() at the drop, at its first answer and when its first frame was on screen
   *  (null: not yet) */
  droppedAt: number;
  answeredAt: number | null;
  playedAt: number | null;
}

/** Answers kept for the tests: enough for any run that reads them as it goes. */
const KEEP = 512;

export class Drops {
  private count = 0;
  /** the newest drop that has had its answer */
  private answered = 0;
  /** the drop whose message the banner shows (0: none, or a message that is no file's) */
  private banner = 0;
  private readonly log = new Map<number, Answer>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** A new drop; returns its number. */
  begin(name: string): number {
    const seq = ++this.count;
    this.log.set(seq, { seq, name, outcome: 'opening', message: null, shown: false, droppedAt: this.now(), answeredAt: null, playedAt: null });
    if (this.log.size > KEEP) this.log.delete(this.log.keys().next().value!);
    return seq;
  }

  /** whether any file was dropped (or opened) yet */
  get any(): boolean {
    return this.count > 0;
  }

  isNewest(seq: number): boolean {
    return seq === this.count;
  }

  /** whether the banner holds a file's message (a model coming back does not clear it) */
  get holdsBanner(): boolean {
    return this.banner !== 0;
  }

  /** Not opened, with `message`: returns whether to show it (no newer drop has its answer yet). */
  refuse(seq: number, message: string): boolean {
    return this.say(seq, 'refused', message);
  }

  /** The open file broke mid-stream: returns whether to show `message`. */
  fail(seq: number, message: string): boolean {
    return this.say(seq, 'failed', message);
  }

  /** It will open when the export ends (the caller shows `message` as a notice and clears the banner). */
  wait(seq: number, message: string): void {
    this.mark(seq, 'waiting', { message, shown: true });
    this.banner = 0;
  }

  /** It is the open file now (the caller clears the banner of older files' messages). */
  open(seq: number): void {
    this.mark(seq, 'opened');
    this.banner = 0;
  }

  /** Its first frame is on screen. */
  played(seq: number): void {
    this.mark(seq, 'played');
  }

  supersede(seq: number): void {
    this.mark(seq, 'superseded');
  }

  /** The banner now shows a message that is no file's, or was dismissed. */
  released(): void {
    this.banner = 0;
  }

  /** The answers, oldest first (the last few hundred drops). */
  answers(): Answer[] {
    return [...this.log.values()].map((a) => ({ ...a }));
  }

  private say(seq: number, outcome: Outcome, message: string): boolean {
    const show = seq >= this.answered;
    this.mark(seq, outcome, { message, shown: show });
    if (show) this.banner = seq;
    return show;
  }

  private mark(seq: number, outcome: Outcome, said?: { message: string; shown: boolean }): void {
    const a = this.log.get(seq);
    if (outcome !== 'superseded') this.answered = Math.max(this.answered, seq);
    if (!a) return;
    a.outcome = outcome;
    if (said) Object.assign(a, said);
    if (outcome !== 'superseded' && a.answeredAt === null) a.answeredAt = this.now();
    if (outcome === 'played') a.playedAt = this.now();
  }
}
