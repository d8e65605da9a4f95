// Same check as verify_outputs.py, with onnxruntime-node (for machines whose python has no
// onnxruntime, e.g. this dev machine): node bench/gpu/verify_node.mjs DUMP_DIR [OUT.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
const dir = process.argv[2];
const items = JSON.parse(readFileSync(join(dir, 'dumps.json'), 'utf8'));
const f16 = (h) => { const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff; return e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15); };
const rows = [];
for (const it of items) {
  const fp16 = it.precision === 'fp16';
  const [w, h] = it.input;
  const rd = (p) => { const b = readFileSync(p); return fp16 ? new Uint16Array(b.buffer, b.byteOffset, b.byteLength / 2) : new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4); };
  const x = rd(it.dump + '.in.bin'), y = rd(it.dump + '.out.bin');
  const s = await ort.InferenceSession.create(it.model);
  const r = await s.run({ [it.input_name]: new ort.Tensor(fp16 ? 'float16' : 'float32', x, [1, 3, h, w]) });
  const ref = r[it.output_name].data;
  let num = 0, den = 0, mx = 0, bad = 0;
  for (let i = 0; i < ref.length; i++) {
    const a = fp16 ? f16(y[i]) : y[i], b = fp16 ? f16(ref[i]) : ref[i];
    if (!Number.isFinite(a)) { bad++; continue; }
    num += (a - b) ** 2; den += b * b; mx = Math.max(mx, Math.abs(a - b));
  }
  const rel = Math.sqrt(num / den);
  const pass = rel <= (fp16 ? 1e-2 : 1e-3) && bad === 0;
  rows.push({ ...it, rel_l2: rel, max_abs: mx, nonfinite: bad, pass });
  console.log(`verify ${it.dump.split('/').pop()}: rel_l2 ${rel.toExponential(2)} max_abs ${mx.toExponential(2)} nonfinite ${bad} -> ${pass ? 'PASS' : 'FAIL'}`);
}
writeFileSync(process.argv[3] || join(dir, 'verify.json'), JSON.stringify({ onnxruntime: 'onnxruntime-node', results: rows }, null, 1));
