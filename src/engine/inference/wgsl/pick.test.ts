import { describe, expect, it } from 'vitest';
import { engineParam, pickEngine } from './pick';

describe('engine choice', () => {
  it('reads ?engine=ort|wgsl, anything else is auto', () => {
    expect(engineParam('?engine=wgsl')).toBe('wgsl');
    expect(engineParam('?demo=0&engine=ort')).toBe('ort');
    expect(engineParam('?engine=fast')).toBe('auto');
    expect(engineParam('')).toBe('auto');
  });

  it('a forced choice wins; auto takes the faster, ties and failures as said', () => {
    expect(pickEngine('ort', { ort: 100, wgsl: 10 })).toBe('ort');
    expect(pickEngine('wgsl', { ort: 10, wgsl: 100 })).toBe('wgsl');
    expect(pickEngine('auto', { ort: 100, wgsl: 50 })).toBe('wgsl');
    expect(pickEngine('auto', { ort: 50, wgsl: 100 })).toBe('ort');
    expect(pickEngine('auto', { ort: 100, wgsl: 97 })).toBe('ort'); // within 5%: the reference
    expect(pickEngine('auto', { ort: null, wgsl: 100 })).toBe('wgsl');
    expect(pickEngine('auto', { ort: 100, wgsl: null })).toBe('ort');
  });
});
