import { describe as group, expect, it } from 'vitest';
import { describe, imageSize, mp4HeaderProblem, namedAsImage, sniff } from './sniff';

const bytes = (...parts: Array<string | number[]>) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? p.split('').map((c) => c.charCodeAt(0)) : p)));

/** A top-level box: 4-byte big-endian size, 4-char type, then `body` zero bytes. */
const box = (type: string, body: number, declared = 8 + body) => [
  (declared >>> 24) & 255, (declared >>> 16) & 255, (declared >>> 8) & 255, declared & 255,
  ...type.split('').map((c) => c.charCodeAt(0)),
  ...new Array(body).fill(0),
];

group('sniff', () => {
  it('recognises images, containers, audio and text', () => {
    expect(sniff(bytes([0x89], 'PNG\r\n\x1a\n'))).toEqual({ kind: 'image', format: 'PNG' });
    expect(sniff(bytes([0xff, 0xd8, 0xff, 0xe0]))).toEqual({ kind: 'image', format: 'JPEG' });
    expect(sniff(bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 '))).toEqual({ kind: 'image', format: 'WebP' });
    expect(sniff(bytes('RIFF', [1, 2, 3, 4], 'WAVEfmt '))).toEqual({ kind: 'audio', format: 'WAV' });
    expect(sniff(bytes([0, 0, 0, 32], 'ftypisom'))).toEqual({ kind: 'video', format: 'MP4' });
    expect(sniff(bytes([0, 0, 0, 32], 'ftypavif'))).toEqual({ kind: 'image', format: 'AVIF' });
    expect(sniff(bytes([0x1a, 0x45, 0xdf, 0xa3]))).toEqual({ kind: 'video', format: 'WebM/Matroska' });
    expect(sniff(bytes('this is not a video\n'))).toEqual({ kind: 'text' });
    expect(sniff(bytes([0, 1, 2, 3, 200, 201]))).toEqual({ kind: 'unknown' });
    expect(sniff(new Uint8Array(0))).toEqual({ kind: 'unknown' });
  });
  it('describes what it found', () => {
    expect(describe({ kind: 'image', format: 'PNG' })).toBe('a PNG image');
    expect(describe({ kind: 'text' })).toBe('a text file');
    // the article as the name is said (the 5 000-file fuzz run showed "an WebM/Matroska file")
    expect(describe({ kind: 'video', format: 'MP4' })).toBe('an MP4 file');
    expect(describe({ kind: 'video', format: 'WebM/Matroska' })).toBe('a WebM/Matroska file');
    expect(describe({ kind: 'audio', format: 'Ogg' })).toBe('an Ogg audio file');
    expect(describe({ kind: 'audio', format: 'WAV' })).toBe('a WAV audio file');
    expect(describe({ kind: 'unknown' })).toBeNull();
  });
  it('takes names and MIME types of stills', () => {
    expect(namedAsImage('a.PNG', '')).toBe(true);
    expect(namedAsImage('b.jpeg', '')).toBe(true);
    expect(namedAsImage('blob', 'image/webp')).toBe(true);
    expect(namedAsImage('c.mp4', 'video/mp4')).toBe(false);
    expect(namedAsImage('d.gif', 'image/gif')).toBe(false);
  });
});

group('mp4HeaderProblem', () => {
  const reader = (file: Uint8Array) => async (at: number) => file.subarray(at, at + 16);
  const file = (...boxes: number[][]) => new Uint8Array(boxes.flat());

  it('accepts a whole file, and one cut in the media data', async () => {
    const whole = file(box('ftyp', 24), box('moov', 100), box('mdat', 50));
    expect(await mp4HeaderProblem(whole.length, reader(whole))).toBeNull();
    const cut = whole.subarray(0, whole.length - 20);
    expect(await mp4HeaderProblem(cut.length, reader(cut))).toBeNull();
  });
  it('names a moov cut in the middle', async () => {
    const whole = file(box('ftyp', 24), box('moov', 100), box('mdat', 50));
    const cut = whole.subarray(0, 32 + 50);
    expect(await mp4HeaderProblem(cut.length, reader(cut))).toMatch(/header \(the moov box\) is cut off: the file ends at byte 82, the header needs 140/);
  });
  it('names a file cut before its moov (moov at the end)', async () => {
    const whole = file(box('ftyp', 24), box('mdat', 50), box('moov', 100));
    const cut = whole.subarray(0, 60);
    expect(await mp4HeaderProblem(cut.length, reader(cut))).toMatch(/inside the "mdat" box .* no header \(moov box\)/);
    const noMoov = file(box('ftyp', 24), box('mdat', 50));
    expect(await mp4HeaderProblem(noMoov.length, reader(noMoov))).toMatch(/no header \(moov box\)/);
  });
  it('leaves what is not a box structure to the demuxer', async () => {
    const text = bytes('hello, this is plain text....');
    expect(await mp4HeaderProblem(text.length, reader(text))).toBeNull();
  });
});

group('imageSize', () => {
  const hex = (h: string) => Uint8Array.from(h.match(/../g)!.map((x) => parseInt(x, 16)));
  // headers of files ffmpeg wrote (scripts/make-test-clips.sh recipes)
  it('reads PNG, JPEG and WebP (lossy, lossless) headers', () => {
    expect(imageSize(hex('89504e470d0a1a0a0000000d494844520000001800000014080200000018d76ad4'))).toEqual({ width: 24, height: 20 });
    const jpeg =
      'ffd8ffe000104a46494600010200000100010000fffe00104c61766335392e33372e31303000ffdb0043000806060706070808080808080909090a0a0a090909090a0a0a0a0a0a0c0c0c0a0a0a0a0a0a0a0c0c0c0c0d0e0d0d0d0c0d0e0e0f0f0f1212111115151519191fffc4008d00000301010000000000000000000000000204050607010100030101000000000000000000000006020305040710000103030202040711010000000000000103020405001112210613323134155551b1074171229373b48492b294725452142316d2d337434211000201030304010501000000000000000102030504112100123106135172077122428125ffc0001108001c0014030122';
    expect(imageSize(hex(jpeg))).toEqual({ width: 20, height: 28 });
    expect(imageSize(hex('52494646e20100005745425056503820d6010000700b009d012a1c0010003e31'))).toEqual({ width: 28, height: 16 });
    expect(imageSize(hex('52494646d8040000574542505650384ccb0400002f1d40040009310d1932'))).toEqual({ width: 30, height: 18 });
  });
  it('says nothing when the header does not', () => {
    expect(imageSize(hex('ffd8ffe00010'))).toBeNull();
    expect(imageSize(bytes('plain text, no image'))).toBeNull();
  });
});
