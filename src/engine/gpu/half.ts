// IEEE 754 binary16 -> number, for reading FP16 model outputs back (tests, the engine check of
// inference/auto.ts). A 65 536-entry table: a 1024x1024 frame's output is 50 M halves.
let table: Float32Array | null = null;

function decode(v: number): number {
  const s = v & 0x8000 ? -1 : 1, e = (v >> 10) & 0x1f, m = v & 0x3ff;
  return e === 0 ? s * 2 ** -14 * (m / 1024) : e === 31 ? (m ? NaN : s * Infinity) : s * 2 ** (e - 15) * (1 + m / 1024);
}

export function halfTable(): Float32Array {
  if (!table) {
    table = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) table[i] = decode(i);
  }
  return table;
}

export function halfToFloat(h: Uint16Array): Float32Array {
  const t = halfTable(), out = new Float32Array(h.length);
  for (let i = 0; i < h.length; i++) out[i] = t[h[i]];
  return out;
}
