// HTTP load: 2,000 requests at concurrency 50 against 127.0.0.1, cycling GET /runs, GET /runs/{id} and
// POST /models/{id}/predict (the fake predictor of the tests, so this measures the server, not a model).
// Run: npm run bench -w @tribar/api
import { harness } from '../test/harness.js';
import { writeTrainedRun } from '../test/trained-run.js';
import { runLoad } from './load.js';

const h = await harness();
try {
  await writeTrainedRun(h.runsDir, 'trained');
  const url = await h.app.listen({ host: '127.0.0.1', port: 0 });
  const bars = Array.from({ length: 105 }, (_, i) => ({
    timestamp: 1_736_000_000_000 + i * 60_000,
    open: 1,
    high: 2,
    low: 0.5,
    close: 1.5,
    volume: 3,
  }));
  const result = await runLoad({ url, modelId: 'trained~logistic-MES-h20', runId: 'trained', bars, rowsPerPredict: 100 });
  console.log(
    `api load: ${result.requests} requests (list, get, predict) at concurrency 50 in ${result.seconds.toFixed(2)} s: ` +
      `${result.errors} errors, ${result.non2xx} non-2xx, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ` +
      `${Math.round(result.predictionsPerSecond)} predictions/s (${result.predictRequests} predict requests × 100 rows)`,
  );
  if (result.errors + result.non2xx + result.timeouts > 0) process.exitCode = 1;
} finally {
  await h.close();
}
