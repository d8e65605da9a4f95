// Every shader the player compiles, checked by an independent WGSL front end (naga, wgpu's shader
// translator, as WebAssembly): the WGSL engine's five pipelines for each shipped width in f16 and
// f32, and each pass. The f16 variants matter most: no adapter on our CI machines has shader-f16,
// so this is the only place they are compiled before a real GPU sees them.
import { describe, expect, it } from 'vitest';
import { parseWgsl, validate } from 'naga-wasm';
import { stageSources } from './index';
import bicubic from '../../passes/bicubic/bicubic.wgsl?raw';
import downscale from '../../passes/downscale/downscale.wgsl?raw';
import pack from '../../passes/pack/pack.wgsl?raw';
import present from '../../passes/present/present.wgsl?raw';
import sse from '../../passes/psnr/sse.wgsl?raw';
import sum from '../../passes/psnr/sum.wgsl?raw';
import unpack from '../../passes/unpack/unpack.wgsl?raw';

/** naga's verdict: null when valid, else its message. */
function check(code: string): string | null {
  try {
    const m = parseWgsl(code);
    try {
      validate(m).free();
    } finally {
      m.free();
    }
    return null;
  } catch (e) {
    return String((e as Error).message ?? e);
  }
}

describe('WGSL engine shaders validate (naga)', () => {
  for (const dtype of ['fp16', 'fp32'] as const)
    for (const C of [32, 48, 64])
      for (const px of [undefined, 1, 8])
        it(`${dtype} C=${C} px=${px ?? 'default'}`, () => {
          const src = stageSources(C, dtype, 0.1, px);
          for (const s of Object.values(src)) expect([s.name, check(s.code)]).toEqual([s.name, null]);
          // the prelude really is f16 (or not)
          expect(src.body.code.startsWith('enable f16;')).toBe(dtype === 'fp16');
        });

  it('relu (slope 0) and a broken shader is caught', () => {
    for (const s of Object.values(stageSources(32, 'fp16', 0))) expect(check(s.code)).toBeNull();
    // the same source with an f32 value stored into the f16 activations: must be refused
    const bad = stageSources(32, 'fp16', 0.1).body.code.replace('alias T = f16;', 'alias T = f16;\nconst BAD: f16 = 1.0f;');
    expect(check(bad)).not.toBeNull();
  });
});

describe('pass shaders validate (naga)', () => {
  for (const [name, code] of Object.entries({ bicubic, downscale, pack, present, sse, sum, unpack }))
    it(name, () => expect(check(code)).toBeNull());
});
