// Head conv: the model's input tensor (NCHW [1,3,H,W], T = f32 or f16, as PackPass writes it)
// -> 3x3 conv (3 -> C) + bias -> x0, NHWC with channels in vec4 (element (y, x, c4) at
// (y * W + x) * CO + c4). Reading NCHW here fuses the layout change into the first conv.
//
// Compiled with a prelude from index.ts that defines: T (f32 | f16, with `enable f16;`),
// CO (output vec4s), COB (output vec4s per invocation), PX (pixels per invocation, along x).
// Grid: (ceil(W / (8 PX)), ceil(H / 8), CO / COB) workgroups of 8 x 8.
// Each invocation keeps PX x COB vec4 accumulators; for each kernel row and input channel it loads
// the PX + 2 input values once and reuses them across the three kernel columns.

struct Size { W: u32, H: u32 }

@group(0) @binding(0) var<uniform> size: Size;
@group(0) @binding(1) var<storage, read> w: array<vec4<T>>;   // ((tap * 3 + ci) * CO + co4)
@group(0) @binding(2) var<storage, read> b: array<vec4<T>>;   // CO
@group(0) @binding(3) var<storage, read> x: array<T>;         // NCHW
@group(0) @binding(4) var<storage, read_write> y: array<vec4<T>>;

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
    for (var ci = 0u; ci < 3u; ci++) {
      let row = (ci * H + u32(iy)) * W;
      var v: array<T, PX + 2>;
      for (var j = 0u; j < PX + 2u; j++) {
        let ix = i32(px0 + j) - 1;
        if (ix >= 0 && ix < i32(W)) { v[j] = x[row + u32(ix)]; } else { v[j] = T(0); }
      }
      for (var kx = 0u; kx < 3u; kx++) {
        let wb = ((ky * 3u + kx) * 3u + ci) * CO + o0;
        for (var o = 0u; o < COB; o++) {
          let wv = w[wb + o];
          for (var q = 0u; q < PX; q++) { acc[q * COB + o] += wv * v[q + kx]; }
        }
      }
    }
  }
  for (var q = 0u; q < PX; q++) {
    if (px0 + q < W) {
      let ob = (g.y * W + px0 + q) * CO + o0;
      for (var o = 0u; o < COB; o++) { y[ob + o] = acc[q * COB + o]; }
    }
  }
}
