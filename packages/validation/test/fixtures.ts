import { cut, writeJsonArtifact } from '@tribar/artifacts';
// Small hand-made inputs for the validation tests.
import { defaultConfig, type RunConfig } from '@tribar/config';
import { writeArrowFile, writeJsonAtomic } from '@tribar/core';
import { barsToTable } from '@tribar/market';
import { makeData, makeVector, Table, TimestampMillisecond } from 'apache-arrow';
import { mkdir } from 'node:fs/promises';
import type { Frame } from '../src/internal/checks.js';
import type { ManifestView, SymbolInputs } from '../src/internal/stage.js';

/** Deterministic uniform [0, 1) (mulberry32). */
export function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function normals(n: number, seed: number): Float64Array {
  const u = uniform(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  return out;
}

export const BAR_MS = 300_000;
export const T0 = Date.UTC(2024, 0, 2);

export function testConfig(): RunConfig {
  const config = defaultConfig();
  return { ...config, symbols: ['MES'], horizons: [5] };
}

export const MANIFEST: ManifestView = {
  features: [
    { name: 'f_noise', family: 'returns', category: 'returns', flag: false },
    { name: 'f_double', family: 'returns', category: 'returns', flag: false },
    { name: 'f_wave', family: 'momentum', category: 'oscillator', flag: false },
    { name: 'f_low', family: 'volatility', category: 'volatility', flag: false },
    { name: 'f_flag', family: 'regime', category: 'binary', flag: true },
  ],
};

/**
 * One healthy symbol of `n` five-minute bars: f_double = 2·f_noise + 1 (one correlation group),
 * f_low nearly constant around 5 (low variance), f_flag always 0 in train (a constant flag).
 * Labels cycle −1, 0, 1 with label ends 5 bars later; splits 60/20/20 by `cuts`, purged at cuts.
 */
export function healthyInputs(n = 600, seed = 1): { inputs: SymbolInputs; cuts: { trainEnd: number; valEnd: number } } {
  const timestamp = new Float64Array(n);
  for (let i = 0; i < n; i++) timestamp[i] = T0 + i * BAR_MS;
  const noise = normals(n, seed);
  const jitter = normals(n, seed + 1);
  const columns: Record<string, Float64Array> = {
    f_noise: noise,
    f_double: noise.map((x) => 2 * x + 1),
    f_wave: timestamp.map((_, i) => Math.sin(i / 7) + 0.3 * (jitter[i] as number)),
    f_low: jitter.map((x) => 5 + 1e-4 * x),
    f_flag: new Float64Array(n),
  };
  const cuts = { trainEnd: T0 + Math.floor(n * 0.6) * BAR_MS, valEnd: T0 + Math.floor(n * 0.8) * BAR_MS };
  const label = new Float64Array(n);
  const end = new Float64Array(n);
  const split = new Float64Array(n);
  const u = uniform(seed + 2);
  for (let i = 0; i < n; i++) {
    label[i] = i >= n - 5 ? -99 : Math.floor(u() * 3) - 1;
    end[i] = i >= n - 5 ? Number.NaN : (timestamp[i] as number) + 5 * BAR_MS;
    const t = timestamp[i] as number;
    const e = end[i] as number;
    if (label[i] === -99) split[i] = -3;
    else if (t < cuts.trainEnd) split[i] = e >= cuts.trainEnd ? -1 : 0;
    else if (t < cuts.valEnd) split[i] = e >= cuts.valEnd ? -1 : 1;
    else split[i] = 2;
  }
  const features: Frame = { timestamp, columns };
  const labels: Frame = { timestamp, columns: { label_h5: label, label_end_time_h5: end, bars_to_hit_h5: label.map(() => 3) } };
  const scaled: Frame = { timestamp, columns: Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, Float64Array.from(v)])) };
  return { inputs: { symbol: 'MES', features, labels, splits: { timestamp, columns: { split_h5: split } }, scaled }, cuts };
}

/** Write one symbol's inputs and the JSON files as the upstream stages would, under `runDir`. */
export async function writeInputs(
  runDir: string,
  inputs: SymbolInputs,
  cuts: { trainEnd: number; valEnd: number },
  manifest = MANIFEST,
): Promise<void> {
  for (const dir of ['features', 'labels', 'splits', 'scale']) await mkdir(`${runDir}/${dir}`, { recursive: true });
  const { symbol } = inputs;
  const n = inputs.features.timestamp.length;
  // One array per column: apache-arrow's IPC writer mishandles a buffer shared by several columns.
  const price = () => new Float64Array(n).fill(100);
  await writeArrowFile(
    `${runDir}/features/${symbol}.arrow`,
    barsToTable({
      symbol,
      timestamp: inputs.features.timestamp,
      open: price(),
      high: price(),
      low: price(),
      close: price(),
      volume: price(),
      columns: inputs.features.columns,
    }),
  );
  // `timestamp` as a UTC millisecond timestamp column, as every stage writes it; the rest as given.
  const plain = (frame: Frame, int8: readonly string[] = []): Table => {
    const type = new TimestampMillisecond('UTC');
    const time = makeVector(
      makeData({ type, length: frame.timestamp.length, data: BigInt64Array.from(frame.timestamp, (t) => BigInt(t)) }),
    );
    const rest = Object.entries(frame.columns).map(([k, v]) => [k, makeVector(int8.includes(k) ? Int8Array.from(v) : v)] as const);
    return new Table({ timestamp: time, ...Object.fromEntries(rest) });
  };
  await writeArrowFile(
    `${runDir}/labels/${symbol}.arrow`,
    plain(
      inputs.labels,
      Object.keys(inputs.labels.columns).filter((k) => k.startsWith('label_h')),
    ),
  );
  await writeArrowFile(`${runDir}/splits/${symbol}.arrow`, plain(inputs.splits, Object.keys(inputs.splits.columns)));
  await writeArrowFile(`${runDir}/scale/${symbol}.arrow`, plain(inputs.scaled));
  // The contract's full manifest shape; the checks read only name, family, category and flag.
  const features = manifest.features.map((f) => ({ ...f, inputs: 'own', warmup: 0, description: '' }));
  await writeJsonAtomic(`${runDir}/features/feature-manifest.json`, {
    version: 1,
    passthrough: ['timestamp'],
    features,
    bySymbol: {
      [inputs.symbol]: { features: features.map((f) => f.name), warmupRows: 0, fracdiff: { d: 0.4, width: 10, chosenBy: 'config' } },
    },
    nanPolicy: '',
  });
  await writeJsonArtifact(runDir, cut, {
    version: 1,
    trainEndMs: cuts.trainEnd,
    trainEnd: new Date(cuts.trainEnd).toISOString(),
    valEndMs: cuts.valEnd,
    valEnd: new Date(cuts.valEnd).toISOString(),
    ratios: { train: 0.6, val: 0.2, test: 0.2 },
    bars: { [symbol]: n },
  });
}
