import code from './present.wgsl?raw';
import { renderPipeline } from '../../gpu/pipelines';
import { destroyBuffer, uniformBuffer } from '../../gpu/resources';
import type { GpuStageOf } from '../stage';

/** The shared view: zoom 1 fits the whole image; (cx, cy) is the image point at the canvas centre
 *  in normalised image coordinates. */
export interface Viewport {
  zoom: number;
  cx: number;
  cy: number;
}

/** Canvas uv -> image uv for an image of aspect `ia` in a canvas of aspect `ca` (width / height). */
export function viewTransform(v: Viewport, canvasW: number, canvasH: number, imageW: number, imageH: number) {
  const ca = canvasW / canvasH, ia = imageW / imageH;
  // extent of the canvas in image uv at zoom 1: fit (letterbox)
  let ex = 1, ey = 1;
  if (ca > ia) ex = ca / ia;
  else ey = ia / ca;
  ex /= v.zoom;
  ey /= v.zoom;
  return { scale: [ex, ey] as const, offset: [v.cx - ex / 2, v.cy - ey / 2] as const };
}

/** Most taps per axis when minified: 64 per pixel; beyond 8 texels per pixel (zoomed far out)
 *  the taps sit more than a texel apart and some aliasing returns, a cost bound over exactness. */
export const MAX_TAPS = 8;

/** The minification filter for one draw: `scale` (image uv per canvas uv, from viewTransform) over
 *  a canvas of canvasW x canvasH pixels showing a texW x texH texture. taps = texels per canvas
 *  pixel rounded up (1 = magnified or 1:1, a single tap as before); step = image uv between taps,
 *  so the taps split the pixel's footprint into equal cells and sit at their centres. */
export function footprintTaps(scale: readonly [number, number], canvasW: number, canvasH: number, texW: number, texH: number) {
  // a hair of tolerance so that 1:1 or an exact 4x, computed in floating point, is not one tap more
  const n = (texelsPerPixel: number) => Math.min(MAX_TAPS, Math.max(1, Math.ceil(texelsPerPixel - 1e-4)));
  const nx = n((scale[0] * texW) / canvasW), ny = n((scale[1] * texH) / canvasH);
  return { taps: [nx, ny] as const, step: [scale[0] / canvasW / nx, scale[1] / canvasH / ny] as const };
}

const PARAMS_BYTES = 80;

/** What one canvas shows: `texture` through the viewport; `lens`: a region to outline, in image uv
 *  (x0, y0, x1, y1); `filter`: other than the canvas's own (the left pane shows the input's pixels,
 *  or, in the A/B view, another 4x output filtered like the right pane's). */
export interface PresentParams {
  texture: GPUTexture;
  viewport: Viewport;
  lens?: readonly [number, number, number, number] | null;
  filter?: GPUFilterMode;
}

/** One canvas: configures its context on the device and draws a texture through the viewport. */
export class PresentPass implements GpuStageOf<PresentParams> {
  private readonly ctx: GPUCanvasContext;
  private readonly format: GPUTextureFormat;
  private readonly pipeline: GPURenderPipeline;
  private readonly params: GPUBuffer;
  private readonly sampler: GPUSampler;
  private readonly linear: GPUSampler;
  private readonly nearest: GPUSampler;
  private bg: GPUBindGroup | null = null;
  private bgTex: GPUTexture | null = null;
  private bgSampler: GPUSampler | null = null;
  private shown: PresentParams | null = null;

  constructor(private readonly device: GPUDevice, readonly canvas: HTMLCanvasElement | OffscreenCanvas, filter: GPUFilterMode) {
    const ctx = canvas.getContext('webgpu');
    if (!ctx) throw new Error('cannot get a WebGPU context for the canvas');
    this.ctx = ctx;
    this.format = navigator.gpu.getPreferredCanvasFormat();
    ctx.configure({ device, format: this.format, alphaMode: 'opaque' });
    this.pipeline = renderPipeline(device, 'present', code, this.format);
    // scale (2 f32) + offset (2 f32) + bg (4 f32) + step (2 f32) + taps (2 u32) + lens (4 f32)
    // + px (2 f32) + lensOn (u32) + padding = 80 bytes
    this.params = uniformBuffer(device, 'present params', new ArrayBuffer(PARAMS_BYTES));
    this.sampler = device.createSampler({ label: 'present', magFilter: filter, minFilter: filter });
    this.linear = device.createSampler({ label: 'present taps', magFilter: 'linear', minFilter: 'linear' });
    this.nearest = device.createSampler({ label: 'present nearest', magFilter: 'nearest', minFilter: 'nearest' });
  }

  /** What the next encode draws (the viewport is read then: it is the live object the viewport
   *  controller moves). */
  set(p: PresentParams): void {
    this.shown = p;
  }

  encode(enc: GPUCommandEncoder): void {
    if (!this.shown) return;
    const { texture: tex, viewport: view, lens = null, filter } = this.shown;
    const { width, height } = this.canvas;
    if (width === 0 || height === 0) return;
    const t = viewTransform(view, width, height, tex.width, tex.height);
    const f = footprintTaps(t.scale, width, height, tex.width, tex.height);
    const p = new ArrayBuffer(PARAMS_BYTES);
    new Float32Array(p, 0, 10).set([...t.scale, ...t.offset, 0.07, 0.07, 0.08, 1, ...f.step]);
    new Uint32Array(p, 40, 2).set(f.taps);
    new Float32Array(p, 48, 6).set([...(lens ?? [0, 0, 0, 0]), t.scale[0] / width, t.scale[1] / height]);
    new Uint32Array(p, 72, 1)[0] = lens ? 1 : 0;
    this.device.queue.writeBuffer(this.params, 0, p);
    const sampler = filter === 'linear' ? this.linear : filter === 'nearest' ? this.nearest : this.sampler;
    if (this.bgTex !== tex || this.bgSampler !== sampler) {
      this.bgTex = tex;
      this.bgSampler = sampler;
      this.bg = this.device.createBindGroup({
        label: 'present',
        layout: this.pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: this.params } },
          { binding: 1, resource: tex.createView() },
          { binding: 2, resource: sampler },
          { binding: 3, resource: this.linear },
        ],
      });
    }
    const pass = enc.beginRenderPass({
      label: 'present',
      colorAttachments: [{ view: this.ctx.getCurrentTexture().createView(), loadOp: 'clear', storeOp: 'store', clearValue: { r: 0, g: 0, b: 0, a: 1 } }],
    });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bg!);
    pass.draw(3);
    pass.end();
  }

  dispose(): void {
    destroyBuffer(this.params);
    this.ctx.unconfigure();
  }
}
