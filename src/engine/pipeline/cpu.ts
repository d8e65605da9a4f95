// The CPU frame processor (the WASM backend: no WebGPU, or a software adapter): the frame comes to
// the CPU, the model runs on ORT's WASM backend, the filters and PSNR are the CPU reference
// implementations (filters.ts), so the numbers are the GPU path's. Same order as gpu.ts:
// ingest -> model -> present -> PSNR. The work around the model is kept small: a canvas draws only
// what it shows (cpuView.ts), and the PSNR is computed after the frame is on screen, while the
// next frame's model runs on ORT's worker threads.
import { bicubicUp4, downscale4, nchwTo8bit, psnrY, toNchw, type Image } from '../metrics/filters';
import type { CpuRunner } from '../inference/types';
import type { PsnrMode } from '../params';
import { viewTransform } from '../passes/present';
import { pictureSize, type Picture } from '../passes/upload';
import { cropImage, lensRegion8, Pixels, toRgba, wholeRgb } from './cpuImage';
import { drawView, renderView, type ViewSource } from './cpuView';
import { CanvasInput, type PaneInput } from './scaledInput';
import { convertible, readPlanes, YuvKernel, type RawFrame } from './yuv';
import { YuvPaneInput } from './yuv/pane';
import { sameRect, type LensRegions, type Rect } from '../view/lens';
import type { Compare, DisplayTargets, FrameProcessor, FrameResult, FrameSettings, FrameSizes, InputFrame, ProcessorDebug, PsnrResult, SnapshotKind } from './types';

const LENS_COLOUR = '#8ab4f8';

/** A rectangle of input pixels as output pixels. */
const times4 = (r: Rect): Rect => ({ x: 4 * r.x, y: 4 * r.y, width: 4 * r.width, height: 4 * r.height });

/** A pane's 2D context, rastered on the CPU: this path runs where there is no GPU to raster on (a
 *  software adapter, or none; ?backend=wasm aside), and a GPU-rastered canvas uploads the 1024x1024
 *  input on every draw (lens 16 on the demo: 42-46 ms a frame against 58-66 ms, two A/B runs). */
const paneContext = (c: HTMLCanvasElement | OffscreenCanvas) =>
  c.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;

export class CpuFrameProcessor implements FrameProcessor<CpuRunner> {
  readonly modelClock = 'cpu' as const;
  private runner: CpuRunner | null = null;
  /** what the left pane shows (the A/B view), and what it was made for on this frame (null: nothing yet) */
  private compare: Compare<CpuRunner> = 'original';
  private leftOf: Compare<CpuRunner> | null = null;
  /** the A/B view's other model's output (on the lens's crop with a lens) */
  private left: Float32Array | null = null;
  private left8Cache: Uint8Array | null = null;
  /** the decoded frame, and the model's input (the frame, or in reference mode its 4x downscale):
   *  read back from the canvas only as far as they are needed (a lens needs its crop) */
  private frame: Pixels | null = null;
  private input: Pixels | null = null;
  private inputNchw: Float32Array | null = null;
  private full: Float32Array | null = null;
  private low: Float32Array | null = null;
  private out8Cache: Uint8Array | null = null;
  /** the lens the outputs were made for (null: the whole frame) */
  private lens: LensRegions | null = null;
  private settings: FrameSettings = { view: 'full', gain: 4, psnr: null };
  /** the decoded frame's Y'CbCr planes (most videos), or the canvas it is drawn in (the rest) */
  private readonly yuv = new YuvKernel();
  private readonly canvasInput = new CanvasInput();
  private readonly yuvInput = new YuvPaneInput();
  private planesBuffer: Uint8Array | null = null;
  /** the input as the panes draw it: where the input is the frame (consistency mode) the frame's
   *  planes or its canvas; else a canvas of the input's pixels */
  private paneInput: PaneInput | null = null;
  /** the visible output pixels, before the canvas scales them (cpuView.drawView) */
  private readonly viewScratch = new OffscreenCanvas(1, 1);
  private readonly leftScratch = new OffscreenCanvas(1, 1);

  /** the main thread's time in this path's own passes (ingest, drawing, PSNR) over the frames
   *  processed: what `npm run bench` sets beside the model's time */
  readonly cost = { passesMs: 0, frames: 0, ingestMs: 0, presentMs: 0, psnrMs: 0 };

  constructor(private readonly targets: DisplayTargets | null) {}

  private timed<T>(pass: 'ingestMs' | 'presentMs' | 'psnrMs', fn: () => T): T {
    const t = performance.now();
    const add = () => {
      const dt = performance.now() - t;
      this.cost.passesMs += dt;
      this.cost[pass] += dt;
    };
    const r = fn();
    // an async pass counts until it is done (the ingest's copy of the planes is on the frame's way)
    if (r instanceof Promise) return r.finally(add) as T;
    add();
    return r;
  }

  setRunner(r: CpuRunner | null): void {
    this.releaseCurrent();
    this.runner = r;
  }

  setCompare(c: Compare<CpuRunner>): void {
    this.compare = c;
    this.left = this.left8Cache = this.leftOf = null;
  }

  private get outSize(): { w: number; h: number } | null {
    return this.input ? { w: this.input.width * 4, h: this.input.height * 4 } : null;
  }

  get sizes(): FrameSizes | null {
    const f = this.frame, i = this.input;
    return f && i ? { frame: { width: f.width, height: f.height }, input: { width: i.width, height: i.height }, output: { width: i.width * 4, height: i.height * 4 } } : null;
  }

  get hasFrame(): boolean {
    return this.full !== null;
  }

  get showing(): boolean {
    return this.input !== null;
  }

  /** The frame's original, and its bicubic upscale in the upscaled pane, at once (the model's
   *  frame may take seconds); does not close the frame. */
  async preview(f: InputFrame, s: FrameSettings): Promise<void> {
    await this.ingest(f.frame, s.psnr === 'reference' ? 'reference' : 'consistency');
    this.settings = s;
    this.present();
  }

  async process(f: InputFrame, meta: { frameIndex: number; timestamp: number }, s: FrameSettings): Promise<FrameResult> {
    const runner = this.runner;
    if (!runner) throw new Error('no model loaded');
    try {
      await this.timed('ingestMs', () => this.ingest(f.frame, s.psnr === 'reference' ? 'reference' : 'consistency'));
      this.cost.frames++;
    } finally {
      f.close();
    }
    const lens = s.lens ?? null, cmp = this.compare;
    const tm = performance.now();
    const { full, low } = await this.run(runner, lens, s.view !== 'full');
    const modelMs = performance.now() - tm;
    // the A/B view's other model, after the model's time
    const left = typeof cmp === 'object' ? (await this.run(cmp, lens, false)).full : null;
    this.full = full;
    this.low = low;
    this.lens = lens;
    this.left = left;
    this.leftOf = cmp;
    this.settings = s;
    this.timed('presentMs', () => this.present());
    const mode: PsnrMode | null = s.psnr === null ? null : s.psnr === 'reference' && this.frame!.width >= 4 && this.frame!.height >= 4 ? 'reference' : 'consistency';
    // after this frame is on screen, in a task of its own (the picture paints first); it still runs
    // before the next frame's model is sent
    const psnr = mode
      ? new Promise<PsnrResult | null>((resolve) => setTimeout(() => resolve(this.full === full ? { ...meta, mode, ...this.timed('psnrMs', () => this.psnr(mode)) } : null), 0))
      : Promise.resolve(null);
    return { psnrMode: mode, modelMs: Promise.resolve(modelMs), psnr, done: Promise.resolve() };
  }

  async rerender(s: FrameSettings): Promise<PsnrResult | null> {
    const runner = this.runner;
    if (!this.full || !this.input || !runner) return null;
    const lens = s.lens ?? null, cmp = this.compare;
    const moved = !(lens === this.lens || sameRect(lens?.region, this.lens?.region));
    const leftStale = moved || this.leftOf !== cmp;
    if (moved) {
      // the lens moved over a paused frame: the model runs again on the new crop
      const o = await this.run(runner, lens, s.view !== 'full');
      this.full = o.full;
      this.low = o.low;
      this.lens = lens;
      this.out8Cache = null;
    } else if (s.view !== 'full' && !this.low && runner.hasLow) {
      this.low = (await this.run(runner, lens, true, true)).low;
    }
    if (leftStale) {
      // the left pane changed (the A/B view's choice) or the lens moved: it is made again
      this.left = typeof cmp === 'object' ? (await this.run(cmp, lens, false)).full : null;
      this.left8Cache = null;
      this.leftOf = cmp;
    }
    this.settings = s;
    this.present();
    if (!leftStale || s.psnr === null) return null;
    const mode: PsnrMode = s.psnr === 'reference' && this.frame!.width >= 4 ? 'reference' : 'consistency';
    return { frameIndex: -1, timestamp: NaN, mode, ...this.psnr(mode) };
  }

  /** The model on the whole input or on the lens's crop; `lowOnly`: just the low path. */
  private async run(runner: CpuRunner, lens: LensRegions | null, withLow: boolean, lowOnly = false) {
    // the whole input in the model's layout is made only when the whole frame runs (with a lens,
    // 12 MB a 1024x1024 frame for nothing)
    const inp = lens
      ? { data: toNchw(this.input!.region(lens.crop)), w: lens.crop.width, h: lens.crop.height }
      : { data: (this.inputNchw ??= toNchw(this.input!.whole())), w: this.input!.width, h: this.input!.height };
    const full = lowOnly ? this.full! : await runner.runCpu('full', inp.data, inp.w, inp.h);
    const low = withLow && runner.hasLow ? await runner.runCpu('low', inp.data, inp.w, inp.h) : null;
    return { full, low };
  }

  present(): void {
    const s = this.outSize, t0 = this.targets, inp = this.input;
    if (!s || !t0 || !inp) return;
    const vp = t0.viewport;
    // the original: the browser scales the input image (magnified, its pixels kept sharp); or (the A/B
    // view) bicubic or another model's output, drawn like the upscaled pane
    const o = t0.original, g = paneContext(o);
    const leftSrc = this.leftSource();
    if (g && leftSrc && o.width > 0 && o.height > 0) drawView(g, o.width, o.height, vp, leftSrc, this.leftScratch, this.paneInput ?? undefined);
    else if (g) {
      g.fillStyle = '#121214';
      g.fillRect(0, 0, o.width, o.height);
      const t = viewTransform(vp, o.width, o.height, s.w, s.h);
      // image uv 0 sits at canvas u = -offset/scale; the whole image spans 1/scale of the canvas
      this.paneInput?.draw(g, (-t.offset[0] / t.scale[0]) * o.width, (-t.offset[1] / t.scale[1]) * o.height, o.width / t.scale[0], o.height / t.scale[1], 'pixelated');
    }
    // the upscaled pane: only its own pixels, from the model's output (or bicubic before it)
    const u = t0.upscaled, gu = paneContext(u);
    if (gu && u.width > 0 && u.height > 0) drawView(gu, u.width, u.height, vp, this.viewSource(), this.viewScratch, this.paneInput ?? undefined);
    // the lens, outlined in both panes
    const r = this.full && this.lens?.region;
    if (!r) return;
    for (const [c, cg] of [[o, g], [u, gu]] as const) {
      if (!cg) continue;
      const t = viewTransform(vp, c.width, c.height, s.w, s.h);
      const px = (ix: number) => ((ix / inp.width - t.offset[0]) / t.scale[0]) * c.width;
      const py = (iy: number) => ((iy / inp.height - t.offset[1]) / t.scale[1]) * c.height;
      cg.strokeStyle = LENS_COLOUR;
      cg.lineWidth = 2;
      cg.strokeRect(px(r.x), py(r.y), px(r.x + r.width) - px(r.x), py(r.y + r.height) - py(r.y));
    }
  }

  /** The left pane's picture (null: the original, by choice or until its first frame). */
  private leftSource(): ViewSource | null {
    const s = this.outSize!, inp = this.input!;
    if (!this.full || !this.leftOf || this.leftOf === 'original') return null;
    if (this.leftOf === 'bicubic') return { kind: 'bicubic', input: inp.whole() };
    if (!this.left) return null;
    const v = { full: this.left, low: null, view: 'full', gain: 1 } as const;
    if (this.lens) return { kind: 'lens', input: inp, ...this.lens, ...v };
    return { kind: 'tensor', width: s.w, height: s.h, ...v };
  }

  private viewSource(): ViewSource {
    const s = this.outSize!;
    if (!this.full) return { kind: 'bicubic', input: this.input!.whole() };
    const v = { full: this.full, low: this.low, view: this.low ? this.settings.view : 'full', gain: this.settings.gain } as const;
    if (this.lens) return { kind: 'lens', input: this.input!, ...this.lens, ...v };
    return { kind: 'tensor', width: s.w, height: s.h, ...v };
  }

  async snapshot(kind: SnapshotKind, timestamp: number, duration: number): Promise<VideoFrame> {
    const s = this.outSize;
    if (!s || !this.full) throw new Error('no frame to snapshot');
    const out = toRgba({ width: s.w, height: s.h, channels: 3, data: this.out8() });
    let w = s.w, data = out.rgba;
    if (kind === 'comparison') {
      const bic = toRgba({ ...bicubicUp4(this.input!.whole()), channels: 3 }).rgba;
      w = 2 * s.w;
      data = new Uint8Array(w * s.h * 4);
      for (let y = 0; y < s.h; y++) {
        data.set(bic.subarray(y * s.w * 4, (y + 1) * s.w * 4), y * w * 4);
        data.set(out.rgba.subarray(y * s.w * 4, (y + 1) * s.w * 4), (y * w + s.w) * 4);
      }
    }
    return new VideoFrame(data, { format: 'RGBA', codedWidth: w, codedHeight: s.h, timestamp: Math.round(timestamp * 1e6), duration: Math.round(duration * 1e6) });
  }

  debug(): ProcessorDebug {
    return {
      readTexture: async (which) => {
        if (!this.full) throw new Error('no frame yet');
        const s = this.outSize!, f = this.frame!;
        if (which === 'frame') return toRgba(f.whole());
        if (which === 'input') return toRgba(this.input!.whole());
        if (which === 'output') return toRgba({ width: s.w, height: s.h, channels: 3, data: this.out8() });
        if (which === 'left') {
          const l = this.left8();
          if (!l) throw new Error('the left pane shows the original');
          return toRgba({ width: s.w, height: s.h, channels: 3, data: l });
        }
        // the chosen view at full output size (a 1:1 viewport over the whole image)
        const v = renderView(s.w, s.h, { zoom: 1, cx: 0.5, cy: 0.5 }, this.viewSource());
        return toRgba({ width: s.w, height: s.h, channels: 4, data: v.data });
      },
      readTensor: async (which) => {
        const d = which === 'full' ? this.full : which === 'low' ? this.low : this.left, s = this.outSize, lens = this.lens;
        if (!d || !s) throw new Error(which === 'left' ? 'the left pane shows no model' : `no ${which} output for this frame`);
        return { width: lens ? 4 * lens.crop.width : s.w, height: lens ? 4 * lens.crop.height : s.h, data: d, lens };
      },
      settle: async () => {},
    };
  }

  /** Lets go of the current frame's outputs (a new runner, frame size or frame). */
  private releaseCurrent(): void {
    this.full = this.low = this.out8Cache = null;
    this.left = this.left8Cache = this.leftOf = null;
  }

  dispose(): void {
    this.releaseCurrent();
    this.runner = null;
    this.compare = 'original';
  }

  /** Frame -> RGB on the CPU (its planes, converted as they are read; or drawn in a canvas) ->
   *  (reference: 4x downscale) -> the model's input. The planes are copied before anything of the
   *  last frame is let go: until then that frame is still the one shown. */
  private async ingest(p: Picture, mode: PsnrMode): Promise<void> {
    if ('createView' in p) throw new Error('the CPU frame path takes decoded frames, not GPU textures');
    const matrix = 'colorSpace' in p ? convertible(p) : null;
    let raw: RawFrame | null = null;
    if (matrix) {
      // the planes' array is kept for the next frame (unless a second ingest is under way)
      const buffer = this.planesBuffer ?? undefined;
      this.planesBuffer = null;
      raw = await readPlanes(p as VideoFrame, matrix, buffer);
    }
    const { width: w, height: h } = pictureSize(p);
    this.frame?.detach();
    let shown: PaneInput | null = null;
    if ('rgba' in p) {
      this.frame = Pixels.of({ width: w, height: h, channels: 4, data: p.rgba });
    } else if (raw) {
      const img = this.yuv.load(raw);
      this.planesBuffer = new Uint8Array(raw.bytes.buffer);
      this.frame = Pixels.yuv(img);
      shown = this.yuvInput.set(img);
    } else {
      const drawn = this.canvasInput.draw(p, w, h);
      this.frame = Pixels.canvas(drawn.g, w, h);
      shown = drawn.shown;
    }
    this.input = mode === 'reference' ? Pixels.of({ ...downscale4(this.frame.whole()), channels: 3 }) : this.frame;
    this.inputNchw = null;
    this.full = null;
    this.low = null;
    this.lens = null;
    this.out8Cache = null;
    this.left = this.left8Cache = this.leftOf = null;
    if (shown && this.input === this.frame) this.paneInput = shown;
    else {
      // the input is not the frame (its 4x downscale), or pixels in memory
      const inp = this.input.whole();
      // (pixels of its own: RGB is converted into a new array, RGBA copied)
      const rgba = inp.channels === 4 ? new Uint8ClampedArray(inp.data) : new Uint8ClampedArray(toRgba(inp).rgba.buffer as ArrayBuffer);
      this.paneInput = this.canvasInput.put(rgba, inp.width, inp.height);
    }
  }

  /** The 8-bit output (clamped, rounded), made when something needs it (PSNR, read-backs, export);
   *  with a lens, bicubic around the model's region, as on screen. */
  private out8(): Uint8Array {
    const s = this.outSize!;
    if (this.out8Cache) return this.out8Cache;
    if (!this.lens) return (this.out8Cache = nchwTo8bit(this.full!, s.w, s.h));
    return (this.out8Cache = wholeRgb(s.w, s.h, this.viewSource()));
  }

  /** The left pane's 8-bit picture at output size (bicubic, or the other model's output: with a
   *  lens, bicubic around its region, as on screen); null where it shows the original. */
  private left8(): Uint8Array | null {
    const s = this.outSize!;
    if (this.left8Cache) return this.left8Cache;
    if (this.leftOf === 'bicubic') return (this.left8Cache = bicubicUp4(this.input!.whole()).data);
    if (!this.left) return null;
    if (!this.lens) return (this.left8Cache = nchwTo8bit(this.left, s.w, s.h));
    return (this.left8Cache = wholeRgb(s.w, s.h, this.leftSource()!));
  }

  /** PSNR of the frame, or with a lens of its region only (the overlay says so); and the left pane's. */
  private psnr(mode: PsnrMode): { model: number; bicubic: number; left: number } {
    const s = this.outSize!, r = this.lens?.region ?? null;
    const whole = (d: Uint8Array): Image => ({ width: s.w, height: s.h, channels: 3, data: d });
    // the pixels the PSNR is of: with a lens its region's (4 x region), else the whole output
    const model = r ? lensRegion8(this.full!, this.lens!) : whole(this.out8());
    let bicubic = NaN;
    if (mode === 'reference') {
      const c = this.lens?.crop;
      const bic: Image = { ...bicubicUp4(c ? this.input!.region(c) : this.input!.whole()), channels: 3 };
      bicubic = this.psnrAgainstFrame(r && c ? cropImage(bic, { x: 4 * (r.x - c.x), y: 4 * (r.y - c.y), width: 4 * r.width, height: 4 * r.height }) : bic, mode);
    }
    let left = NaN;
    if (r && this.left) left = this.psnrAgainstFrame(lensRegion8(this.left, this.lens!), mode);
    else {
      const l = this.left8();
      if (l) left = this.psnrAgainstFrame(r ? cropImage(whole(l), times4(r)) : whole(l), mode);
    }
    return { model: this.psnrAgainstFrame(model, mode), bicubic, left };
  }

  /** PSNR of output pixels (the lens's region x 4, or the whole output) against the frame under
   *  them: reference mode, the frame at output size; consistency, 4x down against the frame. */
  private psnrAgainstFrame(out: Image, mode: PsnrMode): number {
    const f = this.frame!, r = this.lens?.region;
    if (mode === 'reference') return psnrY(out, r ? f.region(times4(r)) : f.whole());
    return psnrY({ ...downscale4(out), channels: 3 }, r ? f.region(r) : f.whole());
  }
}
