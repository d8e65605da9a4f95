// The WGSL engine: this one network as hand-written WebGPU compute, for GPUs where it beats
// onnxruntime-web's general kernels (inference/auto.ts times both on the first frame), behind the
// same run() contract as ModelRunner (src/engine/inference/index.ts), so the pack, present and
// PSNR passes work unchanged:
//   input  GPUBuffer NCHW [1,3,h,w] (fp32, or fp16 halves when dtype is fp16), as PackPass writes it
//   output GPUBuffer NCHW [1,3,4h,4w], same dtype, valid until release()
//
// Inside, activations are NHWC with channels in vec4 (f16 when dtype is fp16, else f32), and the
// 17 convs are 17 dispatches recorded into one compute pass, one submit per frame:
//   head    head.wgsl     NCHW input -> conv 3->C + bias -> x0                 (layout change fused)
//   body    conv.wgsl     14 x conv C->C + bias + LeakyReLU, ping-pong A/B
//   tail0   conv.wgsl     conv C->C + bias on (body output + x0)               (skip add fused)
//   tail1   shuffle.wgsl  conv C->48 + bias, stored pixel-shuffled to NCHW     (shuffle fused)
// The low path (body bypassed) is head -> tail0 (no skip) -> tail1.
// The three shaders share their 3x3 accumulation loop, conv_core.wgsl; WGSL has no #include, so
// each module's source is prelude (dtype and constants) + conv_core.wgsl + the shader.
//
// Resources: weights are uploaded once at create(); activations, the size uniform and the bind
// groups are made per input size (remade, old ones destroyed, when the size changes); outputs come
// from a small pool so several can be live at once (the player holds 'full' and 'low' together).
import coreCode from './conv_core.wgsl?raw';
import headCode from './head.wgsl?raw';
import convCode from './conv.wgsl?raw';
import shuffleCode from './shuffle.wgsl?raw';
import { counters, createBuffer, destroyBuffer, dispatch, uniformBuffer } from '../../gpu/resources';
import { toF16 } from '../../gpu/half';
import type { DType, RunOutput, Runner, Which } from '../types';
import { blocking, packConv, packHead, splitWeights, BODY_CONVS, OUT_CHANNELS, type ConvWeights } from './layout';

export { activationSlope } from './layout';


export interface WgslOptions {
  /** pixels per invocation along x (default: from layout.ts blocking) */
  px?: number;
  label?: string;
}

const WG = 8; // workgroup is 8 x 8 invocations
/** outputs kept for reuse once released (the player holds full + low and queues the next frame) */
const MAX_FREE_OUTPUTS = 2;

interface Stage {
  pipeline: GPUComputePipeline;
  groups: (w: number, h: number) => [number, number, number];
}

interface SizeState {
  /** which allocation this is: an output made for an earlier one is not reused */
  gen: number;
  w: number;
  h: number;
  params: GPUBuffer;
  x0: GPUBuffer;
  a: GPUBuffer;
  b: GPUBuffer;
  /** bind groups that do not depend on the input or output buffers, in dispatch order */
  body: GPUBindGroup[];
  tail0Full: GPUBindGroup;
  tail0Low: GPUBindGroup;
  /** input of tail1 for each path */
  tail1In: Record<Which, GPUBuffer>;
}

function prelude(dtype: DType, consts: Record<string, number | boolean>, slope: number): string {
  const T = dtype === 'fp16' ? 'f16' : 'f32';
  const lines = dtype === 'fp16' ? ['enable f16;'] : [];
  lines.push(`alias T = ${T};`);
  for (const [k, v] of Object.entries(consts)) lines.push(typeof v === 'boolean' ? `const ${k}: bool = ${v};` : `const ${k}: u32 = ${v}u;`);
  lines.push(`const SLOPE: f32 = ${Number.isInteger(slope) ? slope.toFixed(1) : String(slope)};`);
  return lines.join('\n') + '\n';
}

/** One pipeline's WGSL (prelude + conv core + shader) and its dispatch shape. */
export interface StageSource {
  name: string;
  code: string;
  co4: number;
  px: number;
  cob: number;
}

/** The five pipelines of the engine for width C: pure, so the WGSL can be checked without a GPU
 *  (src/engine/inference/wgsl/naga.test.ts validates every variant, f16 included). */
export function stageSources(C: number, dtype: DType, slope: number, pxOpt?: number) {
  const c4 = C / 4, o4 = OUT_CHANNELS / 4;
  const bc = blocking(c4, dtype, pxOpt), bt = blocking(o4, dtype, pxOpt);
  const common = { CI: c4, CO: c4, COB: bc.cob, PX: bc.px };
  const stage = (name: string, code: string, consts: Record<string, number | boolean>, co4: number, b: { px: number; cob: number }): StageSource => ({
    name,
    code: prelude(dtype, consts, slope) + coreCode + code,
    co4,
    px: b.px,
    cob: b.cob,
  });
  return {
    head: stage('head', headCode, { CO: c4, COB: bc.cob, PX: bc.px }, c4, bc),
    body: stage('body conv', convCode, { ...common, ACT: slope !== 1, SKIP: false }, c4, bc),
    tail0Skip: stage('tail0 conv + skip', convCode, { ...common, ACT: false, SKIP: true }, c4, bc),
    tail0: stage('tail0 conv', convCode, { ...common, ACT: false, SKIP: false }, c4, bc),
    tail1: stage('tail1 conv + shuffle', shuffleCode, { CI: c4, CO: o4, COB: bt.cob, PX: bt.px }, o4, bt),
  };
}

export class WgslRunner implements Runner {
  readonly engine = 'wgsl' as const;
  readonly backend = 'webgpu' as const;
  /** the low path needs no file of its own: it is this net without the body */
  readonly hasLow = true;
  readonly channels: number;
  private readonly label: string;
  private readonly weights: GPUBuffer[] = [];
  private readonly headW: [GPUBuffer, GPUBuffer];
  private readonly bodyW: [GPUBuffer, GPUBuffer][];
  private readonly tail0W: [GPUBuffer, GPUBuffer];
  private readonly tail1W: [GPUBuffer, GPUBuffer];
  private size: SizeState | null = null;
  private gen = 0;
  private headGroup: { input: GPUBuffer; group: GPUBindGroup } | null = null;
  /** outputs of the current size not handed out; and those handed out, not yet released */
  private free: GPUBuffer[] = [];
  private readonly live = new Set<GPUBuffer>();
  private readonly tail1Groups = new Map<GPUBuffer, Record<Which, GPUBindGroup>>();
  private disposed = false;

  private constructor(
    private readonly device: GPUDevice,
    readonly dtype: DType,
    net: ReturnType<typeof splitWeights>,
    private readonly stages: { head: Stage; body: Stage; tail0Skip: Stage; tail0: Stage; tail1: Stage },
    label: string,
  ) {
    this.label = label;
    this.channels = net.channels;
    const upload = (name: string, data: Float32Array) => {
      // fp16: an even count of halves, as writeBuffer sizes are multiples of 4
      const bytes = dtype === 'fp16' ? toF16(data.length % 2 ? Float32Array.from({ length: data.length + 1 }, (_, i) => data[i] ?? 0) : data) : data;
      const buf = createBuffer(device, { label: `${label} ${name}`, size: Math.max(16, Math.ceil(bytes.byteLength / 16) * 16), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
      device.queue.writeBuffer(buf, 0, bytes.buffer, bytes.byteOffset, bytes.byteLength);
      this.weights.push(buf);
      return buf;
    };
    const pair = (name: string, cw: ConvWeights, pack: (c: ConvWeights) => Float32Array): [GPUBuffer, GPUBuffer] => [
      upload(`${name} weight`, pack(cw)),
      upload(`${name} bias`, cw.bias),
    ];
    this.headW = pair('head', net.head, packHead);
    this.bodyW = net.body.map((cw, i) => pair(`body${i}`, cw, packConv));
    this.tail0W = pair('tail0', net.tail0, packConv);
    this.tail1W = pair('tail1', net.tail1, packConv);
  }

  /**
   * weights: the bytes of the manifest's `weights.file`; convShapes: its `convs`;
   * slope: LeakyReLU slope (`act: "relu"` is slope 0). fp16 needs a device with shader-f16.
   */
  static async create(
    device: GPUDevice,
    dtype: DType,
    raw: ArrayBuffer,
    convShapes: ReadonlyArray<readonly [number, number]>,
    slope: number,
    opts: WgslOptions = {},
  ): Promise<WgslRunner> {
    if (dtype === 'fp16' && !device.features.has('shader-f16')) throw new Error('the WGSL engine in fp16 needs a device with shader-f16');
    const net = splitWeights(raw, convShapes);
    const C = net.channels;
    const label = opts.label ?? `wgsl c${C} ${dtype}`;
    const make = async ({ name, code, co4, px, cob }: StageSource): Promise<Stage> => {
      const module = device.createShaderModule({ label: `${label} ${name}`, code });
      let pipeline: GPUComputePipeline;
      try {
        pipeline = await device.createComputePipelineAsync({ label: `${label} ${name}`, layout: 'auto', compute: { module, entryPoint: 'main' } });
      } catch (e) {
        const info = await module.getCompilationInfo?.();
        const msgs = info?.messages.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ') ?? '';
        throw new Error(`WGSL engine: ${name} did not compile: ${(e as Error).message} ${msgs}`);
      }
      return { pipeline, groups: (w, h) => [dispatch(w, WG * px), dispatch(h, WG), co4 / cob] };
    };
    const src = stageSources(C, dtype, slope, opts.px);
    const [head, body, tail0Skip, tail0, tail1] = await Promise.all([src.head, src.body, src.tail0Skip, src.tail0, src.tail1].map(make));
    return new WgslRunner(device, dtype, net, { head, body, tail0Skip, tail0, tail1 }, label);
  }

  private get elemBytes(): number {
    return this.dtype === 'fp16' ? 2 : 4;
  }

  /** Activations, uniform and the fixed bind groups for w x h; the old ones go. */
  private ensureSize(w: number, h: number): SizeState {
    const s = this.size;
    if (s && s.w === w && s.h === h) return s;
    this.dropSize();
    const d = this.device, L = this.label;
    const act = (name: string) =>
      createBuffer(d, { label: `${L} ${name} ${w}x${h}`, size: Math.ceil((w * h * this.channels * this.elemBytes) / 16) * 16, usage: GPUBufferUsage.STORAGE });
    const params = uniformBuffer(d, `${L} size ${w}x${h}`, new Uint32Array([w, h, 0, 0]));
    const x0 = act('x0'), a = act('act A'), b = act('act B');
    const group = (stage: Stage, name: string, bufs: GPUBuffer[]) =>
      d.createBindGroup({
        label: `${L} ${name}`,
        layout: stage.pipeline.getBindGroupLayout(0),
        entries: [params, ...bufs].map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
    const body: GPUBindGroup[] = [];
    let src = x0;
    for (let i = 0; i < BODY_CONVS; i++) {
      const dst = i % 2 === 0 ? a : b;
      body.push(group(this.stages.body, `body${i}`, [...this.bodyW[i], src, src, dst]));
      src = dst;
    }
    const t0out = src === a ? b : a; // the body output stays in `src`
    const tail0Full = group(this.stages.tail0Skip, 'tail0 (+ x0)', [...this.tail0W, src, x0, t0out]);
    const tail0Low = group(this.stages.tail0, 'tail0 low', [...this.tail0W, x0, x0, a]);
    this.size = { gen: ++this.gen, w, h, params, x0, a, b, body, tail0Full, tail0Low, tail1In: { full: t0out, low: a } };
    return this.size;
  }

  /** Destroys the per-size resources and the free outputs (live ones go at their release()). */
  private dropSize(): void {
    const s = this.size;
    if (!s) return;
    for (const buf of [s.params, s.x0, s.a, s.b]) destroyBuffer(buf);
    for (const buf of this.free) this.dropOutput(buf);
    this.free = [];
    this.headGroup = null;
    this.size = null;
  }

  private dropOutput(buf: GPUBuffer): void {
    this.tail1Groups.delete(buf);
    destroyBuffer(buf);
  }

  private outBytes(w: number, h: number): number {
    return 48 * w * h * this.elemBytes;
  }

  /** Same contract as ModelRunner.run: records the 17 dispatches, submits, returns the output. */
  async run(which: Which, input: GPUBuffer, w: number, h: number): Promise<RunOutput> {
    if (this.disposed) throw new Error('WGSL engine disposed');
    const d = this.device, L = this.label, st = this.stages;
    const s = this.ensureSize(w, h);
    if (input.size < 3 * w * h * this.elemBytes) throw new Error(`input buffer (${input.size} B) is smaller than [1,3,${h},${w}] ${this.dtype}`);
    if (this.headGroup?.input !== input) {
      const group = d.createBindGroup({
        label: `${L} head`,
        layout: st.head.pipeline.getBindGroupLayout(0),
        entries: [s.params, ...this.headW, input, s.x0].map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
      this.headGroup = { input, group };
    }
    let out = this.free.pop();
    if (!out) out = createBuffer(d, { label: `${L} output 1x3x${4 * h}x${4 * w}`, size: this.outBytes(w, h), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    let t1 = this.tail1Groups.get(out);
    if (!t1) {
      const g = (src: GPUBuffer, name: string) =>
        d.createBindGroup({
          label: `${L} tail1 ${name}`,
          layout: st.tail1.pipeline.getBindGroupLayout(0),
          entries: [s.params, ...this.tail1W, src, out!].map((buffer, binding) => ({ binding, resource: { buffer } })),
        });
      t1 = { full: g(s.tail1In.full, 'full'), low: g(s.tail1In.low, 'low') };
      this.tail1Groups.set(out, t1);
    }
    const enc = d.createCommandEncoder({ label: `${L} ${which}` });
    const pass = enc.beginComputePass({ label: `${L} ${which}` });
    const step = (stage: Stage, group: GPUBindGroup) => {
      pass.setPipeline(stage.pipeline);
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(...stage.groups(w, h));
    };
    step(st.head, this.headGroup.group);
    if (which === 'full') {
      for (const g of s.body) step(st.body, g);
      step(st.tail0Skip, s.tail0Full);
    } else {
      step(st.tail0, s.tail0Low);
    }
    step(st.tail1, t1[which]);
    pass.end();
    d.queue.submit([enc.finish()]);
    this.live.add(out);
    counters.ortOutputsLive++; // model outputs held, counted like ModelRunner's (the leak checks read it)
    const buf = out, gen = s.gen;
    let released = false;
    return {
      buffer: buf,
      release: () => {
        if (released) return;
        released = true;
        if (!this.live.delete(buf)) return; // disposed meanwhile: already destroyed and uncounted
        counters.ortOutputsLive--;
        // keep a few for reuse; more were only needed while another client (an export) held some too
        if (this.size?.gen === gen && this.free.length < MAX_FREE_OUTPUTS) this.free.push(buf);
        else this.dropOutput(buf);
      },
    };
  }

  /** Destroys every buffer it made, outputs not yet released included. Async only to match
   *  ModelRunner.dispose(); the work is done when it returns. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.dropSize();
    for (const buf of this.live) {
      this.dropOutput(buf);
      counters.ortOutputsLive--;
    }
    this.live.clear();
    for (const buf of this.weights) destroyBuffer(buf);
    this.weights.length = 0;
  }
}
