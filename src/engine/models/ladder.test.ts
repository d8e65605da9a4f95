import { describe, expect, it } from 'vitest';
import { HEADROOM, ladderNote, measuredRate, pickForRate, runFlop } from './ladder';
import { ModelLadder } from './ladderControl';
import { LensControl, MARGIN, sideForRate } from '../view/lens';
import { entry, LADDER } from './ladder.fixture';
import type { Manifest } from './manifest';

const id = (m: { id: string } | null | undefined) => m?.id;
const V60 = { width: 1024, height: 1024, fps: 60 };
/** the rate at which `flops` (per 1024x1024 frame) takes `ms` at 1024x1024 */
const rateFor = (flops: number, ms: number) => flops / ms;

describe('runFlop and measuredRate', () => {
  it('cost in proportion to the input pixels; none for a model of unknown cost', () => {
    expect(runFlop({ flops: 4e9 }, 512 * 512)).toBe(1e9);
    expect(runFlop({ flops: undefined }, 512 * 512)).toBeNull();
  });
  it('the median FLOP per ms, so one stalled run does not decide', () => {
    expect(measuredRate([{ flop: 100, ms: 1 }, { flop: 100, ms: 2 }, { flop: 100, ms: 100 }])).toBe(50);
    expect(measuredRate([])).toBeNull();
    expect(measuredRate([{ flop: 100, ms: 0 }])).toBeNull();
  });
});

describe('pickForRate', () => {
  it('C=32 takes 24 ms here at 60 fps: the best-scoring that fits is C=16, and the note says why', () => {
    const p = pickForRate(LADDER, rateFor(LADDER[0].flops!, 24), V60)!;
    expect(id(p.model)).toBe('sr4x-c16');
    expect(p.fits).toBe(true);
    expect(p.ms).toBeCloseTo((24 * 88e9) / LADDER[0].flops!, 6);
    expect(id(p.passed?.model)).toBe('sr4x-c32'); // the next step up in quality
    expect(p.frameMs).toBeCloseTo(1000 / 60, 9);
    const note = ladderNote(p, V60, 'sr4x-c32');
    expect(note).toMatch(/^sr4x-c16: sr4x-c32 would take 24 ms a frame here at 1024x1024 \(16\.7 ms at 60 fps\); sr4x-c16 6\.6 ms \(predicted from sr4x-c32's measured time\)$/);
  });

  it('the best-scoring of those that fit, not the widest: C=48 fits but scores below C=32', () => {
    // C=48 just inside 0.8 of the interval; C=64 over it
    const r = (1.01 * LADDER[1].flops!) / (HEADROOM * (1000 / 60));
    const p = pickForRate(LADDER, r, V60)!;
    expect(id(p.model)).toBe('sr4x-c32');
    expect(p.fits).toBe(true);
    expect(id(p.passed?.model)).toBe('sr4x-c64');
  });

  it('a fast device: every model fits, the best-scoring runs (C=64)', () => {
    const p = pickForRate(LADDER, rateFor(LADDER[2].flops!, 2), V60)!;
    expect(id(p.model)).toBe('sr4x-c64');
    expect(p.passed).toBeNull();
    expect(ladderNote(p, V60, 'sr4x-c32')).toMatch(/^sr4x-c64: 2\.0 ms a frame here at 1024x1024, within 16\.7 ms at 60 fps/);
  });

  it('the headroom is kept: a model predicted at 90% of the interval does not fit', () => {
    const only32 = [LADDER[0], LADDER[1]];
    const p = pickForRate(only32, LADDER[0].flops! / (0.9 * 1000 / 30), { width: 1024, height: 1024, fps: 30 })!;
    expect(id(p.model)).toBe('sr4x-c32'); // the cheapest, too slow
    expect(p.fits).toBe(false);
  });

  it('none fits: the cheapest, with the input pixels per ms the lens is sized from', () => {
    const rate = rateFor(LADDER[0].flops!, 4000); // C=32: 4 s a whole frame (WASM)
    const p = pickForRate(LADDER, rate, V60)!;
    expect(id(p.model)).toBe('sr4x-c8');
    expect(p.fits).toBe(false);
    // C=8 runs 1024x1024 in 4000 * 25e9 / C=32's FLOPs ms
    expect(p.pxPerMs).toBeCloseTo((1024 * 1024) / ((4000 * 25e9) / LADDER[0].flops!), 6);
    expect(ladderNote(p, V60, 'sr4x-c32')).toBe("sr4x-c8 with the lens: the cheapest model would take 312 ms a frame here at 1024x1024 (16.7 ms at 60 fps; predicted from sr4x-c32's measured time)");
  });

  it('cost scales with the input: a quarter of the pixels, a quarter of the time', () => {
    const rate = rateFor(LADDER[0].flops!, 40);
    expect(id(pickForRate(LADDER, rate, V60)?.model)).toBe('sr4x-c16');
    // 512x512: C=32 10 ms, C=48 21.8 ms, C=64 38 ms; 13.3 ms allowed
    const p = pickForRate(LADDER, rate, { width: 512, height: 512, fps: 60 })!;
    expect(id(p.model)).toBe('sr4x-c32');
    expect(p.ms).toBeCloseTo(10, 9);
  });

  it('a ceiling (after a step down) leaves out the dearer models, even where they would fit', () => {
    const rate = rateFor(LADDER[2].flops!, 2);
    expect(id(pickForRate(LADDER, rate, V60, 88e9)?.model)).toBe('sr4x-c16');
  });

  it("only the manifest's costed models: a user's and an uncosted one are never picked", () => {
    const user = { ...entry('mine.onnx', 1e9, 40, 40), user: { name: 'mine.onnx', dtype: 'fp32' as const, size: 1, summary: null } };
    const ms = [user, entry('nocost', undefined, 40, 40), LADDER[0], LADDER[3]];
    expect(id(pickForRate(ms, rateFor(LADDER[0].flops!, 1), V60)?.model)).toBe('sr4x-c32');
    expect(pickForRate([user, entry('nocost', undefined)], 1e9, V60)).toBeNull();
  });

  it('without recorded scores: the most expensive that fits', () => {
    const bare = LADDER.map((m) => ({ ...m, metrics: undefined }));
    expect(id(pickForRate(bare, rateFor(LADDER[1].flops!, 10), V60)?.model)).toBe('sr4x-c48');
  });

  it('no rate or no rate to hold: no pick', () => {
    expect(pickForRate(LADDER, 0, V60)).toBeNull();
    expect(pickForRate(LADDER, 1e9, { ...V60, fps: 0 })).toBeNull();
  });
});

describe('ModelLadder: measured times in, the model and the lens out', () => {
  type Info = Parameters<ModelLadder['opened']>[0];
  const video = (width: number, height: number, fps: number): Info => ({ kind: 'video', width, height, fps }) as Info;

  /** The engine's side: which model runs, what loads, the lens, the header. */
  function rig(opts: { auto?: boolean; where?: 'GPU' | 'CPU'; model?: string } = {}) {
    const s = {
      model: LADDER.find((m) => m.id === (opts.model ?? 'sr4x-c32'))!,
      realtime: true,
      media: null as Info | null,
      loads: [] as string[],
      notes: [] as Array<string | null>,
      lens: new LensControl(),
    };
    const ladder = new ModelLadder(opts.auto ?? true, {
      models: {
        get model() {
          return s.model;
        },
        manifest: { models: LADDER } as Manifest,
        find: (x) => LADDER.find((m) => m.id === x) ?? null,
      },
      loop: {
        get realtime() {
          return s.realtime;
        },
      },
      transport: {
        get media() {
          return s.media && { info: s.media };
        },
      },
      platform: { backend: opts.where === 'GPU' ? 'webgpu' : 'wasm' },
      psnrMode: 'consistency',
      panes: { load: async (m) => void s.loads.push(m.id) },
      lens: s.lens,
      viewChanged: () => undefined,
      tell: (p) => {
        if ('modelNote' in p) s.notes.push(p.modelNote ?? null);
      },
    });
    /** the model the engine switched to is now running */
    const loaded = () => (s.model = LADDER.find((m) => m.id === s.loads.at(-1))!);
    /** `n` frames of the running model, each in `ms` over `input`: a square of that many pixels, or a size */
    const frames = (n: number, input: number | { width: number; height: number }, ms: number) => {
      const size = typeof input === 'number' ? { width: Math.sqrt(input), height: Math.sqrt(input) } : input;
      for (let i = 0; i < n; i++) ladder.measured(s.model, size, ms);
    };
    return { s, ladder, loaded, frames };
  }
  /** ms for `pixels` through `m` at `rate` FLOP/ms */
  const msAt = (m: string, pixels: number, rate: number) => runFlop(LADDER.find((x) => x.id === m)!, pixels)! / rate;

  it('a slow CPU: the lens held on a small crop measures first, then the cheapest runs with the lens at once', () => {
    const { s, ladder, loaded, frames } = rig();
    ladder.opened(video(1024, 1024, 60));
    expect(s.lens.on && s.lens.held).toBe(true);
    expect(s.lens.maxSide).toBe(128 - 2 * MARGIN);
    const crop = 128 * 128, rate = rateFor(LADDER[0].flops!, 4000);
    frames(1, crop, 10 * msAt('sr4x-c32', crop, rate)); // the warm-up: slow, not counted
    expect(s.loads).toEqual([]);
    frames(2, crop, msAt('sr4x-c32', crop, rate));
    expect(s.loads).toEqual(['sr4x-c8']);
    expect(s.lens.on && s.lens.auto && !s.lens.held).toBe(true);
    // sized from C=8's predicted rate: 1024x1024 in 312 ms
    expect(s.lens.maxSide).toBe(sideForRate((1024 * 1024) / ((4000 * 25e9) / LADDER[0].flops!), 1000 / 60));
    expect(s.notes.at(-1)).toBe("sr4x-c8 with the lens: the cheapest model would take 312 ms a frame here at 1024x1024 (16.7 ms at 60 fps; predicted from sr4x-c32's measured time on a 128x128 crop)");
    // C=32's frames still coming in while C=8 loads decide nothing
    frames(3, crop, 1);
    expect(s.loads).toEqual(['sr4x-c8']);
    // C=8's own times through the lens (a 50x50 crop, mostly fixed costs per run): it is the
    // cheapest, so it stays, with the lens, and the header keeps the probe's figure
    const note = s.notes.at(-1);
    loaded();
    frames(3, 50 * 50, msAt('sr4x-c8', 50 * 50, rate / 20));
    expect(s.loads).toEqual(['sr4x-c8']);
    expect(s.lens.on).toBe(true);
    expect(s.notes.at(-1)).toBe(note);
  });

  it("the note names the crop as it ran: a lens clipped by the frame's edge is not square", () => {
    const { s, ladder, frames } = rig();
    ladder.opened(video(1024, 1024, 60));
    const crop = { width: 128, height: 90 }, rate = rateFor(LADDER[0].flops!, 4000);
    frames(3, crop, msAt('sr4x-c32', 128 * 90, rate));
    expect(s.notes.at(-1)).toMatch(/\(16\.7 ms at 60 fps; predicted from sr4x-c32's measured time on a 128x90 crop\)$/);
  });

  it('steps down when the model switched to does not hold the rate either, and never back up in the file', () => {
    const { s, ladder, loaded, frames } = rig({ where: 'GPU' });
    ladder.opened(video(1920, 1080, 30));
    const px = 1920 * 1080, crop = 256 * 256;
    // C=32 measured on the held crop: C=16 is predicted to fit (C=32 would not)
    const rate = runFlop(LADDER[0], px)! / 40;
    frames(3, crop, msAt('sr4x-c32', crop, rate));
    expect(s.loads).toEqual(['sr4x-c16']);
    expect(s.lens.held).toBe(true); // still measuring, on the new model
    loaded();
    // C=16 is less efficient than predicted: 30 ms a whole frame, over 80% of 33.3 ms
    frames(3, crop, (30 * crop) / px);
    expect(s.loads).toEqual(['sr4x-c16', 'sr4x-c8']);
    loaded();
    // C=8 fits on the crop: it stays for now, the lens goes
    frames(3, crop, 0.001);
    expect(s.loads).toEqual(['sr4x-c16', 'sr4x-c8']);
    expect(s.lens.on).toBe(false);
    expect(s.notes.at(-1)).toMatch(/^sr4x-c8: [\d.]+ ms a frame here at 1920x1080, within 33\.3 ms at 30 fps \(predicted from sr4x-c8's measured time on a 256x256 crop\)$/);
    // a crop frame still in flight decides nothing; the whole frames (after a warm-up) look once more:
    // a crop did not fill this GPU, and on whole frames C=16 holds after all
    frames(2, crop, 1000);
    const whole = runFlop(LADDER[0], px)! / 60; // C=32 would take 60 ms a whole frame, C=16 16 ms
    frames(3, px, msAt('sr4x-c8', px, whole));
    expect(s.loads).toEqual(['sr4x-c16', 'sr4x-c8', 'sr4x-c16']);
    loaded();
    frames(3, px, msAt('sr4x-c16', px, whole));
    expect(s.notes.at(-1)).toBe("sr4x-c16: 16 ms a frame here at 1920x1080, within 33.3 ms at 30 fps (predicted from sr4x-c16's measured time)");
    // settled: no second look up within the file, however fast later frames are
    frames(6, px, 0.001);
    expect(s.loads).toEqual(['sr4x-c16', 'sr4x-c8', 'sr4x-c16']);
    expect(s.lens.on).toBe(false);
  });

  it('falling behind with its own pick: a cheaper model from the rate shown; with nothing cheaper, or the lens on, the lens is the answer', () => {
    const { s, ladder, loaded, frames } = rig({ where: 'GPU' });
    ladder.opened(video(256, 256, 60)); // no larger than the held crop: whole frames measure
    const px = 256 * 256;
    frames(3, px, msAt('sr4x-c32', px, rateFor(LADDER[2].flops!, 10))); // C=64 predicted at 10 ms
    expect(s.loads).toEqual(['sr4x-c64']);
    loaded();
    frames(3, px, msAt('sr4x-c64', px, rateFor(LADDER[2].flops!, 10))); // its model time agrees: kept
    expect(s.loads).toEqual(['sr4x-c64']);
    // but the frames are shown at 15 fps (the passes around it): at that whole-frame rate C=32 would
    // take 1/15 s * 321/1221 = 17.5 ms, over 0.8 x 16.7; C=16 4.8 ms fits
    expect(ladder.behind(15)).toBe(true);
    expect(s.loads).toEqual(['sr4x-c64', 'sr4x-c16']);
    expect(s.notes.at(-1)).toMatch(/^sr4x-c16: sr4x-c32 would take 18 ms a frame here at 256x256 \(16\.7 ms at 60 fps\)/);
    loaded();
    s.lens.toggle(); // the user's lens on: its frames are not the whole frame's
    expect(ladder.behind(5)).toBe(false);
    s.lens.toggle();
    s.model = LADDER.find((m) => m.id === 'sr4x-c8')!;
    expect(ladder.behind(5)).toBe(false); // nothing cheaper
    ladder.userChose();
    s.model = LADDER[0];
    expect(ladder.behind(5)).toBe(false); // the user's pick: not the ladder's to change
    expect(s.loads).toEqual(['sr4x-c64', 'sr4x-c16']);
  });

  it('a pick from the held crop is looked at again once on whole frames: kept where they agree, a better model where they are faster', () => {
    const crop = 256 * 256, px = 1024 * 1024, rate = rateFor(LADDER[0].flops!, 12); // C=32 fits, C=64 (46 ms) does not
    {
      const { s, ladder, frames } = rig({ where: 'GPU' });
      ladder.opened(video(1024, 1024, 60));
      frames(3, crop, msAt('sr4x-c32', crop, rate));
      expect(s.loads).toEqual([]);
      expect(s.lens.on).toBe(false);
      // whole frames at the same rate: C=32 still the pick, nothing loads, and it is final
      frames(3, px, msAt('sr4x-c32', px, rate));
      expect(s.loads).toEqual([]);
      expect(s.notes.at(-1)).toMatch(/\(predicted from sr4x-c32's measured time\)$/);
      frames(3, px, msAt('sr4x-c32', px, rate * 100));
      expect(s.loads).toEqual([]);
    }
    {
      // the crop did not fill this GPU: whole frames run 5x the crop's rate, so C=64 (12 ms x 3.81 / 5 = 9.1 ms) fits
      const { s, ladder, frames } = rig({ where: 'GPU' });
      ladder.opened(video(1024, 1024, 60));
      frames(3, crop, msAt('sr4x-c32', crop, rate));
      expect(s.notes.at(-1)).toMatch(/; sr4x-c32 12 ms \(predicted from sr4x-c32's measured time on a 256x256 crop\)$/);
      frames(3, px, msAt('sr4x-c32', px, rate * 5));
      expect(s.loads).toEqual(['sr4x-c64']);
      expect(s.notes.at(-1)).toMatch(/^sr4x-c64: 9\.1 ms a frame here at 1024x1024, within 16\.7 ms at 60 fps \(predicted from sr4x-c32's measured time\)$/);
    }
  });

  it('a fast device measured on the whole frame: the best-scoring that fits, the lens never on', () => {
    const { s, ladder, frames } = rig({ where: 'GPU' });
    ladder.opened(video(1024, 1024, 30));
    expect(s.lens.held).toBe(true);
    ladder.opened(video(256, 256, 30)); // no larger than the held crop: whole frames measure
    expect(s.lens.on).toBe(false);
    frames(3, 256 * 256, msAt('sr4x-c32', 256 * 256, rateFor(LADDER[2].flops!, 10)));
    expect(s.loads).toEqual(['sr4x-c64']);
    expect(s.lens.on).toBe(false);
  });

  it('another size or rate decides again from the rate known (no probe); the same size and rate keep the pick', () => {
    const { s, ladder, loaded, frames } = rig();
    const rate = rateFor(LADDER[0].flops!, 24); // C=32 24 ms at 1024x1024
    ladder.opened(video(1024, 1024, 60));
    frames(3, 128 * 128, msAt('sr4x-c32', 128 * 128, rate));
    expect(s.loads).toEqual(['sr4x-c16']);
    loaded();
    frames(3, 128 * 128, msAt('sr4x-c16', 128 * 128, rate));
    expect(s.lens.on).toBe(false);
    ladder.opened(video(1024, 1024, 60));
    expect(s.loads).toEqual(['sr4x-c16']);
    // half the pixels at 30 fps: C=32 12 ms of 26.7 allowed, and it scores above C=16 (C=64 would take 46 ms)
    ladder.opened(video(1024, 512, 30));
    expect(s.loads).toEqual(['sr4x-c16', 'sr4x-c32']);
    expect(s.lens.on).toBe(false);
  });

  it('free-running playback measures but never switches or turns the lens on', () => {
    const { s, ladder, frames } = rig();
    s.realtime = false;
    ladder.opened(video(1024, 1024, 60));
    expect(s.lens.on).toBe(false);
    frames(5, 1024 * 1024, 4000);
    expect(s.loads).toEqual([]);
    expect(s.lens.on).toBe(false);
  });

  it("the user's pick wins and is kept; auto gives the pick back", () => {
    const { s, ladder, loaded, frames } = rig();
    ladder.opened(video(1024, 1024, 60));
    s.media = video(1024, 1024, 60);
    ladder.choose('sr4x-c64');
    expect(ladder.auto).toBe(false);
    expect(s.loads).toEqual(['sr4x-c64']);
    expect(s.lens.on).toBe(false); // the held lens went with the pick
    expect(s.notes.at(-1)).toBeNull();
    loaded();
    frames(5, 1024 * 1024, 4000);
    ladder.opened(video(640, 480, 25));
    expect(s.loads).toEqual(['sr4x-c64']);
    ladder.choose('auto');
    expect(ladder.auto).toBe(true);
    expect(s.lens.on && s.lens.held).toBe(true); // measuring again, on the open video
    frames(3, 128 * 128, 4000);
    expect(s.loads).toEqual(['sr4x-c64', 'sr4x-c8']);
  });

  it('off from the start (?model=), and stills keep the model that runs', () => {
    const off = rig({ auto: false });
    off.ladder.opened(video(1024, 1024, 60));
    off.frames(5, 1024 * 1024, 4000);
    expect([off.s.loads, off.s.lens.on]).toEqual([[], false]);
    const still = rig();
    still.ladder.opened(video(1024, 1024, 60));
    still.ladder.opened({ kind: 'image', width: 1024, height: 1024, fps: 0 } as Info);
    still.frames(5, 1024 * 1024, 4000);
    expect(still.s.loads).toEqual([]);
    expect(still.s.notes.at(-1)).toBeNull();
    expect(still.s.lens.on).toBe(false); // the held lens of the video before it went with it
  });
});
