// MP4 sample tables whose counts claim more samples than the file holds. mediabunny expands some
// counts one sample at a time, synchronously (every presentation time when there is a ctts box; a
// PCM track's chunks), so one flipped byte in a few-kB header froze the page for a minute before
// playing (found by the drop fuzzer, e2e/fuzz.spec.ts). Such a file is refused from its moov box before mediabunny sees it.
// Pure functions over bytes; the caller reads them.

interface Child {
  type: string;
  /** payload start and end, absolute in the buffer */
  from: number;
  to: number;
}

function children(b: Uint8Array, from: number, to: number): Child[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Child[] = [];
  for (let at = from; at + 8 <= to; ) {
    let size = dv.getUint32(at), head = 8;
    if (size === 1) {
      if (at + 16 > to) break;
      size = Number(dv.getBigUint64(at + 8));
      head = 16;
    } else if (size === 0) size = to - at;
    if (size < head || at + size > to) break; // the demuxer reports a broken box layout itself
    out.push({ type: String.fromCharCode(b[at + 4], b[at + 5], b[at + 6], b[at + 7]), from: at + head, to: at + size });
    at += size;
  }
  return out;
}

const child = (b: Uint8Array, c: Child | undefined, type: string) => (c ? children(b, c.from, c.to).find((x) => x.type === type) : undefined);

/** Sum of the first u32 of each `stride`-byte entry after a full box's version/flags and count. */
function sumCounts(b: Uint8Array, box: Child, stride: number): number {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (box.to - box.from < 8) return 0;
  const n = Math.min(dv.getUint32(box.from + 4), Math.floor((box.to - box.from - 8) / stride));
  let s = 0;
  for (let i = 0; i < n; i++) s += dv.getUint32(box.from + 8 + i * stride);
  return s;
}

/** What is wrong with the sample tables in `moov` (the moov box's bytes, header included) of a
 *  file of `fileSize` bytes, or null. Entry lists are bounded by their box's bytes; only counts
 *  that the demuxer would expand without reading are checked. */
export function mp4TableProblem(moov: Uint8Array, fileSize: number): string | null {
  const dv = new DataView(moov.buffer, moov.byteOffset, moov.byteLength);
  const top = children(moov, 0, moov.length).find((x) => x.type === 'moov');
  if (!top) return null;
  let k = 0;
  for (const trak of children(moov, top.from, top.to).filter((x) => x.type === 'trak')) {
    k++;
    const mdia = child(moov, trak, 'mdia');
    const hdlr = child(moov, mdia, 'hdlr');
    const kind = hdlr && hdlr.to - hdlr.from >= 12 ? String.fromCharCode(...moov.subarray(hdlr.from + 8, hdlr.from + 12)) : '?';
    const track = `track ${k} (${kind === 'vide' ? 'video' : kind === 'soun' ? 'audio' : kind})`;
    const stbl = child(moov, child(moov, mdia, 'minf'), 'stbl');
    if (!stbl) continue;
    const boxes = children(moov, stbl.from, stbl.to);
    const get = (t: string) => boxes.find((x) => x.type === t);
    // how many samples the track can really have: one size per sample in stsz / stz2, or a constant
    // size, each sample at least that many bytes of the file
    let samples = fileSize;
    const stsz = get('stsz'), stz2 = get('stz2');
    if (stsz && stsz.to - stsz.from >= 12) {
      const size = dv.getUint32(stsz.from + 4), count = dv.getUint32(stsz.from + 8);
      if (size > 0 && count * size > fileSize) return `its ${track} claims ${count} samples of ${size} bytes in a ${fileSize}-byte file (stsz)`;
      samples = size > 0 ? count : Math.min(count, Math.floor((stsz.to - stsz.from - 12) / 4));
    } else if (stz2 && stz2.to - stz2.from >= 12) {
      const bits = moov[stz2.from + 7] || 8;
      samples = Math.min(dv.getUint32(stz2.from + 8), Math.floor(((stz2.to - stz2.from - 12) * 8) / bits));
    }
    // tables that merely disagree still play (the demuxer copes); a count that would keep it busy
    // for more than a moment is refused (a flipped high byte claims billions)
    const limit = Math.max(2 * samples + 1024, 1 << 20);
    for (const [t, stride] of [
      ['stts', 8],
      ['ctts', 8],
    ] as const) {
      const box = get(t);
      const n = box ? sumCounts(moov, box, stride) : 0;
      if (n > limit) return `its ${track} claims ${n} samples in its ${t} box but has ${samples}`;
    }
    const stsc = get('stsc'), chunks = get('stco') ?? get('co64');
    if (stsc && chunks && stsc.to - stsc.from >= 8 && chunks.to - chunks.from >= 8) {
      const nChunks = dv.getUint32(chunks.from + 4);
      const n = Math.min(dv.getUint32(stsc.from + 4), Math.floor((stsc.to - stsc.from - 8) / 12));
      for (let i = 0; i < n; i++) {
        const first = dv.getUint32(stsc.from + 8 + i * 12), perChunk = dv.getUint32(stsc.from + 12 + i * 12);
        if (first > nChunks + 1) return `its ${track} maps samples to chunk ${first} of ${nChunks} (stsc)`;
        // the demuxer sums a chunk's sample sizes for every packet it reads
        if (perChunk > samples) return `its ${track} puts ${perChunk} samples in a chunk but has ${samples} (stsc)`;
      }
    }
  }
  return null;
}

/** Where the top-level moov box is (start, size), given a box header reader (16 bytes at `at`). */
export async function findMoov(fileSize: number, readHeader: (at: number) => Promise<Uint8Array>): Promise<{ start: number; size: number } | null> {
  for (let at = 0, n = 0; at + 8 <= fileSize && n < 64; n++) {
    const h = await readHeader(at);
    if (h.length < 8) return null;
    const dv = new DataView(h.buffer, h.byteOffset, h.byteLength);
    let size = dv.getUint32(0);
    if (size === 1 && h.length >= 16) size = Number(dv.getBigUint64(8));
    else if (size === 0) size = fileSize - at;
    if (size < 8) return null;
    if (String.fromCharCode(h[4], h[5], h[6], h[7]) === 'moov') return at + size <= fileSize ? { start: at, size } : null;
    at += size;
  }
  return null;
}
