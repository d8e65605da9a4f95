// The frame processor for a platform, chosen once: WebGPU where there is a device, the CPU where
// there is none. Everything after this talks to the FrameProcessor interface (types.ts).
import type { Platform } from '../backend';
import type { CpuRunner, Runner } from '../inference/types';
import { CpuFrameProcessor } from './cpu';
import { GpuFrameProcessor } from './gpu';
import type { DisplayTargets, FrameProcessor } from './types';

export type { DisplayTargets, FrameProcessor, FrameResult, FrameSettings, ModelClock, PsnrResult, SnapshotKind } from './types';

export function createFrameProcessor(p: Platform, runner: Runner | CpuRunner, targets: DisplayTargets | null): FrameProcessor {
  if (p.gpu) {
    if (!('run' in runner)) throw new Error('the WebGPU frame path needs a runner with GPU input and output');
    return new GpuFrameProcessor(p.gpu.device, runner, targets);
  }
  if (!('runCpu' in runner)) throw new Error('the CPU frame path needs the onnxruntime-web (WASM) runner');
  return new CpuFrameProcessor(runner, targets);
}
