// Last conv (C -> 48) + bias with the 4x pixel shuffle fused into its store: writes the model's
// output tensor, NCHW [1,3,4H,4W] in T (f32 or f16), as ORT's output would be. DepthToSpace CRD:
// out[c, 4y+dy, 4x+dx] = conv[c*16 + dy*4 + dx, y, x], so output vec4 k4 = 4c + dy of pixel
// (y, x) is the 4 contiguous outputs (c, 4y+dy, 4x..4x+3): one aligned vec4 store at
// (c * 16HW + (4y+dy) * 4W + 4x) / 4 = c * 4HW + (4y+dy) * W + x.
//
// Compiled with a prelude from index.ts that defines: T, CI (input vec4s), CO (= 12),
// COB (output vec4s per invocation), PX (pixels per invocation, along x).
// Grid: (ceil(W / (8 PX)), ceil(H / 8), CO / COB) workgroups of 8 x 8. Same inner loop as conv.wgsl.

struct Size { W: u32, H: u32 }

@group(0) @binding(0) var<uniform> size: Size;
@group(0) @binding(1) var<storage, read> w: array<mat4x4<T>>;  // ((tap * CI + ci4) * CO + co4)
@group(0) @binding(2) var<storage, read> b: array<vec4<T>>;    // CO
@group(0) @binding(3) var<storage, read> x: array<vec4<T>>;    // NHWC, CI vec4s per pixel
@group(0) @binding(4) var<storage, read_write> y: array<vec4<T>>; // NCHW [1,3,4H,4W] as vec4s

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let W = size.W;
  let H = size.H;
  let px0 = g.x * PX;
  let o0 = g.z * COB;
  if (px0 >= W || g.y >= H) { return; }
  var acc: array<vec4<T>, PX * COB>;
  for (var o = 0u; o < COB; o++) {
    let bo = b[o0 + o];
    for (var q = 0u; q < PX; q++) { acc[q * COB + o] = bo; }
  }
  for (var ky = 0u; ky < 3u; ky++) {
    let iy = i32(g.y) + i32(ky) - 1;
    if (iy < 0 || iy >= i32(H)) { continue; }
    let row = u32(iy) * W;
    for (var ci = 0u; ci < CI; ci++) {
      var v: array<vec4<T>, PX + 2>;
      for (var j = 0u; j < PX + 2u; j++) {
        let ix = i32(px0 + j) - 1;
        if (ix >= 0 && ix < i32(W)) { v[j] = x[(row + u32(ix)) * CI + ci]; } else { v[j] = vec4<T>(T(0)); }
      }
      for (var kx = 0u; kx < 3u; kx++) {
        let wb = ((ky * 3u + kx) * CI + ci) * CO + o0;
        for (var o = 0u; o < COB; o++) {
          let m = w[wb + o];
          for (var q = 0u; q < PX; q++) { acc[q * COB + o] += m * v[q + kx]; }
        }
      }
    }
  }
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
