// Request/response pairs follow MLflow's REST API documentation (https://mlflow.org/docs/latest/rest-api.html):
// experiments/get-by-name, experiments/create, runs/create, runs/log-batch, runs/update, and the
// artifacts proxy's PUT /api/2.0/mlflow-artifacts/artifacts/<path>. No real MLflow server was available.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MlflowRestError } from '../src/internal/rest/client.js';
import type { RestTrackedRun } from '../src/internal/rest/tracker.js';
import { LOG_BATCH_LIMITS, logBatchBodies, MlflowRestTracker, proxiedArtifactRoot } from '../src/internal/rest/tracker.js';
import { openTracker } from '../src/internal/open.js';
import { Tracker } from '../src/internal/tracker.js';

interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  json?: Record<string, unknown>;
}

let server: Server;
let base: string;
let requests: Recorded[];
let experiments: Map<string, string>;
/** Overrides the answer of one endpoint (`METHOD path`). */
let override: Map<string, (request: Recorded) => [number, unknown]>;
let dir: string;

const RUN_ID = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';

function answer(request: Recorded): [number, unknown] {
  const path = request.url.split('?')[0] as string;
  const custom = override.get(`${request.method} ${path}`);
  if (custom) return custom(request);
  if (request.method === 'GET' && path === '/api/2.0/mlflow/experiments/get-by-name') {
    const name = new URL(request.url, base).searchParams.get('experiment_name') ?? '';
    const id = experiments.get(name);
    if (id === undefined) return [404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Could not find experiment with name '${name}'` }];
    return [200, { experiment: { experiment_id: id, name, artifact_location: `mlflow-artifacts:/${id}`, lifecycle_stage: 'active' } }];
  }
  if (request.method === 'POST' && path === '/api/2.0/mlflow/experiments/create') {
    const id = String(experiments.size);
    experiments.set(String(request.json?.['name']), id);
    return [200, { experiment_id: id }];
  }
  if (request.method === 'POST' && path === '/api/2.0/mlflow/runs/create') {
    const experimentId = String(request.json?.['experiment_id']);
    return [
      200,
      {
        run: {
          info: {
            run_id: RUN_ID,
            run_uuid: RUN_ID,
            run_name: request.json?.['run_name'],
            experiment_id: experimentId,
            user_id: 'someone',
            status: 'RUNNING',
            start_time: request.json?.['start_time'],
            artifact_uri: `mlflow-artifacts:/${experimentId}/${RUN_ID}/artifacts`,
            lifecycle_stage: 'active',
          },
          data: { tags: request.json?.['tags'] },
        },
      },
    ];
  }
  if (request.method === 'POST' && path === '/api/2.0/mlflow/runs/log-batch') return [200, {}];
  if (request.method === 'POST' && path === '/api/2.0/mlflow/runs/update') {
    return [200, { run_info: { run_id: RUN_ID, status: request.json?.['status'], end_time: request.json?.['end_time'] } }];
  }
  if (request.method === 'PUT' && path.startsWith('/api/2.0/mlflow-artifacts/artifacts/')) return [200, {}];
  return [404, { error_code: 'ENDPOINT_NOT_FOUND', message: `no ${request.method} ${path}` }];
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tribar-rest-'));
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const recorded: Recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      if (req.headers['content-type'] === 'application/json') recorded.json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      requests.push(recorded);
      const [status, payload] = answer(recorded);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address() as { port: number };
  base = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  requests = [];
  experiments = new Map([['Default', '0']]);
  override = new Map();
});

const env = () => ({ MLFLOW_TRACKING_URI: base });
const posts = (endpoint: string) => requests.filter((r) => r.method === 'POST' && r.url === `/api/2.0/mlflow/${endpoint}`);

describe('MLflow REST tracking', () => {
  it('opens the REST tracker when MLFLOW_TRACKING_URI is http://, the file store otherwise', async () => {
    expect(await openTracker(join(dir, 'mlruns'), { env: env() })).toBeInstanceOf(MlflowRestTracker);
    expect(await openTracker(join(dir, 'mlruns'), { env: {} })).toBeInstanceOf(Tracker);
    expect(await openTracker(base, { env: {} })).toBeInstanceOf(MlflowRestTracker);
  });

  it('gets the experiment by name, creates it when missing, and creates the run with its tags', async () => {
    const tracker = await openTracker('unused', { env: env(), clock: () => 1_767_225_600_000 });
    const run = (await tracker.startRun('tribar', { runName: 'logistic-MES-h20', tags: { 'tribar.model': 'logistic' } })) as RestTrackedRun;
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /api/2.0/mlflow/experiments/get-by-name?experiment_name=tribar',
      'POST /api/2.0/mlflow/experiments/create',
      'POST /api/2.0/mlflow/runs/create',
    ]);
    expect(posts('experiments/create')[0]?.json).toEqual({ name: 'tribar' });
    const create = posts('runs/create')[0]?.json as {
      experiment_id: string;
      start_time: number;
      run_name: string;
      tags: Array<{ key: string; value: string }>;
    };
    expect(create.experiment_id).toBe('1');
    expect(create.start_time).toBe(1_767_225_600_000);
    expect(create.run_name).toBe('logistic-MES-h20');
    expect(create.tags).toContainEqual({ key: 'tribar.model', value: 'logistic' });
    expect(create.tags).toContainEqual({ key: 'mlflow.runName', value: 'logistic-MES-h20' });
    expect(run.runId).toBe(RUN_ID);
    expect(run.dir).toBe(`${base}/#/experiments/1/runs/${RUN_ID}`);
    // A second run finds the experiment by name and creates nothing.
    requests = [];
    await tracker.startRun('tribar');
    expect(posts('experiments/create')).toHaveLength(0);
  });

  it("sends params, metrics and tags in log-batch requests within MLflow's limits, and ends the run", async () => {
    const tracker = MlflowRestTracker.open(base, { env: {}, clock: () => 1_000 });
    const run = await tracker.startRun('tribar');
    requests = [];
    const params = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`p${i}`, i % 2 === 0 ? i : `v${i}`]));
    await run.logParams({ ...params, nested: { depth: 6, rate: 0.1, on: true } });
    const batches = posts('runs/log-batch').map((r) => r.json as { run_id: string; params: Array<{ key: string; value: string }> });
    expect(batches.map((b) => b.params.length)).toEqual([100, 100, 53]);
    expect(batches.every((b) => b.run_id === RUN_ID)).toBe(true);
    const sent = batches.flatMap((b) => b.params);
    expect(sent[0]).toEqual({ key: 'p0', value: '0' });
    expect(sent).toContainEqual({ key: 'nested.rate', value: '0.1' });
    expect(sent).toContainEqual({ key: 'nested.on', value: 'True' });

    requests = [];
    const metrics = Object.fromEntries(Array.from({ length: 2_500 }, (_, i) => [`m${i}`, i / 4]));
    await run.logMetrics({ ...metrics, diverged: Number.NaN }, 7);
    const metricBatches = posts('runs/log-batch').map(
      (r) => r.json as { metrics: Array<{ key: string; value: number | string; timestamp: number; step: number }> },
    );
    expect(metricBatches.map((b) => b.metrics.length)).toEqual([1000, 1000, 501]);
    expect(metricBatches[0]?.metrics[3]).toEqual({ key: 'm3', value: 0.75, timestamp: 1_000, step: 7 });
    // Proto3 JSON carries a non-finite double as a string.
    expect(metricBatches[2]?.metrics.at(-1)).toEqual({ key: 'diverged', value: 'NaN', timestamp: 1_000, step: 7 });

    requests = [];
    await run.setTag('tribar.runtime.backend', 'cpu');
    expect(posts('runs/log-batch')[0]?.json).toEqual({
      run_id: RUN_ID,
      metrics: [],
      params: [],
      tags: [{ key: 'tribar.runtime.backend', value: 'cpu' }],
    });
    await run.end('FINISHED');
    expect(posts('runs/update')[0]?.json).toEqual({ run_id: RUN_ID, status: 'FINISHED', end_time: 1_000 });
    await expect(run.logMetrics({ late: 1 })).rejects.toThrow('already ended');
  });

  it('keeps every log-batch body within the per-type and total limits', () => {
    const kv = (n: number, p: string) => Array.from({ length: n }, (_, i) => ({ key: `${p}${i}`, value: 'x' }));
    const metrics = Array.from({ length: 1_900 }, (_, i) => ({ key: `m${i}`, value: i, timestamp: 0, step: 0 }));
    const bodies = logBatchBodies('r', { metrics, params: kv(150, 'p'), tags: kv(230, 't') });
    for (const body of bodies) {
      expect(body.params.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.params);
      expect(body.tags.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.tags);
      expect(body.metrics.length + body.params.length + body.tags.length).toBeLessThanOrEqual(LOG_BATCH_LIMITS.total);
    }
    expect(bodies.flatMap((b) => b.metrics).map((m) => m.key)).toEqual(metrics.map((m) => m.key));
    expect(bodies.flatMap((b) => b.tags)).toHaveLength(230);
    expect(bodies.flatMap((b) => b.params)).toHaveLength(150);
  });

  it('uploads a model folder through the artifacts proxy as model/…, not model/model/…', async () => {
    const modelDir = join(dir, 'model');
    await mkdir(join(modelDir, 'weights'), { recursive: true });
    await writeFile(join(modelDir, 'MLmodel'), 'artifact_path: model\n');
    await writeFile(join(modelDir, 'weights', 'w.bin'), new Uint8Array([0, 1, 2, 255]));
    const metricsFile = join(dir, 'metrics.json');
    await writeFile(metricsFile, '{"f1":0.5}\n');
    const run = await MlflowRestTracker.open(base, { env: {} }).startRun('tribar');
    requests = [];
    await run.logArtifacts(modelDir, 'model');
    await run.logArtifact(metricsFile);
    const puts = requests.filter((r) => r.method === 'PUT');
    const root = `/api/2.0/mlflow-artifacts/artifacts/1/${RUN_ID}/artifacts`;
    expect(puts.map((r) => r.url)).toEqual([`${root}/model/MLmodel`, `${root}/model/weights/w.bin`, `${root}/metrics.json`]);
    expect([...(puts[1]?.body ?? [])]).toEqual([0, 1, 2, 255]);
    expect(puts[0]?.headers['content-type']).toBe('application/octet-stream');
  });

  it("names the endpoint, the status and MLflow's error code of a refused request, with a hint on 401", async () => {
    override.set('POST /api/2.0/mlflow/runs/log-batch', () => [
      400,
      { error_code: 'INVALID_PARAMETER_VALUE', message: 'A batch logging request can contain at most 100 params. Got 101 params.' },
    ]);
    const run = await MlflowRestTracker.open(base, { env: {} }).startRun('tribar');
    const error = await run.logMetrics({ a: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MlflowRestError);
    expect(error).toMatchObject({ status: 400, errorCode: 'INVALID_PARAMETER_VALUE', endpoint: '/api/2.0/mlflow/runs/log-batch' });
    override.set('GET /api/2.0/mlflow/experiments/get-by-name', () => [401, { error_code: 'UNAUTHENTICATED', message: 'missing token' }]);
    const denied = await MlflowRestTracker.open(base, { env: {} })
      .startRun('tribar')
      .catch((e: unknown) => e);
    expect((denied as Error).message).toContain('401 UNAUTHENTICATED');
    expect((denied as Error).message).toContain('MLFLOW_TRACKING_TOKEN');
  });

  it('sends MLFLOW_TRACKING_TOKEN as a bearer token', async () => {
    await MlflowRestTracker.open(base, { env: { MLFLOW_TRACKING_TOKEN: 's3cret' } }).startRun('tribar');
    expect(requests.every((r) => r.headers['authorization'] === 'Bearer s3cret')).toBe(true);
  });

  it('refuses a run whose artifacts the server does not proxy, and an unreachable server, with a hint', async () => {
    expect(proxiedArtifactRoot('mlflow-artifacts:/3/abc/artifacts', 'abc')).toBe('3/abc/artifacts');
    expect(proxiedArtifactRoot('mlflow-artifacts://host:5000/3/abc/artifacts', 'abc')).toBe('3/abc/artifacts');
    expect(() => proxiedArtifactRoot('s3://bucket/3/abc/artifacts', 'abc')).toThrow('--serve-artifacts');
    const unreachable = await MlflowRestTracker.open('http://127.0.0.1:9', { env: {} })
      .startRun('x')
      .catch((e: unknown) => e);
    expect(unreachable).toBeInstanceOf(MlflowRestError);
    expect((unreachable as MlflowRestError).errorCode).toBe('UNREACHABLE');
  });
});

describe('file store logArtifacts', () => {
  it('copies a folder’s contents under the artifact path: model/MLmodel, not model/model/MLmodel', async () => {
    const modelDir = join(dir, 'model2');
    await mkdir(modelDir, { recursive: true });
    await writeFile(join(modelDir, 'MLmodel'), 'artifact_path: model\n');
    const tracker = await Tracker.open(join(dir, 'mlruns'));
    const run = await tracker.startRun('tribar');
    await run.logArtifacts(modelDir, 'model');
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(join(run.dir, 'artifacts', 'model'))).toEqual(['MLmodel']);
    await run.end();
  });
});
