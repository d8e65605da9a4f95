import code from './present.wgsl?raw';
import { renderPipeline } from '../../gpu/pipelines';
import { destroyBuffer, uniformBuffer } from '../../gpu/resources';

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

/** One canvas: configures its context on the device and draws a texture through the viewport. */
export class PresentPass {
  private readonly ctx: GPUCanvasContext;
  private readonly format: GPUTextureFormat;
  private readonly pipeline: GPURenderPipeline;
  private readonly params: GPUBuffer;
  private readonly sampler: GPUSampler;
  private bg: GPUBindGroup | null = null;
  private bgTex: GPUTexture | null = null;

  constructor(private readonly device: GPUDevice, readonly canvas: HTMLCanvasElement, filter: GPUFilterMode) {
    const ctx = canvas.getContext('webgpu');
    if (!ctx) throw new Error('cannot get a WebGPU context for the canvas');
    this.ctx = ctx;
    this.format = navigator.gpu.getPreferredCanvasFormat();
    ctx.configure({ device, format: this.format, alphaMode: 'opaque' });
    this.pipeline = renderPipeline(device, 'present', code, this.format);
    // scale (2 f32) + offset (2 f32) + bg (4 f32) = 32 bytes
    this.params = uniformBuffer(device, 'present params', new ArrayBuffer(32));
    this.sampler = device.createSampler({ label: 'present', magFilter: filter, minFilter: filter });
  }

  encode(enc: GPUCommandEncoder, tex: GPUTexture, view: Viewport): void {
    const { width, height } = this.canvas;
    if (width === 0 || height === 0) return;
    const t = viewTransform(view, width, height, tex.width, tex.height);
    this.device.queue.writeBuffer(this.params, 0, new Float32Array([...t.scale, ...t.offset, 0.07, 0.07, 0.08, 1]));
    if (this.bgTex !== tex) {
      this.bgTex = tex;
      this.bg = this.device.createBindGroup({
        label: 'present',
        layout: this.pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: this.params } },
          { binding: 1, resource: tex.createView() },
          { binding: 2, resource: this.sampler },
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
