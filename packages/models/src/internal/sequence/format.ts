import { ArtifactError } from '@tribar/core';
import type { ParamInit } from './params.js';

/**
 * Saved weights in tfjs's weights-manifest layout: `weights/model.json` holds
 * `weightsManifest: [{ paths: ['weights.bin'], weights: [{ name, shape, dtype }] }]` and
 * `weights/weights.bin` the float32 values concatenated little-endian, in that order — what
 * `tf.io.decodeWeights` reads. No Keras layer topology: these networks are functions over tfjs ops
 * that tfjs-layers cannot express, so the manifest names each tensor instead. The bytes are the
 * trained float32 values verbatim, which makes predictions after load bit-identical.
 */
export const WEIGHTS_JSON = 'weights/model.json';
export const WEIGHTS_BIN = 'weights/weights.bin';
const FORMAT = 'tribar-sequence-weights';

interface WeightsJson {
  format: typeof FORMAT;
  family: string;
  weightsManifest: Array<{ paths: string[]; weights: Array<{ name: string; shape: number[]; dtype: 'float32' }> }>;
}

export function encodeWeights(family: string, params: readonly ParamInit[]): { json: string; bin: Uint8Array } {
  const total = params.reduce((a, p) => a + p.values.length, 0);
  const all = new Float32Array(total);
  let at = 0;
  for (const p of params) {
    all.set(p.values, at);
    at += p.values.length;
  }
  const json: WeightsJson = {
    format: FORMAT,
    family,
    weightsManifest: [{ paths: ['weights.bin'], weights: params.map((p) => ({ name: p.name, shape: [...p.shape], dtype: 'float32' })) }],
  };
  // Float32Array bytes are little-endian on every platform Node runs on.
  return { json: `${JSON.stringify(json)}\n`, bin: new Uint8Array(all.buffer) };
}

export function decodeWeights(family: string, jsonText: string, bin: Uint8Array, path: string): ParamInit[] {
  let json: WeightsJson;
  try {
    json = JSON.parse(jsonText) as WeightsJson;
  } catch (error) {
    throw new ArtifactError('weights manifest is not JSON', path, { cause: error, hint: 'Save the model again.' });
  }
  if (json.format !== FORMAT || json.family !== family || !Array.isArray(json.weightsManifest)) {
    throw new ArtifactError(`not a ${family} weights manifest (format ${JSON.stringify(json.format)})`, path, {
      hint: 'Load the directory through the registry, or save the model again.',
    });
  }
  const specs = json.weightsManifest.flatMap((group) => group.weights);
  const total = specs.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0);
  if (bin.byteLength !== total * 4) {
    throw new ArtifactError(`weights.bin has ${bin.byteLength} bytes, the manifest describes ${total * 4}`, path, {
      hint: 'The model directory is incomplete or corrupt: save it again.',
    });
  }
  const all = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  const out: ParamInit[] = [];
  let at = 0;
  for (const spec of specs) {
    const size = spec.shape.reduce((x, y) => x * y, 1);
    out.push({ name: spec.name, shape: [...spec.shape], values: all.slice(at, at + size) });
    at += size;
  }
  return out;
}
