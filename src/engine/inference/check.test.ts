import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkProbe, checkSignature, checkSize, MAX_MODEL_BYTES, ModelCheckError, readSignature, type ValueInfo } from './check';

// A protobuf writer, just enough to build ONNX ModelProtos by hand (field numbers: check.ts).
const varint = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
};
const field = (f: number, body: number[] | string): number[] => {
  const b = typeof body === 'string' ? [...new TextEncoder().encode(body)] : body;
  return [...varint(f * 8 + 2), ...varint(b.length), ...b];
};
const num = (f: number, n: number) => [...varint(f * 8), ...varint(n)];
/** ValueInfoProto of a tensor: elem type (1 float, 10 float16, 3 int8) and dims (number or name) */
const tensor = (name: string, elem: number, dims: (number | string)[]) =>
  field(1, name).concat(field(2, field(1, [...num(1, elem), ...field(2, dims.flatMap((d) => field(1, typeof d === 'number' ? num(1, d) : field(2, d))))])));
const model = (inputs: number[][], outputs: number[][], inits: string[] = []) =>
  new Uint8Array([
    ...num(1, 8),
    ...field(7, [...inputs.flatMap((v) => field(11, v)), ...outputs.flatMap((v) => field(12, v)), ...inits.flatMap((n) => field(5, field(8, n)))]),
  ]);
const IMG = [1, 3, 'h', 'w'];
const good = (elem = 1) => model([tensor('lr', elem, IMG)], [tensor('sr', elem, [1, 3, 'H', 'W'])]);
const fails = (b: Uint8Array, what: RegExp) => {
  let err: unknown = null;
  try {
    checkSignature('m.onnx', readSignature('m.onnx', b));
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ModelCheckError);
  expect((err as Error).message).toMatch(what);
};

describe('a user model file: its graph, read without onnxruntime', () => {
  it("reads the shipped models' signatures (FP32 and FP16)", () => {
    const s32 = readSignature('c32', new Uint8Array(fs.readFileSync('models/sr4x-c32.fp32.onnx')));
    expect(s32.inputs).toEqual<ValueInfo[]>([{ name: 'input', type: 'float32', shape: [1, 3, 'height', 'width'] }]);
    expect(s32.outputs).toEqual<ValueInfo[]>([{ name: 'output', type: 'float32', shape: [1, 3, 'out_height', 'out_width'] }]);
    expect(checkSignature('c32', s32)).toEqual({ input: 'input', output: 'output', dtype: 'fp32' });
    const s16 = readSignature('c32', new Uint8Array(fs.readFileSync('models/sr4x-c32.fp16.onnx')));
    expect(checkSignature('c32', s16).dtype).toBe('fp16');
  });
  it('takes any single input and output names, and leaves initializers listed as inputs out', () => {
    expect(checkSignature('m', readSignature('m', good()))).toEqual({ input: 'lr', output: 'sr', dtype: 'fp32' });
    const old = model([tensor('lr', 1, IMG), tensor('w0', 1, [16, 3, 3, 3])], [tensor('sr', 1, IMG)], ['w0']);
    expect(checkSignature('m', readSignature('m', old)).input).toBe('lr');
  });
  it('refuses what is no ONNX model, saying what it is where known', () => {
    const text = new TextEncoder().encode('this is not an ONNX model\n');
    expect(() => readSignature('t.onnx', text, 'a text file')).toThrow('"t.onnx" is not an ONNX model (it is a text file)');
    expect(() => readSignature('t.onnx', text)).toThrow(/"t\.onnx" is not an ONNX model \(its bytes are not an ONNX protobuf: wire type \d\)/);
    expect(() => readSignature('z.onnx', new Uint8Array([0x08, 0x08]))).toThrow('"z.onnx" is not an ONNX model (no graph in it)');
    expect(() => readSignature('c.onnx', good().subarray(0, 20))).toThrow(/not an ONNX model \(its bytes are not an ONNX protobuf: a field runs past the end\)/);
  });
  it('refuses other inputs and outputs, each with its reason', () => {
    fails(model([tensor('a', 1, IMG), tensor('b', 1, IMG)], [tensor('y', 1, IMG)]), /^"m\.onnx" has 2 inputs \("a", "b"\): the player feeds one image, 1x3xHxW$/);
    fails(model([tensor('a', 1, IMG)], []), /has no outputs/);
    fails(model([tensor('a', 1, [1, 3, 'h'])], [tensor('y', 1, IMG)]), /its input "a" has rank 3 \(\[1, 3, h\]\): the player needs 1x3xHxW images \(rank 4\)/);
    fails(model([tensor('a', 1, [1, 1, 'h', 'w'])], [tensor('y', 1, IMG)]), /its input "a" has 1 channel \(\[1, 1, h, w\]\): the player needs 3 \(RGB\)/);
    fails(model([tensor('a', 1, IMG)], [tensor('y', 1, [1, 4, 'h', 'w'])]), /its output "y" has 4 channels/);
    fails(model([tensor('a', 1, [2, 3, 'h', 'w'])], [tensor('y', 1, IMG)]), /a batch of 2/);
    fails(model([tensor('a', 3, IMG)], [tensor('y', 3, IMG)]), /its input "a" is int8: the player takes float32 or float16 models/);
    fails(model([tensor('a', 1, IMG)], [tensor('y', 10, IMG)]), /its input is float32 and its output float16: both must be float32, or both float16/);
    fails(model([tensor('a', 1, [1, 3, 64, 64])], [tensor('y', 1, [1, 3, 256, 256])]), /has a fixed size \(64x64\): .* export it with dynamic height and width/);
    expect(checkSignature('m', readSignature('m', good(10))).dtype).toBe('fp16');
  });
  it('the probe: 8x8 must give 32x32', () => {
    expect(() => checkProbe('m', [1, 3, 32, 32])).not.toThrow();
    expect(() => checkProbe('m', [1, 3, 16, 16])).toThrow('"m" is not a 4x model: an 8x8 test input gave 16x16 (2x); the player upscales 4x (8x8 -> 32x32)');
    expect(() => checkProbe('m', [1, 3, 32, 16])).toThrow('gave 16x32 (2x wide, 4x high)');
    expect(() => checkProbe('m', [1, 32, 32])).toThrow('its output is [1, 32, 32]: the player needs 1x3x32x32');
  });
  it('the size limit (256 MB), and empty files', () => {
    expect(() => checkSize('e', 0)).toThrow('"e" is empty');
    expect(() => checkSize('ok', MAX_MODEL_BYTES)).not.toThrow();
    expect(() => checkSize('big', MAX_MODEL_BYTES + 1)).toThrow('"big" is too large: 256.0 MB (the player takes models up to 256 MB)');
  });
});
