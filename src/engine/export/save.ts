// Where an export's bytes go. Streamed to disk where the browser allows: to the file the user picks
// (showSaveFilePicker), or, for a download, to a temporary file in the origin's private storage
// (OPFS) that is then downloaded, so memory stays bounded either way. Only where neither exists
// does the file build up in memory. Cancelled or failed: the file is removed.
import { BufferTarget, StreamTarget, type Target } from 'mediabunny';

export type SaveMode = 'picker' | 'download';

export interface SaveTarget {
  target: Target;
  /** for the closing message: "saved as …" or "downloaded as …" */
  readonly where: string;
  /** the file is complete (the muxer has finalized): hand it over */
  finish(): Promise<void>;
  /** cancelled or failed: nothing may be left behind */
  discard(): Promise<void>;
}

/** Thrown when the user closes the file picker without choosing: not an error, the export does not start. */
export class SaveDeclined extends Error {}

const TEMP_PREFIX = 'sr4x-export-';

interface Picker {
  showSaveFilePicker?: (o: { suggestedName: string; types: { description: string; accept: Record<string, string[]> }[] }) => Promise<FileSystemFileHandle>;
}

/** The target for a file `name` of type `mime` (extension `ext`, with the dot). Call from the click
 *  that starts the export: the file picker needs the user's gesture. */
export async function openSaveTarget(name: string, mime: string, ext: string, mode: SaveMode): Promise<SaveTarget> {
  const picker = (window as Picker).showSaveFilePicker;
  if (mode === 'picker' && picker) {
    let handle: FileSystemFileHandle;
    try {
      handle = await picker({ suggestedName: name, types: [{ description: mime, accept: { [mime]: [ext] } }] });
    } catch (e) {
      if ((e as DOMException).name === 'AbortError') throw new SaveDeclined('no file chosen');
      throw e;
    }
    const writable = await handle.createWritable();
    return {
      target: new StreamTarget(writable as unknown as WritableStream, { chunked: true }),
      where: `saved as ${handle.name}`,
      finish: async () => undefined,
      discard: async () => {
        await writable.abort().catch(() => undefined);
        await (handle as FileSystemFileHandle & { remove?: () => Promise<void> }).remove?.().catch(() => undefined);
      },
    };
  }
  const dir = await navigator.storage?.getDirectory?.().catch(() => null);
  if (dir) {
    await clearTemp(dir);
    const temp = `${TEMP_PREFIX}${Date.now()}${ext}`;
    const handle = await dir.getFileHandle(temp, { create: true });
    const writable = await handle.createWritable();
    return {
      target: new StreamTarget(writable as unknown as WritableStream, { chunked: true }),
      where: `downloaded as ${name}`,
      finish: async () => download(await handle.getFile(), name),
      discard: async () => {
        await writable.abort().catch(() => undefined);
        await dir.removeEntry(temp).catch(() => undefined);
      },
    };
  }
  const target = new BufferTarget();
  return {
    target,
    where: `downloaded as ${name}`,
    finish: async () => download(new Blob([target.buffer!], { type: mime }), name),
    discard: async () => undefined,
  };
}

/** A finished file (a PNG still) to the chosen place. */
export async function saveBlob(blob: Blob, name: string, ext: string, mode: SaveMode): Promise<string> {
  const picker = (window as Picker).showSaveFilePicker;
  if (mode === 'picker' && picker) {
    let handle: FileSystemFileHandle;
    try {
      handle = await picker({ suggestedName: name, types: [{ description: blob.type, accept: { [blob.type]: [ext] } }] });
    } catch (e) {
      if ((e as DOMException).name === 'AbortError') throw new SaveDeclined('no file chosen');
      throw e;
    }
    const w = await handle.createWritable();
    await w.write(blob);
    await w.close();
    return `saved as ${handle.name}`;
  }
  download(blob, name);
  return `downloaded as ${name}`;
}

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  // the download has its own reference by then; the temporary file goes at the next export
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Temporary files of earlier downloads (a finished download no longer needs its copy). */
async function clearTemp(dir: FileSystemDirectoryHandle): Promise<void> {
  const names: string[] = [];
  for await (const key of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) if (key.startsWith(TEMP_PREFIX)) names.push(key);
  for (const n of names) await dir.removeEntry(n).catch(() => undefined);
}
