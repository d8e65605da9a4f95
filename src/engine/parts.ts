// The engine's parts, made and wired together: the composition root. Each part (panes.ts,
// transport.ts, frames.ts, export/, recovery.ts, opening.ts) gets a literal of callbacks into the
// engine, and `EngineCore` is all that they may call there. engine.ts keeps the commands and the loop.
import type { AudioOutput } from './playback/audio';
import type { Platform } from './backend';
import type { PlaybackClock } from './playback/clock';
import { Exporter } from './export';
import { Frames } from './playback/frames';
import { ModelLadder } from './models/ladderControl';
import type { AnyRunner } from './inference/types';
import type { JobLoop } from './playback/loop';
import type { MediaInfo } from './media';
import type { ModelAssets, ModelChoice } from './models/models';
import { FileOpener } from './intake/opening';
import { Panes } from './models/panes';
import type { PsnrMode, ViewMode } from './params';
import type { AnyFramePath, AnyFrameProcessor, FrameSettings } from './pipeline';
import { DeviceRecovery } from './recovery';
import type { EnginePatch } from './snapshot';
import { Transport } from './playback/transport';

/** What the engine offers its parts. */
export interface EngineCore {
  readonly platform: Platform | null;
  /** the processor with the runners it takes */
  readonly path: AnyFramePath | null;
  readonly processor: AnyFrameProcessor | null;
  readonly runner: AnyRunner | null;
  readonly models: ModelChoice;
  readonly clock: PlaybackClock;
  readonly audio: AudioOutput;
  readonly loop: JobLoop;
  readonly playing: boolean;
  readonly view: ViewMode;
  readonly lastTimestamp: number;
  /** resolves once the platform is chosen and the loop runs */
  readonly canOpen: Promise<void>;
  readonly disposed: boolean;
  report(p: EnginePatch): void;
  /** a file's message, in the banner */
  say(msg: string): void;
  fail(msg: string): void;
  clearError(): void;
  setPlaying(p: boolean): void;
  play(): void;
  seek(t: number): void;
  setView(v: ViewMode): void;
  /** the current frame drawn again (a view, gain or model change) */
  rerender(): void;
  /** a zoom, pan, lens or canvas change, applied on the loop's next turn */
  viewChanged(): void;
  settings(): FrameSettings;
  /** the frame processor made again for the platform (another model's precision) */
  remakeProcessor(): void;
  /** after a lost device: the platform, processor and models again; the new device */
  rebuildDevice(): Promise<GPUDevice>;
  psnrFellBack(m: PsnrMode | null): void;
  /** a file has opened (opening.ts) */
  opened(info: MediaInfo, opened: number): void;
}

export interface EngineParts {
  panes: Panes;
  transport: Transport;
  frames: Frames;
  exporter: Exporter;
  recovery: DeviceRecovery;
  opener: FileOpener;
  ladder: ModelLadder;
}

/** The parts, each wired to the engine and to those it uses (a callback may name a part made after
 *  it: none is called before this returns). `autoModel`: the player picks the model (the URL
 *  names none). */
export function makeParts(e: EngineCore, assets: ModelAssets, autoModel: boolean): EngineParts {
  const panes = new Panes(e.models, assets, {
    platform: () => e.platform,
    path: () => e.path,
    remakeProcessor: () => e.remakeProcessor(),
    exclusive: (fn) => e.loop.exclusive(fn),
    modelChanged: () => frames.modelChanged(),
    userModel: () => ladder.userChose(),
    showCurrent: () => {
      if (transport.media) e.seek(e.lastTimestamp);
    },
    viewFull: () => {
      if (e.view !== 'full') e.setView('full');
    },
    rerender: () => e.rerender(),
    onState: (patch) => e.report(patch),
    say: (msg) => e.say(msg),
    fail: (msg) => e.fail(msg),
    clearError: () => e.clearError(),
  });
  const transport = new Transport(e.clock, {
    notice: (msg) => e.report({ notice: msg }),
    stop: () => e.setPlaying(false),
    shownAny: () => frames.stats.framesProcessed > 0,
    failed: (msg) => opener.mediaFailed(msg),
    looped: (media, end, first) => {
      e.clock.loop(end, first, e.playing);
      e.audio.loop(media, end, first);
    },
  });
  const frames = new Frames(transport, {
    processor: () => e.processor,
    modelReady: () => e.runner !== null,
    settings: () => e.settings(),
    psnrFallback: (m) => e.psnrFellBack(m),
    realtime: () => e.loop.realtime,
    audioTime: () => e.audio.contextTime(),
    model: () => e.models.model,
    models: () => e.models.manifest?.models ?? [],
    labels: () => {
      const r = e.runner, pl = e.platform;
      return { engine: r?.engine ?? 'ort', backend: pl ? `${pl.backend} ${pl.dtype}` : '', model: e.models.model?.id ?? '', where: pl?.backend === 'webgpu' ? 'GPU' : 'CPU' };
    },
    viewChanged: () => e.viewChanged(),
    measured: (m, px, ms) => ladder.measured(m, px, ms),
    behind: (fps) => ladder.behind(fps),
    onState: (patch) => e.report(patch),
  });
  const ladder = new ModelLadder(autoModel, {
    models: () => e.models.manifest?.models ?? [],
    model: () => e.models.model,
    realtime: () => e.loop.realtime,
    media: () => transport.media?.info ?? null,
    inputSize: (info) => (e.settings().psnr === 'reference' ? { width: Math.floor(info.width / 4), height: Math.floor(info.height / 4) } : info),
    find: (id) => e.models.find(id),
    where: () => (e.platform?.backend === 'webgpu' ? 'GPU' : 'CPU'),
    load: (m) => void panes.load(m),
    lens: frames.lens,
    viewChanged: () => e.viewChanged(),
    onState: (patch) => e.report(patch),
  });
  const exporter = new Exporter({
    media: () => transport.media,
    path: () => e.path,
    models: () => e.models.all,
    playing: () => e.models.model,
    log: () => frames.sessionLog,
    psnr: () => e.settings().psnr,
    exclusive: (fn) => e.loop.exclusive(fn),
    pause: () => {
      const was = e.playing;
      e.setPlaying(false);
      return was;
    },
    play: () => e.play(),
    report: (patch) => e.report(patch),
    fail: (msg) => e.fail(msg),
  });
  const recovery = new DeviceRecovery({
    current: () => e.platform?.gpu?.device ?? null,
    disposed: () => e.disposed,
    notice: (msg) => e.report({ notice: msg }),
    fail: (msg) => e.fail(msg),
    rebuild: () => e.rebuildDevice(),
  });
  const opener = new FileOpener(transport, frames, {
    platformReady: e.canOpen,
    platform: () => e.platform,
    channels: () => e.models.model?.channels ?? 64,
    exporting: () => exporter.running,
    modelError: () => panes.modelError,
    exclusive: (fn) => e.loop.exclusive(fn),
    opened: (info, at) => {
      e.opened(info, at);
      ladder.opened(info); // after the figures are reset: its first runs are this file's
    },
    canShow: () => e.processor !== null,
    setPlaying: (on) => e.setPlaying(on),
    say: (msg) => e.say(msg),
    onState: (patch) => e.report(patch),
  });
  return { panes, transport, frames, exporter, recovery, opener, ladder };
}
