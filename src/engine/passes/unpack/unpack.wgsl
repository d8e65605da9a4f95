// The model's output tensor(s) NCHW [1,3,H,W] -> an RGBA8 image for display and metrics.
// mode 0 (full): clamp(full); 1 (low): clamp(low); 2 (high): the signed residual full - low,
// shown as 0.5 + gain * (full - low). Values are clamped to [0,1] and rounded to 8 bit, the same
// convention as the PSNR evaluation. FP16 tensors are read as packed u32 pairs (no shader-f16 needed).
// A `size` region of the tensor (W x H, from `src`) goes to dst at `dst` (the whole tensor to the
// whole texture, or the lens: the model's output on a crop, without its margin, into its place).

struct Params {
  tensor: vec2u,  // W, H of the output tensor
  size: vec2u,    // the region written
  src: vec2u,     // its top-left in the tensor
  dst: vec2u,     // and in the texture
  fp16: u32,
  mode: u32,
  gain: f32,
  _pad: f32,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> full: array<u32>;
@group(0) @binding(2) var<storage, read> low: array<u32>;
@group(0) @binding(3) var dst: texture_storage_2d<rgba8unorm, write>;

fn half(w: u32, e: u32) -> f32 {
  let v = unpack2x16float(w);
  return select(v.x, v.y, (e & 1u) == 1u);
}

fn loadFull(e: u32) -> f32 {
  if (P.fp16 == 1u) { return half(full[e >> 1u], e); }
  return bitcast<f32>(full[e]);
}

fn loadLow(e: u32) -> f32 {
  if (P.fp16 == 1u) { return half(low[e >> 1u], e); }
  return bitcast<f32>(low[e]);
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) id: vec3u) {
  if (any(id.xy >= P.size)) { return; }
  let n = P.tensor.x * P.tensor.y;
  let q = P.src + id.xy;
  let i = q.y * P.tensor.x + q.x;
  var rgb = vec3f(0.0);
  for (var c = 0u; c < 3u; c++) {
    let e = c * n + i;
    var v = 0.0;
    if (P.mode == 0u) {
      v = loadFull(e);
    } else if (P.mode == 1u) {
      v = loadLow(e);
    } else {
      v = 0.5 + P.gain * (loadFull(e) - loadLow(e));
    }
    rgb[c] = v;
  }
  textureStore(dst, vec2i(P.dst + id.xy), vec4f(round(clamp(rgb, vec3f(0.0), vec3f(1.0)) * 255.0) / 255.0, 1.0));
}
