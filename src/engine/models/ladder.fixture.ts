// A ladder like the shipped one, for the tests of what picks from it (ladder.test.ts, pace.test.ts):
// C=32/48/64 with their recorded FLOPs and scores, C=16 and C=8 with round stand-ins; C=48 scores
// below C=32, as in the manifest.
import type { ModelEntry } from './manifest';

export const entry = (id: string, flops: number | undefined, set5?: number, set14?: number): ModelEntry => ({
  id, scale: 4, fp16: `${id}.fp16.onnx`, fp32: `${id}.fp32.onnx`, low: null, flops,
  metrics: set5 === undefined ? undefined : { Set5: { model_y: set5 }, Set14: { model_y: set14 } },
});

export const LADDER = [
  entry('sr4x-c32', 320_713_261_056, 31.153, 27.987),
  entry('sr4x-c48', 698_502_610_944, 30.992, 27.868),
  entry('sr4x-c64', 1_221_247_107_072, 31.197, 27.998),
  entry('sr4x-c16', 88e9, 30.6, 27.6),
  entry('sr4x-c8', 25e9, 30.0, 27.2),
];
