// The WebGPU frame processor: one frame's whole path, in the order it runs.
//   VideoFrame -> upload (RGBA8 texture) [-> downscale 4x in reference mode] -> pack (NCHW tensor)
//   -> model (the runner: onnxruntime-web with IO binding, our WGSL engine, or the auto pick; its
//   output stays a GPUBuffer) -> unpack (RGBA8, full/low/high) -> present -> PSNR (sse + sum
//   passes, 16 bytes mapped back asynchronously). resources.ts holds the per-size GPU objects.
// The CPU does not wait for the GPU inside a frame: once a frame is submitted, process() returns
// as soon as the previous frame is done, so the next one is decoded and queued while this one runs.
import { psnrFromSse } from '../filters';
import { halfToFloat } from '../gpu/half';
import { readBuffer, readTexture } from '../gpu/resources';
import type { DType, RunOutput, Runner } from '../inference/types';
import { pictureSize } from '../passes/upload';
import type { PsnrMode } from '../params';
import { sameRect, type LensRegions } from '../lens';
import { PresentPass } from '../passes/present';
import { LEFT_SLOT, Resources } from './resources';
import type { Compare, DisplayTargets, FrameProcessor, InputFrame, FrameResult, FrameSettings, FrameSizes, PsnrResult, SnapshotKind } from './types';

interface Current {
  full: RunOutput;
  low: RunOutput | null;
  /** the precision of full and low (their runner's) */
  dtype: DType;
  frameIndex: number;
  timestamp: number;
  /** the lens the outputs were made for (null: the whole frame) */
  lens: LensRegions | null;
  /** the A/B view's other model's output (null: none) and its precision */
  left: RunOutput | null;
  leftDtype: DType;
  /** what the left pane was made for (null: nothing yet: it shows the original) */
  leftOf: Compare<Runner> | null;
}

export class GpuFrameProcessor implements FrameProcessor<Runner> {
  private res: Resources | null = null;
  private cur: Current | null = null;
  private view: FrameSettings['view'] = 'full';
  /** the previous frame's GPU work (see process) */
  private inflight: Promise<void> | null = null;
  private readonly presentOrig: PresentPass | null;
  private readonly presentUp: PresentPass | null;
  private snapCanvas: OffscreenCanvas | null = null;
  private snapCtx: GPUCanvasContext | null = null;
  private runner: Runner | null = null;
  /** what the left pane shows (the A/B view) */
  private compare: Compare<Runner> = 'original';
  /** the upscaled pane shows the bicubic preview (view8) until the model's first frame */
  private previewing = false;

  constructor(
    private readonly device: GPUDevice,
    /** the platform's precision (the shipped models'): the input is packed in it, and also in the
     *  other one for a model of that one (a user's model, the A/B view's other model) */
    readonly dtype: DType,
    private readonly targets: DisplayTargets | null,
  ) {
    this.presentOrig = targets ? new PresentPass(device, targets.original, 'nearest') : null;
    this.presentUp = targets ? new PresentPass(device, targets.upscaled, 'linear') : null;
  }

  /** The model to run from now on (null: none loaded); the current frame's outputs are let go. */
  setRunner(r: Runner | null): void {
    this.releaseCurrent();
    this.runner = r;
  }

  /** What the left pane shows from now on; a re-render makes it for the current frame. */
  setCompare(c: Compare<Runner>): void {
    this.compare = c;
    const cur = this.cur;
    if (!cur) return;
    cur.left?.release();
    cur.left = null;
    cur.leftOf = null;
  }

  get modelClock() {
    return this.res ? (this.res.timer ? ('gpu' as const) : ('queue' as const)) : null;
  }

  get sizes(): FrameSizes | null {
    const r = this.res;
    return r ? { frame: { width: r.width, height: r.height }, input: { width: r.input.width, height: r.input.height }, output: { width: r.out8.width, height: r.out8.height } } : null;
  }

  get hasFrame(): boolean {
    return this.cur !== null;
  }

  get showing(): boolean {
    return this.cur !== null || this.previewing;
  }

  /** The frame's original, and its bicubic upscale in the upscaled pane, at once (the model's
   *  frame may take seconds); does not close the frame. */
  async preview(f: InputFrame, s: FrameSettings): Promise<void> {
    const { width, height } = pictureSize(f.frame);
    const res = this.ensureResources(width, height, s.psnr);
    // the browser's upload is queued at once; ours (planes) first copies the frame out
    const up = res.upload.copy(f.frame);
    if (up) await up;
    this.releaseCurrent();
    this.previewing = true;
    const enc = this.device.createCommandEncoder({ label: 'preview' });
    res.encodePreview(enc);
    this.encodePresent(enc);
    this.device.queue.submit([enc.finish()]);
  }

  async process(f: InputFrame, meta: { frameIndex: number; timestamp: number }, s: FrameSettings): Promise<FrameResult> {
    const device = this.device, runner = this.runner;
    if (!runner) {
      f.close();
      throw new Error('no model loaded');
    }
    let res: Resources;
    try {
      const { width, height } = pictureSize(f.frame);
      res = this.ensureResources(width, height, s.psnr);
      const up = res.upload.copy(f.frame);
      if (up) await up;
    } finally {
      f.close();
    }
    const probe = runner.undecided === true && res.probe !== null && runner.dtype === res.dtype;
    // the A/B view's other model (null: the left pane shows the original or bicubic)
    const lens = s.lens ?? null, cmp = this.compare, other = typeof cmp === 'object' ? cmp : null;
    const enc = device.createCommandEncoder({ label: 'frame in' });
    res.encodeIn(enc, lens, probe, other ? [runner.dtype, other.dtype] : [runner.dtype]);
    if (probe) {
      device.queue.submit([enc.finish()]);
      await runner.probe!(res.probe!.output, res.probe!.region.width, res.probe!.region.height);
    }
    const enc2 = probe ? device.createCommandEncoder({ label: 'frame in (timer)' }) : enc;
    const span = res.timer?.begin(enc2) ?? null;
    device.queue.submit([enc2.finish()]);

    const tm = performance.now();
    const w = lens?.crop.width ?? res.input.width, h = lens?.crop.height ?? res.input.height;
    const input = res.packFor(runner.dtype).output;
    let full: RunOutput | null = null, low: RunOutput | null = null, left: RunOutput | null = null;
    let waited: number | null = null;
    try {
      full = await runner.run('full', input, w, h);
      if (s.view !== 'full' && runner.hasLow) low = await runner.run('low', input, w, h);
      // no timestamps: time the model by waiting for it (the CPU then idles while the GPU works)
      if (!span) await device.queue.onSubmittedWorkDone();
      waited = span ? null : performance.now() - tm;
      if (span) {
        // the model's time ends here: the A/B view's other model runs after it
        const e = device.createCommandEncoder({ label: 'model time end' });
        span.end(e);
        device.queue.submit([e.finish()]);
      }
      if (other) left = await other.run('full', res.packFor(other.dtype).output, w, h);
    } catch (e) {
      span?.cancel();
      full?.release();
      low?.release();
      throw e;
    }

    this.releaseCurrent();
    this.previewing = false;
    this.cur = { full, low, dtype: runner.dtype, frameIndex: meta.frameIndex, timestamp: meta.timestamp, lens, left, leftDtype: other?.dtype ?? this.dtype, leftOf: cmp };
    this.view = s.view;
    const psnr = this.renderOutputs(s, s.psnr !== null);
    const modelMs = span ? new Promise<number | null>((resolve) => span.read(resolve)) : Promise.resolve(waited);
    // This frame's work ends when the GPU is done with it; meanwhile the next frame may be decoded,
    // uploaded and queued: at most this frame and the next are on the GPU at once.
    const done = device.queue.onSubmittedWorkDone();
    const before = this.inflight;
    this.inflight = done;
    if (before) await Promise.race([before, device.lost]);
    return { psnrMode: s.psnr === null ? null : res.mode, modelMs, psnr, done };
  }

  async rerender(s: FrameSettings): Promise<PsnrResult | null> {
    const cur = this.cur, res = this.res, runner = this.runner;
    if (!cur || !res || !runner) return null;
    const lens = s.lens ?? null, cmp = this.compare, other = typeof cmp === 'object' ? cmp : null;
    const moved = !(lens === cur.lens || sameRect(lens?.region, cur.lens?.region));
    // the left pane changed (the A/B view's choice), or the lens moved: its picture is made again
    const leftStale = moved || cur.leftOf !== cmp;
    const w = lens?.crop.width ?? res.input.width, h = lens?.crop.height ?? res.input.height;
    if (moved || (leftStale && other)) {
      // the input is still on the GPU: pack it again (the lens's new crop; the other model's precision)
      const enc = this.device.createCommandEncoder({ label: moved ? 'lens moved' : 'left pane' });
      res.encodeIn(enc, lens, false, other ? [runner.dtype, other.dtype] : [runner.dtype]);
      this.device.queue.submit([enc.finish()]);
    }
    if (moved) {
      // the lens moved (zoom, pan, on, off) over a paused frame: the model runs again on the new crop
      const input = res.packFor(runner.dtype).output;
      const full = await runner.run('full', input, w, h);
      const low = s.view !== 'full' && runner.hasLow ? await runner.run('low', input, w, h) : null;
      cur.full.release();
      cur.low?.release();
      Object.assign(cur, { full, low, dtype: runner.dtype, lens });
    } else if (s.view !== 'full' && !cur.low && runner.hasLow) {
      cur.low = await runner.run('low', res.packFor(cur.dtype).output, w, h);
    }
    if (leftStale) {
      cur.left?.release();
      cur.left = null;
      cur.left = other ? await other.run('full', res.packFor(other.dtype).output, w, h) : null;
      cur.leftDtype = other?.dtype ?? this.dtype;
      cur.leftOf = cmp;
    }
    this.view = s.view;
    const psnr = this.renderOutputs(s, leftStale && s.psnr !== null);
    await this.device.queue.onSubmittedWorkDone();
    // a lost device never maps the sums back
    return leftStale ? await Promise.race([psnr, this.device.lost.then(() => null)]) : null;
  }

  present(): void {
    if (!this.targets) return;
    const enc = this.device.createCommandEncoder({ label: 'present' });
    this.encodePresent(enc);
    this.device.queue.submit([enc.finish()]);
  }

  async snapshot(kind: SnapshotKind, timestamp: number, duration: number): Promise<VideoFrame> {
    const res = this.res, cur = this.cur;
    if (!res || !cur) throw new Error('no frame to snapshot');
    const ow = res.out8.width, oh = res.out8.height;
    const cw = kind === 'comparison' ? 2 * ow : ow;
    if (!this.snapCanvas || this.snapCanvas.width !== cw || this.snapCanvas.height !== oh) {
      this.snapCtx?.unconfigure();
      this.snapCanvas = new OffscreenCanvas(cw, oh);
      this.snapCtx = this.snapCanvas.getContext('webgpu');
      if (!this.snapCtx) throw new Error('cannot get a WebGPU context for the export canvas');
      // rgba8unorm, like out8: the output is copied texel for texel, no filtering
      this.snapCtx.configure({ device: this.device, format: 'rgba8unorm', alphaMode: 'opaque', usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_DST });
    }
    const enc = this.device.createCommandEncoder({ label: 'snapshot' });
    const dst = this.snapCtx!.getCurrentTexture();
    if (kind === 'comparison') {
      res.encodePreview(enc); // bicubic of the input into view8 (an export's processor shows no views)
      enc.copyTextureToTexture({ texture: res.view8 }, { texture: dst }, [ow, oh]);
      enc.copyTextureToTexture({ texture: res.out8 }, { texture: dst, origin: [ow, 0] }, [ow, oh]);
    } else {
      enc.copyTextureToTexture({ texture: res.out8 }, { texture: dst }, [ow, oh]);
    }
    this.device.queue.submit([enc.finish()]);
    const bitmap = this.snapCanvas!.transferToImageBitmap();
    try {
      return new VideoFrame(bitmap, { timestamp: Math.round(timestamp * 1e6), duration: Math.round(duration * 1e6) });
    } finally {
      bitmap.close();
    }
  }

  async readTexture(which: 'frame' | 'input' | 'output' | 'view' | 'left') {
    const r = this.res;
    if (!r || !this.cur) throw new Error('no frame yet');
    if (which === 'left' && !this.leftTexture()) throw new Error('the left pane shows the original');
    const tex = which === 'frame' ? r.upload.output : which === 'input' ? r.input : which === 'output' ? r.out8 : which === 'left' ? this.leftTexture()! : this.displayTexture()!;
    return { width: tex.width, height: tex.height, rgba: await readTexture(this.device, tex) };
  }

  async readTensor(which: 'full' | 'low' | 'left') {
    const r = this.res, cur = this.cur;
    if (!r || !cur) throw new Error('no frame yet');
    const out = which === 'full' ? cur.full : which === 'low' ? cur.low : cur.left;
    if (!out) throw new Error(which === 'left' ? 'the left pane shows no model' : `no ${which} output for this frame`);
    const lens = cur.lens;
    const width = lens ? 4 * lens.crop.width : r.out8.width, height = lens ? 4 * lens.crop.height : r.out8.height;
    const n = 3 * width * height, fp16 = (which === 'left' ? cur.leftDtype : cur.dtype) === 'fp16';
    const bytes = await readBuffer(this.device, out.buffer, n * (fp16 ? 2 : 4));
    return { width, height, data: fp16 ? halfToFloat(new Uint16Array(bytes)) : new Float32Array(bytes), lens };
  }

  async settle(): Promise<void> {
    if (this.inflight) await Promise.race([this.inflight, this.device.lost]);
  }

  releaseCurrent(): void {
    this.cur?.full.release();
    this.cur?.low?.release();
    this.cur?.left?.release();
    this.cur = null;
  }

  dispose(): void {
    this.releaseCurrent();
    this.runner = null;
    this.compare = 'original';
    this.res?.dispose();
    this.res = null;
    this.inflight = null; // a lost device's queue may never report back
    this.presentOrig?.dispose();
    this.presentUp?.dispose();
    this.snapCtx?.unconfigure();
  }

  // ---------------------------------------------------------------- inside a frame

  /** GPU objects for this frame's size and PSNR mode (a still under 4 px has no reference mode). */
  private ensureResources(w: number, h: number, psnr: PsnrMode | null): Resources {
    const mode: PsnrMode = psnr === 'reference' && w >= 4 && h >= 4 ? 'reference' : 'consistency';
    const r = this.res;
    if (r && r.width === w && r.height === h && r.mode === mode && r.dtype === this.dtype) return r;
    this.releaseCurrent();
    this.previewing = false;
    r?.dispose();
    this.res = new Resources(this.device, w, h, mode, this.dtype);
    return this.res;
  }

  private displayTexture(): GPUTexture | null {
    const res = this.res, cur = this.cur;
    if (!res || (!cur && !this.previewing)) return null;
    return this.previewing || (this.view !== 'full' && cur?.low) ? res.view8 : res.out8;
  }

  /** The left pane's 4x picture for the current frame (bicubic, or the other model's), or null
   *  where it shows the original (by choice, or until its first frame). */
  private leftTexture(): GPUTexture | null {
    const of = this.cur?.leftOf;
    return this.res && of && of !== 'original' && (of === 'bicubic' || this.cur!.left) ? this.res.left.tex : null;
  }

  /** unpack -> present [-> PSNR]; the PSNR arrives when its 16 bytes are mapped back. */
  private renderOutputs(s: FrameSettings, withPsnr: boolean): Promise<PsnrResult | null> {
    const res = this.res!, cur = this.cur!;
    const enc = this.device.createCommandEncoder({ label: 'frame out' });
    const left = cur.leftOf === 'bicubic' ? ('bicubic' as const) : cur.left ? { buffer: cur.left.buffer, dtype: cur.leftDtype } : null;
    const outs = { full: cur.full.buffer, low: s.view !== 'full' ? (cur.low?.buffer ?? null) : null, dtype: cur.dtype };
    const after = res.encodeOut(enc, outs, s.view, s.gain, withPsnr, cur.lens, left);
    this.encodePresent(enc);
    this.device.queue.submit([enc.finish()]);
    if (!after) return Promise.resolve(null);
    const meta = { frameIndex: cur.frameIndex, timestamp: cur.timestamp, mode: res.mode, counts: res.sse.map((x) => x.count), left: left ? res.left.sse.count : 0 };
    return new Promise((resolve) =>
      after((sums) =>
        resolve({
          frameIndex: meta.frameIndex,
          timestamp: meta.timestamp,
          mode: meta.mode,
          model: psnrFromSse(sums[0], meta.counts[0]),
          bicubic: meta.mode === 'reference' ? psnrFromSse(sums[1], meta.counts[1]) : NaN,
          left: left ? psnrFromSse(sums[LEFT_SLOT], meta.left) : NaN,
        }),
      ),
    );
  }

  private encodePresent(enc: GPUCommandEncoder): void {
    const tex = this.displayTexture();
    if (!tex || !this.res || !this.targets) return;
    const r = this.cur?.lens?.region, W = this.res.input.width, H = this.res.input.height;
    const lens = r ? ([r.x / W, r.y / H, (r.x + r.width) / W, (r.y + r.height) / H] as const) : null;
    // the left pane: the input's pixels, or (A/B) another 4x picture filtered like the right pane's
    const left = this.leftTexture();
    this.presentOrig!.encode(enc, left ?? this.res.input, this.targets.viewport, lens, left ? 'linear' : undefined);
    this.presentUp!.encode(enc, tex, this.targets.viewport, lens);
  }
}
