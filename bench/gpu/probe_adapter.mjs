// Prints the WebGPU adapter Dawn for Node finds (exit 0), or why there is none (exit 1). Only the
// adapter: no device is made here (bench/lib/webgpu.mjs makes the player's).
//   node probe_adapter.mjs /path/dawn.node [--allow-fallback]
import { installNavigatorGpu } from '../lib/webgpu.mjs';
const gpu = installNavigatorGpu(process.argv[2]);
const a = await gpu.requestAdapter({ powerPreference: 'high-performance' });
if (!a) { console.log('probe: no adapter'); process.exit(1); }
const i = a.info, L = a.limits;
const out = { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, fallback: i.isFallbackAdapter,
  features: [...a.features].sort(), subgroupMatrixConfigs: i.subgroupMatrixConfigs?.length ?? 0, subgroupMinSize: i.subgroupMinSize, subgroupMaxSize: i.subgroupMaxSize,
  limits: Object.fromEntries(['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX'].map((k) => [k, L[k]])) };
console.log('probe: adapter ' + JSON.stringify(out));
process.exit(i.isFallbackAdapter && !process.argv.includes('--allow-fallback') ? 1 : 0);
