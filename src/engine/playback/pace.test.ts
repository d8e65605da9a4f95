import { describe, expect, it } from 'vitest';
import { LADDER } from '../models/ladder.fixture';
import type { ModelEntry } from '../models/manifest';
import { behindNotice, PaceWatch } from './pace';

const at = (id: string) => LADDER.find((m) => m.id === `sr4x-${id}`)!;
const V = { width: 1024, height: 1024, fps: 60 };

describe('behindNotice: what the ladder would run at the rate shown', () => {
  it('the best-scoring model that holds the rate, with its predicted time and its cost against the one running', () => {
    // C=64 shown at 6 fps: 1221 GFLOP in 167 ms, 7.3 TFLOP/s; C=16 would take 12.0 ms of the 13.3
    // allowed (80% of 16.7), C=32 44 ms
    const n = behindNotice({ dropped: 0.9, fps: 6 }, 4000, V, at('c64'), LADDER, 'GPU');
    expect(n).toBe('falling behind: 90% of frames dropped over the last 4 s (6.0 of 60 fps, 1024x1024 with sr4x-c64 on this GPU); sr4x-c16 costs 13.9x less per frame and would hold it (12 ms a frame predicted from this rate): pick it in the model list, or "auto"');
  });
  it('none holds it: the cheapest, and what it would still take', () => {
    const n = behindNotice({ dropped: 0.9, fps: 0.5 }, 5000, V, at('c32'), LADDER, 'CPU');
    // C=8 at C=32's 160 GFLOP/s: 25e9 / 160.36e9 * 1000 ms = 156 ms
    expect(n).toMatch(/; sr4x-c8, the cheapest, costs 12\.8x less per frame but would still take 156 ms a frame here$/);
  });
  it('the cheapest already running, or models without costs: nothing cheaper to name', () => {
    expect(behindNotice({ dropped: 0.9, fps: 0.5 }, 5000, V, at('c8'), LADDER, 'CPU')).toMatch(/on this CPU\); no cheaper model in the manifest$/);
    const user = { ...at('c32'), id: 'yours', flops: undefined, user: { size: 1, dtype: 'fp32' as const } } as ModelEntry;
    expect(behindNotice({ dropped: 0.9, fps: 0.5 }, 5000, V, user, LADDER, 'CPU')).toMatch(/with yours on this CPU\)$/);
  });
  it("the video's rate as a person reads it: a container's 59.9999 is 60, NTSC's 29.97 stays", () => {
    const rate = (fps: number) => /of ([\d.]+) fps/.exec(behindNotice({ dropped: 0.9, fps: 0.5 }, 5000, { ...V, fps }, at('c8'), LADDER, 'CPU'))![1];
    expect([rate(59.9999), rate(60), rate(30000 / 1001), rate(24)]).toEqual(['60', '60', '29.97', '24']);
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
