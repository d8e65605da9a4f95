// Last conv (C -> 48) + bias with the 4x pixel shuffle fused into its store: writes the model's
// output tensor, NCHW [1,3,4H,4W] in T (f32 or f16), as ORT's output would be. DepthToSpace CRD:
// out[c, 4y+dy, 4x+dx] = conv[c*16 + dy*4 + dx, y, x], so output vec4 k4 = 4c + dy of pixel
// (y, x) is the 4 contiguous outputs (c, 4y+dy, 4x..4x+3): one aligned vec4 store at
// (c * 16HW + (4y+dy) * 4W + 4x) / 4 = c * 4HW + (4y+dy) * W + x.
//
// Compiled after a prelude from index.ts that defines T, CI (input vec4s), CO (= 12), COB (output
// vec4s per invocation), PX (pixels per invocation, along x), and after conv_core.wgsl (the
// accumulation loop, conv3x3).
// Grid: (ceil(W / (8 PX)), ceil(H / 8), CO / COB) workgroups of 8 x 8.

struct Size { W: u32, H: u32 }

@group(0) @binding(0) var<uniform> size: Size;
@group(0) @binding(1) var<storage, read> w: array<mat4x4<T>>;  // ((tap * CI + ci4) * CO + co4)
@group(0) @binding(2) var<storage, read> b: array<vec4<T>>;    // CO
@group(0) @binding(3) var<storage, read> x: array<vec4<T>>;    // NHWC, CI vec4s per pixel
@group(0) @binding(4) var<storage, read_write> y: array<vec4<T>>; // NCHW [1,3,4H,4W] as vec4s

// conv_core.wgsl's inputs: NHWC vec4s
alias In = vec4<T>;
const NCI = CI;
fn load(iy: u32, ix: u32, ci: u32) -> In { return x[(iy * size.W + ix) * CI + ci]; }

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let W = size.W;
  let H = size.H;
  let px0 = g.x * PX;
  let o0 = g.z * COB;
  if (px0 >= W || g.y >= H) { return; }
  let acc = conv3x3(g.y, px0, o0);
  let plane = 4u * H * W; // one output channel, in vec4s
  for (var q = 0u; q < PX; q++) {
    let xx = px0 + q;
    if (xx < W) {
      for (var o = 0u; o < COB; o++) {
        let k4 = o0 + o;
        let c = k4 / 4u;
        let dy = k4 % 4u;
        y[c * plane + (4u * g.y + dy) * W + xx] = acc[q * COB + o];
      }
    }
  }
}
