// RGBA texture -> the model's input tensor: NCHW [1,3,H,W], values in [0,1], from the W x H region
// of the texture at `origin` (the whole texture, or a crop).
// FP32: one f32 per element. FP16: two halves per u32 (pack2x16float), so this shader needs no
// shader-f16 extension; element e = c*H*W + y*W + x.

struct Params {
  size: vec2u,    // W, H
  origin: vec2u,  // top-left of the region in the texture
  fp16: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var src: texture_2d<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<u32>;

fn value(e: u32) -> f32 {
  let n = P.size.x * P.size.y;
  let c = e / n;
  let r = e % n;
  return textureLoad(src, P.origin + vec2u(r % P.size.x, r / P.size.x), 0)[c];
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let i = id.x + id.y * nw.x * 256u;
  let total = 3u * P.size.x * P.size.y;
  if (P.fp16 == 1u) {
    let e = 2u * i;
    if (e >= total) { return; }
    var b = 0.0;
    if (e + 1u < total) { b = value(e + 1u); }
    dst[i] = pack2x16float(vec2f(value(e), b));
  } else {
    if (i >= total) { return; }
    dst[i] = bitcast<u32>(value(i));
  }
}
