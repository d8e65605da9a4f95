import { describe, expect, it } from 'vitest';
import { footprintTaps, MAX_TAPS, viewTransform } from '.';

const fit = { zoom: 1, cx: 0.5, cy: 0.5 };

describe('present pass minification taps', () => {
  it('magnified or 1:1: one tap, as before', () => {
    for (const [c, t, zoom] of [[64, 16, 1], [64, 64, 1], [900, 1024, 2], [100, 4096, 64]] as const) {
      const s = viewTransform({ ...fit, zoom }, c, c, t, t).scale;
      expect(footprintTaps(s, c, c, t, t).taps).toEqual([1, 1]);
    }
  });
  it('64² into 16²: 4 texels per pixel, taps one texel apart (at the 16 texel centres)', () => {
    const f = footprintTaps(viewTransform(fit, 16, 16, 64, 64).scale, 16, 16, 64, 64);
    expect(f.taps).toEqual([4, 4]);
    expect(f.step[0]).toBeCloseTo(1 / 64, 12);
    expect(f.step[1]).toBeCloseTo(1 / 64, 12);
  });
  it('non-integer ratios round up, so taps are never more than a texel apart', () => {
    // 64 -> 20 px: 3.2 texels per pixel
    const f = footprintTaps([1, 1], 20, 20, 64, 64);
    expect(f.taps).toEqual([4, 4]);
    expect(f.step[0] * 64).toBeCloseTo(0.8, 12);
    // 4096² output in a 900 px canvas: 4.55 texels per pixel
    const g = footprintTaps(viewTransform(fit, 900, 900, 4096, 4096).scale, 900, 900, 4096, 4096);
    expect(g.taps).toEqual([5, 5]);
    // just over 1:1
    expect(footprintTaps([1, 1], 100, 100, 101, 101).taps).toEqual([2, 2]);
  });
  it('letterboxed: the footprint is the same along both axes (texels are square)', () => {
    // a 16:9 canvas showing a square 2048² image: fit by height, 2048 / 450 = 4.55 texels per pixel
    const s = viewTransform(fit, 800, 450, 2048, 2048).scale;
    const f = footprintTaps(s, 800, 450, 2048, 2048);
    expect(f.taps).toEqual([5, 5]);
    expect(f.step[0] * 2048).toBeCloseTo(f.step[1] * 2048, 9);
  });
  it('capped at MAX_TAPS when zoomed far out', () => {
    const s = viewTransform({ ...fit, zoom: 0.25 }, 900, 900, 4096, 4096).scale;
    const f = footprintTaps(s, 900, 900, 4096, 4096);
    expect(f.taps).toEqual([MAX_TAPS, MAX_TAPS]);
    // the taps still span the whole footprint: taps x step = uv per canvas pixel
    expect(f.taps[0] * f.step[0]).toBeCloseTo(s[0] / 900, 12);
  });
});
