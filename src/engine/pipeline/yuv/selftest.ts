// The player's Y'CbCr conversion beside the browser's own, on a frame made from given planes (tests
// only: e2e/yuv.spec.ts). Loaded lazily by the debug hook.
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

/** RGBA of the frame: the browser's drawImage, ours 1:1 (null where we leave it to the browser), and
 *  the pane picture both ways: ours, and the browser's canvas scaling of its own conversion. */
export async function yuvSelfTest(c: YuvCase) {
  const frame = new VideoFrame(c.planes, { format: c.format, codedWidth: c.width, codedHeight: c.height, timestamp: 0, colorSpace: c.colorSpace });
  try {
    const canvas = new OffscreenCanvas(c.width, c.height), g = canvas.getContext('2d', { willReadFrequently: true })!;
    g.drawImage(frame, 0, 0);
    const browser = g.getImageData(0, 0, c.width, c.height).data;
    const matrix = convertible(frame);
    if (!matrix) return { browser, ours: null, paneOurs: null, paneBrowser: null };
    const img = new YuvKernel().load(await readPlanes(frame, matrix));
    const ours = img.region({ x: 0, y: 0, width: c.width, height: c.height }).data;
    const pane = (draw: (g: OffscreenCanvasRenderingContext2D) => void) => {
      const p = new OffscreenCanvas(c.pane.width, c.pane.height), pg = p.getContext('2d', { willReadFrequently: true })!;
      draw(pg);
      return pg.getImageData(0, 0, p.width, p.height).data;
    };
    const paneOurs = pane((pg) => new YuvPaneInput().set(img).draw(pg, 0, 0, c.pane.width, c.pane.height, 'pixelated'));
    const paneBrowser = pane((pg) => {
      pg.imageSmoothingQuality = 'medium';
      pg.drawImage(canvas, 0, 0, c.pane.width, c.pane.height);
    });
    return { browser, ours, paneOurs, paneBrowser };
  } finally {
    frame.close();
  }
}
