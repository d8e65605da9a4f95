// PSNR, stage 1: squared Y differences of two RGBA8 images over a region, one partial sum per
// 16x16 workgroup. Y = 16 + 65.481 R + 128.553 G + 24.966 B with R,G,B in [0,1] (BT.601, 16..235,
// not rounded); the region is the compared size minus a 4-pixel border (the host sets lo/hi).

struct Params {
  lo: vec2u,
  hi: vec2u,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var a: texture_2d<f32>;
@group(0) @binding(2) var b: texture_2d<f32>;
@group(0) @binding(3) var<storage, read_write> partial: array<f32>;

var<workgroup> acc: array<f32, 256>;

fn luma(c: vec3f) -> f32 {
  return 16.0 + dot(c, vec3f(65.481, 128.553, 24.966));
}

@compute @workgroup_size(16, 16)
fn main(
  @builtin(global_invocation_id) gid: vec3u,
  @builtin(local_invocation_index) li: u32,
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
) {
  let p = P.lo + gid.xy;
  var d2 = 0.0;
  if (all(p < P.hi)) {
    let d = luma(textureLoad(a, p, 0).rgb) - luma(textureLoad(b, p, 0).rgb);
    d2 = d * d;
  }
  acc[li] = d2;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) {
    if (li < s) { acc[li] += acc[li + s]; }
    workgroupBarrier();
  }
  if (li == 0u) { partial[wid.y * nwg.x + wid.x] = acc[0]; }
}
