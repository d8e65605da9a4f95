// The player's Y'CbCr conversion beside the browser's own, on a frame made from given planes (tests
// only: e2e/yuv.spec.ts). Loaded lazily by the debug hook.
//
// The browser's own is the one the WebGPU path gets (the frame uploaded by UploadPass, the GPU's
// conversion: chroma interpolated between samples centred on their 2x2 pixels), so both paths give
// the model the same input. A canvas rastered on the CPU converts differently (libyuv: each chroma
// sample repeated over its 2x2 pixels), which the kernel does not follow.
import { createGpu, type Gpu } from '../../gpu/device';
import { readTexture } from '../../gpu/resources';
import { forceFrameUpload, frameUpload, UploadPass, type FrameUpload } from '../../passes/upload';
import { convertible, readPlanes, YuvKernel } from './index';
import { YuvPaneInput } from './pane';

export interface YuvCase {
  format: 'I420' | 'NV12';
  width: number;
  height: number;
  planes: Uint8Array;
  colorSpace: VideoColorSpaceInit;
  /** the size a pane shows the frame at (minified) */
  pane: { width: number; height: number };
}

/** RGBA of the frame: the browser's (the WebGPU path's upload), the WebGPU path's planes upload (our
 *  shader), the CPU path's 1:1 (null where it leaves it to the browser), and the pane picture both
 *  ways: ours, and the browser's canvas scaling of the browser's conversion. */
export async function yuvSelfTest(c: YuvCase) {
  const frame = new VideoFrame(c.planes, { format: c.format, codedWidth: c.width, codedHeight: c.height, timestamp: 0, colorSpace: c.colorSpace });
  const { gpu, browserUpload } = await (device ??= selfTestDevice());
  try {
    forceFrameUpload(gpu.device, browserUpload);
    const upload = async () => {
      const up = new UploadPass(gpu.device, c.width, c.height);
      await up.copy(frame);
      const rgba = new Uint8ClampedArray(await readTexture(gpu.device, up.output));
      up.dispose();
      return rgba;
    };
    const browser = await upload();
    // the WebGPU path's own conversion, for browsers whose upload does not take a VideoFrame
    forceFrameUpload(gpu.device, 'planes');
    const planes = await upload();
    const matrix = convertible(frame);
    if (!matrix) return { browser, planes, ours: null, paneOurs: null, paneBrowser: null };
    const img = new YuvKernel().load(await readPlanes(frame, matrix));
    const ours = img.region({ x: 0, y: 0, width: c.width, height: c.height }).data;
    const pane = (draw: (g: OffscreenCanvasRenderingContext2D) => void) => {
      const p = new OffscreenCanvas(c.pane.width, c.pane.height), pg = p.getContext('2d', { willReadFrequently: true })!;
      draw(pg);
      return pg.getImageData(0, 0, p.width, p.height).data;
    };
    const paneOurs = pane((pg) => new YuvPaneInput().set(img).draw(pg, 0, 0, c.pane.width, c.pane.height, 'pixelated'));
    const whole = new OffscreenCanvas(c.width, c.height);
    whole.getContext('2d')!.putImageData(new ImageData(browser, c.width, c.height), 0, 0);
    const paneBrowser = pane((pg) => {
      pg.imageSmoothingQuality = 'medium';
      pg.drawImage(whole, 0, 0, c.pane.width, c.pane.height);
    });
    return { browser, planes, ours, paneOurs, paneBrowser };
  } finally {
    frame.close();
  }
}

/** One device for every case of the page: a new one makes the uploads' pipelines again (on
 *  SwiftShader a first case took 290 ms, the next ones 10 ms), and the tests make dozens of cases. */
let device: Promise<{ gpu: Gpu; browserUpload: FrameUpload }> | null = null;
async function selfTestDevice(): Promise<{ gpu: Gpu; browserUpload: FrameUpload }> {
  const gpu = await createGpu();
  return { gpu, browserUpload: frameUpload(gpu.device) };
}
