// Draws an image texture into a canvas through the shared viewport: canvas uv (0..1) maps to
// image uv as uv * scale + offset, so both canvases (original and 4x) show the same region.
// Outside the image: background colour.

struct Params {
  scale: vec2f,
  offset: vec2f,
  bg: vec4f,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var img: texture_2d<f32>;
@group(0) @binding(2) var samp: sampler;

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
  let c = textureSample(img, samp, t);
  let inside = all(t >= vec2f(0.0)) && all(t <= vec2f(1.0));
  return select(P.bg, vec4f(c.rgb, 1.0), inside);
}
