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
import { FEATURES, STEPS, WINDOWS } from './sequence-work.js';

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
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      const start = performance.now();
      await model.predictProba(source);
      times.push((performance.now() - start) / 1000);
    }
    model.dispose();
    times.sort((a, b) => a - b);
    const seconds = times[Math.floor(times.length / 2)] as number;
    out.push({ family: name, seconds, windowsPerSecond: WINDOWS / seconds });
    process.stderr.write(`  predict ${name}: ${times.map((t) => t.toFixed(2)).join(', ')} s\n`);
  }
  return out;
}
