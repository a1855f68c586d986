import { rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { float64Columns, readArrowFile, TribarError } from '@tribar/core';
import { Float64, Int8, Int32, Table, TimestampMillisecond, vectorFromArray } from 'apache-arrow';
import { afterEach, describe, expect, it } from 'vitest';
import { Findings } from '../src/internal/checks.js';
import { labelColumnNames, tableToFrame } from '../src/internal/load.js';
import { validate } from '../src/internal/stage.js';
import { planValidation } from '../src/internal/symbol-checks.js';
import { checkSymbols } from '../src/internal/threads.js';
import { healthyInputs, MANIFEST, testConfig, writeInputs } from './fixtures.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const SYMBOLS = ['MES', 'MGC', 'MNQ'];

/** Three symbols written as the upstream stages write them, one with NaN features and a NaN label end. */
async function runFolder() {
  const runDir = await mkdtemp(join(tmpdir(), 'tribar-validate-threads-'));
  dirs.push(runDir);
  const all = SYMBOLS.map((symbol, s) => {
    const { inputs, cuts } = healthyInputs(900 + 50 * s, 3 + s);
    if (s === 1) {
      inputs.features.columns['f_wave']![17] = Number.NaN;
      inputs.labels.columns['label_end_time_h5']![40] = Number.NaN;
    }
    return { inputs: { ...inputs, symbol }, cuts };
  });
  for (const { inputs, cuts } of all) await writeInputs(runDir, inputs, cuts);
  const config = { ...testConfig(), symbols: SYMBOLS, validation: { ...testConfig().validation, sampleRows: 300 } };
  return { runDir, config, all, cuts: all[0]!.cuts };
}

describe('checking symbols on worker threads', () => {
  it('gives the same parts on 1, 2 and 3 threads, and the same report as the in-memory checks', async () => {
    const { runDir, config, all, cuts } = await runFolder();
    const labelNames = await Promise.all(SYMBOLS.map((s) => labelColumnNames(runDir, s)));
    const plan = planValidation(new Findings(), MANIFEST, labelNames, cuts, config);
    const seen: string[] = [];
    const one = await checkSymbols(runDir, SYMBOLS, plan, 1);
    const two = await checkSymbols(runDir, SYMBOLS, plan, 2, (s) => seen.push(s));
    const three = await checkSymbols(runDir, SYMBOLS, plan, 3);
    expect(one.map((p) => p.symbol)).toEqual(SYMBOLS);
    expect(one[1]!.view!.trainRows.length).toBe(300);
    expect(two).toEqual(one);
    expect(three).toEqual(one);
    expect([...seen].sort()).toEqual(SYMBOLS);
    // The same checks on the frames in memory (the public `validate`) record the same findings.
    const report = validate(
      all.map((a) => a.inputs),
      MANIFEST,
      cuts,
      config,
    );
    const replayed = new Findings();
    for (const part of three) replayed.absorb(part.entries);
    const { correlation, ...perSymbol } = report.checks;
    expect(correlation).toBeDefined();
    expect(replayed.checks).toEqual(perSymbol);
    expect(replayed.warnings).toEqual(report.warnings.filter((w) => w.check !== 'feature_selection'));
  });

  it('reads columns in place or widened exactly as float64Columns does (int8 codes, timestamps, NaN)', async () => {
    const { runDir } = await runFolder();
    for (const part of ['features', 'labels', 'splits', 'scale']) {
      const table = await readArrowFile(join(runDir, part, 'MGC.arrow'));
      const { timestamp, ...rest } = float64Columns(table);
      expect(tableToFrame(table)).toEqual({ timestamp, columns: rest });
    }
  });

  it('widens nulls to NaN, in one chunk or several, as float64Columns does', () => {
    const t0 = Date.UTC(2024, 0, 2);
    const part = (offset: number) =>
      new Table({
        timestamp: vectorFromArray([t0 + offset, null, t0 + offset + 2], new TimestampMillisecond()),
        price: vectorFromArray([1.5, null, -0], new Float64()),
        code: vectorFromArray([-1, 0, null], new Int8()),
        bars: vectorFromArray([null, 7, 2_000_000_000], new Int32()),
      });
    for (const table of [part(0), part(0).concat(part(10))]) {
      const { timestamp, ...rest } = float64Columns(table);
      const frame = tableToFrame(table);
      expect(frame).toEqual({ timestamp, columns: rest });
      expect(Number.isNaN(frame.columns['price']![1])).toBe(true);
      expect(Number.isNaN(frame.timestamp[1])).toBe(true);
    }
  });

  it('throws the typed error of a symbol whose worker failed (a missing file), checked again on this thread', async () => {
    const { runDir, config, cuts } = await runFolder();
    await rm(join(runDir, 'splits', 'MNQ.arrow'));
    const plan = planValidation(new Findings(), MANIFEST, [], cuts, config);
    const failure = checkSymbols(runDir, SYMBOLS, plan, 2);
    await expect(failure).rejects.toThrow(TribarError);
    await expect(failure).rejects.toThrow(/MNQ\.arrow/);
  });
});
