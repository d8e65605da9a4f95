// What a file really is, from its first bytes, for specific messages ("a PNG image named .mp4",
// "a text file") and for telling a still image from a video. Pure functions: unit-tested in
// sniff.test.ts; the caller reads the bytes.

export type Sniffed =
  | { kind: 'image'; format: 'PNG' | 'JPEG' | 'WebP' | 'GIF' | 'BMP' | 'AVIF' }
  | { kind: 'video'; format: 'MP4' | 'WebM/Matroska' }
  | { kind: 'audio'; format: 'MP3' | 'WAV' | 'Ogg' | 'FLAC' }
  | { kind: 'text' }
  | { kind: 'unknown' };

const ascii = (b: Uint8Array, at: number, s: string) => s.split('').every((c, i) => b[at + i] === c.charCodeAt(0));

/** Classifies the first bytes of a file (64 are plenty). */
export function sniff(b: Uint8Array): Sniffed {
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 'PNG\r\n\x1a\n')) return { kind: 'image', format: 'PNG' };
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { kind: 'image', format: 'JPEG' };
  if (b.length >= 12 && ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) return { kind: 'image', format: 'WebP' };
  if (b.length >= 12 && ascii(b, 0, 'RIFF') && ascii(b, 8, 'WAVE')) return { kind: 'audio', format: 'WAV' };
  if (ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a')) return { kind: 'image', format: 'GIF' };
  if (b.length >= 14 && ascii(b, 0, 'BM')) return { kind: 'image', format: 'BMP' };
  if (b.length >= 12 && ascii(b, 4, 'ftyp')) {
    if (ascii(b, 8, 'avif') || ascii(b, 8, 'avis')) return { kind: 'image', format: 'AVIF' };
    return { kind: 'video', format: 'MP4' };
  }
  if (b.length >= 8 && ['moov', 'mdat', 'free', 'wide', 'skip'].some((t) => ascii(b, 4, t))) return { kind: 'video', format: 'MP4' };
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return { kind: 'video', format: 'WebM/Matroska' };
  if (ascii(b, 0, 'ID3') || (b.length >= 2 && b[0] === 0xff && (b[1] & 0xe0) === 0xe0)) return { kind: 'audio', format: 'MP3' };
  if (ascii(b, 0, 'OggS')) return { kind: 'audio', format: 'Ogg' };
  if (ascii(b, 0, 'fLaC')) return { kind: 'audio', format: 'FLAC' };
  if (b.length > 0 && isText(b)) return { kind: 'text' };
  return { kind: 'unknown' };
}

/** Printable ASCII / UTF-8 with whitespace, no control bytes. */
function isText(b: Uint8Array): boolean {
  let i = 0;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) i = 3; // UTF-8 BOM
  for (; i < b.length; i++) {
    const c = b[i];
    if (c === 9 || c === 10 || c === 13 || (c >= 32 && c !== 127)) continue;
    return false;
  }
  return true;
}

/** "a" or "an" as the format's name is said ("an MP4", "a WebM", "an Ogg", "a WAV"). */
const article = (format: string) => (/^([AEIOU]|M[A-Z0-9])/.test(format) ? 'an' : 'a');

/** A human phrase for what the bytes are ("a PNG image", "a text file"), or null if unknown. */
export function describe(s: Sniffed): string | null {
  switch (s.kind) {
    case 'image':
      return `a ${s.format} image`;
    case 'audio':
      return `${article(s.format)} ${s.format} audio file`;
    case 'video':
      return `${article(s.format)} ${s.format} file`;
    case 'text':
      return 'a text file';
    default:
      return null;
  }
}

/** Image formats the player takes as stills (createImageBitmap decodes them everywhere). */
export const STILL_FORMATS = ['PNG', 'JPEG', 'WebP'] as const;
const STILL_EXT = /\.(png|jpe?g|webp)$/i;

/** Is this file meant as a still image? Its name or MIME type says so (what the bytes say decides
 *  between "decode it" and "it is something else named like an image"). */
export function namedAsImage(name: string, type: string): boolean {
  return STILL_EXT.test(name) || /^image\/(png|jpeg|webp)$/i.test(type);
}

/** One top-level ISO-BMFF box: its type, where it starts and how long it says it is. */
export interface Box {
  type: string;
  start: number;
  size: number;
}

/** The problem with an MP4's top-level box layout, if any, given a box reader: the header (moov)
 *  cut off, or missing because the file ends before it. `readHeader(at)` returns up to 16 bytes
 *  at offset `at` (fewer at the end of the file). */
export async function mp4HeaderProblem(fileSize: number, readHeader: (at: number) => Promise<Uint8Array>): Promise<string | null> {
  const boxes: Box[] = [];
  let at = 0;
  for (let n = 0; at < fileSize && n < 64; n++) {
    const h = await readHeader(at);
    if (h.length < 8) return `the file ends ${fileSize - at} bytes into a box header at byte ${at}`;
    const dv = new DataView(h.buffer, h.byteOffset, h.byteLength);
    let size = dv.getUint32(0);
    const type = String.fromCharCode(h[4], h[5], h[6], h[7]);
    if (!/^[A-Za-z0-9]{4}$/.test(type)) return null; // not a box structure: let the demuxer speak
    if (size === 1) {
      if (h.length < 16) return `the file ends inside the "${type}" box header at byte ${at}`;
      size = Number(dv.getBigUint64(8));
    } else if (size === 0) {
      size = fileSize - at; // to the end of the file
    }
    if (size < 8) return null;
    boxes.push({ type, start: at, size });
    if (at + size > fileSize) {
      if (type === 'moov') {
        return `its header (the moov box) is cut off: the file ends at byte ${fileSize}, the header needs ${at + size}`;
      }
      if (!boxes.some((b) => b.type === 'moov')) {
        return `the file ends at byte ${fileSize} inside the "${type}" box (${at + size} bytes long) and has no header (moov box): a cut-off recording or download`;
      }
      return null; // media data cut: the header is whole, the player plays what is there
    }
    at += size;
  }
  if (!boxes.some((b) => b.type === 'moov')) return 'it has no header (moov box): a cut-off recording or download?';
  return null;
}

/** An image's pixel size from its header (PNG IHDR, JPEG SOFn, WebP VP8/VP8L/VP8X), so that a huge
 *  image is refused before it is decoded; null when the bytes do not say. */
export function imageSize(b: Uint8Array): { width: number; height: number } | null {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const s = sniff(b);
  if (s.kind !== 'image') return null;
  if (s.format === 'PNG' && b.length >= 24 && ascii(b, 12, 'IHDR')) return { width: dv.getUint32(16), height: dv.getUint32(20) };
  if (s.format === 'WebP' && b.length >= 30) {
    if (ascii(b, 12, 'VP8X')) return { width: 1 + (b[24] | (b[25] << 8) | (b[26] << 16)), height: 1 + (b[27] | (b[28] << 8) | (b[29] << 16)) };
    if (ascii(b, 12, 'VP8L') && b[20] === 0x2f) {
      const bits = dv.getUint32(21, true);
      return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >>> 14) & 0x3fff) };
    }
    if (ascii(b, 12, 'VP8 ')) return { width: dv.getUint16(26, true) & 0x3fff, height: dv.getUint16(28, true) & 0x3fff };
    return null;
  }
  if (s.format === 'JPEG') {
    // walk the markers to the first start-of-frame (SOF0..SOF15 except DHT C4, JPG C8, DAC CC)
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return null;
      const m = b[i + 1];
      if (m === 0xff) {
        i++;
        continue;
      }
      if (m === 0xd8 || m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
        i += 2;
        continue;
      }
      const len = dv.getUint16(i + 2);
      if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) return { width: dv.getUint16(i + 7), height: dv.getUint16(i + 5) };
      if (m === 0xda || m === 0xd9) return null;
      i += 2 + len;
    }
  }
  return null;
}
