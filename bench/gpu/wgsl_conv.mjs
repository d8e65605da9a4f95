// Prototype for "a WebGPU engine specialized for this network" (issue 4, closing the gap): one
// fused 3x3 conv + bias + LeakyReLU(0.1) layer, C -> C, NHWC, vec4 channels, mat4x4 weights,
// each invocation computing PX horizontally adjacent pixels (weight loads shared across them),
// in f16 (shader-f16) and f32. Times it at SxS on the adapter Dawn for Node finds, checks every
// variant against a CPU reference on a small odd-sized input first, and estimates the whole
// 17-conv network from the per-layer time (x FLOPs ratio). Not the player's engine: a yardstick for
// what a hand-written kernel reaches next to onnxruntime-web's convolution and cuDNN.
//
//   node wgsl_conv.mjs --dawn PATH/dawn.node [--size 1024] [--channels 16,32,48,64] [--out file.json] [--budget-s 20]
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const args = Object.fromEntries(process.argv.slice(2).reduce((a, k, i, v) => (k.startsWith('--') ? [...a, [k.slice(2), v[i + 1] && !v[i + 1].startsWith('--') ? v[i + 1] : true]] : a), []));
const S = Number(args.size || 1024);
const CHANNELS = String(args.channels || '16,32,48,64').split(',').map(Number);
const deadline = Date.now() + Number(args['budget-s'] || 20) * 1000;
const require = createRequire(import.meta.url);
const { create, globals } = require(path.resolve(args.dawn || 'node_modules/webgpu/dist/linux-x64/dawn.node'));
Object.assign(globalThis, globals);

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[(s.length - 1) >> 1]; };

function shader(dtype, ci4, co4, px) {
  return `${dtype === 'f16' ? 'enable f16;\n' : ''}alias T = ${dtype};
struct P { W: u32, H: u32, slope: f32, pad: u32 }
@group(0) @binding(0) var<storage, read> x: array<vec4<T>>;
@group(0) @binding(1) var<storage, read> w: array<mat4x4<T>>;
@group(0) @binding(2) var<storage, read> b: array<vec4<T>>;
@group(0) @binding(3) var<storage, read_write> y: array<vec4<T>>;
@group(0) @binding(4) var<uniform> p: P;
const CI: u32 = ${ci4}u;
const CO: u32 = ${co4}u;
const PX: u32 = ${px}u;
@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let x0 = g.x * PX;
  if (x0 >= p.W || g.y >= p.H) { return; }
  var acc: array<vec4<T>, PX * CO>;
  for (var o = 0u; o < CO; o++) { let bo = b[o]; for (var q = 0u; q < PX; q++) { acc[q * CO + o] = bo; } }
  for (var ky = 0u; ky < 3u; ky++) {
    let iy = i32(g.y) + i32(ky) - 1;
    if (iy < 0 || iy >= i32(p.H)) { continue; }
    for (var kx = 0u; kx < 3u; kx++) {
      let tap = ky * 3u + kx;
      for (var ci = 0u; ci < CI; ci++) {
        var v: array<vec4<T>, PX>;
        for (var q = 0u; q < PX; q++) {
          let ix = i32(x0 + q) + i32(kx) - 1;
          if (ix >= 0 && ix < i32(p.W)) { v[q] = x[(u32(iy) * p.W + u32(ix)) * CI + ci]; } else { v[q] = vec4<T>(T(0)); }
        }
        let wb = (tap * CI + ci) * CO;
        for (var o = 0u; o < CO; o++) {
          let m = w[wb + o];
          for (var q = 0u; q < PX; q++) { acc[q * CO + o] += m * v[q]; }
        }
      }
    }
  }
  for (var q = 0u; q < PX; q++) {
    if (x0 + q < p.W) {
      let ob = (g.y * p.W + x0 + q) * CO;
      for (var o = 0u; o < CO; o++) { let a = acc[q * CO + o]; y[ob + o] = select(a * T(p.slope), a, a >= vec4<T>(T(0))); }
    }
  }
}`;
}

function f32ToF16(v) {
  const f = new Float32Array([v]); const u = new Uint32Array(f.buffer)[0];
  const s = (u >>> 16) & 0x8000; let e = ((u >>> 23) & 0xff) - 112; const m = u & 0x7fffff;
  if (e <= 0) return s; if (e >= 31) return s | 0x7c00;
  const r = s | (e << 10) | (m >>> 13); return (m & 0x1000) ? r + 1 : r; // round half up
}
function f16ToF32(h) { const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff; return e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15); }

function rnd(seed) { let st = seed >>> 0; return () => { st = (st * 1664525 + 1013904223) >>> 0; return st / 4294967296 - 0.5; }; }

/** host data: x [H][W][C], weights W[co][ci][tap], bias; packed for the shader */
function makeData(C, W, H, seed) {
  const r = rnd(seed);
  const xs = new Float32Array(H * W * C).map(() => r());
  const ws = new Float32Array(C * C * 9).map(() => r() * Math.sqrt(2 / (9 * C)) * 2);
  const bs = new Float32Array(C).map(() => r() * 0.1);
  const c4 = C / 4;
  const wp = new Float32Array(9 * c4 * c4 * 16); // [tap][ci4][co4] mat4x4, column c = input 4ci+c, row r = output 4o+r
  for (let tap = 0; tap < 9; tap++) for (let ci = 0; ci < c4; ci++) for (let o = 0; o < c4; o++) for (let c = 0; c < 4; c++) for (let rr = 0; rr < 4; rr++) {
    wp[((tap * c4 + ci) * c4 + o) * 16 + c * 4 + rr] = ws[((4 * o + rr) * C + (4 * ci + c)) * 9 + tap];
  }
  return { xs, ws, bs, wp };
}

function reference({ xs, ws, bs }, C, W, H) {
  const y = new Float32Array(H * W * C);
  for (let yy = 0; yy < H; yy++) for (let xx = 0; xx < W; xx++) for (let o = 0; o < C; o++) {
    let a = bs[o];
    for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) {
      const iy = yy + ky - 1, ix = xx + kx - 1;
      if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
      for (let i = 0; i < C; i++) a += ws[(o * C + i) * 9 + ky * 3 + kx] * xs[(iy * W + ix) * C + i];
    }
    y[(yy * W + xx) * C + o] = a >= 0 ? a : 0.1 * a;
  }
  return y;
}

async function main() {
  // keep the GPU instance referenced: if it is collected, pipeline creation crashes (seen with dawn.node 0.6.2)
  globalThis.__gpuInstance = create([]);
  const adapter = await globalThis.__gpuInstance.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('no adapter');
  const f16ok = adapter.features.has('shader-f16');
  const feats = ['shader-f16', 'timestamp-query'].filter((f) => adapter.features.has(f));
  const L = adapter.limits;
  const device = await adapter.requestDevice({ requiredFeatures: feats, requiredLimits: { maxStorageBufferBindingSize: L.maxStorageBufferBindingSize, maxBufferSize: L.maxBufferSize } });
  device.addEventListener?.('uncapturederror', (e) => console.error('uncapturederror', e.error?.message));
  const info = adapter.info;
  console.log(`wgsl_conv: ${info.vendor} ${info.architecture} ${info.description} f16=${f16ok}, ${S}x${S}`);
  const U = GPUBufferUsage;
  const buf = (data, usage) => {
    const b = device.createBuffer({ size: Math.max(16, Math.ceil(data.byteLength / 16) * 16), usage: usage | U.COPY_DST });
    device.queue.writeBuffer(b, 0, data.buffer, data.byteOffset, data.byteLength); return b;
  };
  const conv = (dtype) => (a) => (dtype === 'f16' ? Uint16Array.from(a, f32ToF16) : a);
  const results = [];
  for (const dtype of f16ok ? ['f16', 'f32'] : ['f32']) {
    for (const C of CHANNELS) {
      for (const px of [1, 2, 4]) {
        if (px * C > (dtype === 'f16' ? 256 : 128)) continue;
        if (Date.now() > deadline) { console.log('wgsl_conv: deadline'); break; }
        const row = { engine: 'wgsl-conv-prototype', backend: 'webgpu-dawn-node', precision: dtype === 'f16' ? 'fp16' : 'fp32', input: [S, S], channels: C, px, frame_ms: null };
        try {
          const c4 = C / 4;
          device.pushErrorScope('validation');
          const module = device.createShaderModule({ code: shader(dtype, c4, c4, px) });
          const pipe = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
          const run = async (W, H, d, reps) => {
            const cv = conv(dtype);
            const x = buf(cv(d.xs), U.STORAGE), w = buf(cv(d.wp), U.STORAGE), b = buf(cv(d.bs), U.STORAGE);
            const outBytes = H * W * C * (dtype === 'f16' ? 2 : 4);
            const y = device.createBuffer({ size: Math.ceil(outBytes / 16) * 16, usage: U.STORAGE | U.COPY_SRC });
            const pb = new ArrayBuffer(16); new Uint32Array(pb, 0, 2).set([W, H]); new Float32Array(pb, 8, 1)[0] = 0.1;
            const p = buf(new Uint8Array(pb), U.UNIFORM);
            const bg = device.createBindGroup({ layout: pipe.getBindGroupLayout(0), entries: [x, w, b, y, p].map((bb, i) => ({ binding: i, resource: { buffer: bb } })) });
            const gx = Math.ceil(W / (8 * px)), gy = Math.ceil(H / 8);
            const batch = (k) => {
              const enc = device.createCommandEncoder();
              for (let i = 0; i < k; i++) { const pass = enc.beginComputePass(); pass.setPipeline(pipe); pass.setBindGroup(0, bg); pass.dispatchWorkgroups(gx, gy); pass.end(); }
              device.queue.submit([enc.finish()]);
              return device.queue.onSubmittedWorkDone();
            };
            let out = null;
            if (reps === 0) {
              await batch(1);
              const rb = device.createBuffer({ size: y.size, usage: U.MAP_READ | U.COPY_DST });
              const enc = device.createCommandEncoder(); enc.copyBufferToBuffer(y, 0, rb, 0, y.size); device.queue.submit([enc.finish()]);
              await rb.mapAsync(GPUMapMode.READ); const raw = rb.getMappedRange().slice(0, outBytes); rb.unmap(); rb.destroy();
              out = dtype === 'f16' ? Float32Array.from(new Uint16Array(raw), f16ToF32) : new Float32Array(raw);
            } else {
              await batch(2); // warm-up
              const ts = [];
              const t1 = performance.now(); await batch(1); const one = performance.now() - t1;
              const k = Math.max(1, Math.min(50, Math.round(30 / Math.max(one, 0.05))));
              for (let rep = 0; rep < reps; rep++) { const t = performance.now(); await batch(k); ts.push((performance.now() - t) / k); if (Date.now() > deadline) break; }
              out = { layer_ms: median(ts), batches: ts.length, per_batch: k };
            }
            for (const bb of [x, w, b, y, p]) bb.destroy();
            return out;
          };
          // correctness on an odd-sized input (exercises the borders and the partial tiles)
          const vw = 13, vh = 11, d = makeData(C, vw, vh, 7 + C);
          const got = await run(vw, vh, d, 0);
          const ref = reference(d, C, vw, vh);
          let num = 0, den = 0; for (let i = 0; i < ref.length; i++) { num += (got[i] - ref[i]) ** 2; den += ref[i] ** 2; }
          row.verify_rel_l2 = Math.sqrt(num / den);
          row.verify_pass = row.verify_rel_l2 < (dtype === 'f16' ? 5e-2 : 1e-4); // f16 accumulates in f16 over 9C terms
          const t = await run(S, S, makeData(C, S, S, 1), 5);
          const err = await device.popErrorScope();
          if (err) throw new Error(err.message);
          const layerFlop = 2 * 9 * C * C * S * S;
          const netFlop = 2 * 9 * (3 * C + 15 * C * C + 48 * C) * S * S;
          Object.assign(row, { layer_ms: Math.round(t.layer_ms * 1000) / 1000, layer_gflops: Math.round(layerFlop / (t.layer_ms * 1e-3) / 1e9),
            model_ms: Math.round(t.layer_ms * (netFlop / layerFlop) * 1000) / 1000, model_ms_is: 'estimate: layer_ms x network FLOPs / layer FLOPs', status: 'ok' });
        } catch (e) {
          try { await device.popErrorScope(); } catch {}
          Object.assign(row, { model_ms: null, status: 'error', error: String(e.message || e).slice(0, 300) });
        }
        results.push(row);
        console.log(`  ${dtype} C=${C} px=${px}: ${row.status === 'ok' ? `layer ${row.layer_ms} ms (${row.layer_gflops} GFLOP/s), network est. ${row.model_ms} ms, verify rel ${row.verify_rel_l2.toExponential(1)} ${row.verify_pass ? 'PASS' : 'FAIL'}` : row.error}`);
      }
    }
  }
  const doc = { gpu: `${info.vendor} ${info.architecture} ${info.description}`.trim(), date: new Date().toISOString(), versions: { node: process.version }, results };
  if (args.out) writeFileSync(args.out, JSON.stringify(doc, null, 1));
  process.exit(0);
}
main().catch((e) => { console.error(e); process.exit(1); });
