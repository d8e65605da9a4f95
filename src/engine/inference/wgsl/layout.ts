// Pure helpers of the WGSL engine (no GPU): reading the raw weights file that training/export.py
// writes, checking that it is the network this engine is specialised for, and re-laying each conv
// out the way the shaders read it. Tested in layout.test.ts against a plain convolution.

/** One 3x3 conv as exported: weight (cout, cin, 3, 3) row-major, bias (cout). */
export interface ConvWeights {
  cin: number;
  cout: number;
  weight: Float32Array;
  bias: Float32Array;
}

/** The 17 convs of the network: head 3->C, 14 body C->C, tail0 C->C, tail1 C->48 (3 x 4 x 4). */
export interface NetWeights {
  channels: number;
  head: ConvWeights;
  body: ConvWeights[];
  tail0: ConvWeights;
  tail1: ConvWeights;
}

export const BODY_CONVS = 14;
export const SCALE = 4;
export const OUT_CHANNELS = 3 * SCALE * SCALE; // 48: the last conv, before the pixel shuffle

/** Splits the raw little-endian float32 file into convs and checks the shapes are this network's. */
export function splitWeights(raw: ArrayBuffer, shapes: ReadonlyArray<readonly [number, number]>): NetWeights {
  if (shapes.length !== BODY_CONVS + 3) throw new Error(`the WGSL engine expects ${BODY_CONVS + 3} convs, the manifest lists ${shapes.length}`);
  const C = shapes[0][1];
  const want = (i: number): [number, number] => (i === 0 ? [3, C] : i === shapes.length - 1 ? [C, OUT_CHANNELS] : [C, C]);
  shapes.forEach((s, i) => {
    const [a, b] = want(i);
    if (s[0] !== a || s[1] !== b) throw new Error(`conv ${i} is ${s[0]}->${s[1]}, the WGSL engine expects ${a}->${b}`);
  });
  if (C % 4 !== 0) throw new Error(`the WGSL engine needs a width that is a multiple of 4 (got C=${C})`);
  const floats = shapes.reduce((n, [cin, cout]) => n + cout * cin * 9 + cout, 0);
  if (raw.byteLength !== floats * 4) throw new Error(`weights file has ${raw.byteLength} bytes, the shapes need ${floats * 4}`);
  const all = new Float32Array(raw);
  let at = 0;
  const convs = shapes.map(([cin, cout]) => {
    const weight = all.subarray(at, (at += cout * cin * 9));
    const bias = all.subarray(at, (at += cout));
    return { cin, cout, weight, bias };
  });
  return { channels: C, head: convs[0], body: convs.slice(1, 1 + BODY_CONVS), tail0: convs[1 + BODY_CONVS], tail1: convs[2 + BODY_CONVS] };
}

/**
 * C -> C' conv (cin and cout multiples of 4) as mat4x4s for conv.wgsl / shuffle.wgsl:
 * index ((tap * CI4 + ci4) * CO4 + co4), tap = ky * 3 + kx; within a matrix, column c is input
 * channel 4 ci4 + c and row r output channel 4 co4 + r, so `m * x` (x = 4 input channels) gives
 * 4 output channels. WGSL matrices are column-major: element (col c, row r) at c * 4 + r.
 */
export function packConv(cw: ConvWeights): Float32Array {
  const { cin, cout, weight } = cw;
  if (cin % 4 || cout % 4) throw new Error(`packConv needs channel counts divisible by 4 (${cin}->${cout})`);
  const ci4 = cin / 4, co4 = cout / 4;
  const out = new Float32Array(9 * cin * cout);
  for (let tap = 0; tap < 9; tap++)
    for (let i = 0; i < ci4; i++)
      for (let o = 0; o < co4; o++)
        for (let c = 0; c < 4; c++)
          for (let r = 0; r < 4; r++)
            out[((tap * ci4 + i) * co4 + o) * 16 + c * 4 + r] = weight[((4 * o + r) * cin + 4 * i + c) * 9 + tap];
  return out;
}

/** The head conv (3 input channels, read as scalars from NCHW) as vec4s for head.wgsl:
 *  index ((tap * 3 + ci) * CO4 + co4), component r = output channel 4 co4 + r. */
export function packHead(cw: ConvWeights): Float32Array {
  const { cin, cout, weight } = cw;
  if (cout % 4) throw new Error(`packHead needs cout divisible by 4 (${cout})`);
  const co4 = cout / 4;
  const out = new Float32Array(9 * cin * cout);
  for (let tap = 0; tap < 9; tap++)
    for (let i = 0; i < cin; i++)
      for (let o = 0; o < co4; o++)
        for (let r = 0; r < 4; r++) out[((tap * cin + i) * co4 + o) * 4 + r] = weight[((4 * o + r) * cin + i) * 9 + tap];
  return out;
}

/** Pixels per invocation and output vec4s per invocation for a conv with `co4` output vec4s:
 *  keeps PX x COB accumulators (vec4) within a register budget (f16 halves the cost). */
export function blocking(co4: number, dtype: 'fp16' | 'fp32', px?: number): { px: number; cob: number } {
  const budget = dtype === 'fp16' ? 64 : 32; // vec4 accumulators per invocation
  // split the outputs over invocations (z of the grid) when there are many of them
  let cob = co4;
  while (cob > 8 && cob % 2 === 0) cob /= 2;
  const p = px ?? Math.max(1, Math.min(4, Math.floor(budget / cob)));
  return { px: p, cob };
}

/** The LeakyReLU slope for the manifest's `weights.act` / `weights.slope` (relu is slope 0);
 *  any other activation is not this engine's network. */
export function activationSlope(act: string, slope?: number): number {
  if (act === 'relu') return 0;
  if (act === 'lrelu' || act === 'leakyrelu') {
    if (typeof slope !== 'number' || !Number.isFinite(slope)) throw new Error('weights.act is lrelu but weights.slope is missing');
    return slope;
  }
  throw new Error(`the WGSL engine supports relu and lrelu, not ${act}`);
}
