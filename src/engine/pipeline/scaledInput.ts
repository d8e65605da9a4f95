// The input as the CPU path's panes draw it: scaled by the browser's canvas (the original pane; the
// bicubic preview and a lens's surroundings). The panes are rastered on the CPU (cpu.ts paneContext),
// whose 'medium' and 'high' filters do not prefilter a minified image (a one-pixel checkerboard at
// 2.4x: 32.5 levels off grey). So the input is halved first, once a frame for both panes, while it
// is shown at half its size or less: the browser's bilinear at exactly 2x is a 2x2 box, and the last
// draw then minifies by under 2x (the checkerboard: 0.5 off grey).

export type Ctx2d = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** The input as a pane draws it: the canvas's own scaling (ScaledInput), or the frame's Y'CbCr
 *  planes converted where they are seen (yuv/pane.ts). */
export interface PaneInput {
  /** Draws the input into the rectangle (x, y, w, h) of a canvas. Magnified: its own pixels, sharp
   *  ('pixelated', the original pane), or smoothly ('smooth', the bicubic around a lens). */
  draw(g: Ctx2d, x: number, y: number, w: number, h: number, magnified: 'pixelated' | 'smooth'): void;
}

export class ScaledInput implements PaneInput {
  private src: CanvasImageSource | null = null;
  private width = 0;
  private height = 0;
  /** halves of the current input; the first `built` are of this frame */
  private readonly halves: OffscreenCanvas[] = [];
  private built = 0;

  /** A new input (a new frame): `src`, w x h. */
  set(src: CanvasImageSource, width: number, height: number): void {
    this.src = src;
    this.width = width;
    this.height = height;
    this.built = 0;
  }

  /** Draws the input into the rectangle (x, y, w, h) of a canvas. Minified: from the half at which
   *  it is shown at under 2x, with the browser's bilinear. Magnified: its own pixels, sharp
   *  ('pixelated', the original pane), or the browser's bicubic ('smooth'). */
  draw(g: Ctx2d, x: number, y: number, w: number, h: number, magnified: 'pixelated' | 'smooth'): void {
    if (!this.src) return;
    const minified = Math.abs(w) < this.width;
    g.imageSmoothingEnabled = minified || magnified === 'smooth';
    g.imageSmoothingQuality = minified ? 'medium' : 'high';
    g.drawImage(minified ? this.level(Math.abs(w)) : this.src, x, y, w, h);
  }

  /** The input, halved while it would still be shown at half its size or less. */
  private level(shownWidth: number): CanvasImageSource {
    let img = this.src!, w = this.width, h = this.height;
    for (let i = 0; w >= 2 * shownWidth && w >= 2 && h >= 2; i++) {
      w >>= 1;
      h >>= 1;
      if (i >= this.built) {
        const c = (this.halves[i] ??= new OffscreenCanvas(1, 1));
        if (c.width !== w || c.height !== h) {
          c.width = w;
          c.height = h;
        }
        const g = c.getContext('2d', { willReadFrequently: true })!;
        g.globalCompositeOperation = 'copy';
        g.imageSmoothingEnabled = true;
        g.imageSmoothingQuality = 'low';
        g.drawImage(img, 0, 0, w, h);
        this.built = i + 1;
      }
      img = this.halves[i];
    }
    return img;
  }
}

/** Pictures the browser converts and scales: a decoded frame drawn into a canvas (formats and colour
 *  spaces the Y'CbCr kernel leaves to the browser), or pixels already in memory (the input in
 *  reference mode, its 4x downscale). */
export class CanvasInput {
  private readonly scratch = new OffscreenCanvas(1, 1);
  private readonly pixels = new OffscreenCanvas(1, 1);
  private readonly scaled = new ScaledInput();

  /** The frame drawn (the browser's YUV -> RGB); its context, to read pixels back from, and the
   *  input for the panes. Valid until the next draw. */
  draw(p: CanvasImageSource, w: number, h: number): { g: OffscreenCanvasRenderingContext2D; shown: PaneInput } {
    // sized only when the size changes: resizing clears and reallocates the canvas (~2 ms at
    // 1024x1024); 'copy' replaces the last frame where this one has alpha
    if (this.scratch.width !== w || this.scratch.height !== h) {
      this.scratch.width = w;
      this.scratch.height = h;
    }
    const g = this.scratch.getContext('2d', { willReadFrequently: true })!;
    g.globalCompositeOperation = 'copy';
    g.drawImage(p, 0, 0, w, h);
    this.scaled.set(this.scratch, w, h);
    return { g, shown: this.scaled };
  }

  /** RGBA pixels as the input for the panes. */
  put(rgba: Uint8ClampedArray<ArrayBuffer>, w: number, h: number): PaneInput {
    // sized only when the size changes (setting it, even to the same size, reallocates the canvas)
    if (this.pixels.width !== w || this.pixels.height !== h) {
      this.pixels.width = w;
      this.pixels.height = h;
    }
    this.pixels.getContext('2d')!.putImageData(new ImageData(rgba, w, h), 0, 0);
    this.scaled.set(this.pixels, w, h);
    return this.scaled;
  }
}
