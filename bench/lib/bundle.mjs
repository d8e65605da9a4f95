// Builds the player bundle for the runs outside a browser (bench/gpu/device_entry.ts as one ES
// module, the WGSL `?raw` imports inlined) with Vite, on a machine with node_modules. onnxruntime-web
// is not bundled: the bundle imports ./ort/ort.webgpu.bundle.min.mjs, which is copied beside it, so
// the bundle plus that folder (and ORT's .wasm, handed over by bench/lib/webgpu.mjs) is all a Node or
// Deno run needs.
//   node bench/lib/bundle.mjs OUT.mjs        (or: import { buildBundle })
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ORT_SPEC = 'onnxruntime-web/webgpu';
/** Where the bundle finds onnxruntime-web, relative to itself. */
export const ORT_REL = './ort/ort.webgpu.bundle.min.mjs';

/** Writes the bundle to `file` (and ORT to ./ort/ beside it); returns its absolute path. */
export async function buildBundle(file, { root = ROOT, quiet = false } = {}) {
  const { build } = await import('vite');
  const out = path.resolve(file);
  await build({
    configFile: false, root, logLevel: quiet ? 'error' : 'warn',
    build: {
      lib: { entry: path.join(root, 'bench/gpu/device_entry.ts'), formats: ['es'], fileName: () => path.basename(out) },
      outDir: path.dirname(out), emptyOutDir: false, minify: false, copyPublicDir: false, write: true,
      rollupOptions: { external: [ORT_SPEC] },
    },
  });
  // the external import, pointed at the copy beside the bundle
  const js = fs.readFileSync(out, 'utf8');
  const pat = new RegExp(`(from\\s*|import\\s*\\(?\\s*)(["'])${ORT_SPEC.replace('/', '\\/')}\\2`, 'g');
  const fixed = js.replace(pat, (_m, pre, q) => `${pre}${q}${ORT_REL}${q}`);
  if (fixed === js || fixed.includes(`"${ORT_SPEC}"`) || fixed.includes(`'${ORT_SPEC}'`)) throw new Error(`bundle: could not point the ${ORT_SPEC} import of ${out} at ${ORT_REL}`);
  fs.writeFileSync(out, fixed);
  const ortDst = path.join(path.dirname(out), ORT_REL);
  fs.mkdirSync(path.dirname(ortDst), { recursive: true });
  fs.copyFileSync(path.join(root, 'node_modules/onnxruntime-web/dist/ort.webgpu.bundle.min.mjs'), ortDst);
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!process.argv[2]) { console.error('usage: node bench/lib/bundle.mjs OUT.mjs'); process.exit(2); }
  buildBundle(process.argv[2]).then((f) => console.log(`bundle: wrote ${path.relative(process.cwd(), f)}`), (e) => { console.error(e); process.exit(1); });
}
