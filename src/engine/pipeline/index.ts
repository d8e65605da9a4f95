// The frame path for a platform, chosen once: the WebGPU processor and GPU runners where there is a
// device, the CPU processor and WASM runners where there is none. Everything after this talks to
// the FrameProcessor interface (types.ts), and hands it runners through the path (path.ts).
import type { Platform } from '../backend';
import type { CpuRunner, Runner } from '../inference/types';
import type { ModelChoice } from '../models/models';
import { CpuFrameProcessor } from './cpu';
import { GpuFrameProcessor } from './gpu';
import { FramePath } from './path';
import type { DisplayTargets } from './types';

export type { AnyFrameProcessor, Compare, DisplayTargets, FrameProcessor, FrameResult, FrameSettings, ModelClock, PsnrResult, SnapshotKind } from './types';
export type { FramePath } from './path';

/** A path of either kind (what the engine holds). */
export type AnyFramePath = FramePath<Runner> | FramePath<CpuRunner>;

/** The WebGPU backend's frames stay on the GPU; the WASM backend's go through the CPU. */
export function createFramePath(p: Platform, models: ModelChoice, targets: DisplayTargets): AnyFramePath {
  if (p.backend === 'webgpu' && p.gpu) {
    const device = p.gpu.device;
    // the platform's precision when the processor is made (remade after the FP32 fallback)
    return new FramePath<Runner>((t) => new GpuFrameProcessor(device, p.dtype, t), models.gpuRunners(p, device), targets);
  }
  return new FramePath<CpuRunner>((t) => new CpuFrameProcessor(t), models.cpuRunners(), targets);
}
