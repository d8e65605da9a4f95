// Every frame shown in the session, for the live plots (ui/Plots.tsx reads it in its own animation
// frame, never through React) and the CSV export ("Download stats"). A frame's figures arrive after
// it is handed to the processor (its model time, its PSNR, its end), so a row is added then and
// filled in as the frame's promises resolve.
//
// Size: one typed array per column, in chunks of CHUNK rows, 44 bytes a row: an hour at 60 fps
// (216k rows) takes 9.5 MB. At most `maxRows` are kept (2^20 by default: 4.8 h at 60 fps, 46 MB);
// past that the oldest chunk goes, and the CSV's `row` column, numbered from the session's first
// frame, shows where the log starts.
import type { PsnrMode } from '../params';
import type { FrameResult, ModelClock, PsnrResult } from '../pipeline/types';

export const CHUNK = 4096;
export const MAX_ROWS = 256 * CHUNK;

const CLOCKS: readonly (ModelClock | null)[] = [null, 'gpu', 'queue', 'cpu'];
const MODES: readonly (PsnrMode | null)[] = [null, 'consistency', 'reference'];

/** A frame as it is handed to the processor. */
export interface ShownFrame {
  /** the frame's index in its video, and its media time (s) */
  frame: number;
  timestamp: number;
  /** performance.now() when its work started */
  start: number;
  /** frames dropped so far in this video (PlaybackStats.dropped): the row keeps how many were
   *  dropped since the frame before it (a count lower than the last one means a new video) */
  droppedSoFar: number;
  clock: ModelClock | null;
  video: string;
  engine: string;
  backend: string;
  model: string;
  /** the lens's region (input pixels) when the model ran on it only: the times and PSNR are its */
  lens?: { x: number; y: number; width: number; height: number } | null;
}

/** One row, as the CSV writes it (NaN: not known, or not measured). */
export interface LogRow {
  row: number;
  video: string;
  frame: number;
  timestamp: number;
  /** ms from the log's origin to the frame's start */
  wallMs: number;
  frameMs: number;
  modelMs: number;
  clock: ModelClock | null;
  dropped: number;
  psnrMode: PsnrMode | null;
  psnr: number;
  bicubic: number;
  engine: string;
  backend: string;
  model: string;
  /** "WxH+X+Y" of the lens's region, or '' (the whole frame) */
  lens: string;
}

class Chunk {
  readonly frame = new Int32Array(CHUNK);
  readonly timestamp = new Float64Array(CHUNK);
  readonly start = new Float64Array(CHUNK);
  readonly frameMs = new Float32Array(CHUNK).fill(NaN);
  readonly modelMs = new Float32Array(CHUNK).fill(NaN);
  readonly psnr = new Float32Array(CHUNK).fill(NaN);
  readonly bicubic = new Float32Array(CHUNK).fill(NaN);
  readonly dropped = new Uint16Array(CHUNK);
  /** the model clock's index in CLOCKS, and the PSNR mode's in MODES */
  readonly clock = new Uint8Array(CHUNK);
  readonly mode = new Uint8Array(CHUNK);
  /** the (video, engine, backend, model) of the row: an index into SessionLog.contexts */
  readonly context = new Uint32Array(CHUNK);
  /** the lens's region: x, y, width, height (width 0: the whole frame) */
  readonly lens = new Uint16Array(CHUNK * 4);
}

export class SessionLog {
  /** bumps on every change: a reader redraws only when it moved */
  version = 0;
  private chunks: Chunk[] = [];
  /** the session-wide number of chunks[0] */
  private firstChunk = 0;
  private next = 0;
  private lastDropped = 0;
  private readonly contexts: string[][] = [];
  private readonly contextIds = new Map<string, number>();

  /** `origin`: performance.now() at the session's start (wall times count from it) */
  constructor(
    readonly origin = performance.now(),
    readonly maxRows = MAX_ROWS,
  ) {
    if (maxRows < CHUNK || maxRows % CHUNK) throw new Error(`SessionLog: maxRows must be a multiple of ${CHUNK}`);
  }

  /** the oldest row kept */
  get first(): number {
    return this.firstChunk * CHUNK;
  }
  /** one past the newest row */
  get end(): number {
    return this.next;
  }

  /** Adds a row for `f` and fills it in as `r`'s figures arrive; returns its number. */
  track(r: Pick<FrameResult, 'modelMs' | 'psnr' | 'done'>, f: ShownFrame): number {
    const id = this.add(f);
    void r.modelMs.then((ms) => ms != null && this.set(id, 'modelMs', ms));
    void r.psnr.then((p) => p && this.setPsnr(id, p));
    void r.done.then(() => this.set(id, 'frameMs', performance.now() - f.start));
    return id;
  }

  add(f: ShownFrame): number {
    const id = this.next++;
    const k = Math.floor(id / CHUNK) - this.firstChunk;
    if (k === this.chunks.length) {
      this.chunks.push(new Chunk());
      if (this.chunks.length * CHUNK > this.maxRows) {
        this.chunks.shift();
        this.firstChunk++;
      }
    }
    const c = this.chunks[this.chunks.length - 1], i = id % CHUNK;
    const dropped = f.droppedSoFar >= this.lastDropped ? f.droppedSoFar - this.lastDropped : f.droppedSoFar;
    this.lastDropped = f.droppedSoFar;
    c.frame[i] = f.frame;
    c.timestamp[i] = f.timestamp;
    c.start[i] = f.start;
    c.dropped[i] = Math.min(dropped, 0xffff);
    c.clock[i] = CLOCKS.indexOf(f.clock);
    c.context[i] = this.contextOf([f.video, f.engine, f.backend, f.model]);
    if (f.lens) c.lens.set([f.lens.x, f.lens.y, f.lens.width, f.lens.height], i * 4);
    this.version++;
    return id;
  }

  set(id: number, column: 'frameMs' | 'modelMs', v: number): void {
    const s = this.slot(id);
    if (!s) return;
    s[0][column][s[1]] = v;
    this.version++;
  }

  setPsnr(id: number, p: PsnrResult): void {
    const s = this.slot(id);
    if (!s) return;
    const [c, i] = s;
    c.psnr[i] = p.model;
    c.bicubic[i] = p.bicubic;
    c.mode[i] = MODES.indexOf(p.mode);
    this.version++;
  }

  /** The chunk and index of row `id`; null once it has gone (or before it exists). */
  private slot(id: number): [Chunk, number] | null {
    if (id < this.first || id >= this.next) return null;
    return [this.chunks[Math.floor(id / CHUNK) - this.firstChunk], id % CHUNK];
  }

  private contextOf(ctx: string[]): number {
    const key = ctx.join('\0');
    let n = this.contextIds.get(key);
    if (n === undefined) {
      n = this.contexts.push(ctx) - 1;
      this.contextIds.set(key, n);
    }
    return n;
  }

  // ---------------------------------------------------------------- reading

  /** Ms from the origin to row `id`'s start (rows are in start order). */
  wallMs(id: number): number {
    const s = this.slot(id);
    return s ? s[0].start[s[1]] - this.origin : NaN;
  }

  /** The first row kept whose start is at or after `wallMs` (end if none). */
  indexAt(wallMs: number): number {
    let lo = this.first, hi = this.next;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.wallMs(mid) < wallMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Reads row `id`'s numbers into `out` (no allocation: the plots read hundreds a redraw). */
  read(id: number, out: { wallMs: number; frameMs: number; modelMs: number; dropped: number; psnr: number; bicubic: number }): boolean {
    const s = this.slot(id);
    if (!s) return false;
    const [c, i] = s;
    out.wallMs = c.start[i] - this.origin;
    out.frameMs = c.frameMs[i];
    out.modelMs = c.modelMs[i];
    out.dropped = c.dropped[i];
    out.psnr = c.psnr[i];
    out.bicubic = c.bicubic[i];
    return true;
  }

  row(id: number): LogRow | null {
    const s = this.slot(id);
    if (!s) return null;
    const [c, i] = s;
    const [video, engine, backend, model] = this.contexts[c.context[i]];
    return {
      row: id, video, frame: c.frame[i], timestamp: c.timestamp[i], wallMs: c.start[i] - this.origin,
      frameMs: c.frameMs[i], modelMs: c.modelMs[i], clock: CLOCKS[c.clock[i]], dropped: c.dropped[i],
      psnrMode: MODES[c.mode[i]], psnr: c.psnr[i], bicubic: c.bicubic[i], engine, backend, model,
      lens: c.lens[i * 4 + 2] ? `${c.lens[i * 4 + 2]}x${c.lens[i * 4 + 3]}+${c.lens[i * 4]}+${c.lens[i * 4 + 1]}` : '',
    };
  }

  /** Every row kept, as CSV (RFC 4180), one part per chunk so a long session never makes one huge string. */
  csvParts(): string[] {
    const parts = [CSV_HEADER.join(',') + '\r\n'];
    for (let start = this.first; start < this.next; start += CHUNK) {
      const lines: string[] = [];
      for (let id = start; id < Math.min(start + CHUNK, this.next); id++) lines.push(csvLine(this.row(id)!));
      parts.push(lines.join('\r\n') + '\r\n');
    }
    return parts;
  }
}

export const CSV_HEADER = [
  'row', 'video', 'frame', 'media_s', 'wall_ms', 'frame_ms', 'model_ms', 'model_clock', 'dropped_before',
  'psnr_mode', 'psnr_db', 'bicubic_db', 'engine', 'backend', 'model', 'lens',
] as const;

/** A number with at most `digits` decimals (trailing zeros dropped); empty when unknown. */
function num(v: number, digits: number): string {
  if (Number.isNaN(v)) return '';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return String(Number(v.toFixed(digits)));
}

function text(s: string | null): string {
  if (s === null) return '';
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function csvLine(r: LogRow): string {
  return [
    r.row, text(r.video), r.frame, num(r.timestamp, 6), num(r.wallMs, 3), num(r.frameMs, 3), num(r.modelMs, 3), text(r.clock),
    r.dropped, text(r.psnrMode), num(r.psnr, 4), num(r.bicubic, 4), text(r.engine), text(r.backend), text(r.model), r.lens,
  ].join(',');
}
