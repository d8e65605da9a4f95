// Runs an ONNX model on one raw tensor with onnxruntime-node (the npm package), for the
// Python tests: node ort_run.cjs MODEL IN.bin DTYPE(float32|float16) N,C,H,W OUT.bin
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const [model, input, dtype, shape, output] = process.argv.slice(2);
  const bytes = fs.readFileSync(input);
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const data = dtype === 'float16' ? new Uint16Array(buf) : new Float32Array(buf);
  const session = await ort.InferenceSession.create(model);
  const result = await session.run({ input: new ort.Tensor(dtype, data, shape.split(',').map(Number)) });
  const out = result.output;
  fs.writeFileSync(output, Buffer.from(out.data.buffer, out.data.byteOffset, out.data.byteLength));
  console.log(JSON.stringify({ type: out.type, dims: out.dims }));
}
main().catch((e) => { console.error(e); process.exit(1); });
