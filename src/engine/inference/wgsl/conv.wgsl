// 3x3 conv (C -> C) + bias [+ LeakyReLU] on NHWC activations with channels in vec4 (element
// (y, x, c4) at (y * W + x) * C4 + c4), zero padding 1. Used for the 14 body convs (ACT) and the
// first tail conv, where SKIP fuses the skip add: its input is x + skip (body output + x0), summed
// as the values are loaded, so the sum is never written out.
//
// Compiled after a prelude from index.ts that defines T (f32 | f16, with `enable f16;`), CI / CO
// (input / output vec4s), COB (output vec4s per invocation), PX (pixels per invocation, along x),
// ACT (bool), SLOPE (f32), SKIP (bool), and after conv_core.wgsl (the accumulation
// loop, conv3x3).
// Grid: (ceil(W / (8 PX)), ceil(H / 8), CO / COB) workgroups of 8 x 8.
// Weights are mat4x4s (column = input channel, row = output channel; layout.ts packConv), so one
// `m * v` is 16 multiply-adds.

struct Size { W: u32, H: u32 }

@group(0) @binding(0) var<uniform> size: Size;
@group(0) @binding(1) var<storage, read> w: array<mat4x4<T>>;  // ((tap * CI + ci4) * CO + co4)
@group(0) @binding(2) var<storage, read> b: array<vec4<T>>;    // CO
@group(0) @binding(3) var<storage, read> x: array<vec4<T>>;
@group(0) @binding(4) var<storage, read> skip: array<vec4<T>>; // bound to x when !SKIP
@group(0) @binding(5) var<storage, read_write> y: array<vec4<T>>;

// conv_core.wgsl's inputs: NHWC vec4s, with the skip added as they are loaded
alias In = vec4<T>;
const NCI = CI;
fn load(iy: u32, ix: u32, ci: u32) -> In {
  let i = (iy * size.W + ix) * CI + ci;
  var t = x[i];
  if (SKIP) { t += skip[i]; }
  return t;
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let W = size.W;
  let px0 = g.x * PX;
  let o0 = g.z * COB;
  if (px0 >= W || g.y >= size.H) { return; }
  let acc = conv3x3(g.y, px0, o0);
  for (var q = 0u; q < PX; q++) {
    if (px0 + q < W) {
      let ob = (g.y * W + px0 + q) * CO + o0;
      for (var o = 0u; o < COB; o++) {
        var a = acc[q * COB + o];
        if (ACT) { a = select(a * T(SLOPE), a, a >= vec4<T>(T(0))); }
        y[ob + o] = a;
      }
    }
  }
}
