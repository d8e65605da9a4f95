// PSNR, stage 2: one workgroup sums all partials (strided, then a tree) into result[slot], so only
// a few bytes per frame travel back to the CPU.

struct Params {
  count: u32,
  slot: u32,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> partial: array<f32>;
@group(0) @binding(2) var<storage, read_write> result: array<f32>;

var<workgroup> acc: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) li: u32) {
  var s = 0.0;
  for (var i = li; i < P.count; i += 256u) { s += partial[i]; }
  acc[li] = s;
  workgroupBarrier();
  for (var k = 128u; k > 0u; k >>= 1u) {
    if (li < k) { acc[li] += acc[li + k]; }
    workgroupBarrier();
  }
  if (li == 0u) { result[P.slot] = acc[0]; }
}
