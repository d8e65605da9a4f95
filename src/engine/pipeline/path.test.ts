import { describe, expect, it } from 'vitest';
import type { CpuRunner, Runner } from '../inference/types';
import type { WasmRunner } from '../inference/wasm';
import type { WgslRunner } from '../inference/wgsl';
import type { RunnerSource } from '../models/models';
import type { CpuFrameProcessor } from './cpu';
import type { GpuFrameProcessor } from './gpu';
import type { AnyFramePath } from './index';
import { FramePath } from './path';
import type { Compare, DisplayTargets, FrameProcessor } from './types';

/** Never called: `tsc --noEmit -p .` checks that a runner of the other kind is a type error. */
export function mismatches(gpu: GpuFrameProcessor, cpu: CpuFrameProcessor, wgsl: WgslRunner, wasm: WasmRunner, path: AnyFramePath, source: RunnerSource<CpuRunner>) {
  // @ts-expect-error a GPU runner to the CPU processor
  cpu.setRunner(wgsl);
  // @ts-expect-error ... or to its left pane
  cpu.setCompare(wgsl);
  // @ts-expect-error a WASM runner to the WebGPU processor
  gpu.setRunner(wasm);
  // @ts-expect-error ... or to its left pane
  gpu.setCompare(wasm);
  // @ts-expect-error a processor of one kind is no processor of both
  const both: FrameProcessor<Runner | CpuRunner> = gpu;
  // @ts-expect-error the WebGPU processor with the CPU path's runners
  const paired = new FramePath<CpuRunner>(() => gpu, source, null!);
  // @ts-expect-error a path of either kind takes no runner of one kind
  path.setRunner(wasm);
  // @ts-expect-error inside `use` the path's kind is its own, not the GPU's
  path.use((p) => p.setRunner(wgsl));
  // what either kind takes
  path.setRunner(null);
  path.setCompare('bicubic');
  path.use((p) => p.runners.create(null!, () => undefined, false).then((r) => p.setCompare(r)));
  return [both, paired];
}

/** A processor that logs what it is handed. */
function fake(log: string[], name: string, targets: DisplayTargets | null): FrameProcessor<CpuRunner> {
  const label = (c: Compare<CpuRunner> | null) => (c === null ? 'null' : typeof c === 'object' ? (c as unknown as { id: string }).id : c);
  return {
    setRunner: (r: CpuRunner | null) => log.push(`${name} runner ${label(r)}`),
    setCompare: (c: Compare<CpuRunner>) => log.push(`${name} compare ${label(c)}`),
    dispose: () => log.push(`${name} disposed`),
    targets,
  } as unknown as FrameProcessor<CpuRunner>;
}

describe('FramePath', () => {
  const runner = (id: string) => ({ id, hasLow: false, engine: 'ort', runCpu: async () => new Float32Array(), dispose: async () => undefined }) as CpuRunner;
  const targets = {} as DisplayTargets;
  const make = (log: string[]) => {
    let n = 0;
    return new FramePath<CpuRunner>((t) => fake(log, `p${n++}`, t), {} as RunnerSource<CpuRunner>, targets);
  };

  it('hands its runners to its processor, and keeps them across a remade one', () => {
    const log: string[] = [];
    const path = make(log);
    path.setRunner(runner('a'));
    path.setCompare(runner('b'));
    expect(path.runner).toMatchObject({ id: 'a' });
    expect(path.compareRunner).toMatchObject({ id: 'b' });
    path.remake();
    expect(log).toEqual(['p0 runner a', 'p0 compare b', 'p0 disposed', 'p1 compare b', 'p1 runner a']);
    expect((path.processor as unknown as { targets: DisplayTargets }).targets).toBe(targets);
    path.setCompare('bicubic');
    expect(path.compareRunner).toBeNull();
  });

  it("makes the export's processor on the model, drawing nowhere", () => {
    const log: string[] = [];
    const path = make(log);
    path.setRunner(runner('a'));
    const p = path.detached();
    expect(p).not.toBe(path.processor);
    expect((p as unknown as { targets: DisplayTargets | null }).targets).toBeNull();
    expect(log).toEqual(['p0 runner a', 'p1 runner a']);
  });
});
