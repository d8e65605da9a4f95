// The WebGPU processor's read-backs for the tests (ProcessorDebug, types.ts): a stage's 8-bit picture
// or a model's output tensor of the current frame, read between frames, never by the player.
import { halfToFloat } from '../gpu/half';
import { readBuffer, readTexture } from '../gpu/resources';
import type { DType, RunOutput } from '../inference/types';
import type { LensRegions } from '../view/lens';
import type { FrameStages } from './stages';
import type { ProcessorDebug } from './types';

/** The current frame as the processor holds it (gpu.ts) and what its panes show. */
export interface ShownFrame {
  stages: FrameStages;
  full: RunOutput;
  low: RunOutput | null;
  dtype: DType;
  lens: LensRegions | null;
  left: RunOutput | null;
  leftDtype: DType;
  /** the upscaled pane's picture: the output, or the low / high view */
  view: 'output' | 'view';
  /** the left pane shows a 4x picture (bicubic, or another model's), not the original */
  leftShown: boolean;
}

export function gpuDebug(device: GPUDevice, shown: () => ShownFrame | null, inflight: () => Promise<void> | null): ProcessorDebug {
  const current = () => {
    const f = shown();
    if (!f) throw new Error('no frame yet');
    return f;
  };
  return {
    readTexture: async (which) => {
      const f = current();
      if (which === 'left' && !f.leftShown) throw new Error('the left pane shows the original');
      const tex = f.stages.texture(which === 'view' ? f.view : which);
      return { width: tex.width, height: tex.height, rgba: await readTexture(device, tex) };
    },
    readTensor: async (which) => {
      const f = current(), lens = f.lens;
      const out = which === 'full' ? f.full : which === 'low' ? f.low : f.left;
      if (!out) throw new Error(which === 'left' ? 'the left pane shows no model' : `no ${which} output for this frame`);
      const { width, height } = lens ? { width: 4 * lens.crop.width, height: 4 * lens.crop.height } : f.stages.sizes.output;
      const n = 3 * width * height, fp16 = (which === 'left' ? f.leftDtype : f.dtype) === 'fp16';
      const bytes = await readBuffer(device, out.buffer, n * (fp16 ? 2 : 4));
      return { width, height, data: fp16 ? halfToFloat(new Uint16Array(bytes)) : new Float32Array(bytes), lens };
    },
    settle: async () => {
      const p = inflight();
      if (p) await Promise.race([p, device.lost]);
    },
  };
}
