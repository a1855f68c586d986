/**
 * The hostile-input corpus through the `ingest` stage: a bad file fails the stage before any
 * artifact is written (a good first symbol leaves nothing behind either), and the warnings
 * the reader and the stage owe are logged with the symbol and the file, and reported.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestReport, readJsonArtifact } from '@tribar/artifacts';
import { defaultConfig, type RunConfig } from '@tribar/config';
import { createRootLogger, createStageContext, DataError } from '@tribar/core';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanStage, ingestStage } from '../src/internal/stages.js';

const HOSTILE = join(import.meta.dirname, 'fixtures/hostile');
const fixture = (name: string): string => join(HOSTILE, name);

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function runDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tribar-hostile-stage-'));
  dirs.push(dir);
  return dir;
}

function filesConfig(files: Record<string, string>, data: Partial<RunConfig['data']> = {}): RunConfig {
  const base = defaultConfig();
  return { ...base, symbols: Object.keys(files), data: { ...base.data, ...data, source: 'files', files } };
}

interface LogRecord {
  level: number;
  msg: string;
  symbol?: string;
  file?: string;
}

/** Runs the ingest stage (then clean, when asked) with a logger that keeps its warn-and-above records. */
async function ingest(dir: string, config: RunConfig, stages = [ingestStage]): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  const logger = createRootLogger({
    level: 'warn',
    streams: [{ stream: { write: (line: string) => records.push(JSON.parse(line) as LogRecord) } as unknown as NodeJS.WritableStream }],
  });
  for (const stage of stages) await stage.run(createStageContext({ runDir: dir, config, stage: stage.name, logger }));
  return records;
}

/** Every file under `dir`, run-relative. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));
}

// prettier-ignore
const FAILING = [
  { file: 'zeros.csv.gz', fragment: /line 1 is longer than 1048576 bytes/ },
  { file: 'year-1970.csv', fragment: /is before 1992-01-01/ },
  { file: 'interleaved-symbols.csv', fragment: /more than one symbol/ },
  { file: 'interleaved-no-symbol.csv', fragment: /two series interleaved in one file/ },
  { file: 'hourly-as-minute.csv', fragment: /60 minutes apart.*timeframes\.sourceMinutes: 60/s },
  { file: 'nul-in-price.csv', fragment: /'68\\u000080\.25' is not a number/ },
];

describe('ingest stage on hostile input', () => {
  it.each(FAILING)('$file as the second symbol: a DataError, and no artifact written', async ({ file, fragment }) => {
    const dir = await runDir();
    const config = filesConfig({ MES: fixture('good.csv'), MGC: fixture(file) });
    const error = await ingest(dir, config).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toMatch(fragment);
    expect((error as DataError).message).toContain(fixture(file));
    expect(await filesUnder(dir)).toEqual([]);
  });

  it('hourly bars pass when timeframes.sourceMinutes declares them (the setting the error names)', async () => {
    const dir = await runDir();
    const config = filesConfig({ MES: fixture('hourly-as-minute.csv') });
    await ingest(dir, { ...config, timeframes: { sourceMinutes: 60, targetMinutes: 60 } });
    expect((await readJsonArtifact(dir, ingestReport)).symbols[0]?.output.bars).toBe(30);
  });

  it('an all-empty volume column: a warning naming the file, and volumeEmpty in the ingest report', async () => {
    const dir = await runDir();
    const records = await ingest(dir, filesConfig({ MES: fixture('empty-volume.csv') }));
    const warning = records.find((record) => record.msg.includes('volume column'));
    expect(warning).toMatchObject({ level: 40, symbol: 'MES', file: fixture('empty-volume.csv') });
    const read = (await readJsonArtifact(dir, ingestReport)).symbols[0]?.read;
    expect(read?.volumeEmpty).toBe(true);
    expect(read?.warnings).toEqual(["every cell of the volume column 'volume' is empty: volume is read as 0 throughout"]);
  });

  it('a file (no contract column) with roll detection on warns about nothing: detection or the calendar finds its rolls', async () => {
    const dir = await runDir();
    expect(await ingest(dir, filesConfig({ MES: fixture('good.csv') }), [ingestStage, cleanStage])).toEqual([]);
  });

  it('no contract column, detection off and no calendar entry: clean warns once that no roll can be found', async () => {
    const dir = await runDir();
    const base = filesConfig({ MES: fixture('good.csv') });
    const rolls = { ...base.clean.rolls, detect: false, calendar: [{ symbol: 'MGC', at: '2026-02-24T23:00:00Z' }] };
    const records = await ingest(dir, { ...base, clean: { ...base.clean, rolls } }, [ingestStage, cleanStage]);
    expect(records).toEqual([
      expect.objectContaining({
        level: 40,
        symbol: 'MES',
        msg: 'MES: no contract column, clean.rolls.detect is off and clean.rolls.calendar has no entry for it, so no roll can be found or adjusted; turn detection on or list its rolls',
      }),
    ]);
  });

  it('a symbol missing from contracts: the warning defaultContract promises, naming symbol and file', async () => {
    const dir = await runDir();
    const records = await ingest(dir, filesConfig({ ZN: fixture('good.csv') }));
    expect(records).toContainEqual(
      expect.objectContaining({
        level: 40,
        symbol: 'ZN',
        file: fixture('good.csv'),
        msg: 'ZN has no entry in contracts: defaultContract is used (tick size 0.01), so the tick-grid check and costs may be wrong',
      }),
    );
  });

  it('the synthetic market (known symbols, a contract column) warns about nothing', async () => {
    const dir = await runDir();
    const base = defaultConfig();
    const config: RunConfig = { ...base, data: { ...base.data, synthetic: { ...base.data.synthetic, days: 3 } } };
    expect(await ingest(dir, config)).toEqual([]);
  });

  it('a contract column with detection off and no calendar entry: clean warns too (only the calendar speaks then)', async () => {
    const dir = await runDir();
    const base = defaultConfig();
    const config: RunConfig = {
      ...base,
      symbols: ['MES'],
      data: { ...base.data, synthetic: { ...base.data.synthetic, days: 3 } },
      clean: { ...base.clean, rolls: { ...base.clean.rolls, detect: false, calendar: [] } },
    };
    const records = await ingest(dir, config, [ingestStage, cleanStage]);
    expect(records).toEqual([
      expect.objectContaining({
        level: 40,
        symbol: 'MES',
        msg: 'MES: its contract column is not read for rolls, clean.rolls.detect is off and clean.rolls.calendar has no entry for it, so no roll can be found or adjusted; turn detection on or list its rolls',
      }),
    ]);
  });
});
