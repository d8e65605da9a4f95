// 4x downscale, MATLAB imresize 'bicubic' (antialiased): output pixel i reads the 16 input taps
// j = 4i-6 .. 4i+9. The tap offsets relative to the output centre are the same for every pixel, so
// the 16 normalised weights come from the host (filters.ts downscaleWeights) in a uniform.
// Edges mirror symmetrically including the edge pixel (-1 -> 0, n -> n-1). The result is rounded
// to 8 bit, as a decoded frame at the low resolution would be.

struct Params {
  w: array<vec4f, 4>,   // 16 weights
  src_size: vec2u,      // the source region (cropped to a multiple of 4 by the host)
  dst_size: vec2u,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var src: texture_2d<f32>;
@group(0) @binding(2) var dst: texture_storage_2d<rgba8unorm, write>;

fn mirror(i: i32, n: i32) -> i32 {
  var j = i;
  loop {
    if (j < 0) { j = -j - 1; } else if (j >= n) { j = 2 * n - 1 - j; } else { break; }
  }
  return j;
}

fn wt(k: u32) -> f32 { return P.w[k / 4u][k % 4u]; }

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) id: vec3u) {
  if (any(id.xy >= P.dst_size)) { return; }
  let n = vec2i(P.src_size);
  let o = vec2i(id.xy);
  var acc = vec3f(0.0);
  for (var ky = 0u; ky < 16u; ky++) {
    let y = mirror(4 * o.y - 6 + i32(ky), n.y);
    var row = vec3f(0.0);
    for (var kx = 0u; kx < 16u; kx++) {
      let x = mirror(4 * o.x - 6 + i32(kx), n.x);
      row += wt(kx) * textureLoad(src, vec2i(x, y), 0).rgb;
    }
    acc += wt(ky) * row;
  }
  textureStore(dst, o, vec4f(round(clamp(acc, vec3f(0.0), vec3f(1.0)) * 255.0) / 255.0, 1.0));
}
