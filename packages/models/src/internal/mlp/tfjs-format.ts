import type { io } from '@tensorflow/tfjs';
import type { Tfjs } from '../tfjs/backend.js';
import { weightShapes } from './network.js';

/** tfjs's own model.json layout (what `tf.loadLayersModel` reads), with one weights file. */
interface ModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: object;
  weightsManifest: Array<{ paths: string[]; weights: io.WeightsManifestEntry[] }>;
}

/**
 * Serialise the weights as a Keras-style Sequential LayersModel (flatten for sequence rows, dense
 * + relu + dropout per hidden layer, dense + softmax out), so tfjs or a converter can read the
 * saved directory without Tribar. File writing stays ours (atomic): the save handler only captures.
 */
export async function toTfjsFiles(
  tf: Tfjs,
  inputShape: readonly number[],
  sizes: readonly number[],
  dropout: number,
  weights: readonly Float32Array[],
): Promise<{ modelJson: string; weightsBin: Uint8Array }> {
  const model = tf.sequential({ name: 'tribar_mlp' });
  if (inputShape.length > 1) model.add(tf.layers.flatten({ inputShape: [...inputShape], name: 'flatten' }));
  const layers = sizes.length - 1;
  for (let k = 0; k < layers; k++) {
    const last = k === layers - 1;
    model.add(
      tf.layers.dense({
        units: sizes[k + 1] as number,
        activation: last ? 'softmax' : 'relu',
        name: last ? 'output' : `dense_${k}`,
        ...(k === 0 && inputShape.length === 1 ? { inputShape: [sizes[0] as number] } : {}),
      }),
    );
    if (!last && dropout > 0) model.add(tf.layers.dropout({ rate: dropout, name: `dropout_${k}` }));
  }
  const shapes = weightShapes(sizes);
  const tensors = weights.map((w, k) => tf.tensor(w, shapes[k]));
  model.setWeights(tensors);
  tf.dispose(tensors);
  let captured: io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  if (captured?.weightData === undefined || captured.weightSpecs === undefined) throw new Error('tfjs produced no weights when saving');
  const joined = tf.io.CompositeArrayBuffer.join(captured.weightData);
  const json: ModelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: null,
    modelTopology: captured.modelTopology as object,
    weightsManifest: [{ paths: ['weights.bin'], weights: captured.weightSpecs }],
  };
  return { modelJson: `${JSON.stringify(json)}\n`, weightsBin: new Uint8Array(joined) };
}

/** Read model.json + weights.bin back through tfjs (tf.io.fromMemory) and return the weights in layer order. */
export async function fromTfjsFiles(tf: Tfjs, modelJson: string, weightsBin: Uint8Array): Promise<Float32Array[]> {
  const json = JSON.parse(modelJson) as ModelJson;
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  const weightData = weightsBin.buffer.slice(weightsBin.byteOffset, weightsBin.byteOffset + weightsBin.byteLength) as ArrayBuffer;
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
  const weights = model.getWeights().map((t) => Float32Array.from(t.dataSync() as Float32Array));
  model.dispose();
  return weights;
}
