// The test/debug hook (window.__sr): the engine's state, resource counters, and read-backs of any
// stage of the current frame. Each read-back runs between frames, never inside the frame loop.
import type { Platform } from './backend';
import { counters } from './gpu/resources';
import type { AnyRunner } from './inference/types';
import type { ModelChoice } from './models/models';
import type { Panes } from './models/panes';
import type { PsnrMode, ViewMode } from './params';
import type { Viewport } from './passes/present';
import type { AnyFrameProcessor } from './pipeline';
import type { AudioOutput } from './playback/audio';
import type { PlaybackClock } from './playback/clock';
import type { Frames } from './playback/frames';
import type { JobLoop } from './playback/loop';
import type { Transport } from './playback/transport';
import type { DeviceRecovery } from './recovery';
import type { LensControl } from './view/lens';

/** What the hook reads of the engine (engine.ts gives itself). */
export interface DebugTarget {
  readonly platform: Platform | null;
  readonly processor: AnyFrameProcessor | null;
  readonly runner: AnyRunner | null;
  readonly models: ModelChoice;
  readonly clock: PlaybackClock;
  readonly audio: AudioOutput;
  readonly loop: JobLoop;
  readonly playing: boolean;
  readonly view: ViewMode;
  readonly lastTimestamp: number;
  readonly frames: Frames;
  readonly lens: LensControl;
  readonly panes: Panes;
  readonly recovery: DeviceRecovery;
  readonly transport: Transport;
  readonly gain: number;
  readonly psnrMode: PsnrMode;
  readonly needRerender: boolean;
  readonly viewPending: boolean;
  readonly viewportView: Viewport;
  play(): void;
  pause(): void;
  syncAudio(t?: number): void;
}

export function debugHook(e: DebugTarget) {
  const dev = () => {
    const d = e.platform?.gpu?.device;
    if (!d) throw new Error('no GPU device');
    return d;
  };
  /** the current frame's read-backs (the processor's debug view) */
  const reads = () => {
    const p = e.processor;
    if (!p?.hasFrame) throw new Error('no frame yet');
    return p.debug();
  };
  const runner = () => e.runner;
  return {
    state: () => {
      const p = e.processor, r = runner(), m = e.models.model, pl = e.platform;
      return {
        frameIndex: p?.hasFrame ? e.frames.shown.frameIndex : -1,
        timestamp: p?.hasFrame ? e.frames.shown.timestamp : NaN,
        framesProcessed: e.frames.stats.framesProcessed,
        playing: e.playing,
        backend: pl?.backend ?? null,
        dtype: pl?.dtype ?? null,
        engine: r?.engine ?? 'ort',
        engineDecision: (m && pl && e.models.picks.get(e.models.pickKey(m, pl))) ?? null,
        view: e.view,
        gain: e.gain,
        psnrMode: e.psnrMode,
        psnr: e.frames.stats.psnr,
        busy: e.loop.working,
        input: p?.sizes?.input ?? null,
        frame: p?.sizes?.frame ?? null,
        hasLow: r?.hasLow ?? false,
        modelReady: !!r,
        recoveries: e.recovery.count,
        modelClock: p?.sizes ? p.modelClock : null,
        model: m?.id ?? null,
        /** the left pane: 'original', 'bicubic' or a model id (the A/B view) */
        compare: e.panes.compareId,
      };
    },
    counters: () => ({ ...counters }),
    readTexture: (which: 'frame' | 'input' | 'output' | 'view' | 'left') =>
      e.loop.exclusive(async () => ({ ...(await reads().readTexture(which)), frameIndex: e.frames.shown.frameIndex })),
    /** The raw model output tensor (NCHW float32; FP16 outputs converted); 'left': the left pane's
     *  model's (the A/B view). */
    readTensor: (which: 'full' | 'low' | 'left') => e.loop.exclusive(async () => ({ ...(await reads().readTensor(which)), frameIndex: e.frames.shown.frameIndex })),
    /** Resolves when the frame loop is idle (nothing in flight). */
    idle: async () => {
      // a view, gain, zoom or lens change is applied on the loop's next turn: wait for it, then for the
      // work. While playing, the next frame carries a zoom, pan or lens change (the loop presents it
      // only when paused), so waiting for it would take all 120 animation frames: seconds here
      for (let i = 0; i < 120 && ((e.needRerender && e.processor?.hasFrame) || (e.viewPending && e.processor?.showing && !e.playing)); i++) await new Promise((r) => requestAnimationFrame(r));
      await e.loop.exclusive(async () => undefined);
      await e.processor?.debug().settle();
    },
    destroyDevice: () => e.platform?.gpu?.device.destroy(),
    /** GPU downscale / bicubic / PSNR-sum passes on given RGBA pixels (shader tests). */
    passSelfTest: (a: Uint8Array, b: Uint8Array, w: number, h: number) =>
      e.loop.exclusive(async () => (await import('./selftest')).passSelfTest(dev(), a, b, w, h)),
    /** one PresentPass draw of given pixels into a new canvas (e2e/present.spec.ts) */
    presentSelfTest: (rgba: Uint8Array, tw: number, th: number, cw: number, ch: number, filter: GPUFilterMode, zoom: number) =>
      e.loop.exclusive(async () => (await import('./selftest')).presentSelfTest(dev(), rgba, tw, th, cw, ch, filter, zoom)),
    packSelfTest: (a: Uint8Array, b: Uint8Array, w: number, h: number, dtype: 'fp16' | 'fp32') =>
      e.loop.exclusive(async () => (await import('./selftest')).packSelfTest(dev(), a, b, w, h, dtype)),
    /** the CPU path's Y'CbCr conversion beside the browser's (e2e/yuv.spec.ts) */
    yuvSelfTest: async (c: import('./pipeline/yuv/selftest').YuvCase) => (await import('./pipeline/yuv/selftest')).yuvSelfTest(c),
    pause: () => e.pause(),
    play: () => e.play(),
    /** false: every frame, no waiting for timestamps and no dropping (long-session tests) */
    setRealtime: (on: boolean) => {
      e.loop.realtime = on;
      e.syncAudio(e.transport.nextTimestamp ?? e.lastTimestamp);
    },
    /** the playback clock, the audio clock (null: no sound playing) and the audio buffers scheduled */
    audio: () => ({ clock: e.clock.now(), audio: e.audio.now(), context: e.audio.contextTime(), muted: e.audio.muted, scheduled: [...e.audio.log] }),
    /** the shared zoom/pan, and the lens the current frame was made with (input pixels; null: none) */
    viewport: () => ({ ...e.viewportView }),
    lens: () => e.lens.last,
    /** when the last file started opening, its preview went up and its first model frame was done (ms) */
    marks: () => ({ ...e.frames.marks }),
    /** the rolling windows behind the overlays (last 120 frames), in ms */
    latencies: () => ({ frame: e.frames.stats.latency.values(), model: e.frames.stats.modelTime.values() }),
    /** the last 256 frames: media timestamp, and when (ms) processing started and the frame was shown */
    frameLog: () => [...e.frames.stats.frameLog],
  };
}
