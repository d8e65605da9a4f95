// The engine: React-free. It owns the GPU device, the model runner, the media file and its own
// requestAnimationFrame loop; it reports to the UI through `onState` patches a few times a second.
//
// Per frame (WebGPU path, nothing but PSNR sums and two timestamps leaves the GPU):
//   VideoFrame -> upload (RGBA8 texture) [-> downscale 4x in reference mode] -> pack (NCHW tensor)
//   -> model (onnxruntime-web with IO binding, or our WGSL engine; the first frame picks the faster,
//   inference/auto.ts; the output stays a GPUBuffer) -> unpack (RGBA8, full/low/high) -> present
//   -> PSNR (sse + sum passes, 16 bytes mapped back asynchronously); frame.ts holds these GPU resources
import { createGpu, GpuUnavailableError, type Gpu } from './gpu/device';
import { counters } from './gpu/resources';
import { halfToFloat } from './gpu/half';
import type { TimerSpan } from './gpu/timer';
import { ModelRunner, type Backend, type RunOutput } from './inference';
import { AutoRunner, type AutoDecision } from './inference/auto';
import { WgslRunner, activationSlope } from './inference/wgsl';
import { engineParam, type EngineName } from './inference/wgsl/pick';
import { MediaError, openMedia, type Frame, type Media, type MediaInfo } from './media';
import { parseManifest, pickModel, type Manifest, type ModelEntry } from './manifest';
import type { PsnrMode, UrlParams, ViewMode } from './params';
import { psnrFromSse } from './filters';
import { fitsGpu } from './limits';
import { cheaperModel, PaceWatch } from './pace';
import { RollingStats, FpsCounter, emptyStats, type EngineStats } from './stats';
import { Resources } from './frame';
import type { DType } from './passes/pack';
import { PresentPass } from './passes/present';
import { ViewportController } from './viewport';
import { CpuPath } from './cpu';

export type { EngineStats } from './stats';

export interface EngineSnapshot {
  status: 'starting' | 'loading' | 'ready' | 'error';
  backend: string;
  backendNote: string | null;
  /** which inference engine runs frames: 'onnxruntime-web', 'WGSL', or 'auto…' until the first frame */
  engine: string;
  adapter: string;
  modelId: string;
  models: string[];
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
}

export type EnginePatch = Partial<EngineSnapshot>;

export interface PsnrResult {
  frameIndex: number;
  timestamp: number;
  mode: PsnrMode;
  model: number;
  bicubic: number;
}

interface Current {
  full: RunOutput;
  low: RunOutput | null;
  frameIndex: number;
  timestamp: number;
}

export class Engine {
  private gpu: Gpu | null = null;
  private runner: ModelRunner | WgslRunner | AutoRunner | null = null;
  private manifest: Manifest | null = null;
  private model: ModelEntry | null = null;
  private backend: Backend = 'webgpu';
  private dtype: DType = 'fp32';
  private media: Media | null = null;
  private iter: AsyncGenerator<Frame, void, unknown> | null = null;
  private next: Frame | null = null;
  private res: Resources | null = null;
  private cur: Current | null = null;
  private presentOrig: PresentPass | null = null;
  private presentUp: PresentPass | null = null;
  /** the no-WebGPU path (WASM model, CPU filters, 2D canvases) */
  private cpu: CpuPath | null = null;
  private canvases: HTMLCanvasElement[] = [];
  private viewport: ViewportController | null = null;
  private raf = 0;
  private busy = false;
  private queue: Array<() => Promise<void>> = [];
  private playing = false;
  private anchor = { media: 0, wall: 0 };
  private viewDirty = false;
  private needRerender = false;
  private lastPush = 0;
  private readonly latency = new RollingStats(120);
  private readonly modelTime = new RollingStats(120);
  private readonly fps = new FpsCounter(60);
  private psnr: PsnrResult | null = null;
  private framesProcessed = 0;
  private view: ViewMode;
  private gain = 4;
  private psnrMode: PsnrMode;
  private disposed = false;
  private lastTimestamp = 0;

  constructor(
    private readonly params: UrlParams,
    private readonly onState: (p: EnginePatch) => void,
  ) {
    this.view = params.view ?? 'full';
    this.psnrMode = params.psnr ?? 'consistency';
  }

  // ---------------------------------------------------------------- start-up

  /** Picks the backend, loads the manifest and the model, binds the canvases, starts the loop. */
  async start(original: HTMLCanvasElement, upscaled: HTMLCanvasElement): Promise<void> {
    this.onState({ status: 'starting', view: this.view, gain: this.gain, psnrMode: this.psnrMode, stats: emptyStats(this.psnrMode) });
    let note: string | null = null;
    this.canvases = [original, upscaled];
    try {
      this.gpu = await createGpu();
    } catch (e) {
      if (!(e instanceof GpuUnavailableError)) throw e;
      // No WebGPU: WASM backend, FP32, frames through the CPU.
      this.backend = 'wasm';
      this.dtype = 'fp32';
      this.cpu = new CpuPath(original, upscaled);
      this.baseNote = `no WebGPU (${e.message}): the model runs on the CPU (WASM) and will be slow`;
      this.onState({ backend: 'wasm fp32', backendNote: this.baseNote, adapter: 'CPU' });
      this.viewport = new ViewportController(() => this.cpu?.outSize ?? null, () => (this.viewDirty = true));
      this.viewport.attach(original, upscaled);
      this.raf = requestAnimationFrame(this.tick);
      await this.loadManifest();
      if (this.model) await this.loadModel(this.model);
      return;
    }
    const device = this.gpu.device;
    this.watchDevice(device);
    if (this.params.backend === 'wasm') {
      this.backend = 'wasm';
      this.dtype = 'fp32';
      note = 'WASM backend (requested by ?backend=wasm): the model runs on the CPU and will be slow';
    } else {
      this.backend = 'webgpu';
      this.dtype = this.gpu.f16 ? 'fp16' : 'fp32';
      if (!this.gpu.f16) note = 'this GPU has no shader-f16: running the FP32 model';
    }
    this.baseNote = note;
    this.onState({ backend: `${this.backend} ${this.dtype}`, backendNote: note, adapter: this.gpu.description });

    this.presentOrig = new PresentPass(device, original, 'nearest');
    this.presentUp = new PresentPass(device, upscaled, 'linear');
    this.viewport = new ViewportController(
      () => (this.res ? { w: this.res.out8.width, h: this.res.out8.height } : null),
      () => (this.viewDirty = true),
    );
    this.viewport.attach(original, upscaled);
    this.raf = requestAnimationFrame(this.tick);

    await this.loadManifest();
    if (this.model) await this.loadModel(this.model);
  }

  /** A lost device (driver reset, device.destroy() in tests): rebuild everything on a new device,
   *  keep the media, view and modes, and continue from the same frame. */
  private watchDevice(device: GPUDevice): void {
    void device.lost.then((info) => {
      if (this.disposed || this.gpu?.device !== device) return;
      this.onState({ notice: `GPU device lost (${info.reason || 'unknown'}${info.message ? ': ' + info.message : ''}); recovering…` });
      void this.recover();
    });
  }

  private recovering = false;

  private async recover(): Promise<void> {
    if (this.recovering) return;
    this.recovering = true;
    try {
      await this.exclusive(async () => {
        this.releaseCurrent();
        this.res?.dispose();
        this.res = null;
        this.inflight = null; // the lost device's queue: it may never report back
        const old = this.runner;
        this.runner = null;
        await old?.dispose().catch(() => undefined);
        this.presentOrig?.dispose();
        this.presentUp?.dispose();
        this.gpu = await createGpu();
        this.watchDevice(this.gpu.device);
        this.presentOrig = new PresentPass(this.gpu.device, this.canvases[0], 'nearest');
        this.presentUp = new PresentPass(this.gpu.device, this.canvases[1], 'linear');
      });
      this.recoveries++;
      if (this.model) await this.loadModel(this.model);
      this.onState({ error: null, notice: 'recovered from a lost GPU device' });
    } catch (e) {
      this.fail(`the GPU device was lost and could not be recreated: ${(e as Error).message}`);
    } finally {
      this.recovering = false;
    }
  }

  private recoveries = 0;

  private async loadManifest(): Promise<void> {
    try {
      const res = await fetch('/models/manifest.json');
      if (!res.ok) throw new Error(`models/manifest.json is missing (HTTP ${res.status})`);
      let json: unknown;
      try {
        json = await res.json();
      } catch {
        throw new Error('models/manifest.json is not valid JSON');
      }
      this.manifest = parseManifest(json);
      const { model, warning } = pickModel(this.manifest, this.params.model);
      this.model = model;
      this.onState({ models: this.manifest.models.map((m) => m.id), modelId: model.id });
      if (warning) this.onState({ notice: warning });
    } catch (e) {
      this.fail(`cannot load the model list: ${(e as Error).message}`);
    }
  }

  private async loadModel(m: ModelEntry): Promise<void> {
    if (!this.gpu && !this.cpu) return;
    this.onState({ status: 'loading', modelId: m.id });
    const url = (f: string) => `/models/${f}`;
    const urls = { full: url(m[this.dtype]), low: m.low ? url(m.low[this.dtype]) : null };
    const old = this.runner;
    this.runner = null;
    await this.exclusive(async () => {
      this.releaseCurrent();
      await old?.dispose();
    });
    try {
      this.runner = await this.createRunner(m, urls);
      if (m !== this.model) this.paceWarned = false; // a new model may keep up (recovery keeps the word said)
      this.model = m;
      this.modelError = null;
      this.onState({ status: 'ready', modelId: m.id, error: null });
      if (this.media) this.seek(this.lastTimestamp);
    } catch (e) {
      if (this.backend === 'webgpu' && this.dtype === 'fp16') {
        // e.g. an EP or driver that rejects the FP16 graph: the FP32 model still runs
        this.dtype = 'fp32';
        this.baseNote = `the FP16 model failed (${(e as Error).message}); running FP32`;
        this.onState({ backend: 'webgpu fp32', backendNote: this.baseNote });
        return this.loadModel(m);
      }
      this.modelError = (e as Error).message;
      this.fail(this.modelError);
    }
  }

  private baseNote: string | null = null;

  /** WebGPU: `?engine=ort|wgsl` forces one; otherwise (auto) both load and the first frame picks
   *  the faster of those that agree with onnxruntime-web (inference/auto.ts). The CPU path and
   *  models without a weights file run onnxruntime-web. */
  private async createRunner(m: ModelEntry, urls: { full: string; low: string | null }): Promise<ModelRunner | WgslRunner | AutoRunner> {
    const device = this.gpu?.device ?? null;
    const choice = engineParam(location.search);
    if (this.backend !== 'webgpu' || !device || choice === 'ort' || (choice === 'auto' && !m.weights)) {
      const r = await ModelRunner.create(this.backend, this.dtype, device, urls);
      this.setEngine('ort', null);
      return r;
    }
    if (!m.weights) throw new Error(`model ${m.id} has no weights file in the manifest: the WGSL engine cannot run it`);
    const w = m.weights;
    const wgsl = () => WgslRunner.create(device, this.dtype, `/models/${w.file}`, w.convs, activationSlope(w.act, w.slope));
    if (choice === 'wgsl') {
      const r = await wgsl();
      this.setEngine('wgsl', 'engine: WGSL (our own kernels for this network), forced by ?engine=wgsl');
      return r;
    }
    // Picked before for this model on this adapter (a lost device, a model switched back): no new race.
    const key = this.pickKey(m), earlier = this.picks.get(key);
    if (earlier) {
      const r = earlier.engine === 'wgsl' ? await wgsl() : await ModelRunner.create(this.backend, this.dtype, device, urls);
      this.setEngine(earlier.engine, `${describeDecision(earlier)} (picked earlier in this session)`);
      return r;
    }
    const ort = await ModelRunner.create(this.backend, this.dtype, device, urls);
    let ours: WgslRunner;
    try {
      ours = await wgsl();
    } catch (e) {
      this.setEngine('ort', `engine: the WGSL engine did not load (${(e as Error).message})`);
      return ort;
    }
    this.setEngine('auto', 'engine: both loaded, the first frame picks the faster');
    return new AutoRunner(device, ort, ours, (d) => {
      this.picks.set(key, d);
      this.setEngine(d.engine, describeDecision(d));
    });
  }

  /** auto's decisions, per model and precision, for this page's adapter */
  private readonly picks = new Map<string, AutoDecision>();
  private pickKey(m: ModelEntry): string {
    return `${m.id}/${this.dtype}`;
  }

  private setEngine(engine: EngineName | 'auto', detail: string | null): void {
    this.onState({ engine: ENGINE_LABEL[engine], backendNote: [this.baseNote, detail].filter(Boolean).join('; ') || null });
  }

  /** Stays on screen (a new video does not clear it) until a model loads. */
  private modelError: string | null = null;

  // ---------------------------------------------------------------- commands (called by the UI)

  /** Opens a file; on failure the current video keeps playing and the error is shown. */
  async load(file: Blob, name: string, note: string | null = null): Promise<boolean> {
    // a newer drop wins, whichever finishes opening first
    const seq = ++this.loadSeq;
    let media: Media;
    try {
      media = await openMedia(file, name, (info) => this.checkSize(info));
    } catch (e) {
      if (seq === this.loadSeq) this.fail(e instanceof MediaError ? e.message : `"${name}" could not be opened: ${(e as Error).message}`);
      return false;
    }
    // decode the first frame before letting go of what plays now: a file with no decodable frame
    // (media data cut or damaged) leaves the current video playing
    const iter = media.frames(media.info.firstTimestamp);
    let first: Frame | null = null;
    const drop = async () => {
      first?.close();
      await iter.return(undefined).catch(() => undefined);
      media.dispose();
    };
    try {
      const r = await iter.next();
      if (r.done) throw new MediaError(`"${name}" has no decodable video frames (the media data is missing or damaged: truncated file?)`);
      first = r.value;
    } catch (e) {
      await drop();
      if (seq === this.loadSeq) this.fail(e instanceof MediaError ? e.message : `"${name}": its first frame could not be decoded (${(e as Error).message ?? e})`);
      return false;
    }
    if (seq !== this.loadSeq) {
      await drop();
      return false;
    }
    try {
      await this.exclusive(async () => {
        if (seq !== this.loadSeq) {
          await drop();
          return;
        }
        await this.closeMedia();
        this.media = media;
        this.iter = iter;
        this.next = first;
        this.lastPulledEnd = first!.timestamp + (first!.duration || 0);
        this.latency.clear();
        this.modelTime.clear();
        this.fps.clear();
        this.dropped = 0;
        this.pace.reset();
        this.paceWarned = false;
        this.psnr = null;
        this.viewport?.reset();
        this.onState({ media: media.info, error: this.modelError, notice: note, frameIndex: 0, time: media.info.firstTimestamp, stats: emptyStats(this.psnrMode) });
        this.frameLog = [];
        await this.showNext();
        this.setPlaying(media.info.kind === 'video');
      });
    } catch (e) {
      this.fail((e as Error).message ?? String(e));
      return false;
    }
    return true;
  }

  private loadSeq = 0;

  private checkSize(info: MediaInfo): void {
    if (this.cpu && info.width * info.height > 1920 * 1088) {
      throw new MediaError(`"${info.name}" is ${info.width}x${info.height}: too large for the CPU (no WebGPU) path, which takes up to 1920x1088`);
    }
    const d = this.gpu?.device;
    if (!d) return;
    // ORT's WebGPU EP keeps the model's activations in storage buffers; the WASM backend only the output
    const channels = this.backend === 'webgpu' ? (this.model?.channels ?? 64) : 0;
    const v = fitsGpu(info.width, info.height, channels, this.dtype === 'fp16' ? 2 : 4, d.limits);
    if (!v.ok) {
      throw new MediaError(
        `"${info.name}" is ${info.width}x${info.height}: too large to upscale 4x on this GPU (${v.over.join('; ')}); ` +
          `it takes inputs up to ${v.maxSquare}x${v.maxSquare}`,
      );
    }
  }

  play(): void {
    if (this.media?.info.kind === 'video') this.setPlaying(true);
  }
  pause(): void {
    this.setPlaying(false);
  }
  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  /** Seek to time t (seconds) and show that frame. */
  seek(t: number): void {
    this.command(async () => {
      if (!this.media) return;
      const clamped = Math.max(this.media.info.firstTimestamp, Math.min(t, this.media.info.duration));
      this.next?.close();
      this.next = null;
      await this.iter?.return(undefined);
      this.iter = this.media.frames(clamped);
      await this.showNext();
      this.anchor = { media: this.lastTimestamp, wall: performance.now() };
      this.pace.reset();
    });
  }

  /** Pause and advance exactly one frame. */
  step(): void {
    if (this.media?.info.kind !== 'video') return;
    this.setPlaying(false);
    this.command(() => this.showNext());
  }

  setView(v: ViewMode): void {
    if (v !== 'full' && !this.runner?.hasLow) {
      this.onState({ notice: 'this model has no low-frequency file: only the full view is available', view: 'full' });
      return;
    }
    this.view = v;
    this.needRerender = true;
    this.onState({ view: v });
  }

  setGain(g: number): void {
    this.gain = Math.max(0.25, Math.min(64, g));
    this.needRerender = true;
    this.onState({ gain: this.gain });
  }

  setPsnrMode(m: PsnrMode): void {
    if (m === this.psnrMode) return;
    this.psnrMode = m;
    this.psnr = null;
    this.onState({ psnrMode: m, stats: { ...this.statsNow(performance.now()), psnr: NaN, psnrBicubic: NaN, psnrMode: m } });
    if (this.media) this.seek(this.lastTimestamp);
  }

  setModel(id: string): void {
    const m = this.manifest?.models.find((x) => x.id === id);
    if (m && m !== this.model) void this.loadModel(m);
  }

  dismissError(): void {
    this.onState({ error: null, notice: null });
  }

  // ---------------------------------------------------------------- the loop

  private tick = (now: number): void => {
    if (this.disposed) return;
    this.raf = requestAnimationFrame(this.tick);
    if (now - this.lastPush > 250) {
      this.lastPush = now;
      this.onState({ stats: this.statsNow(now), playing: this.playing });
    }
    this.schedule();
  };

  /** Starts the next piece of work when none is in flight: a command, a re-render, the next frame. */
  private schedule(): void {
    if (this.busy || this.disposed) return;
    const job = this.queue.shift();
    if (job) {
      this.runJob(job);
    } else if (this.needRerender && (this.cur || this.cpu?.full)) {
      this.needRerender = false;
      this.runJob(() => this.rerender());
    } else if (this.playing && this.media && this.runner) {
      this.runJob(() => this.advance());
    } else if (this.viewDirty && (this.cur || this.cpu)) {
      this.viewDirty = false;
      this.presentOnly();
    }
  }

  private runJob(job: () => Promise<void>): void {
    this.busy = true;
    job()
      .catch((e: unknown) => this.fail(e instanceof Error ? e.message : String(e)))
      .finally(() => {
        this.busy = false;
        // free-running: the next frame right away rather than at the next animation frame
        if (!this.realtime) setTimeout(() => this.schedule(), 0);
      });
  }

  /** A UI command: exclusive, and its failure goes to the error banner. */
  private command(fn: () => Promise<void>): void {
    this.exclusive(fn).catch((e: unknown) => this.fail(e instanceof Error ? e.message : String(e)));
  }

  /** Run `fn` when no frame is in flight (commands, test read-backs). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push(async () => {
        try {
          resolve(await fn());
        } catch (e) {
          reject(e);
        }
      });
    });
  }

  private setPlaying(p: boolean): void {
    this.playing = p;
    this.pace.reset();
    this.anchor = { media: this.next?.timestamp ?? this.lastTimestamp, wall: performance.now() };
    this.onState({ playing: p });
  }

  /** Pull the next decoded frame; at the end, loop to the start. */
  private async pull(): Promise<Frame | null> {
    if (!this.media || !this.iter) return null;
    const media = this.media;
    try {
      let r = await this.iter.next();
      if (r.done) {
        const end = this.lastPulledEnd, { duration, fps, name, kind } = media.info;
        if (kind === 'video' && this.framesProcessed > 0 && end + 1 / fps < duration - 1e-3) {
          this.onState({ notice: `"${name}": the media data ends at ${end.toFixed(2)} s of ${duration.toFixed(2)} s (truncated file?); looping what is there` });
        }
        this.iter = media.frames(media.info.firstTimestamp);
        r = await this.iter.next();
        // the loop continues the timeline: the first frame is due when the last one's time is up
        const wallAtEnd = this.anchor.wall + (end - this.anchor.media) * 1000;
        this.anchor = { media: media.info.firstTimestamp, wall: this.playing ? wallAtEnd : performance.now() };
        if (r.done) {
          this.setPlaying(false);
          throw new MediaError(`"${name}" has no decodable video frames (the media data is missing or damaged: truncated file?)`);
        }
      }
      this.lastPulledEnd = r.value.timestamp + (r.value.duration || 0);
      return r.value;
    } catch (e) {
      if (e instanceof MediaError) throw e;
      // damaged media data (a truncated file, a decoder error): stop here, keep the last frame
      this.setPlaying(false);
      this.iter = media.frames(media.info.firstTimestamp);
      throw new MediaError(`"${media.info.name}": decoding failed after ${this.lastTimestamp.toFixed(3)} s (${(e as Error).message ?? e})`);
    }
  }

  /** Playing: process the next frame once the playback clock reaches it, in real time. When the
   *  backend is slower than the frame rate, frames whose successor is already due are dropped
   *  (decoded and closed, never processed) and counted. */
  private async advance(): Promise<void> {
    if (!this.next) this.next = await this.pull();
    let f = this.next;
    if (!f) return;
    if (!this.realtime) {
      // free-running (tests, measurements): every frame, as fast as the backend goes
      this.next = null;
      return this.process(f);
    }
    const clock = () => this.anchor.media + (performance.now() - this.anchor.wall) / 1000;
    if (f.timestamp > clock() + 0.004) return; // early: wait for its time
    this.next = null;
    for (let skips = 0; skips < 120; skips++) {
      const n = await this.pull();
      if (!n || n.timestamp <= f.timestamp || n.timestamp > clock() + 0.004) {
        this.next = n; // not due yet (or the clip looped): show f now, n later
        break;
      }
      f.close();
      this.dropped++;
      this.pace.frame(performance.now(), false);
      f = n;
    }
    const t = performance.now();
    await this.process(f);
    // a stall (the first frame's engine pick, pipeline compiles, a hidden tab) is not the model's pace
    if (performance.now() - t > this.pace.windowMs / 2) this.pace.reset();
    this.pace.frame(performance.now(), true);
    this.checkPace();
  }

  private dropped = 0;
  private readonly pace = new PaceWatch();
  /** said once per video and model */
  private paceWarned = false;

  /** Falling behind the video: say so once, with the rate and a model that would fit (pace.ts). */
  private checkPace(): void {
    const media = this.media, model = this.model, now = performance.now();
    if (this.paceWarned || !media || !model || media.info.kind !== 'video') return;
    const b = this.pace.behind(now);
    if (!b) return;
    this.paceWarned = true;
    const vfps = media.info.fps, need = vfps / Math.max(b.fps, 1e-3);
    const models = this.manifest?.models ?? [];
    const cheaper = cheaperModel(models, model.id, need);
    const what = `falling behind: ${Math.round(b.dropped * 100)}% of frames dropped over the last ${this.pace.windowMs / 1000} s (${b.fps.toFixed(1)} of ${vfps.toFixed(vfps % 1 ? 2 : 0)} fps, ${media.info.width}x${media.info.height} with ${model.id} on this ${this.backend === 'webgpu' ? 'GPU' : 'CPU'})`;
    const fix = cheaper ? `${cheaper.id} costs ${(model.flops! / cheaper.flops!).toFixed(1)}x less per frame: pick it in the model list` : models.length > 1 ? 'no cheaper model in the manifest' : '';
    this.onState({ notice: fix ? `${what}; ${fix}` : what });
  }

  /** false: process every frame as fast as possible, ignoring timestamps (debug hook only) */
  private realtime = true;
  /** end time (timestamp + duration) of the last frame decoded: where the media data ends */
  private lastPulledEnd = 0;
  /** when each of the last frames was shown (media timestamp, wall ms): timing tests */
  private frameLog: Array<{ t: number; start: number; shown: number }> = [];

  private async showNext(): Promise<void> {
    const f = this.next ?? (await this.pull());
    this.next = null;
    if (f) {
      if (this.runner) await this.process(f);
      else f.close();
    }
  }

  private ensureResources(w: number, h: number): Resources {
    const d = this.gpu!.device;
    const r = this.res;
    if (r && r.width === w && r.height === h && r.mode === this.psnrMode && r.dtype === this.dtype) return r;
    if (this.psnrMode === 'reference' && (w < 4 || h < 4)) {
      this.psnrMode = 'consistency';
      this.onState({ psnrMode: 'consistency', notice: `${w}x${h} is too small for reference mode (it downscales 4x): using consistency` });
    }
    this.releaseCurrent();
    r?.dispose();
    this.res = new Resources(d, w, h, this.psnrMode, this.dtype);
    return this.res;
  }

  private releaseCurrent(): void {
    this.cur?.full.release();
    this.cur?.low?.release();
    this.cur = null;
  }

  private async process(f: Frame): Promise<void> {
    if (this.cpu) return this.processCpu(this.cpu, f);
    const t0 = performance.now();
    const device = this.gpu!.device;
    const runner = this.runner!;
    let res: Resources;
    try {
      res = this.ensureResources(f.frame.displayWidth, f.frame.displayHeight);
      res.upload.copy(f.frame);
    } finally {
      f.close();
    }
    const fi = this.media ? Math.round((f.timestamp - this.media.info.firstTimestamp) * this.media.info.fps) : 0;
    const enc = device.createCommandEncoder({ label: 'frame in' });
    res.encodeIn(enc);
    const span = res.timer?.begin(enc) ?? null;
    device.queue.submit([enc.finish()]);

    const tm = performance.now();
    const w = res.input.width, h = res.input.height;
    let full: RunOutput | null = null, low: RunOutput | null = null;
    try {
      full = await runner.run('full', res.pack.output, w, h);
      if (this.view !== 'full' && runner.hasLow) low = await runner.run('low', res.pack.output, w, h);
      // no timestamps: time the model by waiting for it (the CPU then idles while the GPU works)
      if (!span) await device.queue.onSubmittedWorkDone();
    } catch (e) {
      span?.cancel();
      full?.release();
      low?.release();
      throw e;
    }
    if (!span) this.modelTime.push(performance.now() - tm);

    this.releaseCurrent();
    this.cur = { full, low, frameIndex: fi, timestamp: f.timestamp };
    this.lastTimestamp = f.timestamp;
    this.renderOutputs(true, span);
    span?.read((ms) => this.modelTime.push(ms));
    this.onState({ frameIndex: fi, time: f.timestamp });
    // This frame's latency ends when the GPU is done with it; meanwhile the next frame may be
    // decoded, uploaded and queued: at most this frame and the next are on the GPU at once.
    const done = device.queue.onSubmittedWorkDone().then(() => {
      this.framesProcessed++; // counted once on screen (tests wait on it)
      this.latency.push(performance.now() - t0);
      this.fps.tick(performance.now());
      this.logFrame(f.timestamp, t0);
    });
    const before = this.inflight;
    this.inflight = done;
    if (before) await Promise.race([before, device.lost]);
  }

  /** the previous frame's GPU work (see process) */
  private inflight: Promise<void> | null = null;

  private async processCpu(cpu: CpuPath, f: Frame): Promise<void> {
    const t0 = performance.now();
    let x: { data: Float32Array; w: number; h: number };
    try {
      x = cpu.ingest(f.frame, this.psnrMode);
    } finally {
      f.close();
    }
    const fi = this.media ? Math.round((f.timestamp - this.media.info.firstTimestamp) * this.media.info.fps) : 0;
    const runner = this.cpuRunner();
    const tm = performance.now();
    cpu.setOutput(await runner.runCpu('full', x.data, x.w, x.h));
    if (this.view !== 'full' && runner.hasLow) cpu.low = await runner.runCpu('low', x.data, x.w, x.h);
    const modelMs = performance.now() - tm;
    const p = cpu.psnr(this.psnrMode);
    this.psnr = { frameIndex: fi, timestamp: f.timestamp, mode: this.psnrMode, ...p };
    cpu.render(this.view, this.gain);
    cpu.present(this.viewport!.view);
    this.cpuFrame = fi;
    this.lastTimestamp = f.timestamp;
    this.framesProcessed++;
    this.modelTime.push(modelMs);
    this.latency.push(performance.now() - t0);
    this.fps.tick(performance.now());
    this.logFrame(f.timestamp, t0);
    this.onState({ frameIndex: fi, time: f.timestamp });
  }

  private cpuFrame = -1;

  /** The no-WebGPU path always runs onnxruntime-web (WASM); the WGSL engine needs a GPU. */
  private cpuRunner(): ModelRunner {
    if (!(this.runner instanceof ModelRunner)) throw new Error('the CPU path needs the onnxruntime-web runner');
    return this.runner;
  }

  private logFrame(t: number, start: number): void {
    this.frameLog.push({ t, start, shown: performance.now() });
    if (this.frameLog.length > 256) this.frameLog.shift();
  }

  /** View / gain change on the current frame: run the low model if needed, redraw, no PSNR. */
  private async rerender(): Promise<void> {
    if (this.cpu) {
      const cpu = this.cpu;
      if (!cpu.full || !cpu.input) return;
      if (this.view !== 'full' && !cpu.low && this.runner?.hasLow) cpu.low = await this.cpuRunner().runCpu('low', cpu.inputNchw!, cpu.input.width, cpu.input.height);
      cpu.render(this.view, this.gain);
      cpu.present(this.viewport!.view);
      return;
    }
    const cur = this.cur, res = this.res, runner = this.runner;
    if (!cur || !res || !runner) return;
    if (this.view !== 'full' && !cur.low && runner.hasLow) {
      cur.low = await runner.run('low', res.pack.output, res.input.width, res.input.height);
    }
    this.renderOutputs(false);
    await this.gpu!.device.queue.onSubmittedWorkDone();
  }

  private displayTexture(): GPUTexture | null {
    const res = this.res, cur = this.cur;
    if (!res || !cur) return null;
    return this.view !== 'full' && cur.low ? res.view8 : res.out8;
  }

  private renderOutputs(withPsnr: boolean, span: TimerSpan | null = null): void {
    const res = this.res!, cur = this.cur!, device = this.gpu!.device;
    const enc = device.createCommandEncoder({ label: 'frame out' });
    span?.end(enc);
    const after = res.encodeOut(enc, cur.full.buffer, this.view !== 'full' ? (cur.low?.buffer ?? null) : null, this.view, this.gain, withPsnr);
    this.encodePresent(enc);
    device.queue.submit([enc.finish()]);
    if (after) {
      const meta = { frameIndex: cur.frameIndex, timestamp: cur.timestamp, mode: res.mode, counts: res.sse.map((s) => s.count) };
      after((sums) => {
        this.psnr = {
          frameIndex: meta.frameIndex,
          timestamp: meta.timestamp,
          mode: meta.mode,
          model: psnrFromSse(sums[0], meta.counts[0]),
          bicubic: meta.mode === 'reference' ? psnrFromSse(sums[1], meta.counts[1]) : NaN,
        };
      });
    }
  }

  private encodePresent(enc: GPUCommandEncoder): void {
    const tex = this.displayTexture();
    if (!tex || !this.res || !this.viewport) return;
    this.presentOrig?.encode(enc, this.res.input, this.viewport.view);
    this.presentUp?.encode(enc, tex, this.viewport.view);
  }

  private presentOnly(): void {
    if (this.cpu) {
      if (this.viewport) this.cpu.present(this.viewport.view);
      return;
    }
    const device = this.gpu?.device;
    if (!device) return;
    const enc = device.createCommandEncoder({ label: 'present' });
    this.encodePresent(enc);
    device.queue.submit([enc.finish()]);
  }

  /** Canvas backing sizes follow their CSS size (called by the UI on resize). */
  resizeCanvases(): void {
    for (const c of this.canvases) {
      const dpr = Math.min(2, window.devicePixelRatio || 1);
      const w = Math.max(1, Math.round(c.clientWidth * dpr)), h = Math.max(1, Math.round(c.clientHeight * dpr));
      if (c.width !== w || c.height !== h) {
        c.width = w;
        c.height = h;
      }
    }
    this.viewDirty = true;
  }

  /** How the model time is taken: GPU timestamps, waiting for the queue (no timestamp-query), or
   *  the wall clock around the CPU (WASM) path; null before the first frame. */
  private modelClock(): EngineStats['modelClock'] {
    return this.cpu ? 'cpu' : this.res ? (this.res.timer ? 'gpu' : 'queue') : null;
  }

  private statsNow(now: number): EngineStats {
    const p = this.psnr;
    return {
      latencyAvg: this.latency.mean(),
      latencyP95: this.latency.p95(),
      modelAvg: this.modelTime.mean(),
      modelP95: this.modelTime.p95(),
      modelClock: this.modelClock(),
      fps: this.fps.fps(now),
      dropped: this.dropped,
      psnr: p && p.mode === this.psnrMode ? p.model : NaN,
      psnrBicubic: p && p.mode === this.psnrMode ? p.bicubic : NaN,
      psnrMode: this.psnrMode,
      psnrFrame: p?.frameIndex ?? -1,
    };
  }

  private fail(msg: string): void {
    console.warn('[sr4x]', msg);
    this.onState({ error: msg });
  }

  private async closeMedia(): Promise<void> {
    this.next?.close();
    this.next = null;
    try {
      await this.iter?.return(undefined);
    } catch {
      /* already finished */
    }
    this.iter = null;
    this.media?.dispose();
    this.media = null;
  }

  // ---------------------------------------------------------------- test / debug hook

  /** Read-backs for tests; each runs between frames and never inside the frame loop. */
  debug() {
    const dev = () => this.gpu!.device;
    return {
      state: () => ({
        frameIndex: this.cpu ? this.cpuFrame : (this.cur?.frameIndex ?? -1),
        timestamp: this.cpu ? this.lastTimestamp : (this.cur?.timestamp ?? NaN),
        framesProcessed: this.framesProcessed,
        playing: this.playing,
        backend: this.backend,
        dtype: this.dtype,
        engine: this.runner instanceof WgslRunner ? 'wgsl' : this.runner instanceof AutoRunner ? this.runner.engine : 'ort',
        engineDecision: (this.model && this.picks.get(this.pickKey(this.model))) ?? null,
        view: this.view,
        gain: this.gain,
        psnrMode: this.psnrMode,
        psnr: this.psnr,
        busy: this.busy,
        input: this.cpu?.input
          ? { width: this.cpu.input.width, height: this.cpu.input.height }
          : this.res
            ? { width: this.res.input.width, height: this.res.input.height }
            : null,
        frame: this.cpu?.frame
          ? { width: this.cpu.frame.width, height: this.cpu.frame.height }
          : this.res
            ? { width: this.res.width, height: this.res.height }
            : null,
        hasLow: this.runner?.hasLow ?? false,
        modelReady: !!this.runner,
        recoveries: this.recoveries,
        modelClock: this.modelClock(),
      }),
      counters: () => ({ ...counters }),
      readTexture: (which: 'frame' | 'input' | 'output' | 'view') =>
        this.exclusive(async () => {
          if (this.cpu) {
            if (!this.cpu.full) throw new Error('no frame yet');
            return { ...this.cpu.pixels(which), frameIndex: this.cpuFrame };
          }
          const { readTexture } = await import('./gpu/resources');
          const r = this.res;
          if (!r || !this.cur) throw new Error('no frame yet');
          const tex = which === 'frame' ? r.upload.output : which === 'input' ? r.input : which === 'output' ? r.out8 : this.displayTexture()!;
          return { width: tex.width, height: tex.height, frameIndex: this.cur.frameIndex, rgba: await readTexture(dev(), tex) };
        }),
      /** The raw model output tensor (NCHW float32; FP16 outputs converted). */
      readTensor: (which: 'full' | 'low') =>
        this.exclusive(async () => {
          if (this.cpu) {
            const c = this.cpu, d = which === 'full' ? c.full : c.low;
            if (!d || !c.outSize) throw new Error(`no ${which} output for this frame`);
            return { width: c.outSize.w, height: c.outSize.h, frameIndex: this.cpuFrame, data: d };
          }
          const { readBuffer } = await import('./gpu/resources');
          const r = this.res, cur = this.cur;
          if (!r || !cur) throw new Error('no frame yet');
          const out = which === 'full' ? cur.full : cur.low;
          if (!out) throw new Error(`no ${which} output for this frame`);
          const n = 3 * r.out8.width * r.out8.height;
          const bytes = await readBuffer(dev(), out.buffer, n * (this.dtype === 'fp16' ? 2 : 4));
          const data = this.dtype === 'fp16' ? halfToFloat(new Uint16Array(bytes)) : new Float32Array(bytes);
          return { width: r.out8.width, height: r.out8.height, frameIndex: cur.frameIndex, data };
        }),
      /** Resolves when the frame loop is idle (nothing in flight). */
      idle: async () => {
        // a view/gain change is applied by the next animation frame: wait for it, then for the work
        for (let i = 0; i < 120 && this.needRerender && (this.cur || this.cpu?.full); i++) await new Promise((r) => requestAnimationFrame(r));
        await this.exclusive(async () => undefined);
        const dev = this.gpu?.device;
        if (this.inflight && dev) await Promise.race([this.inflight, dev.lost]);
      },
      destroyDevice: () => this.gpu?.device.destroy(),
      /** GPU downscale / bicubic / PSNR-sum passes on given RGBA pixels (shader tests). */
      passSelfTest: (a: Uint8Array, b: Uint8Array, w: number, h: number) =>
        this.exclusive(async () => (await import('./selftest')).passSelfTest(dev(), a, b, w, h)),
      /** one PresentPass draw of given pixels into a new canvas (e2e/present.spec.ts) */
      presentSelfTest: (rgba: Uint8Array, tw: number, th: number, cw: number, ch: number, filter: GPUFilterMode, zoom: number) =>
        this.exclusive(async () => (await import('./selftest')).presentSelfTest(dev(), rgba, tw, th, cw, ch, filter, zoom)),
      packSelfTest: (a: Uint8Array, b: Uint8Array, w: number, h: number, dtype: 'fp16' | 'fp32') =>
        this.exclusive(async () => (await import('./selftest')).packSelfTest(dev(), a, b, w, h, dtype)),
      pause: () => this.pause(),
      play: () => this.play(),
      /** false: every frame, no waiting for timestamps and no dropping (long-session tests) */
      setRealtime: (on: boolean) => {
        this.realtime = on;
        this.anchor = { media: this.next?.timestamp ?? this.lastTimestamp, wall: performance.now() };
      },
      /** the rolling windows behind the overlays (last 120 frames), in ms */
      latencies: () => ({ frame: this.latency.values(), model: this.modelTime.values() }),
      /** the last 256 frames: media timestamp, and when (ms) processing started and the frame was shown */
      frameLog: () => [...this.frameLog],
    };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    cancelAnimationFrame(this.raf);
    await this.closeMedia();
    this.releaseCurrent();
    this.res?.dispose();
    this.res = null;
    await this.runner?.dispose();
    this.presentOrig?.dispose();
    this.presentUp?.dispose();
    this.viewport?.dispose();
    this.gpu?.device.destroy();
  }
}

const ENGINE_LABEL = { ort: 'onnxruntime-web', wgsl: 'WGSL', auto: 'auto…' } as const;

/** The overlay line for an auto pick, e.g. "engine: WGSL, 12.1 ms vs onnxruntime-web 30.2 ms at 1024x1024". */
export function describeDecision(d: AutoDecision): string {
  const at = `at ${d.size[0]}x${d.size[1]}`;
  const ms = (v: number | null) => (v == null ? '?' : v < 10 ? v.toFixed(2) : v.toFixed(1));
  if (d.engine === 'wgsl') return `engine: WGSL, ${ms(d.ms.wgsl)} ms vs onnxruntime-web ${ms(d.ms.ort)} ms ${at}`;
  if (d.reason) return `engine: onnxruntime-web (${ms(d.ms.ort)} ms ${at}); WGSL engine left out: ${d.reason}`;
  return `engine: onnxruntime-web, ${ms(d.ms.ort)} ms vs WGSL ${ms(d.ms.wgsl)} ms ${at}`;
}
