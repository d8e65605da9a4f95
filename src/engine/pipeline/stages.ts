// The GPU stages of one frame, for one (frame size, PSNR mode, dtype), in the order they run; a new
// size or mode builds a new set (GpuFrameProcessor, gpu.ts, asks for the ones this frame needs).
// Every stage has one shape (passes/stage.ts); what each reads and writes is named where it is made:
//   upload     picture (VideoFrame, bitmap, texture, pixels) -> frame (RGBA8)
//   down       frame -> lr (w/4 x h/4)                                  reference mode only
//   pack       input (lr in reference mode, else frame) [the lens's crop] -> the model's input tensor,
//              one per precision asked for; probe: the input's centre -> a small tensor (the auto pick)
//   -- the model (gpu.ts: the runner): tensor -> full [, low] output tensors --
//   lensBase   input -> out8 (bicubic: what the lens's surroundings show)  with the lens
//   preview    input -> view8 (bicubic: before the model's first frame; around the lens's low/high view)
//   unpack     full -> out8; full + low -> view8 (the low / high view)
//   left       input (bicubic) | another model's output -> left8 (the A/B view's left pane)
//   psnr       reference: lr -> bic8 (bicubic), out8 | bic8 | left8 vs frame; consistency:
//              out8 | left8 downscaled 4x vs frame -> results (one f32 per slot) -> readback (16 bytes)
// The two canvases' present passes are the processor's (they outlive a frame size).
import { psnrFromSse } from '../metrics/filters';
import { destroyTexture, imageTexture } from '../gpu/resources';
import { GpuTimer } from '../gpu/timer';
import type { DType } from '../inference/types';
import type { LensRegions } from '../view/lens';
import type { PsnrMode, ViewMode } from '../params';
import { BicubicPass } from '../passes/bicubic';
import { DownscalePass } from '../passes/downscale';
import { PackPass, type Region } from '../passes/pack';
import { SsePass, SseReadback } from '../passes/psnr';
import type { GpuStage } from '../passes/stage';
import { UnpackPass, type UnpackRect } from '../passes/unpack';
import { UploadPass, type Picture } from '../passes/upload';
import type { FrameSizes, SnapshotKind } from './types';

/** Side of the probe crop: large enough to load a GPU, small enough to run in well under a second
 *  on a slow one. */
const PROBE_SIDE = 256;

/** The PSNR sums' slots: the model's (0), bicubic's in reference mode (1), the left pane's (2). */
const MODEL_SLOT = 0, BICUBIC_SLOT = 1, LEFT_SLOT = 2;

/** The 8-bit pictures: the uploaded frame, the model's input, the 4x output (full view), the low /
 *  high view (and the preview), the A/B view's left pane. */
export type Picture8 = 'frame' | 'input' | 'output' | 'view' | 'left';

/** What runs before the model: the lens (null: the whole frame), the precisions the input is packed
 *  in (the model's, and the A/B view's other model's), and the probe crop (for a runner that decides
 *  something first). */
export interface BeforeModel {
  lens: LensRegions | null;
  dtypes: readonly DType[];
  probe?: boolean;
}

/** What runs after the model: its output tensors (`low` when the view needs them) in their precision,
 *  the view and gain, the lens it ran on, the A/B view's left pane (bicubic, or another model's
 *  output), and whether the PSNR is measured. */
export interface AfterModel {
  full: GPUBuffer;
  low: GPUBuffer | null;
  dtype: DType;
  view: ViewMode;
  gain: number;
  lens: LensRegions | null;
  left: 'bicubic' | { buffer: GPUBuffer; dtype: DType } | null;
  psnr: boolean;
}

/** The PSNR (dB) of the model's output, of bicubic (reference mode; else NaN) and of the left pane
 *  (NaN: it shows the original). */
export interface PsnrValues {
  model: number;
  bicubic: number;
  left: number;
}

/** The A/B view's left pane (output size, made when first asked for): bicubic of the input, or
 *  another model's output (bicubic around it with the lens), and its PSNR in the model's mode. */
class LeftPane {
  readonly tex: GPUTexture;
  readonly base: BicubicPass;
  readonly unpack: UnpackPass;
  private readonly ds8: GPUTexture | null = null;
  readonly down: DownscalePass | null = null;
  readonly sse: SsePass;

  constructor(device: GPUDevice, input: GPUTexture, frame: GPUTexture, results: GPUBuffer, mode: PsnrMode, dtype: DType) {
    this.tex = imageTexture(device, 'left pane 8-bit', 4 * input.width, 4 * input.height);
    this.base = new BicubicPass(device, input, this.tex);
    this.unpack = new UnpackPass(device, this.tex, dtype);
    // the same comparison as the model's: at the frame's size (reference), or downscaled (consistency)
    if (mode === 'consistency') {
      this.ds8 = imageTexture(device, 'left pane downscaled', input.width, input.height);
      this.down = new DownscalePass(device, this.tex, this.ds8);
    }
    this.sse = new SsePass(device, this.ds8 ?? this.tex, frame, results, LEFT_SLOT);
  }

  dispose(): void {
    destroyTexture(this.tex);
    this.base.dispose();
    this.unpack.dispose();
    destroyTexture(this.ds8);
    this.down?.dispose();
    this.sse.dispose();
  }
}

export class FrameStages {
  readonly sizes: FrameSizes;
  /** null without timestamp-query: the model is then timed by waiting on the queue */
  readonly timer: GpuTimer | null;
  private readonly upload: UploadPass;
  private readonly lr: GPUTexture | null = null;
  private readonly down: DownscalePass | null = null;
  private readonly input: GPUTexture;
  /** the input tensor per precision (the platform's made at once, the other one when first asked for) */
  private readonly packs = new Map<DType, PackPass>();
  /** a central crop of the input, packed for a runner that decides something first (the auto pick
   *  times both engines on it, not on a whole large frame); null for small frames */
  private readonly probePack: PackPass | null;
  private readonly out8: GPUTexture;
  private readonly view8: GPUTexture;
  private readonly lensBase: BicubicPass;
  private readonly previewPass: BicubicPass;
  private readonly unpackFull: UnpackPass;
  private readonly unpackView: UnpackPass;
  /** reference mode: bicubic of lr (bic8) beside the model; consistency: out8 downscaled (ds8) */
  private readonly cmp8: GPUTexture;
  private readonly cmp: BicubicPass | DownscalePass;
  private readonly sse: SsePass[] = [];
  private readonly readback: SseReadback;
  private leftPane: LeftPane | null = null;
  /** the PSNR passes' pixel counts when the last sums were recorded (left: null, no left pane) */
  private counts: { model: number; bicubic: number; left: number | null } = { model: 0, bicubic: 0, left: null };

  constructor(private readonly device: GPUDevice, width: number, height: number, readonly mode: PsnrMode, readonly dtype: DType) {
    this.upload = new UploadPass(device, width, height);
    const frame = this.upload.output;
    if (mode === 'reference') {
      this.lr = imageTexture(device, 'LR (reference input)', Math.floor(width / 4), Math.floor(height / 4));
      this.down = new DownscalePass(device, frame, this.lr);
    }
    const input = (this.input = this.lr ?? frame);
    const iw = input.width, ih = input.height, ow = 4 * iw, oh = 4 * ih;
    this.sizes = { frame: { width, height }, input: { width: iw, height: ih }, output: { width: ow, height: oh } };
    this.packs.set(dtype, new PackPass(device, input, dtype));
    this.probePack = iw * ih > PROBE_SIDE * PROBE_SIDE
      ? new PackPass(device, input, dtype, { x: Math.max(0, (iw - PROBE_SIDE) >> 1), y: Math.max(0, (ih - PROBE_SIDE) >> 1), width: Math.min(iw, PROBE_SIDE), height: Math.min(ih, PROBE_SIDE) })
      : null;
    this.out8 = imageTexture(device, 'output 8-bit', ow, oh);
    this.view8 = imageTexture(device, 'view 8-bit', ow, oh);
    this.unpackFull = new UnpackPass(device, this.out8, dtype);
    this.unpackView = new UnpackPass(device, this.view8, dtype);
    this.readback = new SseReadback(device);
    this.previewPass = new BicubicPass(device, input, this.view8);
    this.lensBase = new BicubicPass(device, input, this.out8);
    this.timer = GpuTimer.create(device);
    if (this.lr) {
      this.cmp8 = imageTexture(device, 'bicubic 8-bit', ow, oh);
      this.cmp = new BicubicPass(device, this.lr, this.cmp8);
      this.sse.push(new SsePass(device, this.out8, frame, this.readback.results, MODEL_SLOT));
      this.sse.push(new SsePass(device, this.cmp8, frame, this.readback.results, BICUBIC_SLOT));
    } else {
      this.cmp8 = imageTexture(device, 'output downscaled', iw, ih);
      this.cmp = new DownscalePass(device, this.out8, this.cmp8);
      this.sse.push(new SsePass(device, this.cmp8, frame, this.readback.results, MODEL_SLOT));
    }
  }

  /** Whether these stages are the ones for a frame of this size, mode and dtype. */
  fits(width: number, height: number, mode: PsnrMode, dtype: DType): boolean {
    return this.sizes.frame.width === width && this.sizes.frame.height === height && this.mode === mode && this.dtype === dtype;
  }

  /** The picture the next upload takes (UploadPass.set: a promise while a frame's planes are copied). */
  take(p: Picture): void | Promise<void> {
    return this.upload.set(p);
  }

  /** The model's input tensor in `dtype`, as the last `before` packed it. */
  tensor(dtype: DType): GPUBuffer {
    return this.pack(dtype).output;
  }

  /** The probe crop's tensor (in the platform's precision) and its size; null for small frames. */
  get probe(): { tensor: GPUBuffer; region: Region } | null {
    return this.probePack && { tensor: this.probePack.output, region: this.probePack.region };
  }

  /** An 8-bit picture ('left': the A/B view's left pane, made when first asked for). */
  texture(which: Picture8): GPUTexture {
    return which === 'frame' ? this.upload.output : which === 'input' ? this.input : which === 'output' ? this.out8 : which === 'view' ? this.view8 : this.left.tex;
  }

  /** Before the model: the upload, [reference mode: the 4x downscale], then the input tensor for
   *  each precision asked for, of the whole input or of the lens's crop [, the probe crop]. */
  before(f: BeforeModel): GpuStage[] {
    const packs = [...new Set(f.dtypes)].map((d) => this.pack(d));
    for (const p of packs) p.set(f.lens?.crop ?? null);
    return [this.upload, this.down, ...packs, f.probe && this.probePack].filter((s) => !!s);
  }

  /** The preview (the upload, [the 4x downscale], bicubic of the input into view8): shown before the
   *  model's first frame, and the left half of a comparison export. */
  preview(): GpuStage[] {
    return [this.upload, this.down, this.previewPass].filter((s) => !!s);
  }

  /** After the model: the 8-bit full view (out8) and, with `low`, the low / high view (view8); the
   *  left pane; with `psnr`, the PSNR passes and the copy of their sums (read them with psnr() after
   *  submit). With a lens, every view is the bicubic upscale with a model's output in the lens's
   *  region, and the PSNR compares that region only. */
  after(o: AfterModel): GpuStage[] {
    const { lens, low } = o;
    let rect: UnpackRect | undefined;
    if (lens) {
      const { region: r, crop: c } = lens;
      rect = { tensor: [4 * c.width, 4 * c.height], size: [4 * r.width, 4 * r.height], src: [4 * (r.x - c.x), 4 * (r.y - c.y)], dst: [4 * r.x, 4 * r.y] };
    }
    this.unpackFull.set({ full: o.full, low: null, mode: 'full', gain: 1, rect, dtype: o.dtype });
    if (low) this.unpackView.set({ full: o.full, low, mode: o.view, gain: o.gain, rect, dtype: o.dtype });
    const L = o.left ? this.left : null;
    if (L && o.left !== 'bicubic') L.unpack.set({ full: o.left!.buffer, low: null, mode: 'full', gain: 1, rect, dtype: o.left!.dtype });
    const stages: (GpuStage | null | false)[] = [
      lens && this.lensBase,
      lens && low && this.previewPass,
      this.unpackFull,
      low && this.unpackView,
      L && (o.left === 'bicubic' || lens) && L.base,
      L && o.left !== 'bicubic' && L.unpack,
    ];
    if (o.psnr) {
      // reference mode compares at the frame's size (4x the region), consistency at the input's
      const r = lens?.region ?? null;
      const region = r && (this.mode === 'reference' ? { x: 4 * r.x, y: 4 * r.y, width: 4 * r.width, height: 4 * r.height } : r);
      const sse = L ? [...this.sse, L.sse] : this.sse;
      for (const s of sse) s.set(region);
      this.counts = { model: this.sse[0].count, bicubic: this.sse[1]?.count ?? 0, left: L ? L.sse.count : null };
      stages.push(this.cmp, ...this.sse, L && L.down, L && L.sse, this.readback);
    }
    return stages.filter((s) => !!s);
  }

  /** After the submit that holds after({ psnr: true }): its PSNR values, once the sums are mapped
   *  back (never, when the device is lost); null when no map buffer was free (the frame's PSNR is
   *  skipped). */
  psnr(): Promise<PsnrValues> | null {
    const { model, bicubic, left } = this.counts, mode = this.mode;
    return this.readback.read()?.then((sums) => ({
      model: psnrFromSse(sums[MODEL_SLOT], model),
      bicubic: mode === 'reference' ? psnrFromSse(sums[BICUBIC_SLOT], bicubic) : NaN,
      left: left !== null ? psnrFromSse(sums[LEFT_SLOT], left) : NaN,
    })) ?? null;
  }

  /** The export's picture into `dst`: the output, or (comparison) the preview | the output side by side. */
  snapshot(kind: SnapshotKind, dst: GPUTexture): GpuStage[] {
    const { width, height } = this.sizes.output;
    const copy = (src: GPUTexture, x: number): GpuStage => ({ encode: (enc) => enc.copyTextureToTexture({ texture: src }, { texture: dst, origin: [x, 0] }, [width, height]), dispose() {} });
    // comparison: bicubic of the input into view8 first (an export's processor shows no views)
    return kind === 'comparison' ? [...this.preview(), copy(this.view8, 0), copy(this.out8, width)] : [copy(this.out8, 0)];
  }

  dispose(): void {
    for (const p of this.packs.values()) p.dispose();
    this.leftPane?.dispose();
    this.upload.dispose();
    destroyTexture(this.lr);
    this.down?.dispose();
    this.probePack?.dispose();
    destroyTexture(this.out8);
    destroyTexture(this.view8);
    this.unpackFull.dispose();
    this.unpackView.dispose();
    this.readback.dispose();
    this.previewPass.dispose();
    this.lensBase.dispose();
    this.timer?.dispose();
    destroyTexture(this.cmp8);
    this.cmp.dispose();
    for (const s of this.sse) s.dispose();
  }

  private pack(dtype: DType): PackPass {
    let p = this.packs.get(dtype);
    if (!p) this.packs.set(dtype, (p = new PackPass(this.device, this.input, dtype)));
    return p;
  }

  private get left(): LeftPane {
    return (this.leftPane ??= new LeftPane(this.device, this.input, this.upload.output, this.readback.results, this.mode, this.dtype));
  }
}
