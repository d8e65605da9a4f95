import { describe, expect, it } from 'vitest';
import { parseParams } from './params';
import { ManifestError, parseManifest, pickModel } from './models/manifest';

describe('URL params', () => {
  it('parses overrides', () => {
    const p = parseParams('?backend=WASM&model=sr4x-c32&psnr=reference&view=high&demo=0');
    expect(p).toMatchObject({ backend: 'wasm', model: 'sr4x-c32', psnr: 'reference', view: 'high', demo: false, warnings: [] });
  });
  it('ignores bad values with a warning', () => {
    const p = parseParams('?backend=webgl&model=../../etc&view=');
    expect(p.backend).toBeNull();
    expect(p.model).toBeNull();
    expect(p.view).toBeNull();
    expect(p.demo).toBe(true);
    expect(p.warnings.length).toBe(2);
  });
  it('reads ?engine=ort|wgsl|auto; anything else is auto, with a warning', () => {
    expect(parseParams('?engine=wgsl').engine).toBe('wgsl');
    expect(parseParams('?demo=0&engine=ort')).toMatchObject({ engine: 'ort', warnings: [] });
    expect(parseParams('?engine=auto')).toMatchObject({ engine: 'auto', warnings: [] });
    expect(parseParams('').engine).toBe('auto');
    const bad = parseParams('?engine=fast');
    expect(bad.engine).toBe('auto');
    expect(bad.warnings).toEqual(['ignored ?engine=fast (expected auto | ort | wgsl)']);
  });
});

const good = {
  default: 'b',
  models: [
    { id: 'a', scale: 4, fp16: 'a.fp16.onnx', fp32: 'a.fp32.onnx' },
    { id: 'b', scale: 4, channels: 32, fp16: 'b.fp16.onnx', fp32: 'b.fp32.onnx', low: { fp16: 'b.low.fp16.onnx', fp32: 'b.low.fp32.onnx' } },
  ],
};

describe('manifest', () => {
  it('parses a good manifest and picks models', () => {
    const m = parseManifest(good);
    expect(m.default).toBe('b');
    expect(m.models[0].low).toBeNull();
    expect(m.models[1].low?.fp32).toBe('b.low.fp32.onnx');
    expect(pickModel(m, null).model.id).toBe('b');
    expect(pickModel(m, 'a').model.id).toBe('a');
    const miss = pickModel(m, 'zzz');
    expect(miss.model.id).toBe('b');
    expect(miss.warning).toMatch(/zzz/);
  });
  it('falls back to the first model when default is unknown', () => {
    expect(parseManifest({ ...good, default: 'nope' }).default).toBe('a');
  });
  it.each([
    [null, /not a JSON object/],
    [[], /not a JSON object/],
    [{ models: [] }, /no "models"/],
    [{ models: [{ fp16: 'x.onnx', fp32: 'y.onnx' }] }, /no id/],
    [{ models: [{ id: 'a', scale: 2, fp16: 'x.onnx', fp32: 'y.onnx' }] }, /scale 2/],
    [{ models: [{ id: 'a', fp16: '../x.onnx', fp32: 'y.onnx' }] }, /fp16/],
    [{ models: [{ id: 'a', fp16: 'x.onnx', fp32: 'y.onnx', low: 'z' }] }, /low/],
    [{ models: [{ id: 'a', fp16: 'x.onnx', fp32: 'y.onnx' }, { id: 'a', fp16: 'x.onnx', fp32: 'y.onnx' }] }, /duplicate/],
  ])('rejects %j', (bad, re) => {
    expect(() => parseManifest(bad)).toThrow(ManifestError);
    expect(() => parseManifest(bad)).toThrow(re);
  });
});

describe('?model=<path>.onnx (a user model by URL)', () => {
  it('takes a path or a URL on the page\'s own origin, refuses others', () => {
    expect(parseParams('?model=/mine/sr.onnx', 'http://localhost:5173')).toMatchObject({ model: null, modelUrl: '/mine/sr.onnx', warnings: [] });
    expect(parseParams('?model=sr.ONNX').modelUrl).toBe('sr.ONNX');
    expect(parseParams('?model=http://localhost:5173/m/x.onnx', 'http://localhost:5173').modelUrl).toBe('http://localhost:5173/m/x.onnx');
    for (const far of ['https://example.com/x.onnx', '//example.com/x.onnx', 'http://localhost:5174/x.onnx']) {
      const p = parseParams(`?model=${encodeURIComponent(far)}`, 'http://localhost:5173');
      expect(p.modelUrl).toBeNull();
      expect(p.warnings[0]).toContain("not on this page's origin");
    }
    expect(parseParams('?model=sr4x-c32')).toMatchObject({ model: 'sr4x-c32', modelUrl: null });
  });
});
