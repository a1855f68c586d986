/**
 * Predict throughput of every sequence family through the real engine (`SequenceModel.predictProba`):
 * 10,000 windows of 60 × 32 gathered from a `SequenceSource` over 10,059 rows (the windows overlap,
 * as the datasets' windows do; none is materialised beyond the engine's chunk). Goal: < 1 s for
 * lstm and transformer on the default backend. Prints windows/s per family.
 */
import { Rng } from '@tribar/core';
import { SequenceModel } from '../src/internal/sequence/engine.js';
import { SEQUENCE_FAMILIES } from '../src/internal/sequence/index.js';
import type { LabeledSequenceSource } from '../src/internal/types.js';
import { FEATURES, median, STEPS, WINDOWS } from './sequence-work.js';

/** Windows over one long series of rows: window i is rows i … i + steps − 1. */
export function slidingSource(windows: number, seed: number): LabeledSequenceSource {
  const rng = new Rng(seed);
  const series = new Float32Array((windows + STEPS - 1) * FEATURES);
  for (let i = 0; i < series.length; i++) series[i] = rng.normal();
  const y = new Uint8Array(windows);
  for (let i = 0; i < windows; i++) y[i] = rng.int(0, 2);
  const width = STEPS * FEATURES;
  return {
    rows: windows,
    shape: [STEPS, FEATURES],
    y,
    gather(positions, out) {
      for (let k = 0; k < positions.length; k++) {
        const p = positions[k] as number;
        out.set(series.subarray(p * FEATURES, p * FEATURES + width), k * width);
      }
    },
  };
}

export interface PredictTiming {
  family: string;
  seconds: number;
  /** CPU seconds of the same run (every thread: the predict pool's workers included). */
  cpuSeconds: number;
  windowsPerSecond: number;
}

/** Fit each family one short epoch (weights are not the point), then time predictProba over 10,000 windows. */
export async function predictThroughput(runs: number, only?: readonly string[]): Promise<PredictTiming[]> {
  const source = slidingSource(WINDOWS, 3);
  const train = slidingSource(512, 4);
  const out: PredictTiming[] = [];
  for (const family of SEQUENCE_FAMILIES) {
    const name = family.card.name;
    if (only !== undefined && !only.includes(name)) continue;
    const model = new SequenceModel(family, { maxEpochs: 1 });
    await model.fit(train);
    await model.predictProba(slidingSource(500, 5));
    // the first large predict starts the worker threads (once per model): not timed
    await model.predictProba(source);
    const times: number[] = [];
    const cpus: number[] = [];
    for (let r = 0; r < runs; r++) {
      const start = performance.now();
      const before = process.cpuUsage();
      await model.predictProba(source);
      const used = process.cpuUsage(before);
      cpus.push((used.user + used.system) / 1e6);
      times.push((performance.now() - start) / 1000);
    }
    const threads = await model.predictThreads();
    model.dispose();
    const seconds = median(times);
    out.push({ family: name, seconds, cpuSeconds: median(cpus), windowsPerSecond: WINDOWS / seconds });
    process.stderr.write(
      `  predict ${name} (${threads} thread${threads === 1 ? '' : 's'}): ${times.map((t) => t.toFixed(2)).join(', ')} s wall, ${cpus.map((t) => t.toFixed(2)).join(', ')} s cpu\n`,
    );
  }
  return out;
}
