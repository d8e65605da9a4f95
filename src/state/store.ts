// The zustand store, built from slices. The engine pushes EnginePatch objects a few times a second
// (never per frame); actions beside their state call the engine imperatively.
import { create, type StateCreator } from 'zustand';
import type { Engine, EnginePatch, EngineSnapshot } from '../engine/engine';
import type { PsnrMode, ViewMode } from '../engine/params';
import type { ExportOffer } from '../engine/export';
import type { ExportContent } from '../engine/export/plan';
import type { ExportChoice } from '../engine/export/run';
import { emptyStats } from '../engine/metrics/stats';
import { offlineSlice, type OfflineSlice } from './offline';

let engine: Engine | null = null;
export const setEngine = (e: Engine | null) => {
  engine = e;
};

type EngineSlice = EngineSnapshot & { apply: (p: EnginePatch) => void };

interface MediaSlice {
  /** `note`: shown while it plays (e.g. which other dropped files were not opened) */
  open: (file: File, note?: string | null) => void;
  /** a dropped .onnx: checked, then it runs beside the model so far (the A/B view) */
  addModel: (file: File) => void;
  dismissError: () => void;
}
interface PlaybackSlice {
  togglePlay: () => void;
  seek: (t: number) => void;
  step: () => void;
  /** from a click or key press: browsers let sound start only after a user gesture */
  toggleMute: () => void;
  setVolume: (v: number) => void;
}
interface ViewSlice {
  toggleLens: () => void;
  setView: (v: ViewMode) => void;
  setGain: (g: number) => void;
  setPsnrMode: (m: PsnrMode) => void;
  setModel: (id: string) => void;
  /** the left pane: 'original', 'bicubic' or a model id */
  setCompare: (id: string) => void;
}

interface ExportSlice {
  exportPlan: (content: ExportContent) => Promise<ExportOffer | null>;
  /** from the click on Start: the file picker needs the user's gesture */
  startExport: (choice: ExportChoice) => void;
  cancelExport: () => void;
}

export type Store = EngineSlice & MediaSlice & PlaybackSlice & ViewSlice & ExportSlice & OfflineSlice;

const engineSlice: StateCreator<Store, [], [], EngineSlice> = (set) => ({
  status: 'starting',
  backend: '…',
  backendNote: null,
  engine: '',
  adapter: '',
  modelId: '',
  models: [],
  modelAuto: false,
  modelNote: null,
  userModels: [],
  compare: 'original',
  error: null,
  notice: null,
  media: null,
  playing: false,
  time: 0,
  frameIndex: 0,
  view: 'full',
  gain: 4,
  psnrMode: 'consistency',
  stats: emptyStats('consistency'),
  muted: true,
  volume: 1,
  exporting: null,
  previewSince: null,
  lens: null,
  apply: (p) => set(p),
});

const mediaSlice: StateCreator<Store, [], [], MediaSlice> = () => ({
  open: (file, note) => void engine?.load(file, file.name, note),
  addModel: (file) => void engine?.addModel(file, file.name),
  dismissError: () => engine?.dismissError(),
});

const playbackSlice: StateCreator<Store, [], [], PlaybackSlice> = (_set, get) => ({
  togglePlay: () => engine?.toggle(),
  seek: (t) => engine?.seek(t),
  step: () => engine?.step(),
  toggleMute: () => void engine?.setMuted(!get().muted),
  setVolume: (v) => engine?.setVolume(v),
});

const viewSlice: StateCreator<Store, [], [], ViewSlice> = () => ({
  toggleLens: () => engine?.toggleLens(),
  setView: (v) => engine?.setView(v),
  setGain: (g) => engine?.setGain(g),
  setPsnrMode: (m) => engine?.setPsnrMode(m),
  setModel: (id) => engine?.setModel(id),
  setCompare: (id) => void engine?.setCompare(id),
});

const exportSlice: StateCreator<Store, [], [], ExportSlice> = () => ({
  exportPlan: async (content) => (engine ? engine.exporter.plan(content) : null),
  startExport: (choice) => void engine?.startExport(choice),
  cancelExport: () => engine?.exporter.cancel(),
});

export const useStore = create<Store>()((...a) => ({
  ...engineSlice(...a),
  ...mediaSlice(...a),
  ...playbackSlice(...a),
  ...viewSlice(...a),
  ...exportSlice(...a),
  ...offlineSlice(),
}));
