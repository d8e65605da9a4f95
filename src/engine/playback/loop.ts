// The engine's own requestAnimationFrame loop and its one-at-a-time work queue: commands (seek,
// open, model switch, test read-backs) run exclusively between frames; otherwise the engine's
// `idle` picks the next piece of work (a re-render, the next frame, a redraw).

export type Job = () => Promise<void>;

export class JobLoop {
  private raf = 0;
  private busy = false;
  private readonly queue: Job[] = [];
  private stopped = false;
  /** false: free-running, the next job right after one ends rather than at the next animation frame */
  realtime = true;

  constructor(
    /** called every animation frame, before any work (stats pushes) */
    private readonly onFrame: (now: number) => void,
    /** the work to do when no command waits, or null */
    private readonly idle: () => Job | null,
    private readonly fail: (e: unknown) => void,
  ) {}

  start(): void {
    this.raf = requestAnimationFrame(this.tick);
  }

  stop(): void {
    this.stopped = true;
    cancelAnimationFrame(this.raf);
  }

  get working(): boolean {
    return this.busy;
  }

  /** Runs `fn` when no other job is in flight. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push(async () => {
        try {
          resolve(await fn());
        } catch (e) {
          reject(e);
        }
      });
    });
  }

  /** A UI command: exclusive, and its failure goes to `fail`. */
  command(fn: () => Promise<void>): void {
    this.exclusive(fn).catch((e: unknown) => this.fail(e));
  }

  private tick = (now: number): void => {
    if (this.stopped) return;
    this.raf = requestAnimationFrame(this.tick);
    this.onFrame(now);
    this.schedule();
  };

  private schedule(): void {
    if (this.busy || this.stopped) return;
    const job = this.queue.shift() ?? this.idle();
    if (!job) return;
    this.busy = true;
    job()
      .catch((e: unknown) => this.fail(e))
      .finally(() => {
        this.busy = false;
        if (!this.realtime) setTimeout(() => this.schedule(), 0);
      });
  }
}
