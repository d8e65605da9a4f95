// Draws an image texture into a canvas through the shared viewport: canvas uv (0..1) maps to
// image uv as uv * scale + offset, so both canvases (original and 4x) show the same region.
// Outside the image: background colour. The lens (a region where the model ran, the rest being
// bicubic) is outlined, two canvas pixels wide, in both canvases.

struct Params {
  scale: vec2f,
  offset: vec2f,
  bg: vec4f,
  // image uv between neighbouring taps, and taps per axis (footprintTaps in index.ts)
  step: vec2f,
  taps: vec2u,
  // the lens's region in image uv (x0, y0, x1, y1), image uv per canvas pixel, and whether to draw it
  lens: vec4f,
  px: vec2f,
  lensOn: u32,
  _pad: u32,
}

const LENS_COLOUR = vec4f(0.54, 0.71, 0.97, 1.0);

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var img: texture_2d<f32>;
@group(0) @binding(2) var samp: sampler;
@group(0) @binding(3) var lin: sampler;

struct VsOut {
  @builtin(position) pos: vec4f,
  @location(0) uv: vec2f,
}

@vertex
fn vs(@builtin(vertex_index) i: u32) -> VsOut {
  // one triangle covering the canvas
  let p = vec2f(f32((i << 1u) & 2u), f32(i & 2u));
  var o: VsOut;
  o.pos = vec4f(p * 2.0 - 1.0, 0.0, 1.0);
  o.uv = vec2f(p.x, 1.0 - p.y);
  return o;
}

@fragment
fn fs(in: VsOut) -> @location(0) vec4f {
  let t = in.uv * P.scale + P.offset;
  var c: vec4f;
  if (all(P.taps == vec2u(1u))) {
    c = textureSample(img, samp, t);
  } else {
    // Minified (a 4096² output in a ~900 px canvas): one tap per pixel would skip texels and the
    // fine detail would alias into moiré, misrepresenting the output. Average a grid of bilinear
    // taps spread over the pixel's footprint instead (a box filter, at most one texel apart);
    // not mipmaps, since the texture is rewritten every frame. The original's nearest filter only
    // matters when magnified (it shows the input's pixels), so both canvases use linear taps here.
    let o = t - P.step * (vec2f(P.taps) - 1.0) * 0.5;
    var s = vec4f(0.0);
    for (var j = 0u; j < P.taps.y; j++) {
      for (var i = 0u; i < P.taps.x; i++) {
        s += textureSampleLevel(img, lin, o + P.step * vec2f(f32(i), f32(j)), 0.0);
      }
    }
    c = s / f32(P.taps.x * P.taps.y);
  }
  let inside = all(t >= vec2f(0.0)) && all(t <= vec2f(1.0));
  if (P.lensOn == 1u) {
    let outer = all(t >= P.lens.xy - P.px) && all(t <= P.lens.zw + P.px);
    let inner = all(t >= P.lens.xy + P.px) && all(t <= P.lens.zw - P.px);
    if (outer && !inner) { return LENS_COLOUR; }
  }
  return select(P.bg, vec4f(c.rgb, 1.0), inside);
}
