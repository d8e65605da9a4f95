import { useState, type ReactNode } from 'react';
import { useStore } from '../state/store';
import { pickFile } from './pickFile';

/** The player area accepts dropped files; the picker button is the keyboard/mouse alternative.
 *  Several files at once: the first video or image plays, a note names the others. */
export function DropZone({ children }: { children: ReactNode }) {
  const open = useStore((s) => s.open);
  const [over, setOver] = useState(false);
  const take = (files: FileList | null | undefined) => {
    const { file, note } = pickFile(Array.from(files ?? []));
    if (file) open(file, note);
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
        Drop a video or an image here or <u>choose a file</u>
        <input
          type="file"
          multiple
          accept="video/*,.mp4,.webm,.mkv,.mov,image/png,image/jpeg,image/webp"
          data-testid="file-input"
          onChange={(e) => {
            take(e.target.files);
            e.target.value = '';
          }}
        />
      </label>
      {children}
    </div>
  );
}
