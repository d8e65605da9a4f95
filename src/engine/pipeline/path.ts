// A frame processor with the runners it takes (the model's, and the left pane's in the A/B view), of
// one kind, chosen together once per platform (index.ts createFramePath): the WebGPU processor with
// GPU runners (onnxruntime-web, our WGSL engine, the auto pick), the CPU processor with WASM runners.
// Runners reach the processor only through its path, typed by their kind. Where the kind is not
// known (the engine holds either path), `use` opens the path with its kind as one type: a runner made
// there (from the path's own source) is of that kind, one of the other kind does not type-check.
import type { AnyRunner } from '../inference/types';
import type { RunnerSource } from '../models/models';
import type { Compare, DisplayTargets, FrameProcessor } from './types';

export class FramePath<in out R extends AnyRunner> {
  private proc: FrameProcessor<R>;
  private model: R | null = null;
  private left: Compare<R> = 'original';

  constructor(
    /** a processor of this path (targets null: one that draws nowhere) */
    private readonly make: (targets: DisplayTargets | null) => FrameProcessor<R>,
    readonly runners: RunnerSource<R>,
    private readonly targets: DisplayTargets,
  ) {
    this.proc = make(targets);
  }

  get processor(): FrameProcessor<R> {
    return this.proc;
  }

  /** the right pane's model (null while none is loaded) */
  get runner(): R | null {
    return this.model;
  }

  /** the left pane's model (null: it shows the original or bicubic) */
  get compareRunner(): R | null {
    return typeof this.left === 'object' ? this.left : null;
  }

  /** `fn` on this path, its runners' type in hand whichever kind it is. */
  use<T>(fn: <K extends AnyRunner>(path: FramePath<K>) => T): T {
    return fn(this);
  }

  /** The model from now on (the processor lets go of the outputs it holds). */
  setRunner(r: R | null): void {
    this.proc.setRunner(r);
    this.model = r;
  }

  /** What the left pane shows from now on. */
  setCompare(c: Compare<R>): void {
    this.left = c;
    this.proc.setCompare(c);
  }

  /** A new processor for the platform as it now is (the FP32 fallback), with the same runners. */
  remake(): void {
    this.proc.dispose();
    this.proc = this.make(this.targets);
    this.proc.setCompare(this.left);
    this.proc.setRunner(this.model);
  }

  /** A processor of its own on the model's runner (or on `runner`, one from this path's source),
   *  drawing nowhere (the export's); the caller disposes it, and a runner it passed. */
  detached(runner: R | null = this.model): FrameProcessor<R> {
    const p = this.make(null);
    p.setRunner(runner);
    return p;
  }

  dispose(): void {
    this.proc.dispose();
  }
}
