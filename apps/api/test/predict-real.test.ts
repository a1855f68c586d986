import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { runConfigSchema } from '@tribar/config';
import { readArrowFile, silentLogger } from '@tribar/core';
import { loadPredictor } from '@tribar/inference';
import { registeredStages, runPipeline } from '@tribar/pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from './harness.js';

// One small synthetic run (21 days, MES and MGC, one horizon) with a trained logistic model, served through the
// real `@tribar/inference` `loadPredictor`, as `tribar-api` serves it.
const MODEL = 'small~logistic-MES-h20';
let h: Harness;
let runDir: string;

/** An Arrow table as CSV: timestamps as ISO instants (ms), every other cell as JS prints it (exact for doubles). */
function toCsv(table: Table): string {
  const names = table.schema.fields.map((field) => field.name);
  const columns = names.map((name) => table.getChild(name)!.toArray() as ArrayLike<unknown>);
  const lines = [names.join(',')];
  for (let row = 0; row < table.numRows; row++) {
    lines.push(
      columns
        .map((column, c) => {
          const value = column[row];
          if (names[c] === 'timestamp') return new Date(Number(value)).toISOString();
          return typeof value === 'bigint' ? value.toString() : String(value);
        })
        .join(','),
    );
  }
  return lines.join('\n') + '\n';
}

/** The raw one-minute bars the run ingested for a symbol (what its clean stage started from). */
const rawTable = (symbol: string): Table => tableFromIPC(readFileSync(join(runDir, 'ingest', `${symbol}.arrow`)));

beforeAll(async () => {
  h = await harness({ bodyLimitBytes: 64 * 1024 * 1024 }, {}, { loadPredictor });
  const config = runConfigSchema.parse({
    data: { synthetic: { days: 21 } },
    horizons: [20],
    splits: { embargoBars: 288 },
    train: {
      models: ['logistic'],
      hyperparameters: { logistic: { maxIter: 30 } },
      tracking: { dir: join(h.root, 'mlruns') },
      // The run sizes bets: calibrated on val, sized by probability, meta-labeled by a secondary fitted on OOF rows.
      calibration: { method: 'temperature' },
      betSizing: { method: 'probability', maxContracts: 3, averageActive: false },
      outOfFold: { enabled: true, folds: 3 },
      metaLabeling: { enabled: true, threshold: 0.5 },
    },
    paths: { runsDir: h.runsDir },
    tune: { dir: join(h.root, 'studies') },
  });
  const result = await runPipeline({
    stages: registeredStages(config),
    config,
    runsDir: h.runsDir,
    runId: 'small',
    logger: silentLogger(),
  });
  expect(result.status).toBe('completed');
  runDir = result.runDir;
});
afterAll(() => h?.close());

describe('POST /models/{id}/predict through the real @tribar/inference', () => {
  it("answers the run's own test-split probabilities, bit for bit, from the raw CSV bars behind them", async () => {
    const csv = toCsv(rawTable('MES'));
    // The model reads cross-asset features of MGC: its bars go along as a partner.
    const response = await h.app.inject({
      method: 'POST',
      url: `/models/${MODEL}/predict`,
      payload: { csv, partners: { MGC: { csv: toCsv(rawTable('MGC')) } } },
    });
    expect(response.statusCode, response.body.slice(0, 500)).toBe(200);
    const body = response.json() as {
      rows: number;
      classes: string[];
      predictions: Array<{ timestampMs: number; proba: number[]; betSize?: number }>;
    };
    expect(body.classes).toEqual(['short', 'neutral', 'long']);
    const byTime = new Map(body.predictions.map((p) => [p.timestampMs, p.proba]));

    const table = await readArrowFile(join(runDir, 'train', 'logistic-MES-h20', 'predictions.arrow'));
    let compared = 0;
    for (let i = 0; i < table.numRows; i++) {
      const row = table.get(i)!;
      if (Number(row['split']) !== 2) continue;
      const timestamp = Number(row['timestamp']);
      const got = byTime.get(timestamp);
      expect(got, new Date(timestamp).toISOString()).toBeDefined();
      // float32 probabilities travel as JSON doubles: the same bits as the pipeline's float32 column.
      expect(got).toEqual([Number(row['p_short']), Number(row['p_neutral']), Number(row['p_long'])]);
      compared++;
    }
    expect(compared).toBeGreaterThan(100);

    // The bet sizes: the pipeline's own contracts per test row (bet-sizes.arrow), bit for bit, from the same raw bars.
    const sizeByTime = new Map(body.predictions.map((p) => [p.timestampMs, p.betSize]));
    const sizes = await readArrowFile(join(runDir, 'train', 'logistic-MES-h20', 'bet-sizes.arrow'));
    const served: number[] = [];
    for (let i = 0; i < sizes.numRows; i++) {
      const row = sizes.get(i)!;
      const got = sizeByTime.get(Number(row['timestamp']));
      expect(got, new Date(Number(row['timestamp'])).toISOString()).toBe(Number(row['contracts']));
      served.push(got!);
    }
    expect(served.length).toBe(compared);
    // Meta-labeling acted on some rows and passed on others (a test of sizes that cannot all be 0).
    expect(served.some((q) => q !== 0)).toBe(true);
    const metrics = JSON.parse(readFileSync(join(runDir, 'train', 'logistic-MES-h20', 'metrics.json'), 'utf8'));
    expect(metrics.metaLabeling.fittedOn).toBe('oof');
    expect(served.filter((q) => q !== 0).length).toBe(metrics.metaLabeling.testActed);
  });

  it('refuses a model that reads a partner without its bars, naming the partner', async () => {
    const response = await h.app.inject({ method: 'POST', url: `/models/${MODEL}/predict`, payload: { csv: toCsv(rawTable('MES')) } });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expect(response.json().message).toContain('MGC');
  });

  it('refuses too short a history with 422, saying how many bars are missing', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: `/models/${MODEL}/predict`,
      payload: { csv: toCsv(rawTable('MES').slice(0, 300)), partners: { MGC: { csv: toCsv(rawTable('MGC')) } } },
    });
    expect(response.statusCode, response.body).toBe(422);
    const body = response.json() as { code: string; message: string; hint: string };
    expect(body.code).toBe('INSUFFICIENT_HISTORY');
    const [, have, needed, missing] =
      /too few bars: (\d+) 5-minute bar\(s\).*, (\d+) needed .*; (\d+) bar\(s\) missing/.exec(body.message) ?? [];
    expect(Number(missing)).toBeGreaterThan(0);
    expect(Number(missing)).toBe(Number(needed) - Number(have));
    expect(body.hint).toContain(`${Number(missing) * 5} more one-minute bars`);
  });
});
