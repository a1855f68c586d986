import { cut } from '@tribar/artifacts';
import { recordConfigReads, undeclaredConfigReads, defaultConfig, type RunConfig } from '@tribar/config';
import { ArtifactError, createStageContext, DataError, writeArrowFile } from '@tribar/core';
import { barsToTable, emptyBars, type Bars } from '@tribar/market';
import { Field, Float64, makeData, RecordBatch, Schema, Struct, Table, TimestampMillisecond } from 'apache-arrow';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cutStage } from '../src/internal/cut-stage.js';

const MINUTE = 60_000;
const ORIGIN = Date.UTC(2024, 0, 2);
let runDir = '';

/** `count` five-minute bars starting `offset` bars after ORIGIN. */
function bars(symbol: string, count: number, offset: number): Bars {
  const out = emptyBars(symbol, count);
  for (let i = 0; i < count; i++) {
    out.timestamp[i] = ORIGIN + (offset + i) * 5 * MINUTE;
    out.open[i] = out.high[i] = out.low[i] = out.close[i] = 100 + i;
    out.volume[i] = 1;
  }
  return out;
}

async function setup(files: Record<string, Table>, ratios = { train: 0.5, val: 0.25, test: 0.25 }): Promise<RunConfig> {
  runDir = await mkdtemp(join(tmpdir(), 'tribar-cut-'));
  await mkdir(join(runDir, 'clean'), { recursive: true });
  for (const [symbol, table] of Object.entries(files)) await writeArrowFile(join(runDir, `clean/${symbol}.arrow`), table);
  const config = defaultConfig();
  return { ...config, symbols: Object.keys(files), splits: { ...config.splits, ...ratios } };
}

const run = (config: RunConfig) => cutStage.run(createStageContext({ runDir, config }));

afterEach(async () => {
  if (runDir) await rm(runDir, { recursive: true, force: true });
  runDir = '';
});

describe('cut stage', () => {
  it('declares its contract', () => {
    const config = defaultConfig();
    expect(cutStage.name).toBe('cut');
    expect(cutStage.dependsOn).toEqual(['clean']);
    expect(cutStage.inputs(config)).toEqual(['clean/MES.arrow', 'clean/MGC.arrow']);
    expect(cutStage.outputs(config)).toEqual(['cut/cut.json']);
    expect([...cutStage.configKeys].sort()).toEqual(['splits.test', 'splits.train', 'splits.val', 'symbols']);
  });

  it('cuts the pooled clean bars of every symbol at one instant (known answer)', async () => {
    // MES: bars 0..9, MGC: bars 4..9. Pooled and sorted (16 bars): 0 1 2 3 4 4 5 5 6 6 7 7 8 8 9 9.
    // train 0.5 → pooled[floor(0.5·16) = 8] = bar 6; train + val 0.75 → pooled[12] = bar 8.
    const recorded = recordConfigReads(await setup({ MES: barsToTable(bars('MES', 10, 0)), MGC: barsToTable(bars('MGC', 6, 4)) }));
    const outcome = await run(recorded.config);
    expect(undeclaredConfigReads(recorded.reads, cutStage.configKeys)).toEqual([]);
    expect(recorded.reads.size).toBeGreaterThan(0);
    const text = await readFile(join(runDir, 'cut/cut.json'), 'utf8');
    const trainEndMs = ORIGIN + 30 * MINUTE;
    const valEndMs = ORIGIN + 40 * MINUTE;
    expect(JSON.parse(text)).toEqual({
      version: 1,
      trainEndMs,
      trainEnd: '2024-01-02T00:30:00.000Z',
      valEndMs,
      valEnd: '2024-01-02T00:40:00.000Z',
      ratios: { train: 0.5, val: 0.25, test: 0.25 },
      bars: { MES: 10, MGC: 6 },
    });
    // Key order as the schema lists it.
    expect(Object.keys(JSON.parse(text))).toEqual(['version', 'trainEndMs', 'trainEnd', 'valEndMs', 'valEnd', 'ratios', 'bars']);
    expect(cut.schema.parse(JSON.parse(text))).toEqual(JSON.parse(text));
    expect(outcome?.metrics).toEqual({ symbols: 2, trainEnd: '2024-01-02T00:30:00.000Z', valEnd: '2024-01-02T00:40:00.000Z' });
  });

  it('fails naming the file when a clean file is missing, has no bars or a column is missing', async () => {
    let config = await setup({ MES: barsToTable(bars('MES', 10, 0)) });
    await expect(run({ ...config, symbols: ['MES', 'MGC'] })).rejects.toThrow(ArtifactError);
    await expect(run({ ...config, symbols: ['MES', 'MGC'] })).rejects.toThrow(/clean\/MGC\.arrow/);
    await rm(runDir, { recursive: true, force: true });

    config = await setup({ MES: barsToTable(bars('MES', 0, 0)) });
    const empty = await run(config).catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(DataError);
    expect(String(empty)).toMatch(/no bars/);
    expect((empty as DataError).location.file).toBe(join(runDir, 'clean/MES.arrow'));
    await rm(runDir, { recursive: true, force: true });

    const noClose = new Table({ timestamp: barsToTable(bars('MES', 3, 0)).getChild('timestamp')! });
    config = await setup({ MES: noClose });
    await expect(run(config)).rejects.toThrow(/column 'open' is missing/);
  });

  it('fails on a null timestamp, naming file, row and field', async () => {
    const n = 3;
    const type = new TimestampMillisecond('UTC');
    const time = makeData({ type, length: n, nullCount: 1, nullBitmap: Uint8Array.of(0b101), data: BigInt64Array.of(0n, 0n, 600_000n) });
    const fields = [
      new Field('timestamp', type, true),
      ...['open', 'high', 'low', 'close', 'volume'].map((name) => new Field(name, new Float64(), false)),
    ];
    const children = [time, ...fields.slice(1).map(() => makeData({ type: new Float64(), length: n, data: new Float64Array(n) }))];
    const schema = new Schema(fields);
    const table = new Table(schema, [
      new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, nullCount: 0, children: children as never })),
    ]);
    const config = await setup({ MES: table });
    const error = await run(config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect(error).toMatchObject({ code: 'DATA_INVALID' });
    expect((error as DataError).location).toEqual({ file: join(runDir, 'clean/MES.arrow'), row: 2, field: 'timestamp' });
  });

  it('refuses ratios that do not sum to 1', async () => {
    const config = await setup({ MES: barsToTable(bars('MES', 10, 0)) }, { train: 0.5, val: 0.4, test: 0.4 });
    await expect(run(config)).rejects.toThrow(/split ratios must be positive and sum to 1/);
    await expect(readFile(join(runDir, 'cut/cut.json'))).rejects.toThrow();
  });
});
