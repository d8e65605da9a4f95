// Which of several dropped files to open: the first that looks like a video or an image (by type
// or name; the engine checks the bytes), else the first. The others are named in a note.

export interface Named {
  name: string;
  type: string;
}

const MEDIA = /\.(mp4|m4v|mov|webm|mkv|png|jpe?g|webp)$/i;
const looksLikeMedia = (f: Named) => /^(video|image)\//.test(f.type) || MEDIA.test(f.name);

export function pickFile<T extends Named>(files: T[]): { file: T | null; note: string | null } {
  if (files.length === 0) return { file: null, note: null };
  const file = files.find(looksLikeMedia) ?? files[0];
  if (files.length === 1) return { file, note: null };
  const others = files.filter((f) => f !== file).map((f) => `"${f.name}"`);
  const shown = others.length > 5 ? [...others.slice(0, 5), `and ${others.length - 5} more`] : others;
  return { file, note: `${files.length} files dropped: playing "${file.name}" (one at a time); not opened: ${shown.join(', ')}` };
}

/** A user's own model (an ONNX file): it goes to the store's addModel, which checks it. */
export const isModelFile = (f: Named) => /\.onnx$/i.test(f.name);
