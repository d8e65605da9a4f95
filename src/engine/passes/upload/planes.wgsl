// A decoded frame's raw planes -> RGBA8, the way Chromium's GPU upload converts them
// (copyExternalImageToTexture of a VideoFrame), for browsers whose copyExternalImageToTexture does
// not take a VideoFrame: luma read 1:1; each 4:2:0 chroma sample centred on its 2x2 pixels and
// interpolated bilinearly between samples (edges clamped); the textbook matrix; rounded to 8 bits.
// The same conversion as the CPU path's kernel (pipeline/yuv), so every engine gives the model the
// same pixels. Packed RGB frames (stills) pass through, swizzled from BGR where they are stored so.

struct Params {
  // ys (luma gain), yo (luma offset, levels), kr, kgu, kgv, kb: RGB = ys (Y - yo) + k (Cb|Cr - 128)
  m0: vec4f,
  m1: vec2f,
  // 0 I420 (Cb in c, Cr in v), 1 NV12 (CbCr in c), 2 RGBA, 3 BGRA, 4 RGBX, 5 BGRX
  mode: u32,
  pad: u32,
  size: vec2u,
  csize: vec2u,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var y_tex: texture_2d<f32>;
@group(0) @binding(2) var c_tex: texture_2d<f32>;
@group(0) @binding(3) var v_tex: texture_2d<f32>;
@group(0) @binding(4) var dst: texture_storage_2d<rgba8unorm, write>;

fn chroma_at(q: vec2i) -> vec2f {
  let p = clamp(q, vec2i(0), vec2i(P.csize) - 1);
  let c = textureLoad(c_tex, p, 0);
  if (P.mode == 1u) { return c.rg * 255.0; }
  return vec2f(c.r, textureLoad(v_tex, p, 0).r) * 255.0;
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) id: vec3u) {
  if (any(id.xy >= P.size)) { return; }
  let px = vec2i(id.xy);
  let s = textureLoad(y_tex, px, 0);
  if (P.mode >= 2u) {
    var rgba = s;
    if (P.mode == 3u || P.mode == 5u) { rgba = s.bgra; }
    if (P.mode >= 4u) { rgba.a = 1.0; }
    textureStore(dst, px, rgba);
    return;
  }
  // luma pixel x sits at chroma position (x + 0.5) / 2 - 0.5
  let at = vec2f(id.xy) * 0.5 - 0.25;
  let f = floor(at);
  let w = at - f;
  let q = vec2i(f);
  let top = mix(chroma_at(q), chroma_at(q + vec2i(1, 0)), w.x);
  let bottom = mix(chroma_at(q + vec2i(0, 1)), chroma_at(q + vec2i(1, 1)), w.x);
  let cbcr = mix(top, bottom, w.y) - 128.0;
  let l = P.m0.x * (s.r * 255.0 - P.m0.y);
  let rgb = vec3f(l + P.m0.z * cbcr.y, l + P.m0.w * cbcr.x + P.m1.x * cbcr.y, l + P.m1.y * cbcr.x);
  textureStore(dst, px, vec4f(clamp(round(rgb), vec3f(0.0), vec3f(255.0)) / 255.0, 1.0));
}
