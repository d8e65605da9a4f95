import { describe, expect, it } from 'vitest';
import { viewTransform, type Viewport } from '../passes/present';
import { DOUBLE_TAP_MS, ViewportController } from './viewport';

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

// A canvas as the controller sees it: a CSS size, a place on the page, and its listeners, which the
// tests call with the fields of a PointerEvent the controller reads.
type Listener = (e: unknown) => void;
function fakeCanvas(left: number, top: number, w: number, h: number) {
  const on = new Map<string, Listener[]>();
  const canvas = {
    clientWidth: w,
    clientHeight: h,
    getBoundingClientRect: () => ({ left, top, width: w, height: h }),
    addEventListener: (type: string, f: Listener) => on.set(type, [...(on.get(type) ?? []), f]),
    setPointerCapture: () => {},
  };
  const fire = (type: string, e: object) => {
    for (const f of on.get(type) ?? []) f({ preventDefault: () => {}, pointerType: 'touch', timeStamp: 0, ...e });
  };
  return { el: canvas as unknown as HTMLCanvasElement, fire, left, top, w, h };
}

const IMG = { w: 512, h: 256 };
function setup(view: Viewport = { zoom: 1, cx: 0.5, cy: 0.5 }) {
  const vc = new ViewportController(() => IMG, () => {});
  Object.assign(vc.view, view);
  // two panes of one size, as on the page: the second below the first (the phone layout)
  const a = fakeCanvas(10, 40, 300, 200), b = fakeCanvas(10, 280, 300, 200);
  vc.attach(a.el, b.el);
  return { vc, a, b };
}

/** The image point (normalised) that page point (x, y) of canvas `c` shows under `view`. */
function imagePointAt(view: Viewport, c: ReturnType<typeof fakeCanvas>, x: number, y: number): [number, number] {
  const t = viewTransform(view, c.w, c.h, IMG.w, IMG.h);
  return [t.offset[0] + ((x - c.left) / c.w) * t.scale[0], t.offset[1] + ((y - c.top) / c.h) * t.scale[1]];
}

type Pt = [number, number];
/** Two fingers from `from` to `to` in `steps` moves, each finger moving in turn as touch screens report. */
function pinch(c: ReturnType<typeof fakeCanvas>, from: [Pt, Pt], to: [Pt, Pt], steps: number) {
  from.forEach(([x, y], i) => c.fire('pointerdown', { pointerId: 11 + i, clientX: x, clientY: y }));
  for (let s = 1; s <= steps; s++)
    for (let i = 0; i < 2; i++) {
      const k = s / steps;
      c.fire('pointermove', { pointerId: 11 + i, clientX: from[i][0] + (to[i][0] - from[i][0]) * k, clientY: from[i][1] + (to[i][1] - from[i][1]) * k });
    }
  to.forEach(([x, y], i) => c.fire('pointerup', { pointerId: 11 + i, clientX: x, clientY: y, timeStamp: 1000 }));
}

describe('touch: pinch, one-finger pan, double tap', () => {
  it('a pinch that doubles the fingers\' distance doubles the zoom and keeps the image point under the midpoint', () => {
    const { vc, a } = setup();
    const from: [Pt, Pt] = [[100, 120], [180, 150]], to: [Pt, Pt] = [[60, 105], [220, 165]];
    const mid: Pt = [140, 135];
    const before = imagePointAt(vc.view, a, ...mid);
    pinch(a, from, to, 7);
    expect(vc.view.zoom).toBeCloseTo(2, 10);
    const after = imagePointAt(vc.view, a, ...mid);
    expect(after[0]).toBeCloseTo(before[0], 10);
    expect(after[1]).toBeCloseTo(before[1], 10);
  });

  it('the midpoint\'s movement pans: the image point under the first midpoint ends under the last, zoomed by the distances\' ratio', () => {
    const { vc, b } = setup({ zoom: 3, cx: 0.4, cy: 0.55 });
    const from: [Pt, Pt] = [[100, 350], [140, 380]]; // midpoint (120, 365), distance 50
    const to: [Pt, Pt] = [[150, 300], [270, 390]]; // midpoint (210, 345), distance 150
    const under = imagePointAt(vc.view, b, 120, 365);
    pinch(b, from, to, 5);
    expect(vc.view.zoom).toBeCloseTo(9, 10);
    const now = imagePointAt(vc.view, b, 210, 345);
    expect(now[0]).toBeCloseTo(under[0], 10);
    expect(now[1]).toBeCloseTo(under[1], 10);
  });

  it('one finger pans: the image point under it follows it; a lifted second finger leaves the first panning', () => {
    const { vc, a } = setup({ zoom: 4, cx: 0.5, cy: 0.5 });
    const under = imagePointAt(vc.view, a, 100, 100);
    a.fire('pointerdown', { pointerId: 1, clientX: 100, clientY: 100 });
    a.fire('pointermove', { pointerId: 1, clientX: 130, clientY: 90 });
    a.fire('pointermove', { pointerId: 1, clientX: 160, clientY: 70 });
    expect(vc.view.zoom).toBe(4);
    let now = imagePointAt(vc.view, a, 160, 70);
    expect(now[0]).toBeCloseTo(under[0], 10);
    expect(now[1]).toBeCloseTo(under[1], 10);
    // a second finger comes and goes without moving: the first one goes on panning from where it is
    a.fire('pointerdown', { pointerId: 2, clientX: 250, clientY: 200 });
    a.fire('pointerup', { pointerId: 2, clientX: 250, clientY: 200 });
    a.fire('pointermove', { pointerId: 1, clientX: 120, clientY: 110 });
    now = imagePointAt(vc.view, a, 120, 110);
    expect(now[0]).toBeCloseTo(under[0], 10);
    expect(now[1]).toBeCloseTo(under[1], 10);
  });

  const tap = (c: ReturnType<typeof fakeCanvas>, id: number, x: number, y: number, t: number) => {
    c.fire('pointerdown', { pointerId: id, clientX: x, clientY: y, timeStamp: t - 50 });
    c.fire('pointerup', { pointerId: id, clientX: x, clientY: y, timeStamp: t });
  };
  const zoomed = { zoom: 5, cx: 0.3, cy: 0.7 };

  it('a double tap resets the view', () => {
    const { vc, b } = setup(zoomed);
    tap(b, 1, 100, 300, 1000);
    expect(vc.view).toEqual(zoomed);
    tap(b, 2, 110, 310, 1000 + DOUBLE_TAP_MS - 50);
    expect(vc.view).toEqual({ zoom: 1, cx: 0.5, cy: 0.5 });
  });

  it('taps too far apart in time or place, a drag, or a mouse are not a double tap', () => {
    const { vc, a } = setup(zoomed);
    tap(a, 1, 100, 100, 1000);
    tap(a, 2, 100, 100, 1000 + DOUBLE_TAP_MS + 100); // too late
    tap(a, 3, 160, 100, 1000 + DOUBLE_TAP_MS + 200); // too far from the one before
    expect(vc.view).toEqual(zoomed);
    // a short drag (past the tap's slop) then a tap: a pan, no reset
    a.fire('pointerdown', { pointerId: 4, clientX: 160, clientY: 100, timeStamp: 1700 });
    a.fire('pointermove', { pointerId: 4, clientX: 160, clientY: 125, timeStamp: 1720 });
    a.fire('pointerup', { pointerId: 4, clientX: 160, clientY: 125, timeStamp: 1750 });
    const panned = { ...vc.view };
    expect(panned.cy).not.toBe(zoomed.cy);
    tap(a, 5, 160, 125, 1800); // within the time and place of tap 3, but the drag came between
    expect(vc.view).toEqual(panned);
    // the mouse resets with dblclick (the browser's), not with two clicks counted here
    for (const [t, id] of [[3000, 6], [3100, 7]]) {
      a.fire('pointerdown', { pointerId: id, clientX: 50, clientY: 50, timeStamp: t - 20, pointerType: 'mouse' });
      a.fire('pointerup', { pointerId: id, clientX: 50, clientY: 50, timeStamp: t, pointerType: 'mouse' });
    }
    expect(vc.view).toEqual(panned);
    a.fire('dblclick', {});
    expect(vc.view).toEqual({ zoom: 1, cx: 0.5, cy: 0.5 });
  });

  it('the wheel still zooms about the cursor', () => {
    const { vc, a } = setup({ zoom: 2, cx: 0.6, cy: 0.4 });
    const under = imagePointAt(vc.view, a, 200, 90);
    a.fire('wheel', { clientX: 200, clientY: 90, deltaY: -100 });
    expect(vc.view.zoom).toBeCloseTo(2 * Math.exp(0.15), 10);
    const now = imagePointAt(vc.view, a, 200, 90);
    expect(now[0]).toBeCloseTo(under[0], 10);
    expect(now[1]).toBeCloseTo(under[1], 10);
  });
});
