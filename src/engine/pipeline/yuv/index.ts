// The CPU frame path's own Y'CbCr -> RGB conversion (kernel.as.ts, WebAssembly). The browser's
// (drawImage of a VideoFrame into a canvas) converts the whole 1024x1024 frame, ~5 ms a frame on
// this project's 2-core VM, when a pane shows it at ~600x600 and a lens's model reads a few
// thousand pixels of it. Here the raw planes are copied (~0.2 ms) and converted only where they are
// seen: at the pane's size, or 1:1 for a crop. The pixels are the browser's GPU conversion, the one
// the WebGPU path's upload gets (copyExternalImageToTexture): the textbook matrix, and chroma
// interpolated between samples centred on their 2x2 pixels, so both paths give the model the same
// input. (A canvas rastered on the CPU converts otherwise: libyuv, chroma repeated over its 2x2
// pixels, coefficients in 1/64; the frames this kernel leaves to the canvas path get that.) Used only
// for the colour spaces the GPU converts with the matrix alone (browserMatrix; e2e/yuv.spec.ts checks
// it against the WebGPU path's upload).
import type { Image } from '../../metrics/filters';
import type { Rect } from '../../view/lens';
import { KERNEL_WASM } from './kernel.wasm';

/** The matrix in 16.16 fixed point (kernel.as.ts resample). */
export interface Matrix {
  yk: number;
  yo: number;
  kr: number;
  kgu: number;
  kgv: number;
  kb: number;
}

const LUMA_WEIGHTS = { bt470bg: [0.299, 0.114], smpte170m: [0.299, 0.114], bt709: [0.2126, 0.0722], 'bt2020-ncl': [0.2627, 0.0593] } as const;

/** The fixed-point matrix for luma weights (kr, kb), limited (16-235, 16-240) or full range: the
 *  textbook's, which Chromium 156's GPU conversion applies (within 1 level on random colours,
 *  saturated ones included). */
export function matrixOf(kr: number, kb: number, fullRange: boolean): Matrix {
  const q = (x: number) => Math.round(x * 65536);
  const kg = 1 - kr - kb, ys = fullRange ? 1 : 255 / 219, cs = fullRange ? 1 : 255 / 224;
  return {
    yk: q(ys), yo: fullRange ? 0 : 16,
    kr: q(cs * 2 * (1 - kr)), kgu: q(-(cs * 2 * (1 - kb) * kb) / kg), kgv: q(-(cs * 2 * (1 - kr) * kr) / kg), kb: q(cs * 2 * (1 - kb)),
  };
}

/** The matrix that reproduces the browser's conversion of a frame in this colour space, or null where
 *  the browser does more. Chromium 156's GPU conversion applies the matrix alone for BT.709 primaries
 *  (or none given) with a BT.709, SMPTE 170M or sRGB transfer (it reports the demo clip, tagged
 *  BT.601 only, as BT.601 matrix, BT.709 primaries and transfer); it maps other primaries (SMPTE
 *  170M's: up to 62 levels; BT.470BG's) and transfers to sRGB. Unspecified is BT.601 limited
 *  range, as the browser takes it. */
export function browserMatrix(cs: VideoColorSpaceInit): Matrix | null {
  const m = cs.matrix ?? 'bt470bg';
  const is = (v: string | null | undefined, ...ok: string[]) => v == null || ok.includes(v);
  if (!is(cs.primaries, 'bt709') || !is(cs.transfer, 'bt709', 'smpte170m', 'iec61966-2-1')) return null;
  if (m !== 'bt470bg' && m !== 'smpte170m' && m !== 'bt709') return null;
  return weighted(m, cs.fullRange ?? false);
}

// asked for on every frame: made once per colour space
const matrices = new Map<string, Matrix>();

function weighted(m: keyof typeof LUMA_WEIGHTS, full: boolean): Matrix {
  const key = `${m} ${full}`;
  let mat = matrices.get(key);
  if (!mat) matrices.set(key, (mat = matrixOf(LUMA_WEIGHTS[m][0], LUMA_WEIGHTS[m][1], full)));
  return mat;
}

/** The matrix a frame's planes are converted with where the player converts them on the GPU
 *  (passes/upload/planes.ts): the frame's own coefficients and range whatever its primaries and
 *  transfer (no colour management there); 'rgb' (planes that are already RGB) is null. Coefficients
 *  it does not know, or none, are BT.601 limited range, as browsers take an untagged frame. */
export function planesMatrix(cs: VideoColorSpaceInit): Matrix | null {
  if (cs.matrix === 'rgb') return null;
  const m = cs.matrix && cs.matrix in LUMA_WEIGHTS ? (cs.matrix as keyof typeof LUMA_WEIGHTS) : 'bt470bg';
  return weighted(m, cs.fullRange ?? false);
}

interface Exports {
  resample(...args: number[]): void;
  halve(src: number, stride: number, step: number, w: number, h: number, dst: number): void;
}

let compiled: WebAssembly.Module | null = null;

/** Bytes the kernel may read past a row's end (it blends rows 8 samples at a time). */
const ROW_SLACK = 16;

/** A plane in the kernel's memory: `width` x `height` samples, `step` bytes apart in rows `stride` apart. */
interface Plane {
  at: number;
  stride: number;
  step: number;
  width: number;
  height: number;
}

/** A frame's planes at some level (0: as decoded; k: luma halved k times). Chroma is at half the
 *  luma's resolution as decoded (shift 1), at the luma's once it is halved (shift 0: the decoded
 *  chroma at level 1, halved with the luma after that; a halved luma sample and a 4:2:0 chroma
 *  sample both centre on the same 2x2 pixels). */
interface Planes {
  y: Plane;
  u: Plane;
  v: Plane;
  chromaShift: 0 | 1;
}

/** What a frame's raw copy holds, read with `readPlanes` before it goes into the kernel. */
export interface RawFrame {
  width: number;
  height: number;
  format: 'I420' | 'NV12';
  bytes: Uint8Array;
  layout: PlaneLayout[];
  matrix: Matrix;
}

/** The matrix for a decoded frame that the kernel converts like the browser, or null (another pixel
 *  format or colour space, a rotated or anamorphic frame: the canvas takes those). */
export function convertible(f: VideoFrame): Matrix | null {
  const r = f.visibleRect, turned = f as VideoFrame & { rotation?: number; flip?: boolean };
  if ((f.format !== 'I420' && f.format !== 'NV12') || !r) return null;
  if (turned.rotation || turned.flip || f.displayWidth !== r.width || f.displayHeight !== r.height) return null;
  return browserMatrix(f.colorSpace.toJSON());
}

/** The raw planes of a frame that is `convertible`; in `into` where it is large enough (1.5 MB a
 *  1024x1024 frame: allocated every frame, it keeps the garbage collector busy). */
export async function readPlanes(f: VideoFrame, matrix: Matrix, into?: Uint8Array): Promise<RawFrame> {
  const r = f.visibleRect!, n = f.allocationSize(), bytes = into && into.length >= n ? into.subarray(0, n) : new Uint8Array(n);
  const layout = await f.copyTo(bytes);
  return { width: r.width, height: r.height, format: f.format as RawFrame['format'], bytes, layout, matrix };
}

/** The kernel and its memory: the current frame's planes, their halves, and scratch. One frame at a
 *  time: loading the next detaches the last (its YuvImage throws rather than show the new pixels). */
export class YuvKernel {
  private readonly memory = new WebAssembly.Memory({ initial: 1 });
  private readonly fn: Exports;
  private generation = 0;
  private levels: Planes[] = [];
  /** where the next level, then the scratch, may start */
  private free = 0;

  constructor() {
    compiled ??= new WebAssembly.Module(Uint8Array.from(atob(KERNEL_WASM), (c) => c.charCodeAt(0)));
    this.fn = new WebAssembly.Instance(compiled, { env: { memory: this.memory } }).exports as unknown as Exports;
  }

  /** The frame's planes into the kernel (~0.1 ms for 1024x1024): an image of it. */
  load(raw: RawFrame): YuvImage {
    const base = 65536, n = raw.bytes.length;
    this.ensure(base + n);
    new Uint8Array(this.memory.buffer, base, n).set(raw.bytes);
    const [ly, lu, lv] = raw.layout, cw = (raw.width + 1) >> 1, ch = (raw.height + 1) >> 1;
    const nv12 = raw.format === 'NV12';
    this.levels = [{
      y: { at: base + ly.offset, stride: ly.stride, step: 1, width: raw.width, height: raw.height },
      u: { at: base + lu.offset, stride: lu.stride, step: nv12 ? 2 : 1, width: cw, height: ch },
      v: nv12 ? { at: base + lu.offset + 1, stride: lu.stride, step: 2, width: cw, height: ch } : { at: base + lv.offset, stride: lv.stride, step: 1, width: cw, height: ch },
      chromaShift: 1,
    }];
    this.free = base + n;
    return new YuvImage(this, ++this.generation, raw.width, raw.height, raw.matrix);
  }

  /** The planes halved k times (made once per frame, when first asked for). */
  private level(k: number): Planes {
    while (this.levels.length <= k) {
      const p = this.levels[this.levels.length - 1];
      const half = (q: Plane) => ({ at: 0, stride: q.width >> 1, step: 1, width: q.width >> 1, height: q.height >> 1 });
      const first = p.chromaShift === 1;
      const next: Planes = { y: half(p.y), u: first ? p.u : half(p.u), v: first ? p.v : half(p.v), chromaShift: 0 };
      for (const c of first ? (['y'] as const) : (['y', 'u', 'v'] as const)) {
        const q = next[c];
        q.at = this.free;
        this.free += q.width * q.height;
        this.ensure(this.free);
        this.fn.halve(p[c].at, p[c].stride, p[c].step, p[c].width, p[c].height, q.at);
      }
      this.levels.push(next);
    }
    return this.levels[k];
  }

  /** dw x dh RGBA pixels of the frame `generation` at level k, bilinear at luma positions
   *  x = x0 + (i + 0.5) sx - 0.5 (likewise y); in `into` where it has their size (a new array
   *  costs ~0.5 ms a pane: allocated and zeroed). */
  resample(generation: number, m: Matrix, k: number, x0: number, sx: number, y0: number, sy: number, dw: number, dh: number, into?: Uint8ClampedArray<ArrayBuffer>): Uint8ClampedArray<ArrayBuffer> {
    if (generation !== this.generation) throw new Error('the frame\'s pixels were not kept');
    const p = this.level(k);
    // the kernel reads and writes rows 8 samples at a time: up to 7 past their ends (ROW_SLACK)
    const tabAt = (this.free + ROW_SLACK + 15) & ~15, tabBytes = 24 * (dw + dh) + 80 * (dw >> 2), rows = tabAt + tabBytes;
    const rowBytes = 2 * (p.y.width + 8) + 4 * (p.u.width + 8) + 32, dst = rows + rowBytes;
    this.ensure(dst + 4 * dw * dh);
    const tab = new Int32Array(this.memory.buffer, tabAt, 6 * (dw + dh) + 4 * (dw >> 2));
    // chroma as an image of its own over the same area: as decoded (4:2:0) half the luma's
    // resolution, each sample centred on its 2x2 luma pixels; once the luma is halved, the same
    const r = p.chromaShift ? 0.5 : 1;
    const x = this.taps(dw, x0, sx, p.y.width), y = this.taps(dh, y0, sy, p.y.height);
    const cx = this.taps(dw, x0 * r, sx * r, p.u.width), cy = this.taps(dh, y0 * r, sy * r, p.u.height);
    let at = 0;
    for (const [t, len] of [[x, dw], [cx, dw], [y, dh], [cy, dh]] as const) {
      tab.set(t.a, at);
      tab.set(t.b, at + len);
      tab.set(t.w, at + 2 * len);
      at += 3 * len;
    }
    const g = windows(x, cx, p.u.step);
    tab.set(g.offsets, at);
    new Uint8Array(this.memory.buffer, tabAt + 4 * at + 16 * (dw >> 2), g.shuffles.length).set(g.shuffles);
    this.fn.resample(
      p.y.at, p.u.at, p.v.at, p.y.stride, p.u.stride, p.u.step,
      dst, dw, dh, tabAt, rows, x.lo, x.hi, cx.lo, cx.hi,
      m.yk, m.yo, m.kr, m.kgu, m.kgv, m.kb,
    );
    const out = into && into.length === 4 * dw * dh ? into : new Uint8ClampedArray(4 * dw * dh);
    out.set(new Uint8ClampedArray(this.memory.buffer, dst, 4 * dw * dh));
    return out;
  }

  /** taps() for a geometry, kept: a pane and a lens's crop ask for the same ones frame after frame */
  private taps(n: number, x0: number, s: number, size: number): Taps {
    const key = `${n} ${x0} ${s} ${size}`;
    let t = this.tapCache.get(key);
    if (!t) {
      if (this.tapCache.size >= 32) this.tapCache.clear();
      this.tapCache.set(key, (t = taps(n, x0, s, size)));
    }
    return t;
  }

  private readonly tapCache = new Map<string, Taps>();

  private ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / 65536));
  }
}

interface Taps {
  a: Int32Array;
  b: Int32Array;
  w: Int32Array;
  lo: number;
  hi: number;
  /** windows() for a chroma layout, kept with the taps */
  windows?: { key: string; chroma: Taps; offsets: Int32Array; shuffles: Uint8Array };
}

/** For each group of 4 columns, the 16-byte windows of the blended rows (u16 samples; chroma 2 x
 *  `step` bytes apart) that hold all their luma taps (`l`) and chroma taps (`c`), and the byte
 *  shuffles that pick taps a and b out of them as i32 lanes (kernel.as.ts resample): one load and a
 *  shuffle where 4 loads one by one were. A group whose taps spread wider (minified 2x or more: the
 *  kernel halves first; NV12's interleaved chroma near 2x) is marked -1 and read one by one. */
export function windows(l: Taps, c: Taps, step: number): { offsets: Int32Array; shuffles: Uint8Array } {
  const key = `${step}`;
  if (l.windows?.key === key && l.windows.chroma === c) return l.windows;
  const G = l.a.length >> 2, offsets = new Int32Array(4 * G), shuffles = new Uint8Array(64 * G).fill(0x80);
  const cb = 2 * step; // bytes per chroma sample in the blended row
  const span = (t: Taps, g: number) => {
    let a = Infinity, b = -Infinity;
    for (let k = 0; k < 4; k++) {
      a = Math.min(a, t.a[4 * g + k]);
      b = Math.max(b, t.b[4 * g + k]);
    }
    return [a, b];
  };
  for (let g = 0; g < G; g++) {
    const [la, lb] = span(l, g), [ca, cbHi] = span(c, g);
    if (2 * (lb - la) + 2 > 16 || cb * (cbHi - ca) + 2 > 16) {
      offsets[4 * g] = -1;
      continue;
    }
    offsets[4 * g] = 2 * la;
    offsets[4 * g + 1] = cb * ca;
    for (let k = 0; k < 4; k++) {
      const i = 4 * g + k, picks = [2 * (l.a[i] - la), 2 * (l.b[i] - la), cb * (c.a[i] - ca), cb * (c.b[i] - ca)];
      // set m: lane k's low two bytes from the window, its high two zero (0x80: out of range)
      picks.forEach((at, m) => {
        shuffles[64 * g + 16 * m + 4 * k] = at;
        shuffles[64 * g + 16 * m + 4 * k + 1] = at + 1;
      });
    }
  }
  l.windows = { key, chroma: c, offsets, shuffles };
  return l.windows;
}

/** Bilinear taps of n samples at x0 + (i + 0.5) s - 0.5 over `size` (clamped at the edges), with the
 *  columns they read [lo, hi). */
export function taps(n: number, x0: number, s: number, size: number): Taps {
  const a = new Int32Array(n), b = new Int32Array(n), w = new Int32Array(n);
  let lo = size, hi = 0;
  for (let i = 0; i < n; i++) {
    const x = x0 + (i + 0.5) * s - 0.5, f = Math.floor(x);
    a[i] = Math.min(size - 1, Math.max(0, f));
    b[i] = Math.min(size - 1, Math.max(0, f + 1));
    w[i] = Math.round((x - f) * 256);
    lo = Math.min(lo, a[i]);
    hi = Math.max(hi, b[i] + 1);
  }
  return { a, b, w, lo, hi };
}

/** A decoded frame in the kernel: its pixels as RGB, 1:1 or resampled, made when asked for. */
export class YuvImage {
  constructor(private readonly kernel: YuvKernel, private readonly generation: number, readonly width: number, readonly height: number, private readonly matrix: Matrix) {}

  /** The RGBA pixels of `r` (within the frame), 1:1: the browser's own conversion within 2 levels. */
  region(r: Rect): Image & { data: Uint8ClampedArray<ArrayBuffer> } {
    return { width: r.width, height: r.height, channels: 4, data: this.sample(0, r.x, 1, r.y, 1, r.width, r.height) };
  }

  /** dw x dh RGBA pixels showing the frame's area (x, y, w, h) (frame pixels; may reach outside it,
   *  clamped at its edges), bilinear; minified 2x or more, from the frame halved first. */
  scaled(x: number, y: number, w: number, h: number, dw: number, dh: number, into?: Uint8ClampedArray<ArrayBuffer>): Uint8ClampedArray<ArrayBuffer> {
    let k = 0;
    while ((w / dw) >= 2 << k && this.width >> (k + 1) >= 1 && this.height >> (k + 1) >= 1) k++;
    const f = 1 / (1 << k);
    return this.sample(k, x * f, (w * f) / dw, y * f, (h * f) / dh, dw, dh, into);
  }

  private sample(k: number, x0: number, sx: number, y0: number, sy: number, dw: number, dh: number, into?: Uint8ClampedArray<ArrayBuffer>) {
    return this.kernel.resample(this.generation, this.matrix, k, x0, sx, y0, sy, dw, dh, into);
  }
}
