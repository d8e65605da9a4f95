// Y'CbCr (I420 or NV12) -> RGBA8 on the CPU, in WebAssembly: the CPU frame path's own conversion
// (yuv/index.ts), straight at the size a pane shows (one pass, no full-size RGB image) or 1:1 for
// the model's crop. AssemblyScript, built by `npm run build:wasm` into kernel.wasm.ts.
// All pointers are byte offsets into the module's memory; the caller lays the memory out.

/** Two rows of n bytes blended (a * w0 + b * w1, w0 + w1 = 256) into n u16 at `dst`, 8 at a time
 *  (SIMD; n rounded up to 8: the caller leaves room). */
function blend(a: usize, b: usize, n: i32, w0: i32, w1: i32, dst: usize): void {
  const W0 = i16x8.splat(<i16>w0), W1 = i16x8.splat(<i16>w1);
  for (let x: i32 = 0; x < n; x += 8) {
    const k = <usize>x;
    v128.store(dst + (k << 1), i16x8.add(i16x8.mul(v128.load8x8_u(a + k), W0), i16x8.mul(v128.load8x8_u(b + k), W1)));
  }
}

/** Bilinear resampling of each plane at its own resolution, then the matrix, into dw x dh RGBA
 *  pixels at `dst` (rows blended vertically 8 samples at a time, then 4 pixels at a time
 *  horizontally: SIMD). Chroma has its own taps: a 4:2:0 chroma sample sits at the centre of its 2x2
 *  luma pixels, and is interpolated between its neighbours, as the browser does.
 *  `tab` holds i32 taps: for each of the dw columns, luma index a (x dw), index b (x dw), weight of
 *  b 0..256 (x dw), then chroma index a, b and weight (x dw each); then the same six for the dh
 *  rows; then, for each group of 4 columns (dw >> 2), the byte offsets of the luma and chroma
 *  windows its taps fall in (2 x i32, and 2 unused; luma -1: they do not fit one 16-byte window,
 *  read one by one), then each group's 4 byte-shuffles picking taps a and b out of the luma window
 *  and out of the chroma window.
 *  `rows` is scratch for one row of each plane, blended vertically over the luma columns [lo, hi)
 *  and the chroma columns [clo, chi).
 *  Chroma: `cStep` 1 (I420: u and v are planes) or 2 (NV12: v = u + 1, interleaved).
 *  Matrix in 16.16 fixed point: R = yk (Y - yo) + kr V, G = .. + kgu U + kgv V, B = .. + kb U. */
export function resample(
  y: usize, u: usize, v: usize, yStride: i32, cStride: i32, cStep: i32,
  dst: usize, dw: i32, dh: i32, tab: usize, rows: usize, lo: i32, hi: i32, clo: i32, chi: i32,
  yk: i32, yo: i32, kr: i32, kgu: i32, kgv: i32, kb: i32,
): void {
  const n = <usize>dw << 2, m = <usize>dh << 2;
  const xa = tab, xb = xa + n, xw = xb + n, xca = xw + n, xcb = xca + n, xcw = xcb + n;
  const ya = xcw + n, yb = ya + m, yw = yb + m, yca = yw + m, ycb = yca + m, ycw = ycb + m;
  const gOff = ycw + m, gMask = gOff + (<usize>(dw >> 2) << 4);
  const lo8 = lo & ~7, clo8 = clo & ~7;
  // u16 rows: luma; then chroma, I420 as two rows (u, v), NV12 as one interleaved
  const ry = rows, ru = ry + (<usize>(hi + 8) << 1), cs = <usize>(cStep << 1);
  const rv = cStep == 2 ? ru + 2 : ru + (<usize>(chi + 8) << 1);
  // the planes' samples in 1/16 levels (a whole level each would put interpolated chroma up to 2
  // levels off after the matrix), the matrix's sums in 1/2^20 (16.16 x 1/16), rounded once
  const c256 = i32x4.splat(256), r12 = i32x4.splat(2048), c128 = i32x4.splat(128 << 4), r20 = i32x4.splat(1 << 19), zero = i32x4.splat(0), c255 = i32x4.splat(255);
  const vyk = i32x4.splat(yk), vyo = i32x4.splat(yo << 4), vkr = i32x4.splat(kr), vkgu = i32x4.splat(kgu), vkgv = i32x4.splat(kgv), vkb = i32x4.splat(kb);
  const alpha = i32x4.splat(0xff000000), vcs = i32x4.splat(<i32>cs);
  for (let j: i32 = 0; j < dh; j++) {
    const jo = <usize>j << 2;
    const A = load<i32>(ya + jo), B = load<i32>(yb + jo), w1 = load<i32>(yw + jo);
    blend(y + <usize>(A * yStride + lo8), y + <usize>(B * yStride + lo8), hi - lo8, 256 - w1, w1, ry + (<usize>lo8 << 1));
    const CA = load<i32>(yca + jo), CB = load<i32>(ycb + jo), cw1 = load<i32>(ycw + jo);
    const c0 = <usize>(CA * cStride), c1 = <usize>(CB * cStride), cl = <usize>(clo8 * cStep);
    blend(u + c0 + cl, u + c1 + cl, (chi - clo8) * cStep, 256 - cw1, cw1, ru + (cl << 1));
    if (cStep == 1) blend(v + c0 + cl, v + c1 + cl, chi - clo8, 256 - cw1, cw1, rv + (cl << 1));
    // then horizontally, and the matrix
    let o = dst + (<usize>j * <usize>dw << 2);
    let i: i32 = 0;
    // four pixels at a time
    for (; i + 4 <= dw; i += 4, o += 16) {
      const io = <usize>i << 2;
      const w = v128.load(xw + io), iw = i32x4.sub(c256, w);
      const wc = v128.load(xcw + io), iwc = i32x4.sub(c256, wc);
      let Ya: v128, Yb: v128, Ua: v128, Ub: v128, Va: v128, Vb: v128;
      const lw = load<i32>(gOff + io);
      if (lw >= 0) {
        // the group's taps in one 16-byte window of each row: a load and a shuffle per tap set
        const cwn = <usize>load<i32>(gOff + io, 4), g = gMask + (<usize>i << 4);
        const L = v128.load(ry + <usize>lw), Cu = v128.load(ru + cwn), Cv = v128.load(rv + cwn);
        const la = v128.load(g), lb = v128.load(g, 16), ca = v128.load(g, 32), cb = v128.load(g, 48);
        Ya = i8x16.swizzle(L, la);
        Yb = i8x16.swizzle(L, lb);
        Ua = i8x16.swizzle(Cu, ca);
        Ub = i8x16.swizzle(Cu, cb);
        Va = i8x16.swizzle(Cv, ca);
        Vb = i8x16.swizzle(Cv, cb);
      } else {
        // one by one: a scalar load and a lane insert each
        const ta = v128.load(xa + io), tb = v128.load(xb + io);
        const pa = i32x4.mul(v128.load(xca + io), vcs), pb = i32x4.mul(v128.load(xcb + io), vcs);
        Ya = gather(ry, 1, ta);
        Yb = gather(ry, 1, tb);
        Ua = gather(ru, 0, pa);
        Ub = gather(ru, 0, pb);
        Va = gather(rv, 0, pa);
        Vb = gather(rv, 0, pb);
      }
      const Y = i32x4.shr_u(i32x4.add(i32x4.add(i32x4.mul(Ya, iw), i32x4.mul(Yb, w)), r12), 12);
      const U = i32x4.sub(i32x4.shr_u(i32x4.add(i32x4.add(i32x4.mul(Ua, iwc), i32x4.mul(Ub, wc)), r12), 12), c128);
      const V = i32x4.sub(i32x4.shr_u(i32x4.add(i32x4.add(i32x4.mul(Va, iwc), i32x4.mul(Vb, wc)), r12), 12), c128);
      const l = i32x4.add(i32x4.mul(i32x4.sub(Y, vyo), vyk), r20);
      const R = i32x4.min_s(i32x4.max_s(i32x4.shr_s(i32x4.add(l, i32x4.mul(vkr, V)), 20), zero), c255);
      const G = i32x4.min_s(i32x4.max_s(i32x4.shr_s(i32x4.add(i32x4.add(l, i32x4.mul(vkgu, U)), i32x4.mul(vkgv, V)), 20), zero), c255);
      const B = i32x4.min_s(i32x4.max_s(i32x4.shr_s(i32x4.add(l, i32x4.mul(vkb, U)), 20), zero), c255);
      v128.store(o, v128.or(v128.or(alpha, R), v128.or(i32x4.shl(G, 8), i32x4.shl(B, 16))));
    }
    for (; i < dw; i++, o += 4) {
      const io = <usize>i << 2;
      const w = <u32>load<i32>(xw + io), iw = 256 - w, wc = <u32>load<i32>(xcw + io), iwc = 256 - wc;
      const a = load<i32>(xa + io), b = load<i32>(xb + io);
      const p = <usize>load<i32>(xca + io) * cs, q = <usize>load<i32>(xcb + io) * cs;
      const Y = <i32>((<u32>load<u16>(ry + (<usize>a << 1)) * iw + <u32>load<u16>(ry + (<usize>b << 1)) * w + 2048) >> 12);
      const U = <i32>((<u32>load<u16>(ru + p) * iwc + <u32>load<u16>(ru + q) * wc + 2048) >> 12) - (128 << 4);
      const V = <i32>((<u32>load<u16>(rv + p) * iwc + <u32>load<u16>(rv + q) * wc + 2048) >> 12) - (128 << 4);
      const l = (Y - (yo << 4)) * yk + (1 << 19);
      let R = (l + kr * V) >> 20, G = (l + kgu * U + kgv * V) >> 20, Bl = (l + kb * U) >> 20;
      R = R < 0 ? 0 : R > 255 ? 255 : R;
      G = G < 0 ? 0 : G > 255 ? 255 : G;
      Bl = Bl < 0 ? 0 : Bl > 255 ? 255 : Bl;
      store<u32>(o, 0xff000000 | (<u32>Bl << 16) | (<u32>G << 8) | <u32>R);
    }
  }
}

/** The u16 at base + (index << sh) for each lane's index. */
// @ts-ignore: decorator
@inline function gather(base: usize, sh: i32, idx: v128): v128 {
  let r = i32x4.splat(<i32>load<u16>(base + (<usize>i32x4.extract_lane(idx, 0) << sh)));
  r = i32x4.replace_lane(r, 1, <i32>load<u16>(base + (<usize>i32x4.extract_lane(idx, 1) << sh)));
  r = i32x4.replace_lane(r, 2, <i32>load<u16>(base + (<usize>i32x4.extract_lane(idx, 2) << sh)));
  return i32x4.replace_lane(r, 3, <i32>load<u16>(base + (<usize>i32x4.extract_lane(idx, 3) << sh)));
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
