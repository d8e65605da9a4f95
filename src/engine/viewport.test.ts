import { describe, expect, it } from 'vitest';
import { viewTransform } from './passes/present';

describe('viewport transform (canvas uv -> image uv)', () => {
  it('zoom 1 fits the image: letterbox in a wide canvas', () => {
    const t = viewTransform({ zoom: 1, cx: 0.5, cy: 0.5 }, 200, 100, 64, 64);
    expect(t.scale).toEqual([2, 1]);
    expect(t.offset).toEqual([-0.5, 0]);
  });
  it('zoom 4 about the centre shows the middle quarter', () => {
    const t = viewTransform({ zoom: 4, cx: 0.5, cy: 0.5 }, 100, 100, 128, 128);
    expect(t.scale).toEqual([0.25, 0.25]);
    expect(t.offset).toEqual([0.375, 0.375]);
  });
  it('the same view maps both canvases (input and 4x output) to the same image region', () => {
    const v = { zoom: 3, cx: 0.3, cy: 0.6 };
    expect(viewTransform(v, 300, 300, 32, 32)).toEqual(viewTransform(v, 300, 300, 128, 128));
  });
});
