import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../bench/load.js';
import { harness, type Harness } from './harness.js';
import { writeTrainedRun } from './trained-run.js';

describe('bounded load against 127.0.0.1', () => {
  let h: Harness;
  let url: string;
  beforeAll(async () => {
    h = await harness();
    await writeTrainedRun(h.runsDir, 'trained');
    url = await h.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => h.close());

  it('2,000 requests at concurrency 50 mixing list, get and predict: no error, every answer 2xx', async () => {
    const bars = Array.from({ length: 25 }, (_, i) => ({
      timestamp: 1_736_000_000_000 + i * 60_000,
      open: 1,
      high: 2,
      low: 0.5,
      close: 1.5,
      volume: 3,
    }));
    const result = await runLoad({ url, modelId: 'trained~logistic-MES-h20', runId: 'trained', body: { json: bars }, rowsPerPredict: 20 });
    expect(result.requests).toBe(2000);
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.non2xx).toBe(0);
    // Each connection sends 40 requests cycling list, get, predict: 13 predictions each, all through the predictor.
    expect(result.predictRequests).toBe(650);
    expect(h.predictCalls).toBe(650);
  });

  it('refuses to load anything but loopback', async () => {
    await expect(runLoad({ url: 'http://192.0.2.1:80', modelId: 'x', runId: 'x', body: { json: [] }, rowsPerPredict: 1 })).rejects.toThrow(
      '127.0.0.1 only',
    );
  });
});
