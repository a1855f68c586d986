/**
 * Run by wasm-threads.test.ts in a child process (`node --import tsx`, TRIBAR_XNNPACK_THREADS set by the
 * test): fits a small LSTM and a Transformer on the order task and prints the backend's thread count and
 * a hash of every fitted model's probabilities as one JSON line. The process must end by itself.
 */
import { createHash } from 'node:crypto';
import { SequenceModel } from '../src/internal/sequence/engine.js';
import { lstmFamily } from '../src/internal/sequence/lstm.js';
import { transformerFamily } from '../src/internal/sequence/transformer.js';
import { orderTask } from './seq-task.js';

const train = orderTask(192, 12, 3, 1);
const probe = orderTask(300, 12, 3, 2);
const hash = createHash('sha256');
let threads: unknown;
for (const [family, hp] of [
  [lstmFamily, { hiddenSize: 16, layers: 2, maxEpochs: 2, batchSize: 64 }],
  [transformerFamily, { maxEpochs: 1, batchSize: 64 }],
] as const) {
  const model = new SequenceModel(family, hp);
  const fit = await model.fit(train);
  threads = fit.runtime['threads'];
  const { p } = await model.predictProba(probe);
  hash.update(Buffer.from(p.buffer, p.byteOffset, p.byteLength));
  model.dispose();
}
process.stdout.write(`${JSON.stringify({ threads, hash: hash.digest('hex') })}\n`);
