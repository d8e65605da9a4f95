// What the engine tells the UI: patches of its state, a few times a second, never per frame. Every
// part tells it the same way, `player.tell(patch)` (engine.ts), messages included.
import type { ExportProgress } from './export/run';
import type { MediaInfo } from './media';
import type { PsnrMode, ViewMode } from './params';
import type { EngineStats } from './metrics/stats';

export interface EngineSnapshot {
  status: 'starting' | 'loading' | 'ready' | 'error';
  backend: string;
  backendNote: string | null;
  /** which inference engine runs frames: 'onnxruntime-web', 'WGSL', or 'auto…' until the first frame */
  engine: string;
  adapter: string;
  modelId: string;
  /** the player picks the model for the video (ladderControl.ts); false once the user picked one */
  modelAuto: boolean;
  /** which model the player picked and why, e.g. "sr4x-c16: sr4x-c32 would take 24 ms a frame here
   *  (16.7 ms at 60 fps)"; null: no pick made */
  modelNote: string | null;
  models: string[];
  /** which of `models` the user brought (a dropped .onnx, ?model=<url>) */
  userModels: string[];
  /** what the left pane shows: 'original', 'bicubic' or a model id (the A/B view) */
  compare: string;
  error: string | null;
  notice: string | null;
  media: MediaInfo | null;
  playing: boolean;
  time: number;
  frameIndex: number;
  view: ViewMode;
  gain: number;
  psnrMode: PsnrMode;
  stats: EngineStats;
  /** sound: off until the user unmutes (browsers refuse sound before a gesture) */
  muted: boolean;
  volume: number;
  /** when (performance.now) the bicubic preview of a file's first frame went up; null once the
   *  model's frame replaced it */
  previewSince: number | null;
  /** the lens on screen: its region (input pixels), whether it came on by itself, and whether it is
   *  held small while the device's model time is measured; null: off */
  lens: { width: number; height: number; auto: boolean; held: boolean } | null;
  /** an export in progress (null: none) */
  exporting: ExportProgress | null;
}

export type EnginePatch = Partial<EngineSnapshot>;

/** A part's word to the UI (engine.ts `tell`): a patch, where `error` is the player's own error (the
 *  model, the device, the export; null clears it, but never a file's message) and `fileError` a
 *  file's message (a drop refused or broken, a user's model refused), which the banner keeps until
 *  a newer file opens or it is dismissed. */
export type Told = EnginePatch & { fileError?: string };
