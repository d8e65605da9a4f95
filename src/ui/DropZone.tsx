import { useState, type ReactNode } from 'react';
import { useStore } from '../state/store';
import { isModelFile, pickFile } from './pickFile';

/** The player area accepts dropped files; the picker button is the keyboard/mouse alternative.
 *  Several files at once: the first video or image plays, a note names the others. */
export function DropZone({ children }: { children: ReactNode }) {
  const open = useStore((s) => s.open);
  const addModel = useStore((s) => s.addModel);
  const apply = useStore((s) => s.apply);
  const [over, setOver] = useState(false);
  const take = (files: FileList | null | undefined) => {
    // an .onnx file is a model of the user's own (the first one, if several)
    const all = Array.from(files ?? []), model = all.find(isModelFile), rest = all.filter((f) => !isModelFile(f));
    if (model) addModel(model);
    if (model && rest.length === 0) return;
    const { file, note } = pickFile(rest);
    if (file) open(file, note);
    // text or a link dragged from another page: no file to open, and the drop says so
    else apply({ notice: 'nothing to open: the drop held no file (drop a video or an image file)' });
  };
  return (
    <div
      className={`drop-zone${over ? ' over' : ''}`}
      data-testid="drop-zone"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        take(e.dataTransfer.files);
      }}
    >
      <label className="picker">
        {/* nothing is dragged onto a page on a touch screen */}
        <span className="hint-mouse">
          Drop a video, an image or your own .onnx 4x model here or <u>choose a file</u>
        </span>
        <span className="hint-touch">Open a video, an image or your own .onnx 4x model:</span>
        <input
          type="file"
          multiple
          accept="video/*,.mp4,.webm,.mkv,.mov,image/png,image/jpeg,image/webp,.onnx"
          data-testid="file-input"
          onChange={(e) => {
            if (e.target.files?.length) take(e.target.files);
            e.target.value = '';
          }}
        />
      </label>
      {children}
    </div>
  );
}
