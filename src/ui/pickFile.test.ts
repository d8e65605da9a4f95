import { describe, expect, it } from 'vitest';
import { pickFile } from './pickFile';

const f = (name: string, type = '') => ({ name, type });

describe('pickFile', () => {
  it('opens one file without a note', () => {
    expect(pickFile([f('a.mp4')])).toEqual({ file: f('a.mp4'), note: null });
    expect(pickFile([])).toEqual({ file: null, note: null });
  });
  it('opens the first video or image and names the others', () => {
    const r = pickFile([f('notes.txt', 'text/plain'), f('b.webm'), f('c.png', 'image/png')]);
    expect(r.file?.name).toBe('b.webm');
    expect(r.note).toBe('3 files dropped: playing "b.webm" (one at a time); not opened: "notes.txt", "c.png"');
  });
  it('falls back to the first file (the engine explains what is wrong with it)', () => {
    expect(pickFile([f('x.bin'), f('y.txt')]).file?.name).toBe('x.bin');
  });
  it('shortens a long list', () => {
    const r = pickFile(Array.from({ length: 9 }, (_, i) => f(`${i}.mp4`)));
    expect(r.note).toMatch(/"5\.mp4", and 3 more$/);
  });
});
