// The frame processor for a platform, chosen once: WebGPU where there is a device, the CPU where
// there is none. Everything after this talks to the FrameProcessor interface (types.ts).
import type { Platform } from '../backend';
import { CpuFrameProcessor } from './cpu';
import { GpuFrameProcessor } from './gpu';
import type { DisplayTargets, FrameProcessor } from './types';

export type { Compare, DisplayTargets, FrameProcessor, FrameResult, FrameSettings, ModelClock, PsnrResult, SnapshotKind } from './types';

/** The WebGPU backend's frames stay on the GPU; the WASM backend's go through the CPU. */
export function createFrameProcessor(p: Platform, targets: DisplayTargets | null): FrameProcessor {
  if (p.backend === 'webgpu' && p.gpu) return new GpuFrameProcessor(p.gpu.device, p.dtype, targets);
  return new CpuFrameProcessor(targets);
}
