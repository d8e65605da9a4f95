// The 3x3 conv (zero padding 1) + bias accumulation shared by head.wgsl, conv.wgsl and
// shuffle.wgsl. WGSL has no #include: index.ts compiles each of them as prelude + this file + the
// shader. The three differ only in how an input element is read and what is done with the sums,
// so each shader declares, next to the prelude's T, CO, COB and PX:
//   alias In       one input element: T (head: a scalar of an NCHW plane) or vec4<T> (NHWC vec4s)
//   const NCI: u32 input elements per pixel (head: 3 channels; the others: CI vec4s)
//   fn load(iy: u32, ix: u32, ci: u32) -> In
//                  element ci of input pixel (iy, ix); called for in-bounds pixels only
//   size, w, b     bindings 0 to 2: the Size uniform; weights w[(tap * NCI + ci) * CO + co4], with
//                  `w[i] * In` a vec4<T> (head: vec4 * scalar; others: mat4x4 * vec4); bias b[co4]
//
// Per invocation: PX pixels along x from (px0, gy) and output vec4s o0 .. o0 + COB - 1, in PX x COB
// accumulators. For each kernel row and input element it loads the PX + 2 inputs once and reuses
// them over the three kernel columns, and each weight once for its PX pixels.

alias Acc = array<vec4<T>, PX * COB>;

// Bias + conv of pixels (px0 + q, gy), q < PX, output vec4s o0 + o, o < COB: result[q * COB + o].
// Sums for pixels past the right edge (px0 + q >= W) are computed too: the caller must skip them.
fn conv3x3(gy: u32, px0: u32, o0: u32) -> Acc {
  let W = size.W;
  let H = size.H;
  var acc: Acc;
  for (var o = 0u; o < COB; o++) {
    let bo = b[o0 + o];
    for (var q = 0u; q < PX; q++) { acc[q * COB + o] = bo; }
  }
  for (var ky = 0u; ky < 3u; ky++) {
    let iy = i32(gy) + i32(ky) - 1;
    if (iy < 0 || iy >= i32(H)) { continue; }
    for (var ci = 0u; ci < NCI; ci++) {
      var v: array<In, PX + 2>;
      for (var j = 0u; j < PX + 2u; j++) {
        let ix = i32(px0 + j) - 1;
        if (ix >= 0 && ix < i32(W)) { v[j] = load(u32(iy), u32(ix), ci); } else { v[j] = In(); }
      }
      for (var kx = 0u; kx < 3u; kx++) {
        let wb = ((ky * 3u + kx) * NCI + ci) * CO + o0;
        for (var o = 0u; o < COB; o++) {
          let wo = w[wb + o];
          for (var q = 0u; q < PX; q++) { acc[q * COB + o] += wo * v[q + kx]; }
        }
      }
    }
  }
  return acc;
}
