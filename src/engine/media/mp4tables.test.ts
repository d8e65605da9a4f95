import { describe, expect, it } from 'vitest';
import { findMoov, mp4TableProblem } from './mp4tables';

const u32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const box = (type: string, ...body: number[][]): number[] => {
  const payload = body.flat();
  return [...u32(8 + payload.length), ...type.split('').map((c) => c.charCodeAt(0)), ...payload];
};
/** A full box's entry list: version/flags, count, entries. */
const table = (type: string, entries: number[][], count = entries.length) => box(type, [0, 0, 0, 0], u32(count), ...entries);

/** One video track of `n` samples of 10 bytes in one chunk, with its stts (and ctts) counts. */
function movie(o: { n?: number; stts?: number[]; ctts?: number[]; stsz?: number[]; stscFirst?: number; stscPerChunk?: number } = {}): Uint8Array {
  const n = o.n ?? 6;
  const stsz = o.stsz ?? [0, 0, 0, 0, ...u32(0), ...u32(n), ...new Array(n).fill(0).flatMap(() => u32(10))];
  const stbl = box(
    'stbl',
    table('stts', (o.stts ?? [n]).map((c) => [...u32(c), ...u32(512)])),
    ...(o.ctts ? [table('ctts', o.ctts.map((c) => [...u32(c), ...u32(1024)]))] : []),
    box('stsz', stsz),
    table('stsc', [[...u32(o.stscFirst ?? 1), ...u32(o.stscPerChunk ?? n), ...u32(1)]]),
    table('stco', [u32(48)]),
  );
  const hdlr = box('hdlr', [0, 0, 0, 0], u32(0), [...'vide'].map((c) => c.charCodeAt(0)), new Array(12).fill(0));
  return new Uint8Array(box('moov', box('mvhd', new Array(100).fill(0)), box('trak', box('mdia', hdlr, box('minf', stbl)))));
}

describe('mp4TableProblem', () => {
  it('passes tables that agree', () => {
    expect(mp4TableProblem(movie(), 1000)).toBeNull();
    expect(mp4TableProblem(movie({ stts: [2, 4], ctts: [1, 1, 4] }), 1000)).toBeNull();
  });
  it('refuses stts / ctts counts far beyond the samples the track has (one flipped high byte)', () => {
    // 2 + 0xb5000004 = 3036676102
    expect(mp4TableProblem(movie({ stts: [2, 0xb5000004], ctts: [6] }), 1000)).toBe('its track 1 (video) claims 3036676102 samples in its stts box but has 6');
    expect(mp4TableProblem(movie({ ctts: [1, 0x01000005] }), 1000)).toBe('its track 1 (video) claims 16777222 samples in its ctts box but has 6');
  });
  it('bounds a constant sample size by the file, and stsc by the chunks', () => {
    const constant = (count: number) => [0, 0, 0, 0, ...u32(4), ...u32(count)];
    expect(mp4TableProblem(movie({ n: 200, stsz: constant(200) }), 1000)).toBeNull();
    expect(mp4TableProblem(movie({ n: 200, stsz: constant(0x10000000) }), 1000)).toBe('its track 1 (video) claims 268435456 samples of 4 bytes in a 1000-byte file (stsz)');
    expect(mp4TableProblem(movie({ stscFirst: 0x01000001 }), 1000)).toBe('its track 1 (video) maps samples to chunk 16777217 of 1 (stsc)');
    expect(mp4TableProblem(movie({ stscPerChunk: 0x0a000006 }), 1000)).toBe('its track 1 (video) puts 167772166 samples in a chunk but has 6 (stsc)');
  });
  it('reads entry lists only as far as their box goes (a flipped entry count is the demuxer\'s to report)', () => {
    const m = movie();
    const at = [...m].findIndex((_, i) => String.fromCharCode(...m.subarray(i, i + 4)) === 'stts');
    m.set(u32(0x7fffffff), at + 8); // the entry count
    expect(mp4TableProblem(m, 1000)).toBeNull();
  });
});

describe('findMoov', () => {
  it('walks the top-level boxes to the moov box', async () => {
    const file = new Uint8Array([...box('ftyp', new Array(12).fill(0)), ...box('free', []), ...movie()]);
    const read = async (at: number) => file.subarray(at, at + 16);
    expect(await findMoov(file.length, read)).toEqual({ start: 28, size: file.length - 28 });
    expect(await findMoov(file.length - 1, async (at) => file.subarray(at, Math.min(at + 16, file.length - 1)))).toBeNull(); // cut: not whole
  });
});
