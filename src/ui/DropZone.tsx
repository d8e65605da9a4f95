import { useState, type ReactNode } from 'react';
import { useStore } from '../state/store';

/** The player area accepts dropped files; the picker button is the keyboard/mouse alternative. */
export function DropZone({ children }: { children: ReactNode }) {
  const open = useStore((s) => s.open);
  const [over, setOver] = useState(false);
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
        const files = e.dataTransfer.files;
        if (files.length > 1) useStore.getState().apply({ notice: `${files.length} files dropped: playing the first, "${files[0].name}"` });
        if (files[0]) open(files[0]);
      }}
    >
      <label className="picker">
        Drop a video here or <u>choose a file</u>
        <input
          type="file"
          accept="video/*,.mp4,.webm,.mkv,.mov"
          data-testid="file-input"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) open(f);
            e.target.value = '';
          }}
        />
      </label>
      {children}
    </div>
  );
}
