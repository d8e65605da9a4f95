import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bestScoring, modelScore, parseManifest, type ModelEntry } from './manifest';

const entry = (id: string, flops: number, set5?: number, set14?: number): ModelEntry => ({
  id, scale: 4, fp16: `${id}.fp16.onnx`, fp32: `${id}.fp32.onnx`, low: null, flops,
  metrics: set5 === undefined ? undefined : { Set5: { model_y: set5 }, Set14: { model_y: set14 } },
});

describe('model scores', () => {
  it('is the mean of the Set5 and Set14 PSNR-Y, or null without both', () => {
    expect(modelScore(entry('a', 1, 31, 28))).toBe(29.5);
    expect(modelScore(entry('a', 1))).toBeNull();
    expect(modelScore({ ...entry('a', 1), metrics: { Set5: { model_y: 31 } } })).toBeNull();
  });

  it('picks the best score, not the widest, and skips models without one', () => {
    const ms = [entry('narrow', 1, 30, 27), entry('mid', 2, 31.2, 28), entry('wide', 3, 31, 27.9), entry('user', 4)];
    expect(bestScoring(ms)?.id).toBe('mid');
    expect(bestScoring([entry('user', 4)])).toBeNull();
    expect(bestScoring([entry('a', 1, 30, 28), entry('b', 2, 30, 28)])?.id).toBe('b');
  });

  it('on the shipped manifest: the one whose recorded Set5 + Set14 is highest', () => {
    const m = parseManifest(JSON.parse(readFileSync('models/manifest.json', 'utf8')));
    const raw = JSON.parse(readFileSync('models/manifest.json', 'utf8')) as { models: Array<{ id: string; metrics: Record<string, { model_y: number }> }> };
    const expected = raw.models.reduce((a, b) => (b.metrics.Set5.model_y + b.metrics.Set14.model_y > a.metrics.Set5.model_y + a.metrics.Set14.model_y ? b : a));
    expect(bestScoring(m.models)?.id).toBe(expected.id);
  });
});
