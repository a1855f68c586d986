import autocannon from 'autocannon';

export interface LoadResult {
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  p50Ms: number;
  p99Ms: number;
  seconds: number;
  predictRequests: number;
  predictionsPerSecond: number;
}

/**
 * `amount` requests at `connections` concurrency against a running API, cycling list, get and predict. Only a
 * loopback URL is accepted: this never loads someone else's server.
 */
export async function runLoad(options: {
  url: string;
  modelId: string;
  runId: string;
  /** The predict request's body (raw bars, with partners when the model needs them). */
  body: unknown;
  rowsPerPredict: number;
  amount?: number;
  connections?: number;
  token?: string;
}): Promise<LoadResult> {
  const { hostname } = new URL(options.url);
  if (hostname !== '127.0.0.1' && hostname !== 'localhost' && hostname !== '[::1]') {
    throw new Error(`the load test runs against 127.0.0.1 only, not ${hostname}`);
  }
  const amount = options.amount ?? 2000;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
  };
  let predictRequests = 0;
  const result = await autocannon({
    url: options.url,
    amount,
    connections: options.connections ?? 50,
    headers,
    requests: [
      { method: 'GET', path: '/runs' },
      { method: 'GET', path: `/runs/${options.runId}` },
      {
        method: 'POST',
        path: `/models/${options.modelId}/predict`,
        body: JSON.stringify(options.body),
        onResponse: (status: number) => {
          if (status === 200) predictRequests += 1;
        },
      },
    ],
  });
  const seconds = result.duration;
  return {
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    seconds,
    predictRequests,
    predictionsPerSecond: (predictRequests * options.rowsPerPredict) / seconds,
  };
}
