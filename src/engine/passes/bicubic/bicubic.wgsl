// 4x bicubic upscale (the baseline the model is compared against): output pixel o maps to input
// x = (o + 0.5) / 4 - 0.5, taps floor(x)-1 .. floor(x)+2, Keys cubic a = -0.5, indices clamped.
// Rounded to 8 bit like every image that is compared.

struct Params {
  src_size: vec2u,
  dst_size: vec2u,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var src: texture_2d<f32>;
@group(0) @binding(2) var dst: texture_storage_2d<rgba8unorm, write>;

fn cubic(t: f32) -> f32 {
  let a = -0.5;
  let x = abs(t);
  if (x <= 1.0) { return (a + 2.0) * x * x * x - (a + 3.0) * x * x + 1.0; }
  if (x < 2.0) { return a * x * x * x - 5.0 * a * x * x + 8.0 * a * x - 4.0 * a; }
  return 0.0;
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) id: vec3u) {
  if (any(id.xy >= P.dst_size)) { return; }
  let n = vec2i(P.src_size);
  let x = (vec2f(id.xy) + 0.5) / 4.0 - 0.5;
  let f = floor(x);
  let t = x - f;
  let wx = vec4f(cubic(t.x + 1.0), cubic(t.x), cubic(1.0 - t.x), cubic(2.0 - t.x));
  let wy = vec4f(cubic(t.y + 1.0), cubic(t.y), cubic(1.0 - t.y), cubic(2.0 - t.y));
  let fi = vec2i(f);
  var acc = vec3f(0.0);
  for (var a = 0; a < 4; a++) {
    let yy = clamp(fi.y - 1 + a, 0, n.y - 1);
    var row = vec3f(0.0);
    for (var b = 0; b < 4; b++) {
      let xx = clamp(fi.x - 1 + b, 0, n.x - 1);
      row += wx[b] * textureLoad(src, vec2i(xx, yy), 0).rgb;
    }
    acc += wy[a] * row;
  }
  textureStore(dst, vec2i(id.xy), vec4f(round(clamp(acc, vec3f(0.0), vec3f(1.0)) * 255.0) / 255.0, 1.0));
}
