import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cleanBars,
  cleanReport,
  ingestBars,
  ingestReport,
  readArrowArtifact,
  readJsonArtifact,
  writeArrowArtifact,
} from '@tribar/artifacts';
import { defaultConfig, recordConfigReads, undeclaredConfigReads, type RunConfig } from '@tribar/config';
import { ArtifactError, createStageContext, writeArrowFile, type StageDefinition } from '@tribar/core';
import { tableToBars } from '@tribar/market';
import { Float64, Table, TimestampMillisecond, vectorFromArray } from 'apache-arrow';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanStage, ingestStage } from '../src/internal/stages.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function runDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tribar-ingest-stages-'));
  dirs.push(dir);
  return dir;
}

/** Twelve days of synthetic MES + MGC across the March 2025 MES roll. */
function syntheticConfig(): RunConfig {
  const config = defaultConfig();
  return { ...config, data: { ...config.data, synthetic: { ...config.data.synthetic, startDate: '2025-03-06', days: 12 } } };
}

/** Runs one stage as the pipeline would; `seen` (default `config`) is the config the stage body gets. */
async function runStage(stage: StageDefinition<RunConfig>, dir: string, config: RunConfig, seen: RunConfig = config) {
  const outcome = await stage.run({ ...createStageContext({ runDir: dir, config, stage: stage.name }), config: seen });
  if (!outcome) throw new Error(`stage ${stage.name} returned no outcome`);
  return outcome;
}

/** The dotted config paths read through `config` while `body` runs. */
async function recordReads(config: RunConfig, body: (proxied: RunConfig) => Promise<unknown>): Promise<Set<string>> {
  const recorded = recordConfigReads(config);
  await body(recorded.config);
  return recorded.reads;
}

describe('ingest and clean stages', () => {
  it('write one-minute and clean bars plus reports that match the contract', async () => {
    const dir = await runDir();
    const config = syntheticConfig();
    const ingested = await runStage(ingestStage, dir, config);
    const cleaned = await runStage(cleanStage, dir, config);

    const ingestFile = await readJsonArtifact(dir, ingestReport);
    expect(ingestFile.symbols.map((s) => [s.symbol, s.source, s.read])).toEqual([
      ['MES', 'synthetic', undefined],
      ['MGC', 'synthetic', undefined],
    ]);
    const cleanFile = await readJsonArtifact(dir, cleanReport);
    for (const [s, symbol] of config.symbols.entries()) {
      const oneMinute = tableToBars(await readArrowArtifact(dir, ingestBars(symbol)));
      const fiveMinute = tableToBars(await readArrowArtifact(dir, cleanBars(symbol)));
      const ingestEntry = ingestFile.symbols[s]!;
      const cleanEntry = cleanFile.symbols[s]!;
      expect(ingestEntry.output.bars).toBe(oneMinute.timestamp.length);
      expect(ingestEntry.output.first).toBe(new Date(oneMinute.timestamp[0]!).toISOString());
      expect(ingestEntry.repair.tickSize).toBe(config.contracts[symbol]!.tickSize);
      expect(ingested.metrics?.[`${symbol}.bars`]).toBe(oneMinute.timestamp.length);
      // Five-minute bars: every label on the 5-minute clock, sourceBars adding up to the input.
      expect(cleanEntry.resample).toEqual({ minutes: 5, inputBars: cleanEntry.outputBars, outputBars: fiveMinute.timestamp.length });
      expect(fiveMinute.timestamp.every((t) => t % 300_000 === 0)).toBe(true);
      const sourceBars = fiveMinute.columns['sourceBars']!;
      expect(sourceBars.reduce((a, b) => a + b, 0)).toBe(cleanEntry.outputBars);
      expect(cleaned.metrics?.[`${symbol}.rolls`]).toBe(cleanEntry.rolls.length);
    }
    // The synthetic MES follows the front contract: the March 2025 roll comes from its contract column.
    const mesRolls = cleanFile.symbols[0]!.rolls;
    expect(mesRolls.map((roll) => [roll.source, roll.method])).toEqual([['contract', 'difference']]);
    expect(mesRolls[0]!.time.slice(0, 10) >= '2025-03-06' && mesRolls[0]!.time.slice(0, 10) <= '2025-03-18').toBe(true);
    expect(cleanFile.symbols[1]!.rolls).toEqual([]);
    expect(Object.keys(cleaned.artifactMetadata ?? {})).toEqual(['clean/MES.arrow', 'clean/MGC.arrow']);
    // The schemas are exact: parsing drops nothing the stages wrote.
    expect(ingestFile).toEqual(JSON.parse(await readFile(join(dir, ingestReport.path), 'utf8')));
    expect(cleanFile).toEqual(JSON.parse(await readFile(join(dir, cleanReport.path), 'utf8')));
  });

  it('reads files, with the reader stats and every repair in the report', async () => {
    const dir = await runDir();
    const csv = join(dir, 'MES_1m.csv');
    await writeFile(
      csv,
      [
        'timestamp,open,high,low,close,volume',
        '2026-01-06T15:00:00Z,100,101,99,100.5,10',
        '2026-01-06T15:01:00Z,100.5,100,101,100.75,12',
        '2026-01-06T15:02:00Z,100.75,101.25,100.5,101,-3',
        '2026-01-06T15:03:00Z,101,101.5,100.75,101.25,7',
        '',
      ].join('\n'),
    );
    const base = defaultConfig();
    const config: RunConfig = { ...base, symbols: ['MES'], data: { ...base.data, source: 'files', files: { MES: csv } } };
    expect(ingestStage.externalInputs?.(config)).toEqual([csv]);
    await runStage(ingestStage, dir, config);
    const report = await readJsonArtifact(dir, ingestReport);
    const entry = report.symbols[0]!;
    expect(entry.source).toBe('file');
    expect(entry.read).toMatchObject({ file: csv, format: 'csv', rowsRead: 4, rowsParsed: 4, badRowsSkipped: 0, delimiter: ',' });
    expect(entry.repair.counts.highLowSwapped).toBe(1);
    expect(entry.repair.counts.negativeVolumeSetToZero).toBe(1);
    expect(entry.output).toEqual({ bars: 4, first: '2026-01-06T15:00:00.000Z', last: '2026-01-06T15:03:00.000Z' });
    // Bytes as written: key order of the reader stats kept (timezone before delimiter).
    const text = await readFile(join(dir, ingestReport.path), 'utf8');
    expect(text.indexOf('"timezone"')).toBeLessThan(text.indexOf('"delimiter"'));
    expect(report).toEqual(JSON.parse(text));

    await runStage(cleanStage, dir, config);
    const cleaned = tableToBars(await readArrowArtifact(dir, cleanBars('MES')));
    // The data ends mid-session: five filled minutes follow its last bar (15:04–15:08).
    expect(Array.from(cleaned.timestamp)).toEqual([Date.parse('2026-01-06T15:00:00Z'), Date.parse('2026-01-06T15:05:00Z')]);
    expect(cleaned.close[0]).toBe(101.25);
    expect(cleaned.columns['sourceBars']![0]).toBe(5);
    expect(Array.from(cleaned.columns['filled']!)).toEqual([1, 4]);
  });

  it('clean fails with the file and the column when an ingest file lacks one', async () => {
    const dir = await runDir();
    const config: RunConfig = { ...syntheticConfig(), symbols: ['MES'] };
    const table = new Table({
      timestamp: vectorFromArray([Date.parse('2026-01-06T15:00:00Z')], new TimestampMillisecond()),
      open: vectorFromArray([1], new Float64()),
    });
    await expect(writeArrowArtifact(dir, ingestBars('MES'), table)).rejects.toThrow(ArtifactError);
    await writeArrowFile(join(dir, ingestBars('MES').path), table);
    const failure = runStage(cleanStage, dir, config);
    await expect(failure).rejects.toThrow(ArtifactError);
    await expect(failure).rejects.toThrow(/column 'high' is missing/);
    await expect(failure).rejects.toMatchObject({ message: expect.stringContaining(join(dir, 'ingest/MES.arrow')) });
  });

  it('a report of the wrong shape fails naming the file and the field', async () => {
    const dir = await runDir();
    const config: RunConfig = { ...syntheticConfig(), symbols: ['MES'] };
    await runStage(ingestStage, dir, config);
    const file = join(dir, ingestReport.path);
    const written = JSON.parse(await readFile(file, 'utf8')) as { symbols: { repair: { counts: Record<string, unknown> } }[] };
    written.symbols[0]!.repair.counts['highLowSwapped'] = 'none';
    await writeFile(file, JSON.stringify(written));
    const failure = readJsonArtifact(dir, ingestReport);
    await expect(failure).rejects.toThrow(ArtifactError);
    await expect(failure).rejects.toThrow(/field 'symbols\[0\]\.repair\.counts\.highLowSwapped'/);
    await expect(failure).rejects.toThrow(file);
  });

  it('declare every config path they read', async () => {
    const dir = await runDir();
    const config = syntheticConfig();
    const ingestReads = await recordReads(config, (proxied) => runStage(ingestStage, dir, config, proxied));
    const cleanReads = await recordReads(config, (proxied) => runStage(cleanStage, dir, config, proxied));
    expect(undeclaredConfigReads(ingestReads, ingestStage.configKeys)).toEqual([]);
    expect(undeclaredConfigReads(cleanReads, cleanStage.configKeys)).toEqual([]);
    // The recorder sees the reads it must (a recorder that saw nothing would pass the checks above).
    expect(ingestReads).toContain('data.synthetic.days');
    expect(ingestReads).toContain('contracts.MES.tickSize');
    expect(cleanReads).toContain('timeframes.targetMinutes');
    expect(cleanReads).toContain('clean.rolls.calendar');
  });
});
