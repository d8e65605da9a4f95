// Y'CbCr (I420 or NV12) -> RGBA8 on the CPU, in WebAssembly: the CPU frame path's own conversion
// (yuv/index.ts), straight at the size a pane shows (one pass, no full-size RGB image) or 1:1 for
// the model's crop. AssemblyScript, built by `npm run build:wasm` into kernel.wasm.ts.
// All pointers are byte offsets into the module's memory; the caller lays the memory out.

/** Bilinear resampling in Y'CbCr, then the matrix, into dw x dh RGBA pixels at `dst`.
 *  `tab` holds i32 taps, dw entries each: x index a, x index b, x weight (0..256) for luma, then the
 *  same for chroma; then dh entries each of the same six for rows. `rows` is scratch for one row
 *  of each plane, blended vertically over the columns [lo, hi) the taps read.
 *  Chroma sample k of a row is at u + k * cStep (1: I420's planes; 2: NV12's interleaved plane).
 *  Matrix in 16.16 fixed point: R = yk (Y - yo) + kr V, G = .. + kgu U + kgv V, B = .. + kb U. */
export function resample(
  y: usize, u: usize, v: usize, yStride: i32, cStride: i32, cStep: i32,
  dst: usize, dw: i32, dh: i32, tab: usize, rows: usize,
  yLo: i32, yHi: i32, cLo: i32, cHi: i32,
  yk: i32, yo: i32, kr: i32, kgu: i32, kgv: i32, kb: i32,
): void {
  const n = <usize>dw << 2, m = <usize>dh << 2;
  const xa = tab, xb = xa + n, xw = xb + n, ca = xw + n, cb = ca + n, cw = cb + n;
  const ya = cw + n, yb = ya + m, yw = yb + m, cya = yw + m, cyb = cya + m, cyw = cyb + m;
  const ry = rows, ru = ry + (<usize>yHi << 2), rv = ru + (<usize>cHi << 2);
  for (let j: i32 = 0; j < dh; j++) {
    const jo = <usize>j << 2;
    // this row's planes, blended vertically (x256)
    const r0 = y + <usize>(load<i32>(ya + jo) * yStride), r1 = y + <usize>(load<i32>(yb + jo) * yStride);
    let w1 = load<i32>(yw + jo), w0 = 256 - w1;
    for (let x = yLo; x < yHi; x++) store<i32>(ry + (<usize>x << 2), <i32>load<u8>(r0 + x) * w0 + <i32>load<u8>(r1 + x) * w1);
    const c0 = <usize>(load<i32>(cya + jo) * cStride), c1 = <usize>(load<i32>(cyb + jo) * cStride);
    w1 = load<i32>(cyw + jo);
    w0 = 256 - w1;
    for (let x = cLo; x < cHi; x++) {
      const k = <usize>(x * cStep);
      store<i32>(ru + (<usize>x << 2), <i32>load<u8>(u + c0 + k) * w0 + <i32>load<u8>(u + c1 + k) * w1);
      store<i32>(rv + (<usize>x << 2), <i32>load<u8>(v + c0 + k) * w0 + <i32>load<u8>(v + c1 + k) * w1);
    }
    // then horizontally, and the matrix
    let o = dst + (<usize>j * <usize>dw << 2);
    for (let i: i32 = 0; i < dw; i++, o += 4) {
      const io = <usize>i << 2;
      const wx = load<i32>(xw + io), wc = load<i32>(cw + io);
      const a = <usize>load<i32>(xa + io) << 2, b = <usize>load<i32>(xb + io) << 2;
      const p = <usize>load<i32>(ca + io) << 2, q = <usize>load<i32>(cb + io) << 2;
      const Y = (load<i32>(ry + a) * (256 - wx) + load<i32>(ry + b) * wx + 32768) >> 16;
      const U = ((load<i32>(ru + p) * (256 - wc) + load<i32>(ru + q) * wc + 32768) >> 16) - 128;
      const V = ((load<i32>(rv + p) * (256 - wc) + load<i32>(rv + q) * wc + 32768) >> 16) - 128;
      const l = (Y - yo) * yk + 32768;
      let R = (l + kr * V) >> 16, G = (l + kgu * U + kgv * V) >> 16, B = (l + kb * U) >> 16;
      R = R < 0 ? 0 : R > 255 ? 255 : R;
      G = G < 0 ? 0 : G > 255 ? 255 : G;
      B = B < 0 ? 0 : B > 255 ? 255 : B;
      store<u32>(o, 0xff000000 | (<u32>B << 16) | (<u32>G << 8) | <u32>R);
    }
  }
}

/** A plane halved (2x2 box, rounded): w x h samples k * step apart in rows `stride` apart ->
 *  (w >> 1) x (h >> 1), packed, at `dst`. */
export function halve(src: usize, stride: i32, step: i32, w: i32, h: i32, dst: usize): void {
  const hw = w >> 1, hh = h >> 1;
  for (let j: i32 = 0; j < hh; j++) {
    const r0 = src + <usize>(2 * j * stride), r1 = r0 + <usize>stride;
    const o = dst + <usize>(j * hw);
    for (let i: i32 = 0; i < hw; i++) {
      const k0 = <usize>(2 * i * step), k1 = k0 + <usize>step;
      const s = <i32>load<u8>(r0 + k0) + <i32>load<u8>(r0 + k1) + <i32>load<u8>(r1 + k0) + <i32>load<u8>(r1 + k1);
      store<u8>(o + i, <u8>((s + 2) >> 2));
    }
  }
}
