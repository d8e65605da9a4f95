// The CPU frame processor (no WebGPU): the frame comes to the CPU, the model runs on ORT's WASM
// backend, and the filters/PSNR are the CPU reference implementations (filters.ts). Slow, but the
// same numbers as the GPU path. Same order as gpu.ts: ingest -> model -> PSNR -> render -> present.
import { bicubicUp4, downscale4, nchwTo8bit, psnrY, toNchw, type Image } from '../filters';
import type { CpuRunner } from '../inference/types';
import { viewTransform } from '../passes/present';
import { pictureSize, type Picture } from '../passes/upload';
import type { PsnrMode, ViewMode } from '../params';
import type { DisplayTargets, FrameProcessor, InputFrame, FrameResult, FrameSettings, FrameSizes, PsnrResult, SnapshotKind } from './types';

type Rgba = { width: number; height: number; data: Uint8ClampedArray };

export class CpuFrameProcessor implements FrameProcessor {
  readonly modelClock = 'cpu' as const;
  private frame: Rgba | null = null;
  private input: Image | null = null;
  private inputNchw: Float32Array | null = null;
  private full: Float32Array | null = null;
  private low: Float32Array | null = null;
  private out8: Uint8Array | null = null;
  private readonly scratch = new OffscreenCanvas(1, 1);
  private readonly inputImg = new OffscreenCanvas(1, 1);
  private readonly viewImg = new OffscreenCanvas(1, 1);
  private view: Rgba | null = null;

  constructor(
    private readonly runner: CpuRunner,
    private readonly targets: DisplayTargets | null,
  ) {}

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

  async process(f: InputFrame, meta: { frameIndex: number; timestamp: number }, s: FrameSettings): Promise<FrameResult> {
    let x: { data: Float32Array; w: number; h: number };
    try {
      x = this.ingest(f.frame, s.psnr === 'reference' ? 'reference' : 'consistency');
    } finally {
      f.close();
    }
    const tm = performance.now();
    this.setOutput(await this.runner.runCpu('full', x.data, x.w, x.h));
    if (s.view !== 'full' && this.runner.hasLow) this.low = await this.runner.runCpu('low', x.data, x.w, x.h);
    const modelMs = performance.now() - tm;
    const mode = s.psnr === null ? null : s.psnr === 'reference' && this.frame!.width >= 4 && this.frame!.height >= 4 ? 'reference' : 'consistency';
    const psnr: PsnrResult | null = mode ? { ...meta, mode, ...this.psnr(mode) } : null;
    this.render(s.view, s.gain);
    this.present();
    return { psnrMode: mode, modelMs: Promise.resolve(modelMs), psnr: Promise.resolve(psnr), done: Promise.resolve() };
  }

  async rerender(s: FrameSettings): Promise<void> {
    if (!this.full || !this.input) return;
    if (s.view !== 'full' && !this.low && this.runner.hasLow) this.low = await this.runner.runCpu('low', this.inputNchw!, this.input.width, this.input.height);
    this.render(s.view, s.gain);
    this.present();
  }

  async snapshot(kind: SnapshotKind, timestamp: number, duration: number): Promise<VideoFrame> {
    const s = this.outSize;
    if (!s || !this.out8) throw new Error('no frame to snapshot');
    const out = this.rgba({ width: s.w, height: s.h, channels: 3, data: this.out8 });
    let w = s.w, data = out.rgba;
    if (kind === 'comparison') {
      const bic = this.rgba({ ...bicubicUp4(this.input!), channels: 3 }).rgba;
      w = 2 * s.w;
      data = new Uint8Array(w * s.h * 4);
      for (let y = 0; y < s.h; y++) {
        data.set(bic.subarray(y * s.w * 4, (y + 1) * s.w * 4), y * w * 4);
        data.set(out.rgba.subarray(y * s.w * 4, (y + 1) * s.w * 4), (y * w + s.w) * 4);
      }
    }
    return new VideoFrame(data, { format: 'RGBA', codedWidth: w, codedHeight: s.h, timestamp: Math.round(timestamp * 1e6), duration: Math.round(duration * 1e6) });
  }

  async readTexture(which: 'frame' | 'input' | 'output' | 'view') {
    if (!this.full) throw new Error('no frame yet');
    return this.pixels(which);
  }

  async readTensor(which: 'full' | 'low') {
    const d = which === 'full' ? this.full : this.low, s = this.outSize;
    if (!d || !s) throw new Error(`no ${which} output for this frame`);
    return { width: s.w, height: s.h, data: d };
  }

  async settle(): Promise<void> {}

  releaseCurrent(): void {
    this.full = this.low = this.out8 = null;
  }

  dispose(): void {
    this.releaseCurrent();
  }

  /** Frame -> RGBA on the CPU -> (reference: 4x downscale) -> the NCHW model input. */
  private ingest(p: Picture, mode: PsnrMode): { data: Float32Array; w: number; h: number } {
    const { width: w, height: h } = pictureSize(p);
    if ('rgba' in p) {
      this.frame = { width: w, height: h, data: new Uint8ClampedArray(p.rgba.buffer, p.rgba.byteOffset, p.rgba.byteLength) };
    } else {
      if ('createView' in p) throw new Error('the CPU frame path takes decoded frames, not GPU textures');
      this.scratch.width = w;
      this.scratch.height = h;
      const g = this.scratch.getContext('2d', { willReadFrequently: true })!;
      g.drawImage(p, 0, 0, w, h);
      this.frame = g.getImageData(0, 0, w, h);
    }
    const f: Image = { width: w, height: h, channels: 4, data: this.frame.data };
    this.input = mode === 'reference' ? { ...downscale4(f), channels: 3 } : f;
    this.inputNchw = toNchw(this.input);
    this.full = null;
    this.low = null;
    this.out8 = null;
    return { data: this.inputNchw, w: this.input.width, h: this.input.height };
  }

  private setOutput(full: Float32Array): void {
    this.full = full;
    const s = this.outSize!;
    this.out8 = nchwTo8bit(full, s.w, s.h);
  }

  private psnr(mode: PsnrMode): { model: number; bicubic: number } {
    const s = this.outSize!, gt: Image = { width: this.frame!.width, height: this.frame!.height, channels: 4, data: this.frame!.data };
    const out: Image = { width: s.w, height: s.h, channels: 3, data: this.out8! };
    if (mode === 'reference') return { model: psnrY(out, gt), bicubic: psnrY({ ...bicubicUp4(this.input!), channels: 3 }, gt) };
    return { model: psnrY({ ...downscale4(out), channels: 3 }, gt), bicubic: NaN };
  }

  /** Builds the images that are drawn: the model input and the chosen view of the output. */
  private render(view: ViewMode, gain: number): void {
    const s = this.outSize!, inp = this.input!;
    const n = s.w * s.h, rgba = new Uint8ClampedArray(n * 4);
    const full = this.full!, low = this.low;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 3; c++) {
        const e = c * n + i;
        const v = view === 'full' || !low ? full[e] : view === 'low' ? low[e] : 0.5 + gain * (full[e] - low[e]);
        rgba[i * 4 + c] = Math.round(Math.min(1, Math.max(0, v)) * 255);
      }
      rgba[i * 4 + 3] = 255;
    }
    this.view = { width: s.w, height: s.h, data: rgba };
    this.viewImg.width = s.w;
    this.viewImg.height = s.h;
    this.viewImg.getContext('2d')!.putImageData(new ImageData(rgba, s.w, s.h), 0, 0);
    const m = inp.width * inp.height, irgba = new Uint8ClampedArray(m * 4);
    for (let i = 0; i < m; i++) {
      for (let c = 0; c < 3; c++) irgba[i * 4 + c] = inp.data[i * inp.channels + c];
      irgba[i * 4 + 3] = 255;
    }
    this.inputImg.width = inp.width;
    this.inputImg.height = inp.height;
    this.inputImg.getContext('2d')!.putImageData(new ImageData(irgba, inp.width, inp.height), 0, 0);
  }

  present(): void {
    const s = this.outSize, t0 = this.targets;
    if (!s || !t0 || !this.full) return;
    const vp = t0.viewport;
    const draw = (c: HTMLCanvasElement | OffscreenCanvas, img: OffscreenCanvas, smooth: boolean) => {
      const g = c.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
      if (!g) return;
      g.fillStyle = '#121214';
      g.fillRect(0, 0, c.width, c.height);
      const t = viewTransform(vp, c.width, c.height, s.w, s.h);
      g.imageSmoothingEnabled = smooth;
      // image uv 0 sits at canvas u = -offset/scale; the whole image spans 1/scale of the canvas
      g.drawImage(img, (-t.offset[0] / t.scale[0]) * c.width, (-t.offset[1] / t.scale[1]) * c.height, c.width / t.scale[0], c.height / t.scale[1]);
    };
    draw(t0.original, this.inputImg, false);
    draw(t0.upscaled, this.viewImg, true);
  }

  private rgba(img: Image): { width: number; height: number; rgba: Uint8Array } {
    const n = img.width * img.height, out = new Uint8Array(n * 4);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 3; c++) out[i * 4 + c] = img.data[i * img.channels + c];
      out[i * 4 + 3] = 255;
    }
    return { width: img.width, height: img.height, rgba: out };
  }

  /** RGBA bytes for the debug hook. */
  private pixels(which: 'frame' | 'input' | 'output' | 'view'): { width: number; height: number; rgba: Uint8Array } {
    const toRgba = (img: Image) => this.rgba(img);
    const s = this.outSize!;
    const f = this.frame!;
    if (which === 'frame') return toRgba({ width: f.width, height: f.height, channels: 4, data: f.data });
    if (which === 'input') return toRgba(this.input!);
    if (which === 'output') return toRgba({ width: s.w, height: s.h, channels: 3, data: this.out8! });
    return toRgba({ ...this.view!, channels: 4 });
  }
}
