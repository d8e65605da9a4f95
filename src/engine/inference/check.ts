// What a model file must be for the player to run it, checked before anything runs it: an ONNX
// protobuf (read here, without onnxruntime: its graph's inputs and outputs), one image input
// 1x3xHxW and one output, float32 or float16 both, dynamic height and width, at most 256 MB; then
// (index.ts, on the backend that will run it) a probe run on an 8x8 input must give 32x32.
// Pure functions: unit-tested in check.test.ts. Messages name the file and say what is wrong.
import type { DType } from './types';

/** The largest model file taken: far above any real-time 4x network (ours are 0.3-1.3 MB), and
 *  well under what a browser tab can hold twice (the bytes, and onnxruntime's copy). */
export const MAX_MODEL_BYTES = 256 * 1024 * 1024;
export const MAX_MODEL_LABEL = '256 MB';
/** The probe input's side: small enough to run in milliseconds anywhere. */
export const PROBE_SIDE = 8;

export class ModelCheckError extends Error {}

/** One graph input or output as the file (or onnxruntime's metadata) declares it: its element
 *  type in onnxruntime's names ('float32', 'float16', 'int8', ...; null: not a tensor) and shape
 *  (a number, a symbolic name, or null for an unnamed dynamic dimension; null shape: unknown). */
export interface ValueInfo {
  name: string;
  type: string | null;
  shape: (number | string | null)[] | null;
}

export interface OnnxSignature {
  irVersion: number;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

/** What the player runs: the tensors' names and their one precision. */
export interface ModelIo {
  input: string;
  output: string;
  dtype: DType;
}

/** ONNX TensorProto.DataType -> onnxruntime's type names. */
const ELEM_TYPES: Record<number, string> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool',
  10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 14: 'complex64', 15: 'complex128', 16: 'bfloat16',
};

export const mb = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

/** The file's size against the limit (before its bytes are read). */
export function checkSize(name: string, size: number): void {
  if (size === 0) throw new ModelCheckError(`"${name}" is empty`);
  if (size > MAX_MODEL_BYTES) throw new ModelCheckError(`"${name}" is too large: ${mb(size)} (the player takes models up to ${MAX_MODEL_LABEL})`);
}

// ---------------------------------------------------------------- a protobuf reader, just enough

class Reader {
  pos = 0;
  constructor(
    readonly b: Uint8Array,
    readonly end = b.length,
    start = 0,
  ) {
    this.pos = start;
  }
  get done(): boolean {
    return this.pos >= this.end;
  }
  varint(): number {
    let v = 0, mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error('a number runs past the end');
      const c = this.b[this.pos++];
      v += (c & 0x7f) * mul;
      if (!(c & 0x80)) return v;
      mul *= 128;
    }
    throw new Error('a number longer than 10 bytes');
  }
  /** the next field's number and wire type */
  tag(): { field: number; wire: number } {
    const t = this.varint();
    const field = Math.floor(t / 8), wire = t % 8;
    if (field === 0) throw new Error('field number 0');
    if (wire > 5 || wire === 3 || wire === 4) throw new Error(`wire type ${wire}`);
    return { field, wire };
  }
  /** a length-delimited field's [start, end) */
  bytes(): [number, number] {
    const n = this.varint();
    if (this.pos + n > this.end) throw new Error('a field runs past the end');
    const s = this.pos;
    this.pos += n;
    return [s, this.pos];
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.advance(8);
    else if (wire === 2) this.bytes();
    else this.advance(4);
  }
  private advance(n: number): void {
    if (this.pos + n > this.end) throw new Error('a field runs past the end');
    this.pos += n;
  }
  /** the fields of the message in [s, e), one callback each: `at` reads a length-delimited value */
  static fields(b: Uint8Array, [s, e]: [number, number], on: (field: number, wire: number, r: Reader) => void): void {
    const r = new Reader(b, e, s);
    while (!r.done) {
      const { field, wire } = r.tag();
      const before = r.pos;
      on(field, wire, r);
      if (r.pos === before) r.skip(wire);
    }
  }
}

const utf8 = new TextDecoder();
const text = (b: Uint8Array, [s, e]: [number, number]) => utf8.decode(b.subarray(s, e));

/** ValueInfoProto {name 1, type 2: TypeProto {tensor_type 1: {elem_type 1, shape 2: {dim 1: {dim_value 1 | dim_param 2}}}}} */
function valueInfo(b: Uint8Array, span: [number, number]): ValueInfo {
  const v: ValueInfo = { name: '', type: null, shape: null };
  Reader.fields(b, span, (f, w, r) => {
    if (f === 1 && w === 2) v.name = text(b, r.bytes());
    else if (f === 2 && w === 2) {
      Reader.fields(b, r.bytes(), (tf, tw, tr) => {
        if (tf !== 1 || tw !== 2) return; // sequences, maps, optionals: not a tensor (type stays null)
        v.type = 'unknown';
        Reader.fields(b, tr.bytes(), (ef, ew, er) => {
          if (ef === 1 && ew === 0) {
            const t = er.varint();
            v.type = ELEM_TYPES[t] ?? `type ${t}`;
          } else if (ef === 2 && ew === 2) {
            const dims: (number | string | null)[] = [];
            Reader.fields(b, er.bytes(), (sf, sw, sr) => {
              if (sf !== 1 || sw !== 2) return;
              let d: number | string | null = null;
              Reader.fields(b, sr.bytes(), (df, dw, dr) => {
                if (df === 1 && dw === 0) d = dr.varint();
                else if (df === 2 && dw === 2) d = text(b, dr.bytes());
              });
              dims.push(d);
            });
            v.shape = dims;
          }
        });
      });
    }
  });
  return v;
}

/** The model's graph inputs (initializers excluded: older files list them as inputs too) and
 *  outputs, read from the ONNX protobuf (ModelProto: ir_version 1, graph 7; GraphProto:
 *  initializer 5, input 11, output 12). Throws a ModelCheckError when the bytes are no ONNX model. */
export function readSignature(name: string, b: Uint8Array, what: string | null = null): OnnxSignature {
  const notOnnx = (why: string) => new ModelCheckError(`"${name}" is not an ONNX model (${what ? `it is ${what}` : why})`);
  let irVersion = -1;
  let graph: [number, number] | null = null;
  try {
    Reader.fields(b, [0, b.length], (f, w, r) => {
      if (f === 1 && w === 0) irVersion = r.varint();
      else if (f === 7 && w === 2) graph = r.bytes();
    });
  } catch (e) {
    throw notOnnx(`its bytes are not an ONNX protobuf: ${(e as Error).message}`);
  }
  if (irVersion < 1 || !graph) throw notOnnx(irVersion < 1 ? 'no ONNX IR version in it' : 'no graph in it');
  const inputs: ValueInfo[] = [], outputs: ValueInfo[] = [], inits = new Set<string>();
  try {
    Reader.fields(b, graph, (f, w, r) => {
      if (w !== 2) return;
      if (f === 11) inputs.push(valueInfo(b, r.bytes()));
      else if (f === 12) outputs.push(valueInfo(b, r.bytes()));
      else if (f === 5) Reader.fields(b, r.bytes(), (tf, tw, tr) => tf === 8 && tw === 2 && inits.add(text(b, tr.bytes())));
    });
  } catch (e) {
    throw notOnnx(`its graph cannot be read: ${(e as Error).message}`);
  }
  return { irVersion, inputs: inputs.filter((v) => !inits.has(v.name)), outputs };
}

// ---------------------------------------------------------------- the checks

const shapeText = (s: ValueInfo['shape']) => (s ? `[${s.map((d) => (d === null ? '?' : typeof d === 'string' ? d : String(d))).join(', ')}]` : '[?]');
const names = (vs: ValueInfo[]) => vs.map((v) => `"${v.name}"`).join(', ');
const dtypeOf = (t: string | null): DType | null => (t === 'float32' ? 'fp32' : t === 'float16' ? 'fp16' : null);

/** One image in (1x3xHxW, dynamic H and W), one out (rank 4, 3 channels where it says), both
 *  float32 or both float16: the tensors' names and precision. */
export function checkSignature(name: string, sig: Pick<OnnxSignature, 'inputs' | 'outputs'>): ModelIo {
  const { inputs, outputs } = sig;
  if (inputs.length !== 1) {
    throw new ModelCheckError(`"${name}" has ${inputs.length === 0 ? 'no inputs' : `${inputs.length} inputs (${names(inputs)})`}: the player feeds one image, 1x3xHxW`);
  }
  if (outputs.length !== 1) {
    throw new ModelCheckError(`"${name}" has ${outputs.length === 0 ? 'no outputs' : `${outputs.length} outputs (${names(outputs)})`}: the player shows one image, 1x3x4Hx4W`);
  }
  const [i, o] = [inputs[0], outputs[0]];
  for (const [v, role] of [[i, 'input'], [o, 'output']] as const) {
    if (v.type === null) throw new ModelCheckError(`"${name}": its ${role} "${v.name}" is not a tensor: the player takes an image tensor, 1x3xHxW`);
    const s = v.shape;
    if (s && s.length !== 4) throw new ModelCheckError(`"${name}": its ${role} "${v.name}" has rank ${s.length} (${shapeText(s)}): the player needs 1x3xHxW images (rank 4)`);
    if (s && typeof s[1] === 'number' && s[1] !== 3) {
      throw new ModelCheckError(`"${name}": its ${role} "${v.name}" has ${s[1]} channel${s[1] === 1 ? '' : 's'} (${shapeText(s)}): the player needs 3 (RGB), 1x3xHxW`);
    }
    if (s && typeof s[0] === 'number' && s[0] !== 1) throw new ModelCheckError(`"${name}": its ${role} "${v.name}" has a batch of ${s[0]} (${shapeText(s)}): the player runs one frame, batch 1`);
    if (!dtypeOf(v.type)) throw new ModelCheckError(`"${name}": its ${role} "${v.name}" is ${v.type}: the player takes float32 or float16 models`);
  }
  const s = i.shape;
  if (s && typeof s[2] === 'number' && typeof s[3] === 'number') {
    throw new ModelCheckError(`"${name}": its input "${i.name}" has a fixed size (${s[3]}x${s[2]}): the player feeds whole frames of any size; export it with dynamic height and width`);
  }
  const dtype = dtypeOf(i.type)!;
  if (dtypeOf(o.type) !== dtype) throw new ModelCheckError(`"${name}": its input is ${i.type} and its output ${o.type}: both must be float32, or both float16`);
  return { input: i.name, output: o.name, dtype };
}

/** The probe's output dims for an 8x8 input: must be [1, 3, 32, 32]. */
export function checkProbe(name: string, dims: readonly number[]): void {
  const S = PROBE_SIDE;
  if (dims.length !== 4 || dims[0] !== 1 || dims[1] !== 3) {
    throw new ModelCheckError(`"${name}": on a 1x3x${S}x${S} test input its output is [${dims.join(', ')}]: the player needs 1x3x${4 * S}x${4 * S}`);
  }
  const [h, w] = [dims[2], dims[3]];
  if (h === 4 * S && w === 4 * S) return;
  const f = (n: number) => `${+(n / S).toFixed(2)}x`;
  const scale = h === w ? f(w) : `${f(w)} wide, ${f(h)} high`;
  throw new ModelCheckError(`"${name}" is not a 4x model: an ${S}x${S} test input gave ${w}x${h} (${scale}); the player upscales 4x (${S}x${S} -> ${4 * S}x${4 * S})`);
}
