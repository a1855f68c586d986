import { recordConfigReads, undeclaredConfigReads, defaultConfig, type RunConfig } from '@tribar/config';
import { readArrowFile, Rng, silentLogger, TribarError, writeArrowFile, type StageContext, createStageContext } from '@tribar/core';
import { calendarCuts } from '@tribar/market';
import { INVALID_LABEL } from '@tribar/quant';
import { Field, Float64, Int32, Int8, makeData, RecordBatch, Schema, Struct, Table, TimestampMillisecond } from 'apache-arrow';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cut, cutFileOf, SPLIT_EMBARGOED, SPLIT_PURGED, SPLIT_TRAIN, SPLIT_VAL, splitSummary, writeJsonArtifact } from '@tribar/artifacts';
import { countCodes } from '../src/internal/assign.js';
import { splitsStage } from '../src/internal/stage.js';

const MINUTE = 60_000;
const ORIGIN = Date.UTC(2024, 0, 2);
let runDir = '';

function context(config: RunConfig): StageContext<RunConfig> {
  return createStageContext({ runId: 'test', runDir, config, logger: silentLogger(), rng: new Rng(1) });
}

function timeData(values: Float64Array) {
  const n = values.length;
  const type = new TimestampMillisecond('UTC');
  const validity = new Uint8Array(Math.ceil(n / 8));
  let nulls = 0;
  values.forEach((v, i) => {
    if (Number.isFinite(v)) validity[i >> 3] = (validity[i >> 3] as number) | (1 << (i & 7));
    else nulls++;
  });
  const data = BigInt64Array.from(values, (v) => (Number.isFinite(v) ? BigInt(v) : 0n));
  return { type, data: makeData({ type, length: n, nullCount: nulls, nullBitmap: validity, data }) };
}

/**
 * A `labels/<S>.arrow` as labels-final writes it (the columns the splits read, plus a weight):
 * five-minute bars from `offset` bars after ORIGIN; the label window of bar i is `window(i)` bars;
 * the last `window` bars have no full look-ahead and are −99 with a null end time.
 */
function labelFile(symbol: string, n: number, offset: number, horizons: number[]): Table {
  const timestamp = Float64Array.from({ length: n }, (_, i) => ORIGIN + (offset + i) * 5 * MINUTE);
  const fields: Field[] = [];
  const children: ReturnType<typeof makeData>[] = [];
  const time = (name: string, values: Float64Array) => {
    const { type, data } = timeData(values);
    fields.push(new Field(name, type, data.nullCount > 0));
    children.push(data as never);
  };
  time('timestamp', timestamp);
  for (const h of horizons) {
    const label = new Int8Array(n);
    const endIndex = new Int32Array(n);
    const endTime = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const end = i + 1 + ((i * 7) % (h + 1));
      if (end >= n) {
        label[i] = INVALID_LABEL;
        endIndex[i] = -1;
        endTime[i] = Number.NaN;
      } else {
        label[i] = (i % 3) - 1;
        endIndex[i] = end;
        endTime[i] = timestamp[end] as number;
      }
    }
    fields.push(new Field(`label_h${h}`, new Int8(), false));
    children.push(makeData({ type: new Int8(), length: n, data: label }) as never);
    fields.push(new Field(`label_end_index_h${h}`, new Int32(), false));
    children.push(makeData({ type: new Int32(), length: n, data: endIndex }) as never);
    time(`label_end_time_h${h}`, endTime);
    fields.push(new Field(`sample_weight_h${h}`, new Float64(), false));
    children.push(makeData({ type: new Float64(), length: n, data: new Float64Array(n).fill(1) }) as never);
  }
  const schema = new Schema(fields, new Map([['symbol', symbol]]));
  return new Table(schema, [new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, nullCount: 0, children }))]);
}

async function setup(files: Record<string, [n: number, offset: number]>, horizons = [5, 20]): Promise<RunConfig> {
  runDir = await mkdtemp(join(tmpdir(), 'tribar-splits-'));
  await mkdir(join(runDir, 'labels'), { recursive: true });
  for (const [symbol, [n, offset]] of Object.entries(files))
    await writeArrowFile(join(runDir, `labels/${symbol}.arrow`), labelFile(symbol, n, offset, horizons));
  const config = defaultConfig();
  await writeCut(Object.fromEntries(Object.entries(files).map(([symbol, [n, offset]]) => [symbol, times(n, offset)])), config.splits);
  return { ...config, symbols: Object.keys(files), horizons, splits: { ...config.splits, purgeBars: 4, embargoBars: 10 } };
}

const times = (n: number, offset: number) => Float64Array.from({ length: n }, (_, i) => ORIGIN + (offset + i) * 5 * MINUTE);

/** `cut/cut.json` as stage `cut` writes it, from the given bar times. */
async function writeCut(bySymbol: Record<string, Float64Array>, ratios: { train: number; val: number; test: number }): Promise<void> {
  await writeJsonArtifact(runDir, cut, cutFileOf(bySymbol, ratios));
}

afterEach(async () => {
  if (runDir) await rm(runDir, { recursive: true, force: true });
  runDir = '';
});

describe('splits stage', () => {
  it('declares its contract', () => {
    const config = defaultConfig();
    expect(splitsStage.name).toBe('splits');
    expect(splitsStage.dependsOn).toEqual(['labels-final', 'cut']);
    expect(splitsStage.inputs(config)).toEqual(['labels/MES.arrow', 'labels/MGC.arrow', 'cut/cut.json']);
    expect(splitsStage.outputs(config)).toEqual(['splits/MES.arrow', 'splits/MGC.arrow', 'splits/split.json']);
    expect([...splitsStage.configKeys].sort()).toEqual([
      'horizons',
      'splits.embargoBars',
      'splits.minSymbolShare',
      'splits.purgeBars',
      'symbols',
    ]);
  });

  it('cuts where cut/cut.json says, not where the label files would cut', async () => {
    // Labels of 1000 bars, but a cut made from other bars: train ends at bar 300, validation at bar 600.
    const config = await setup({ MES: [1000, 0] }, [5]);
    await writeCut({ MES: times(1000, 0) }, { train: 0.3, val: 0.3, test: 0.4 });
    await splitsStage.run(context(config));
    const json = JSON.parse(await readFile(join(runDir, 'splits/split.json'), 'utf8'));
    expect(json.trainEndMs).toBe(ORIGIN + 300 * 5 * MINUTE);
    expect(json.valEndMs).toBe(ORIGIN + 600 * 5 * MINUTE);
    expect(json.ratios).toEqual({ train: 0.3, val: 0.3, test: 0.4 });
    // 300 train bars, minus the 4-bar floor and the labels crossing the cut; the first val bar is 300 + 10 embargoed.
    expect(json.symbols.MES['5'].trainEndActual < json.trainEnd).toBe(true);
    expect(json.symbols.MES['5'].valStart).toBe(new Date(ORIGIN + 310 * 5 * MINUTE).toISOString());
  });

  it('fails naming cut/cut.json when the cut is missing or damaged', async () => {
    const config = await setup({ MES: [1000, 0] }, [5]);
    await rm(join(runDir, 'cut'), { recursive: true });
    await expect(splitsStage.run(context(config))).rejects.toThrow(/cut\/cut\.json[\s\S]*stage 'cut'|stage 'cut'[\s\S]*cut\.json/);
    await mkdir(join(runDir, 'cut'));
    await writeFile(join(runDir, 'cut/cut.json'), JSON.stringify({ version: 1, trainEndMs: 'soon' }));
    await expect(splitsStage.run(context(config))).rejects.toThrow(/field 'trainEndMs'/);
  });

  it('cuts both symbols at the same instants, purges by label end time and embargoes each boundary', async () => {
    // MGC starts 100 bars later: the cut is by time, so MGC has fewer train bars but the same cut instants.
    const config = await setup({ MES: [1000, 0], MGC: [900, 100] });
    const recorded = recordConfigReads(config);
    const outcome = await splitsStage.run(context(recorded.config));
    expect(undeclaredConfigReads(recorded.reads, splitsStage.configKeys)).toEqual([]);
    expect(recorded.reads.size).toBeGreaterThan(0);
    const json = JSON.parse(await readFile(join(runDir, 'splits/split.json'), 'utf8'));
    expect(json).toMatchObject({ purgeBars: 4, embargoBars: 10, horizons: [5, 20], checks: { minSymbolShare: 0.2, passed: true } });
    // The contract's schema knows every field (zod drops unknown keys, so equality proves none is extra).
    expect(splitSummary.schema.parse(json)).toEqual(json);
    expect(json.codes).toEqual({ '0': 'train', '1': 'val', '2': 'test', '-1': 'purged', '-2': 'embargoed', '-3': 'invalid' });
    expect(new Date(json.trainEnd).getTime()).toBe(json.trainEndMs);
    expect(new Date(json.valEnd).getTime()).toBe(json.valEndMs);
    expect(outcome?.metrics?.symbols).toBe(2);
    const pooled = ['MES', 'MGC'].map((s, k) =>
      Float64Array.from({ length: k ? 900 : 1000 }, (_, i) => ORIGIN + (i + (k ? 100 : 0)) * 5 * MINUTE),
    );
    expect(calendarCuts(pooled, config.splits)).toEqual({ trainEnd: json.trainEndMs, valEnd: json.valEndMs });
    for (const symbol of ['MES', 'MGC']) {
      const table = await readArrowFile(join(runDir, `splits/${symbol}.arrow`));
      expect(table.schema.fields.map((f) => f.name)).toEqual(['timestamp', 'split_h5', 'split_h20']);
      expect(table.schema.metadata.get('symbol')).toBe(symbol);
      const labels = await readArrowFile(join(runDir, `labels/${symbol}.arrow`));
      const times = Array.from(labels.getChild('timestamp') as Iterable<number>, Number);
      expect(Array.from(table.getChild('timestamp') as Iterable<number>, Number)).toEqual(times);
      for (const h of [5, 20]) {
        const codes = Int8Array.from(table.getChild(`split_h${h}`) as Iterable<number>);
        const ends = Array.from(labels.getChild(`label_end_time_h${h}`) as Iterable<number | null>, (v) => (v == null ? NaN : Number(v)));
        const entry = json.symbols[symbol][String(h)];
        expect(entry).toMatchObject(countCodes(codes));
        expect(entry.invalid).toBeGreaterThan(0);
        const trainCount = times.filter((t) => t < json.trainEndMs).length;
        for (let i = 0; i < codes.length; i++) {
          if (codes[i] === SPLIT_TRAIN) expect(ends[i]).toBeLessThan(json.trainEndMs);
          if (codes[i] === SPLIT_VAL) expect(ends[i]).toBeLessThan(json.valEndMs);
        }
        // The 4-bar floor before the cut and the 10-bar embargo after it.
        for (let i = trainCount - 4; i < trainCount; i++) expect(codes[i]).toBe(SPLIT_PURGED);
        for (let i = trainCount; i < trainCount + 10; i++) expect([SPLIT_PURGED, SPLIT_EMBARGOED]).toContain(codes[i]);
        expect(new Date(entry.trainEndActual).getTime()).toBeLessThan(json.trainEndMs);
        expect(new Date(entry.valStart).getTime()).toBeGreaterThanOrEqual(json.trainEndMs + 10 * 5 * MINUTE);
        expect(new Date(entry.maxTrainLabelEnd).getTime()).toBeLessThan(json.trainEndMs);
      }
      expect(json.checks.shares[symbol]['5'].test).toBeGreaterThan(0.4);
    }
  });

  it('fails with a DataError when a symbol is below minSymbolShare of a split', async () => {
    // MGC covers only the first part of the calendar: it has no test bars at all.
    const config = await setup({ MES: [1000, 0], MGC: [500, 0] });
    const error = await splitsStage.run(context(config)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TribarError);
    expect((error as TribarError).code).toBe('DATA_INVALID');
    expect(String(error)).toMatch(/symbol MGC has 0\.0 % of the val rows for horizon 5, below splits\.minSymbolShare 20\.0 %/);
    expect(String(error)).toMatch(/symbol MGC has 0\.0 % of the test rows for horizon 20/);
    // Nothing is written when the check fails.
    await expect(readFile(join(runDir, 'splits/split.json'), 'utf8')).rejects.toThrow();
  });

  it('fails when a split is empty after the embargo, and on a missing column', async () => {
    const config = await setup({ MES: [200, 0] }, [5]);
    await expect(splitsStage.run(context({ ...config, splits: { ...config.splits, embargoBars: 40 } }))).rejects.toThrow(
      /split is empty for horizon 5/,
    );
    await expect(splitsStage.run(context({ ...config, horizons: [5, 7] }))).rejects.toThrow(/missing column 'label_h7'/);
  });
});
