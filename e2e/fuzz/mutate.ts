// Seeded mutations of good media files for the drop fuzzer (e2e/fuzz.spec.ts): byte flips, cuts at
// random offsets and at every box / element / chunk boundary, zeroed runs, scrambled headers and
// swapped sibling boxes. Pure and deterministic: the same seed gives the same files, so a failure
// can be replayed by its seed and index.
import { rng } from '../../src/engine/metrics/sample.mjs';

/** A structural unit of a file: an MP4 box, an EBML element, a PNG chunk, a JPEG segment, a RIFF
 *  chunk. `header` is where its payload starts; `parent` its container's index (-1: top level). */
export interface Unit {
  start: number;
  end: number;
  header: number;
  name: string;
  parent: number;
}

const MP4_CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'dinf', 'udta', 'mvex', 'moof', 'traf', 'mfra']);

function mp4Units(b: Uint8Array, from: number, to: number, parent: number, out: Unit[]): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = from;
  while (at + 8 <= to) {
    let size = dv.getUint32(at);
    const name = String.fromCharCode(...b.subarray(at + 4, at + 8));
    let header = at + 8;
    if (size === 1) {
      if (at + 16 > to) return;
      size = Number(dv.getBigUint64(at + 8));
      header = at + 16;
    } else if (size === 0) size = to - at;
    if (size < header - at || at + size > to || !/^[\x20-\x7e]{4}$/.test(name)) return;
    const i = out.push({ start: at, end: at + size, header, name, parent }) - 1;
    if (MP4_CONTAINERS.has(name)) mp4Units(b, header, at + size, i, out);
    at += size;
  }
}

/** EBML variable-length integer at `at`: its length in bytes and value (`keepMarker` for IDs). */
function vint(b: Uint8Array, at: number, keepMarker: boolean): { len: number; value: number; unknown: boolean } | null {
  const first = b[at];
  if (first === undefined || first === 0) return null;
  const len = Math.clz32(first) - 23;
  if (at + len > b.length) return null;
  let value = keepMarker ? first : first & (0xff >> len);
  let allOnes = value === 0xff >> len;
  for (let i = 1; i < len; i++) {
    value = value * 256 + b[at + i];
    allOnes &&= b[at + i] === 0xff;
  }
  return { len, value, unknown: !keepMarker && allOnes };
}

const EBML_MASTERS = new Set([0x1a45dfa3, 0x18538067, 0x114d9b74, 0x4dbb, 0x1549a966, 0x1654ae6b, 0xae, 0xe0, 0xe1, 0x1f43b675, 0xa0, 0x1c53bb6b, 0xbb, 0xb7, 0x1254c367, 0x7373]);

function ebmlUnits(b: Uint8Array, from: number, to: number, parent: number, out: Unit[]): void {
  let at = from;
  while (at < to) {
    const id = vint(b, at, true);
    if (!id) return;
    const size = vint(b, at + id.len, false);
    if (!size) return;
    const header = at + id.len + size.len;
    const end = size.unknown ? to : header + size.value;
    if (end > to) return;
    const i = out.push({ start: at, end, header, name: `0x${id.value.toString(16)}`, parent }) - 1;
    if (EBML_MASTERS.has(id.value)) ebmlUnits(b, header, end, i, out);
    at = end;
  }
}

function pngUnits(b: Uint8Array, out: Unit[]): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let at = 8; at + 12 <= b.length; ) {
    const end = at + 12 + dv.getUint32(at);
    if (end > b.length) return;
    out.push({ start: at, end, header: at + 8, name: String.fromCharCode(...b.subarray(at + 4, at + 8)), parent: -1 });
    at = end;
  }
}

function jpegUnits(b: Uint8Array, out: Unit[]): void {
  for (let at = 2; at + 4 <= b.length && b[at] === 0xff; ) {
    const m = b[at + 1];
    if (m === 0xd9) return;
    const end = at + 2 + ((b[at + 2] << 8) | b[at + 3]);
    if (end > b.length) return;
    out.push({ start: at, end, header: at + 4, name: `ff${m.toString(16)}`, parent: -1 });
    if (m === 0xda) return; // entropy-coded data follows, to the end marker
    at = end;
  }
}

function riffUnits(b: Uint8Array, out: Unit[]): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let at = 12; at + 8 <= b.length; ) {
    const size = dv.getUint32(at + 4, true);
    const end = at + 8 + size + (size & 1);
    if (end > b.length) return;
    out.push({ start: at, end, header: at + 8, name: String.fromCharCode(...b.subarray(at, at + 4)), parent: -1 });
    at = end;
  }
}

/** The structure of a file, by its extension; [] when it is none of ours. */
export function units(name: string, b: Uint8Array): Unit[] {
  const out: Unit[] = [];
  if (/\.(mp4|mov|m4v)$/i.test(name)) mp4Units(b, 0, b.length, -1, out);
  else if (/\.(webm|mkv)$/i.test(name)) ebmlUnits(b, 0, b.length, -1, out);
  else if (/\.png$/i.test(name)) pngUnits(b, out);
  else if (/\.jpe?g$/i.test(name)) jpegUnits(b, out);
  else if (/\.webp$/i.test(name)) riffUnits(b, out);
  return out;
}

/** Every offset where a unit starts or ends (or its header ends), inside the file, sorted. */
export function boundaries(name: string, b: Uint8Array): number[] {
  const s = new Set<number>();
  for (const u of units(name, b)) for (const x of [u.start, u.header, u.end]) if (x > 0 && x < b.length) s.add(x);
  return [...s].sort((x, y) => x - y);
}

export type MutationKind = 'flip' | 'cut' | 'cut-boundary' | 'zero' | 'scramble-header' | 'swap';
export const RANDOM_KINDS: MutationKind[] = ['flip', 'cut', 'zero', 'scramble-header', 'swap'];

export interface Mutant {
  name: string;
  kind: MutationKind;
  /** the file it was made from */
  source: string;
  /** what was done, to replay it by hand */
  detail: string;
  bytes: Uint8Array;
}

const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

/** The header region: everything before the first media data (MP4 mdat, WebM Cluster, JPEG scan,
 *  PNG IDAT, WebP bitstream), at least 16 bytes. */
function headerEnd(name: string, b: Uint8Array): number {
  const u = units(name, b);
  const data = u.find((x) => ['mdat', '0x1f43b675', 'IDAT', 'ffda', 'VP8 ', 'VP8L'].includes(x.name));
  return Math.max(16, Math.min(b.length, data ? data.header : b.length));
}

/** One random mutation of `src` (name and bytes) of the given kind. */
export function mutate(kind: Exclude<MutationKind, 'cut-boundary'>, srcName: string, src: Uint8Array, r: () => number): { bytes: Uint8Array; detail: string } {
  const b = src.slice();
  const n = b.length;
  switch (kind) {
    case 'flip': {
      const k = int(r, 1, 16), at: number[] = [];
      for (let i = 0; i < k; i++) {
        const p = int(r, 0, n - 1);
        b[p] ^= int(r, 1, 255);
        at.push(p);
      }
      return { bytes: b, detail: `flipped bytes at ${at.join(',')}` };
    }
    case 'cut': {
      const at = int(r, 1, n - 1);
      return { bytes: b.subarray(0, at), detail: `cut at ${at} of ${n}` };
    }
    case 'zero': {
      const len = int(r, 4, Math.min(256, n)), at = int(r, 0, n - len);
      b.fill(0, at, at + len);
      return { bytes: b, detail: `zeroed ${at}..${at + len}` };
    }
    case 'scramble-header': {
      const end = headerEnd(srcName, src), len = int(r, 8, Math.min(64, end)), at = int(r, 0, end - len);
      for (let i = len - 1; i > 0; i--) {
        const j = int(r, 0, i);
        [b[at + i], b[at + j]] = [b[at + j], b[at + i]];
      }
      return { bytes: b, detail: `shuffled ${at}..${at + len} (header ends at ${end})` };
    }
    case 'swap': {
      const u = units(srcName, src);
      const pairs: Array<[Unit, Unit]> = [];
      for (let i = 0; i < u.length; i++) for (let j = i + 1; j < u.length; j++) if (u[i].parent === u[j].parent) pairs.push([u[i], u[j]]);
      if (!pairs.length) return mutate('flip', srcName, src, r);
      const [x, y] = pairs[int(r, 0, pairs.length - 1)];
      const out = new Uint8Array(n);
      out.set(src.subarray(0, x.start), 0);
      let at = x.start;
      for (const part of [src.subarray(y.start, y.end), src.subarray(x.end, y.start), src.subarray(x.start, x.end), src.subarray(y.end)]) {
        out.set(part, at);
        at += part.length;
      }
      return { bytes: out, detail: `swapped ${x.name}@${x.start} with ${y.name}@${y.start}` };
    }
  }
}

/** `count` mutants of `sources`: first a cut at every boundary of each source in `everyBoundary`,
 *  then random mutations of random sources, all from `seed`. Names are unique and keep the
 *  source's extension (an image stays named like an image). */
export function corpus(sources: Array<{ name: string; bytes: Uint8Array }>, count: number, seed: number, everyBoundary: string[]): Mutant[] {
  const r = rng(seed);
  const out: Mutant[] = [];
  const add = (kind: MutationKind, source: string, detail: string, bytes: Uint8Array) => {
    const i = out.length;
    out.push({ name: `fuzz${String(i).padStart(4, '0')}-${kind}-${source}`, kind, source, detail, bytes });
  };
  for (const s of sources.filter((x) => everyBoundary.includes(x.name))) {
    for (const at of boundaries(s.name, s.bytes)) if (out.length < count) add('cut-boundary', s.name, `cut at boundary ${at} of ${s.bytes.length}`, s.bytes.subarray(0, at));
  }
  while (out.length < count) {
    const s = sources[int(r, 0, sources.length - 1)];
    const kind = RANDOM_KINDS[int(r, 0, RANDOM_KINDS.length - 1)] as Exclude<MutationKind, 'cut-boundary'>;
    const m = mutate(kind, s.name, s.bytes, r);
    add(kind, s.name, m.detail, m.bytes);
  }
  return out;
}
