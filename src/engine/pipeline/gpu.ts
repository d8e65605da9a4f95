// The WebGPU frame processor: one frame's whole path, in the order it runs.
//   VideoFrame -> upload (RGBA8 texture) [-> downscale 4x in reference mode] -> pack (NCHW tensor)
//   -> model (the runner: onnxruntime-web with IO binding, our WGSL engine, or the auto pick; its
//   output stays a GPUBuffer) -> unpack (RGBA8, full/low/high) -> present -> PSNR (sse + sum
//   passes, 16 bytes mapped back asynchronously). stages.ts holds the stages of one frame size and
//   mode and hands out the ones a frame needs, in order; this file encodes them around the model.
// The CPU does not wait for the GPU inside a frame: once a frame is submitted, process() returns
// as soon as the previous frame is done, so the next one is decoded and queued while this one runs.
import type { DType, RunOutput, Runner } from '../inference/types';
import { pictureSize } from '../passes/upload';
import type { PsnrMode } from '../params';
import { sameRect, type LensRegions } from '../view/lens';
import { PresentPass } from '../passes/present';
import { encodeStages, type GpuStage } from '../passes/stage';
import { gpuDebug } from './gpuDebug';
import { FrameStages } from './stages';
import type { Compare, DisplayTargets, FrameProcessor, InputFrame, FrameResult, FrameSettings, FrameSizes, ProcessorDebug, PsnrResult, SnapshotKind } from './types';

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
  private stages: FrameStages | null = null;
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
    return this.stages ? (this.stages.timer ? ('gpu' as const) : ('queue' as const)) : null;
  }

  get sizes(): FrameSizes | null {
    return this.stages?.sizes ?? null;
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
    const st = this.ensureStages(width, height, s.psnr);
    // the browser's upload is queued at once; ours (planes) first copies the frame out
    const up = st.take(f.frame);
    if (up) await up;
    this.releaseCurrent();
    this.previewing = true;
    this.submit('preview', [...st.preview(), ...this.presentStages()]);
  }

  async process(f: InputFrame, meta: { frameIndex: number; timestamp: number }, s: FrameSettings): Promise<FrameResult> {
    const device = this.device, runner = this.runner;
    if (!runner) {
      f.close();
      throw new Error('no model loaded');
    }
    let st: FrameStages;
    try {
      const { width, height } = pictureSize(f.frame);
      st = this.ensureStages(width, height, s.psnr);
      const up = st.take(f.frame);
      if (up) await up;
    } finally {
      f.close();
    }
    const probe = runner.undecided === true && runner.dtype === st.dtype ? st.probe : null;
    // the A/B view's other model (null: the left pane shows the original or bicubic)
    const lens = s.lens ?? null, cmp = this.compare, other = typeof cmp === 'object' ? cmp : null;
    const enc = device.createCommandEncoder({ label: 'frame in' });
    encodeStages(enc, st.before({ lens, probe: !!probe, dtypes: other ? [runner.dtype, other.dtype] : [runner.dtype] }));
    if (probe) {
      device.queue.submit([enc.finish()]);
      await runner.probe!(probe.tensor, probe.region.width, probe.region.height);
    }
    const enc2 = probe ? device.createCommandEncoder({ label: 'frame in (timer)' }) : enc;
    const span = st.timer?.begin(enc2) ?? null;
    device.queue.submit([enc2.finish()]);

    const tm = performance.now();
    const { width: w, height: h } = lens?.crop ?? st.sizes.input;
    const input = st.tensor(runner.dtype);
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
      if (other) left = await other.run('full', st.tensor(other.dtype), w, h);
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
    return { psnrMode: s.psnr === null ? null : st.mode, modelMs, psnr, done };
  }

  async rerender(s: FrameSettings): Promise<PsnrResult | null> {
    const cur = this.cur, st = this.stages, runner = this.runner;
    if (!cur || !st || !runner) return null;
    const lens = s.lens ?? null, cmp = this.compare, other = typeof cmp === 'object' ? cmp : null;
    const moved = !(lens === cur.lens || sameRect(lens?.region, cur.lens?.region));
    // the left pane changed (the A/B view's choice), or the lens moved: its picture is made again
    const leftStale = moved || cur.leftOf !== cmp;
    const { width: w, height: h } = lens?.crop ?? st.sizes.input;
    if (moved || (leftStale && other)) {
      // the input is still on the GPU: pack it again (the lens's new crop; the other model's precision)
      this.submit(moved ? 'lens moved' : 'left pane', st.before({ lens, dtypes: other ? [runner.dtype, other.dtype] : [runner.dtype] }));
    }
    if (moved) {
      // the lens moved (zoom, pan, on, off) over a paused frame: the model runs again on the new crop
      const input = st.tensor(runner.dtype);
      const full = await runner.run('full', input, w, h);
      const low = s.view !== 'full' && runner.hasLow ? await runner.run('low', input, w, h) : null;
      cur.full.release();
      cur.low?.release();
      Object.assign(cur, { full, low, dtype: runner.dtype, lens });
    } else if (s.view !== 'full' && !cur.low && runner.hasLow) {
      cur.low = await runner.run('low', st.tensor(cur.dtype), w, h);
    }
    if (leftStale) {
      cur.left?.release();
      cur.left = null;
      cur.left = other ? await other.run('full', st.tensor(other.dtype), w, h) : null;
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
    if (this.targets) this.submit('present', this.presentStages());
  }

  async snapshot(kind: SnapshotKind, timestamp: number, duration: number): Promise<VideoFrame> {
    const st = this.stages, cur = this.cur;
    if (!st || !cur) throw new Error('no frame to snapshot');
    const { width: ow, height: oh } = st.sizes.output;
    const cw = kind === 'comparison' ? 2 * ow : ow;
    // rgba8unorm, like out8: the output is copied texel for texel, no filtering
    const configure = (ctx: GPUCanvasContext) => ctx.configure({ device: this.device, format: 'rgba8unorm', alphaMode: 'opaque', usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_DST });
    if (!this.snapCanvas || this.snapCanvas.width !== cw || this.snapCanvas.height !== oh) {
      this.snapCtx?.unconfigure();
      this.snapCanvas = new OffscreenCanvas(cw, oh);
      this.snapCtx = this.snapCanvas.getContext('webgpu');
      if (!this.snapCtx) throw new Error('cannot get a WebGPU context for the export canvas');
      configure(this.snapCtx);
    }
    let target: GPUTexture;
    try {
      target = this.snapCtx!.getCurrentTexture();
    } catch {
      // Firefox drops the context's configuration when the canvas is transferred to a bitmap
      configure(this.snapCtx!);
      target = this.snapCtx!.getCurrentTexture();
    }
    this.submit('snapshot', st.snapshot(kind, target));
    const bitmap = this.snapCanvas!.transferToImageBitmap();
    try {
      return new VideoFrame(bitmap, { timestamp: Math.round(timestamp * 1e6), duration: Math.round(duration * 1e6) });
    } finally {
      bitmap.close();
    }
  }

  debug(): ProcessorDebug {
    const shown = () => (this.stages && this.cur ? { ...this.cur, stages: this.stages, view: this.shown()!, leftShown: this.leftShown() } : null);
    return gpuDebug(this.device, shown, () => this.inflight);
  }

  /** Lets go of the current frame's outputs (a new runner, frame size or frame). */
  private releaseCurrent(): void {
    this.cur?.full.release();
    this.cur?.low?.release();
    this.cur?.left?.release();
    this.cur = null;
  }

  dispose(): void {
    this.releaseCurrent();
    this.runner = null;
    this.compare = 'original';
    this.stages?.dispose();
    this.stages = null;
    this.inflight = null; // a lost device's queue may never report back
    this.presentOrig?.dispose();
    this.presentUp?.dispose();
    this.snapCtx?.unconfigure();
  }

  // ---------------------------------------------------------------- inside a frame

  /** The stages for this frame's size and PSNR mode (a still under 4 px has no reference mode). */
  private ensureStages(w: number, h: number, psnr: PsnrMode | null): FrameStages {
    const mode: PsnrMode = psnr === 'reference' && w >= 4 && h >= 4 ? 'reference' : 'consistency';
    const st = this.stages;
    if (st?.fits(w, h, mode, this.dtype)) return st;
    this.releaseCurrent();
    this.previewing = false;
    st?.dispose();
    return (this.stages = new FrameStages(this.device, w, h, mode, this.dtype));
  }

  private submit(label: string, stages: readonly GpuStage[]): void {
    const enc = this.device.createCommandEncoder({ label });
    encodeStages(enc, stages);
    this.device.queue.submit([enc.finish()]);
  }

  /** What the upscaled pane shows: the output, or the view (the low / high view, or the preview);
   *  null: nothing yet. */
  private shown(): 'output' | 'view' | null {
    const cur = this.cur;
    if (!this.stages || (!cur && !this.previewing)) return null;
    return this.previewing || (this.view !== 'full' && cur?.low) ? 'view' : 'output';
  }

  /** Whether the left pane shows a 4x picture for the current frame (bicubic, or the other model's),
   *  not the original (by choice, or until its first frame). */
  private leftShown(): boolean {
    const of = this.cur?.leftOf;
    return !!this.stages && !!of && of !== 'original' && (of === 'bicubic' || !!this.cur!.left);
  }

  /** unpack -> present [-> PSNR]; the PSNR arrives when its 16 bytes are mapped back. */
  private renderOutputs(s: FrameSettings, withPsnr: boolean): Promise<PsnrResult | null> {
    const st = this.stages!, cur = this.cur!;
    const left = cur.leftOf === 'bicubic' ? ('bicubic' as const) : cur.left ? { buffer: cur.left.buffer, dtype: cur.leftDtype } : null;
    const low = s.view !== 'full' ? (cur.low?.buffer ?? null) : null;
    this.submit('frame out', [...st.after({ full: cur.full.buffer, low, dtype: cur.dtype, view: s.view, gain: s.gain, lens: cur.lens, left, psnr: withPsnr }), ...this.presentStages()]);
    const { frameIndex, timestamp } = cur, mode = st.mode;
    return (withPsnr && st.psnr()?.then((v) => ({ frameIndex, timestamp, mode, ...v }))) || Promise.resolve(null);
  }

  /** The two panes' present passes, set for what they show now (none before anything is shown). */
  private presentStages(): GpuStage[] {
    const shown = this.shown(), st = this.stages, t = this.targets;
    if (!shown || !st || !t) return [];
    const r = this.cur?.lens?.region, { width: W, height: H } = st.sizes.input;
    const lens = r ? ([r.x / W, r.y / H, (r.x + r.width) / W, (r.y + r.height) / H] as const) : null;
    // the left pane: the input's pixels, or (A/B) another 4x picture filtered like the right pane's
    const left = this.leftShown();
    this.presentOrig!.set({ texture: st.texture(left ? 'left' : 'input'), viewport: t.viewport, lens, filter: left ? 'linear' : undefined });
    this.presentUp!.set({ texture: st.texture(shown), viewport: t.viewport, lens });
    return [this.presentOrig!, this.presentUp!];
  }
}
