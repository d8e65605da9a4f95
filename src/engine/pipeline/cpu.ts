// The no-WebGPU path: the frame comes to the CPU, the model runs on ORT's WASM backend, and the
// filters/PSNR are the CPU reference implementations (filters.ts). Slow, but the same numbers.
import { bicubicUp4, downscale4, nchwTo8bit, psnrY, toNchw, type Image } from '../filters';
import { viewTransform, type Viewport } from '../passes/present';
import type { PsnrMode, ViewMode } from '../params';

type Rgba = { width: number; height: number; data: Uint8ClampedArray };

export class CpuPath {
  frame: Rgba | null = null;
  input: Image | null = null;
  inputNchw: Float32Array | null = null;
  full: Float32Array | null = null;
  low: Float32Array | null = null;
  private out8: Uint8Array | null = null;
  private readonly scratch = new OffscreenCanvas(1, 1);
  private readonly inputImg = new OffscreenCanvas(1, 1);
  private readonly viewImg = new OffscreenCanvas(1, 1);
  private view: Rgba | null = null;

  constructor(readonly original: HTMLCanvasElement, readonly upscaled: HTMLCanvasElement) {}

  get outSize(): { w: number; h: number } | null {
    return this.input ? { w: this.input.width * 4, h: this.input.height * 4 } : null;
  }

  /** Frame -> RGBA on the CPU -> (reference: 4x downscale) -> the NCHW model input. */
  ingest(frame: VideoFrame, mode: PsnrMode): { data: Float32Array; w: number; h: number } {
    const w = frame.displayWidth, h = frame.displayHeight;
    this.scratch.width = w;
    this.scratch.height = h;
    const g = this.scratch.getContext('2d', { willReadFrequently: true })!;
    g.drawImage(frame, 0, 0, w, h);
    this.frame = g.getImageData(0, 0, w, h);
    const f: Image = { width: w, height: h, channels: 4, data: this.frame.data };
    this.input = mode === 'reference' ? { ...downscale4(f), channels: 3 } : f;
    this.inputNchw = toNchw(this.input);
    this.full = null;
    this.low = null;
    this.out8 = null;
    return { data: this.inputNchw, w: this.input.width, h: this.input.height };
  }

  setOutput(full: Float32Array): void {
    this.full = full;
    const s = this.outSize!;
    this.out8 = nchwTo8bit(full, s.w, s.h);
  }

  psnr(mode: PsnrMode): { model: number; bicubic: number } {
    const s = this.outSize!, gt: Image = { width: this.frame!.width, height: this.frame!.height, channels: 4, data: this.frame!.data };
    const out: Image = { width: s.w, height: s.h, channels: 3, data: this.out8! };
    if (mode === 'reference') return { model: psnrY(out, gt), bicubic: psnrY({ ...bicubicUp4(this.input!), channels: 3 }, gt) };
    return { model: psnrY({ ...downscale4(out), channels: 3 }, gt), bicubic: NaN };
  }

  /** Builds the images that are drawn: the model input and the chosen view of the output. */
  render(view: ViewMode, gain: number): void {
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

  present(vp: Viewport): void {
    const s = this.outSize;
    if (!s) return;
    const draw = (c: HTMLCanvasElement, img: OffscreenCanvas, smooth: boolean) => {
      const g = c.getContext('2d');
      if (!g) return;
      g.fillStyle = '#121214';
      g.fillRect(0, 0, c.width, c.height);
      const t = viewTransform(vp, c.width, c.height, s.w, s.h);
      g.imageSmoothingEnabled = smooth;
      // image uv 0 sits at canvas u = -offset/scale; the whole image spans 1/scale of the canvas
      g.drawImage(img, (-t.offset[0] / t.scale[0]) * c.width, (-t.offset[1] / t.scale[1]) * c.height, c.width / t.scale[0], c.height / t.scale[1]);
    };
    draw(this.original, this.inputImg, false);
    draw(this.upscaled, this.viewImg, true);
  }

  /** RGBA bytes for the debug hook. */
  pixels(which: 'frame' | 'input' | 'output' | 'view'): { width: number; height: number; rgba: Uint8Array } {
    const toRgba = (img: Image) => {
      const n = img.width * img.height, out = new Uint8Array(n * 4);
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < 3; c++) out[i * 4 + c] = img.data[i * img.channels + c];
        out[i * 4 + 3] = 255;
      }
      return { width: img.width, height: img.height, rgba: out };
    };
    const s = this.outSize!;
    const f = this.frame!;
    if (which === 'frame') return toRgba({ width: f.width, height: f.height, channels: 4, data: f.data });
    if (which === 'input') return toRgba(this.input!);
    if (which === 'output') return toRgba({ width: s.w, height: s.h, channels: 3, data: this.out8! });
    return toRgba({ ...this.view!, channels: 4 });
  }
}
