import { describe, expect, it } from 'vitest';
import { lensRegions, MARGIN, MIN_SIDE, sideForRate } from './lens';

describe('lensRegions', () => {
  it('zoomed 4x on a square frame: the visible quarter, centred, plus the margin', () => {
    const { region, crop } = lensRegions({ zoom: 4, cx: 0.5, cy: 0.5 }, 400, 400, 256, 256);
    expect(region).toEqual({ x: 96, y: 96, width: 64, height: 64 });
    expect(crop).toEqual({ x: 96 - MARGIN, y: 96 - MARGIN, width: 64 + 2 * MARGIN, height: 64 + 2 * MARGIN });
  });
  it('the margin stops at the frame edge (the whole frame is zero-padded there too)', () => {
    const { region, crop } = lensRegions({ zoom: 4, cx: 0.1, cy: 0.9 }, 400, 400, 256, 256);
    expect(region.x).toBe(0);
    expect(region.y + region.height).toBe(256);
    expect(crop.x).toBe(0);
    expect(crop.y + crop.height).toBe(256);
    expect(crop.width).toBe(region.width + MARGIN);
  });
  it('capped by the rate, and never smaller than MIN_SIDE or larger than the frame', () => {
    expect(lensRegions({ zoom: 1, cx: 0.5, cy: 0.5 }, 400, 400, 256, 256, 40).region.width).toBe(40);
    expect(lensRegions({ zoom: 200, cx: 0.5, cy: 0.5 }, 400, 400, 256, 256).region.width).toBe(MIN_SIDE);
    expect(lensRegions({ zoom: 1, cx: 0.5, cy: 0.5 }, 400, 400, 10, 6).region).toEqual({ x: 0, y: 0, width: 10, height: 6 });
  });
});

describe('sideForRate', () => {
  it('the region whose crop fits the frame time at the measured rate', () => {
    // 100 px/ms for 16.7 ms at 80%: 1336 px of crop -> 36 px a side -> region 36 - 34 -> MIN_SIDE
    expect(sideForRate(100, 16.7)).toBe(MIN_SIDE);
    // 10 000 px/ms for 16.7 ms at 80%: 133 600 px -> 365 a side -> 331 -> 328 (multiple of 8)
    expect(sideForRate(10_000, 16.7)).toBe(328);
  });
});
