// HTTP load against a real model: trains (once per run of the bench) a small synthetic pipeline run with a
// logistic model, serves it through the real `@tribar/inference` loadPredictor, and drives 2,000 requests at
// concurrency 50 against 127.0.0.1 cycling GET /runs, GET /runs/{id} and POST /models/{id}/predict (recent raw
// bars of MES with its MGC partner, as a client sends them). Prints p50/p99 latency, predictions/s and errors.
// Run: npm run bench -w @tribar/api
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { runConfigSchema } from '@tribar/config';
import { silentLogger } from '@tribar/core';
import { loadPredictor } from '@tribar/inference';
import { registeredStages, runPipeline } from '@tribar/pipeline';
import { harness } from '../test/harness.js';
import { runLoad } from './load.js';

/** An Arrow table's last `rows` rows as CSV (timestamps as ISO instants), what a client posts. */
function tailCsv(table: Table, rows: number): string {
  const names = table.schema.fields.map((field) => field.name);
  const columns = names.map((name) => table.getChild(name)!.toArray() as ArrayLike<unknown>);
  const lines = [names.join(',')];
  for (let row = Math.max(0, table.numRows - rows); row < table.numRows; row++) {
    lines.push(
      columns
        .map((column, c) => {
          const value = column[row];
          return names[c] === 'timestamp' ? new Date(Number(value)).toISOString() : String(value);
        })
        .join(','),
    );
  }
  return lines.join('\n') + '\n';
}

const h = await harness({ bodyLimitBytes: 64 * 1024 * 1024, rateLimit: { predictPerMinute: 1_000_000 } }, {}, { loadPredictor });
try {
  const config = runConfigSchema.parse({
    data: { synthetic: { days: 21 } },
    horizons: [20],
    splits: { embargoBars: 288 },
    train: { models: ['logistic'], hyperparameters: { logistic: { maxIter: 30 } }, tracking: { dir: join(h.root, 'mlruns') } },
    paths: { runsDir: h.runsDir },
    tune: { dir: join(h.root, 'studies') },
  });
  const trainedAt = performance.now();
  const run = await runPipeline({ stages: registeredStages(config), config, runsDir: h.runsDir, runId: 'bench', logger: silentLogger() });
  if (run.status !== 'completed') throw new Error(`the bench's training run ended ${run.status}`);
  console.log(`trained a synthetic logistic run in ${((performance.now() - trainedAt) / 1000).toFixed(1)} s`);
  const raw = (symbol: string) => tableFromIPC(readFileSync(join(run.runDir, 'ingest', `${symbol}.arrow`)));
  // One-minute history for the features' warm-up plus about 100 five-minute predictions (a little more for gaps).
  const probe = await loadPredictor({ runDir: run.runDir, model: 'logistic', symbol: 'MES', horizon: 20 });
  const minutes = Math.round((probe.info.warmupBars + 100) * probe.info.barMinutes * 1.1);
  probe.dispose();
  const body = { csv: tailCsv(raw('MES'), minutes), partners: { MGC: { csv: tailCsv(raw('MGC'), minutes) } } };
  const modelId = 'bench~logistic-MES-h20';
  const url = await h.app.listen({ host: '127.0.0.1', port: 0 });
  const first = await fetch(`${url}/models/${modelId}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (first.status !== 200) throw new Error(`predict answered ${first.status}: ${(await first.text()).slice(0, 300)}`);
  const rowsPerPredict = ((await first.json()) as { rows: number }).rows;
  const result = await runLoad({ url, modelId, runId: 'bench', body, rowsPerPredict });
  console.log(
    `api load (real logistic model, ${rowsPerPredict} rows per predict): ${result.requests} requests (list, get, predict) at ` +
      `concurrency 50 in ${result.seconds.toFixed(2)} s: ${result.errors} errors, ${result.non2xx} non-2xx, ` +
      `p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${Math.round(result.predictionsPerSecond)} predictions/s ` +
      `(${result.predictRequests} predict requests)`,
  );
  if (result.errors + result.non2xx + result.timeouts > 0) process.exitCode = 1;
} finally {
  await h.close();
}
