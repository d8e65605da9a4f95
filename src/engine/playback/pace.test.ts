import { describe, expect, it } from 'vitest';
import { cheaperModel, PaceWatch } from './pace';

// the shipped widths' FLOPs per 1024x1024 frame (models/manifest.json)
const models = [
  { id: 'c32', flops: 320.7e9 },
  { id: 'c48', flops: 698.5e9 },
  { id: 'c64', flops: 1221.2e9 },
];

describe('cheaperModel', () => {
  it('the widest model that is cheap enough', () => {
    expect(cheaperModel(models, 'c64', 1.5)?.id).toBe('c48'); // 1.75x cheaper
    expect(cheaperModel(models, 'c64', 2)?.id).toBe('c32'); // 3.8x
    expect(cheaperModel(models, 'c48', 2)?.id).toBe('c32'); // 2.2x
  });
  it('none cheap enough: the cheapest; none cheaper or no costs: null', () => {
    expect(cheaperModel(models, 'c64', 10)?.id).toBe('c32');
    expect(cheaperModel(models, 'c32', 1.1)).toBeNull();
    expect(cheaperModel([{ id: 'a' }, { id: 'b', flops: 1 }], 'a', 2)).toBeNull();
  });
});

describe('PaceWatch', () => {
  it('behind only with a full window and more than half the frames dropped', () => {
    const w = new PaceWatch(4000, 0.5, 8);
    // 10 fps for 4 s, every other frame dropped: exactly half -> not behind
    for (let i = 0; i <= 40; i++) w.frame(i * 100, i % 2 === 0);
    expect(w.behind(4000)).toBeNull();
    // then 2 of every 3 dropped for 4 s more
    for (let i = 41; i <= 80; i++) w.frame(i * 100, i % 3 === 0);
    const b = w.behind(8000)!;
    expect(b.dropped).toBeCloseTo(27 / 41, 2); // 41 frames in [4000, 8000], 14 shown
    expect(b.fps).toBeCloseTo(13 / 3.8, 5); // 14 shown from 4000 to 7800 ms
  });
  it('not before the window has filled, nor after reset', () => {
    const w = new PaceWatch(4000, 0.5, 8);
    for (let i = 0; i < 20; i++) w.frame(i * 100, false); // 2 s, all dropped
    expect(w.behind(1900)).toBeNull();
    for (let i = 20; i < 40; i++) w.frame(i * 100, false);
    expect(w.behind(3900)).not.toBeNull();
    w.reset();
    expect(w.behind(3900)).toBeNull();
  });
  it('a slow frame after quick ones is a stall (the window starts again); seconds on every frame is the pace', () => {
    // a 30 fps video: the frames that fall due while one is upscaled are dropped at once after it
    const run = (w: PaceWatch, t: number, tookMs: number, n: number) => {
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < Math.floor(tookMs / 33); k++) w.frame(t + 1, false);
        w.shown((t += tookMs), tookMs);
      }
      return t;
    };
    // a fast model, then one frame stalls for 3 s (a hidden tab): not behind
    const w = new PaceWatch(4000, 0.5, 8);
    let t = run(w, 0, 20, 60);
    t = run(w, t, 3000, 1);
    expect(w.behind(t)).toBeNull();
    // 6 s on every frame: the first is taken for a stall, from the second on it is the pace; the
    // window grows to 2.5 frame intervals (15 s), so the third frame's check finds it full
    const s = new PaceWatch(4000, 0.5, 8);
    t = run(s, 0, 6000, 2);
    expect(s.behind(t)).toBeNull();
    t = run(s, t, 6000, 1);
    const b = s.behind(t)!;
    expect(b).not.toBeNull();
    expect(b.windowMs).toBe(15000);
    expect(b.dropped).toBeGreaterThan(0.9);
    expect(b.fps).toBeCloseTo(1 / 6, 5); // one frame every 6 s
  });
});
