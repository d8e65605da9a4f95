// Head conv: the model's input tensor (NCHW [1,3,H,W], T = f32 or f16, as PackPass writes it)
// -> 3x3 conv (3 -> C) + bias -> x0, NHWC with channels in vec4 (element (y, x, c4) at
// (y * W + x) * CO + c4). Reading NCHW here fuses the layout change into the first conv.
//
// Compiled after a prelude from index.ts that defines T (f32 | f16, with `enable f16;`), CO (output
// vec4s), COB (output vec4s per invocation), PX (pixels per invocation, along x), and after
// conv_core.wgsl (the accumulation loop, conv3x3).
// Grid: (ceil(W / (8 PX)), ceil(H / 8), CO / COB) workgroups of 8 x 8.

struct Size { W: u32, H: u32 }

@group(0) @binding(0) var<uniform> size: Size;
@group(0) @binding(1) var<storage, read> w: array<vec4<T>>;   // ((tap * 3 + ci) * CO + co4)
@group(0) @binding(2) var<storage, read> b: array<vec4<T>>;   // CO
@group(0) @binding(3) var<storage, read> x: array<T>;         // NCHW
@group(0) @binding(4) var<storage, read_write> y: array<vec4<T>>;

// conv_core.wgsl's inputs: the 3 input channels as scalars, each from its own NCHW plane
alias In = T;
const NCI = 3u;
fn load(iy: u32, ix: u32, ci: u32) -> In { return x[(ci * size.H + iy) * size.W + ix]; }

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
      for (var o = 0u; o < COB; o++) { y[ob + o] = acc[q * COB + o]; }
    }
  }
}
