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
    expect(b.fps).toBeCloseTo(14 / 4, 5);
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
});
