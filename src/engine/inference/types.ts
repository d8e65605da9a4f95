// The types every inference engine shares (onnxruntime-web, our WGSL engine, the auto pick), each
// defined once: the frame pipeline talks to all of them through `Runner`.

/** Precision of the model's tensors on the GPU (fp16 needs `shader-f16`). */
export type DType = 'fp16' | 'fp32';
/** The whole model, or its low-frequency part (the linear skip path alone). */
export type Which = 'full' | 'low';
/** Where the model runs: WebGPU (ORT's EP or our engine) or onnxruntime-web's CPU (WASM) backend. */
export type Backend = 'webgpu' | 'wasm';
/** The engines that can run frames on WebGPU. */
export type EngineName = 'ort' | 'wgsl';
/** `?engine=`: an engine forced, or 'auto' (both load and the first frame picks the faster). */
export type EngineChoice = EngineName | 'auto';

/** A model output living in a GPU buffer (NCHW [1,3,4h,4w], dtype of the runner), valid until release(). */
export interface RunOutput {
  buffer: GPUBuffer;
  release(): void;
}

/** Bytes of a model file, by its name in models/ (the host decides where they come from). */
export type ModelBytes = (file: string) => Promise<Uint8Array>;

/** A model the user dropped (or gave by URL) is the file `user:<its name>` among the model files;
 *  messages name it as the user did, the manifest's files by their place in models/. */
export const USER_FILE = 'user:';
/** the file as the user named it, or its path in models/ */
export const fileName = (file: string): string => (file.startsWith(USER_FILE) ? file.slice(USER_FILE.length) : `models/${file}`);
/** the same, as a message says it ("x.onnx" in quotes, models/… bare) */
export const fileLabel = (file: string): string => (file.startsWith(USER_FILE) ? `"${fileName(file)}"` : fileName(file));

/** What the checks of a user's model found (check.ts, and the probe run in index.ts). */
export interface ModelSummary {
  input: string;
  output: string;
  dtype: DType;
  /** the probe: an 8x8 input's output size */
  probe: [number, number];
}

/** A model on the GPU: the packed input tensor (GPUBuffer, NCHW [1,3,h,w]) in, the output on the GPU. */
export interface Runner {
  readonly dtype: DType;
  readonly hasLow: boolean;
  /** the engine running frames now (auto: onnxruntime-web until its first frame decides) */
  readonly engine: EngineName;
  run(which: Which, input: GPUBuffer, w: number, h: number): Promise<RunOutput>;
  /** Something to decide before the first frame (the auto pick), on this small input instead of
   *  the whole frame; resolved at once when nothing is left to decide. */
  probe?(input: GPUBuffer, w: number, h: number): Promise<void>;
  /** whether probe() still has something to decide */
  readonly undecided?: boolean;
  dispose(): Promise<void>;
}

/** A model on the CPU (the no-WebGPU path): NCHW float32 [1,3,h,w] in, [1,3,4h,4w] out (an FP16
 *  model's tensors are converted on the way). */
export interface CpuRunner {
  readonly hasLow: boolean;
  /** onnxruntime-web (its WASM backend) runs every model on the CPU */
  readonly engine: 'ort';
  runCpu(which: Which, data: Float32Array, w: number, h: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/** Either kind: each frame processor takes one of them (pipeline/types.ts FrameProcessor<R>). */
export type AnyRunner = Runner | CpuRunner;
