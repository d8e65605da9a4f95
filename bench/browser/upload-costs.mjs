// `node bench/browser/upload-costs.mjs [chromium|firefox ...]`: the ways a decoded VideoFrame can reach
// the WebGPU path, timed and compared in each browser (docs/PERFORMANCE.md, "Uploading a frame").
// Prints numbers; asserts nothing. On a synthetic 1024x1024 I420 frame (the demo's size and colour
// space), each figure the mean of 20 uploads after a warm-up, each waited for on the GPU queue:
//   copyTo    the frame's planes copied out alone (the first part of planes)
//   planes    the frame's planes copied out (VideoFrame.copyTo) and converted by our shader
//   external  copyExternalImageToTexture of the VideoFrame (where the browser takes one)
//   bitmap    createImageBitmap of the frame, then copyExternalImageToTexture of the bitmap
//   imported  importExternalTexture of the frame, copied out by a compute pass (where it takes one)
// and each one's largest difference from `planes` (which e2e/yuv.spec.ts holds within 1 level of
// Chromium's upload). Firefox runs with WebGPU on (its adapter here: Mesa lavapipe).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBrowser, startServer } from '../lib/browser.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const which = process.argv.slice(2).length ? process.argv.slice(2) : ['chromium', 'firefox'];

async function measure() {
  const { UploadPass, forceFrameUpload, frameUpload } = await import('/src/engine/passes/upload/index.ts');
  const { createGpu } = await import('/src/engine/gpu/device.ts');
  const { readTexture } = await import('/src/engine/gpu/resources.ts');
  const gpu = await createGpu(), d = gpu.device, W = 1024, N = 20;
  const yuv = new Uint8Array((W * W * 3) / 2);
  for (let i = 0; i < W * W; i++) yuv[i] = 40 + (((i % W) + (i >> 10)) % 160);
  for (let i = W * W; i < yuv.length; i++) yuv[i] = 96 + ((i * 13) % 64);
  const frame = new VideoFrame(yuv, { format: 'I420', codedWidth: W, codedHeight: W, timestamp: 0, colorSpace: { matrix: 'bt470bg', fullRange: false } });
  const out = { adapter: gpu.description, native: frameUpload(d), ms: {}, maxDiffFromPlanes: {} };
  const up = new UploadPass(d, W, W);
  const read = async () => readTexture(d, up.output);
  const time = async (k, fn) => {
    try {
      await fn();
      await d.queue.onSubmittedWorkDone();
      const t = performance.now();
      for (let i = 0; i < N; i++) {
        await fn();
        await d.queue.onSubmittedWorkDone();
      }
      out.ms[k] = +((performance.now() - t) / N).toFixed(2);
      return await read();
    } catch (e) {
      out.ms[k] = `not available: ${String(e.message ?? e).slice(0, 160)}`;
      return null;
    }
  };
  const native = out.native;
  const bytes = new Uint8Array(frame.allocationSize());
  await time('copyTo alone (part of planes)', () => frame.copyTo(bytes));
  forceFrameUpload(d, 'planes');
  const planes = await time('planes', () => up.copy(frame));
  const got = {};
  if (native === 'external') {
    forceFrameUpload(d, 'external');
    got.external = await time('external', () => up.copy(frame));
  } else out.ms.external = 'not available: copyExternalImageToTexture does not take a VideoFrame';
  got.bitmap = await time('bitmap', async () => {
    const b = await createImageBitmap(frame);
    d.queue.copyExternalImageToTexture({ source: b }, { texture: up.output }, [W, W]);
    b.close();
  });
  const module = d.createShaderModule({
    code: `@group(0) @binding(0) var e: texture_external; @group(0) @binding(1) var o: texture_storage_2d<rgba8unorm, write>;
      @compute @workgroup_size(8, 8) fn main(@builtin(global_invocation_id) id: vec3u) {
        if (any(id.xy >= textureDimensions(e))) { return; }
        textureStore(o, id.xy, textureLoad(e, id.xy));
      }`,
  });
  const pipe = d.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  got.imported = await time('imported', async () => {
    const ext = d.importExternalTexture({ source: frame });
    const enc = d.createCommandEncoder(), p = enc.beginComputePass();
    p.setPipeline(pipe);
    p.setBindGroup(0, d.createBindGroup({ layout: pipe.getBindGroupLayout(0), entries: [{ binding: 0, resource: ext }, { binding: 1, resource: up.output.createView() }] }));
    p.dispatchWorkgroups(W / 8, W / 8);
    p.end();
    d.queue.submit([enc.finish()]);
  });
  for (const [k, px] of Object.entries(got)) {
    if (!px || !planes) continue;
    let max = 0;
    for (let i = 0; i < px.length; i++) if ((i & 3) !== 3) max = Math.max(max, Math.abs(px[i] - planes[i]));
    out.maxDiffFromPlanes[k] = max;
  }
  frame.close();
  up.dispose();
  d.destroy();
  return out;
}

const results = { date: new Date().toISOString(), frame: '1024x1024 I420 BT.601 limited', runs: {} };
if (which.includes('chromium')) {
  const { base, browser, close } = await startBrowser(ROOT, { port: 5397 });
  try {
    const page = await browser.newPage();
    await page.goto(`${base}/?demo=0&backend=wasm`);
    results.runs.chromium = { version: browser.version(), ...(await page.evaluate(measure)) };
  } finally {
    await close();
  }
}
if (which.includes('firefox')) {
  const { launchFirefox } = await import('../../e2e/engines/firefox.mjs');
  const srv = await startServer(ROOT, { port: 5398 });
  const ff = await launchFirefox({ 'dom.webgpu.enabled': true, 'gfx.webgpu.ignore-blocklist': true });
  try {
    await ff.goto(`${srv.base}/?demo=0&backend=wasm`);
    results.runs.firefox = { version: ff.version, ...(await ff.eval(measure)) };
  } finally {
    await ff.close();
    await srv.close();
  }
}
console.log(JSON.stringify(results, null, 1));
