// One frame's path, behind one interface: decode -> upload -> pack -> model -> unpack -> present,
// with PSNR and the model's time beside it. Two implementations, chosen once by the host: WebGPU
// (gpu.ts: nothing but 32 bytes of sums and timestamps leaves the GPU) and CPU/WASM (cpu.ts). The
// live player, the exporter and the benchmarks drive the same processor. Each takes one kind of
// runner, its type parameter: the WebGPU one GPU runners, the CPU one WASM runners (path.ts keeps a
// processor with the runners it takes).
import type { AnyRunner, CpuRunner, Runner } from '../inference/types';
import type { LensRegions } from '../view/lens';
import type { Picture } from '../passes/upload';
import type { PsnrMode, ViewMode } from '../params';
import type { Viewport } from '../passes/present';

/** One decoded picture to process (a media Frame is one); close() releases it. */
export interface InputFrame {
  frame: Picture;
  close(): void;
}

/** What a frame is processed for: the output view, the high view's gain, the PSNR mode (null: no
 *  PSNR, e.g. when exporting). */
export interface FrameSettings {
  view: ViewMode;
  gain: number;
  psnr: PsnrMode | null;
  /** run the model on this region (plus its margin) only, bicubic around it (lens.ts); absent: the whole frame */
  lens?: LensRegions | null;
}

export interface PsnrResult {
  frameIndex: number;
  timestamp: number;
  mode: PsnrMode;
  model: number;
  bicubic: number;
  /** the left pane's, in the same mode: bicubic's or another model's (absent or NaN: the left
   *  pane shows the original) */
  left?: number;
}

/** What the left pane shows beside the model's output, at the same zoom and frame: the original
 *  (the model's input), its bicubic upscale, or another model's output (the A/B view; through
 *  the lens too when it is on). */
export type Compare<R extends AnyRunner> = 'original' | 'bicubic' | R;

/** How the model time was taken: GPU timestamps, waiting for the GPU queue (no timestamp-query),
 *  or the wall clock around the CPU (WASM). */
export type ModelClock = 'gpu' | 'queue' | 'cpu';

export interface FrameResult {
  /** the PSNR mode really used (reference falls back to consistency on frames under 4 px) */
  psnrMode: PsnrMode | null;
  /** the model's time for this frame, once known (null: its timestamps were lost) */
  modelMs: Promise<number | null>;
  /** the frame's PSNR, once its sums are read back (null: not asked for, or lost) */
  psnr: Promise<PsnrResult | null>;
  /** the frame's work is done (on the GPU: the queue has finished it); latency ends here */
  done: Promise<void>;
}

export interface FrameSizes {
  /** the decoded frame */
  frame: { width: number; height: number };
  /** the model's input (the frame, or the frame downscaled 4x in reference mode) */
  input: { width: number; height: number };
  output: { width: number; height: number };
}

/** What the export writes per frame: the 4x output, or bicubic | model side by side. */
export type SnapshotKind = 'output' | 'comparison';

/** One frame's path, taking runners of the kind R: a processor of one kind is no processor of the
 *  other, nor of both (R is invariant, and the two members that take runners are function-typed
 *  properties, not methods, so that a class's methods are checked against them strictly). */
export interface FrameProcessor<in out R extends AnyRunner> {
  readonly modelClock: ModelClock | null;
  /** sizes of the frame being shown; null before the first */
  readonly sizes: FrameSizes | null;
  /** a model frame is current (re-renders and read-backs need one) */
  readonly hasFrame: boolean;
  /** something is on screen: a model frame, or the preview before it */
  readonly showing: boolean;
  /** The model from now on (null: none loaded); the current outputs are let go. The processor
   *  lives as long as its device, runners come and go with the model. */
  readonly setRunner: (r: R | null) => void;
  /** What the left pane shows from the next frame (or re-render) on; the left output held is let go.
   *  A runner here runs on the same input as the model, after it (the model time is the model's). */
  readonly setCompare: (c: Compare<R>) => void;
  /** Shows the frame's original, and its bicubic upscale in the upscaled pane, at once, before
   *  the model's frame (seconds away on a slow device); does not close the frame. */
  preview(f: InputFrame, s: FrameSettings): void | Promise<void>;
  /** Takes one decoded frame (and closes it) through the model into the current output. Resolves
   *  when the next frame may be given: on the GPU, at most this frame and the previous one are in
   *  flight. */
  process(f: InputFrame, meta: { frameIndex: number; timestamp: number }, s: FrameSettings): Promise<FrameResult>;
  /** The current frame in another view / gain (runs the low model if needed), or with the lens
   *  moved (the model runs again on the new region: resolves with its PSNR, once known); else null. */
  rerender(s: FrameSettings): Promise<PsnrResult | null>;
  /** Draws the current frame again into the display targets (the viewport moved, a resize). */
  present(): void;
  /** The current output (or bicubic | output) as a VideoFrame, for an encoder. */
  snapshot(kind: SnapshotKind, timestamp: number, duration: number): Promise<VideoFrame>;
  /** Read-backs of the current frame, for the tests and the debug hook only (debugHook.ts). */
  debug(): ProcessorDebug;
  dispose(): void;
}

/** What the tests see of a processor (window.__sr, tests/f16): read-backs of the current frame,
 *  run between frames, never by the player. */
export interface ProcessorDebug {
  /** RGBA of a stage ('view': the upscaled pane's picture; 'left': the left pane's 4x picture,
   *  bicubic or another model's) */
  readTexture(which: 'frame' | 'input' | 'output' | 'view' | 'left'): Promise<{ width: number; height: number; rgba: Uint8Array }>;
  /** a raw model output tensor (float32; 'left': the left pane's model); with a lens: the model's
   *  output on its crop, and where the crop and region are */
  readTensor(which: 'full' | 'low' | 'left'): Promise<{ width: number; height: number; data: Float32Array; lens: LensRegions | null }>;
  /** Waits for the frames in flight. */
  settle(): Promise<void>;
}

/** A processor of either kind, for what only feeds it frames (the frame loop, the export): it can
 *  be handed runners only where its kind is known (path.ts). */
export type AnyFrameProcessor = FrameProcessor<Runner> | FrameProcessor<CpuRunner>;

/** Where a processor draws: the two panes (canvases on the page; textures in the benchmarks),
 *  through the shared zoom/pan (the live object the viewport controller moves). */
export interface DisplayTargets {
  original: HTMLCanvasElement | OffscreenCanvas;
  upscaled: HTMLCanvasElement | OffscreenCanvas;
  viewport: Viewport;
}
