import { mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/internal/auth.js';
import { harness, READ_TOKEN, WRITE_TOKEN, type Harness } from './harness.js';
import { writeTrainedRun } from './trained-run.js';

/** Every file under `dir` with its size and modification time: "nothing written" means this does not change. */
function snapshot(dir: string): string {
  const entries = readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
  return entries.map((name) => `${name}:${statSync(join(dir, name)).size}:${statSync(join(dir, name)).mtimeMs}`).join('\n');
}

const read = { authorization: `Bearer ${READ_TOKEN}` };
const write = { authorization: `Bearer ${WRITE_TOKEN}` };
const MODEL = 'trained~logistic-MES-h20';
const bars = (n: number, close: (i: number) => unknown = (i) => 5000 + i) =>
  Array.from({ length: n }, (_, i) => ({
    timestamp: `2025-01-06T14:${String(i).padStart(2, '0')}:00Z`,
    open: 5000,
    high: 5001,
    low: 4999,
    close: close(i),
    volume: 10,
  }));

interface Hostile {
  name: string;
  request: InjectOptions;
  status: number;
  /** A field the body's `fields` (or message) must name. */
  field: string;
  /** Sent over a real socket with the path as written (`inject` and fetch would normalise `..` away first). */
  raw?: boolean;
}

const HOSTILE: Hostile[] = [
  // Bodies
  {
    name: 'bad JSON',
    request: { method: 'POST', url: '/runs', headers: { ...write, 'content-type': 'application/json' }, payload: '{"config": ' },
    status: 400,
    field: 'body',
  },
  { name: 'JSON array body', request: { method: 'POST', url: '/runs', headers: write, payload: [1, 2] }, status: 400, field: 'body' },
  {
    name: 'unknown body field',
    request: { method: 'POST', url: '/runs', headers: write, payload: { confg: {} } },
    status: 400,
    field: 'body.confg',
  },
  {
    name: 'config of the wrong type',
    request: { method: 'POST', url: '/runs', headers: write, payload: { config: 'fast' } },
    status: 400,
    field: 'body.config',
  },
  {
    name: 'seed as a string',
    request: { method: 'POST', url: '/runs', headers: write, payload: { config: { seed: 'x' } } },
    status: 400,
    field: 'body.config.seed',
  },
  {
    name: 'negative horizon',
    request: { method: 'POST', url: '/runs', headers: write, payload: { config: { horizons: [-5] } } },
    status: 400,
    field: 'body.config.horizons.0',
  },
  {
    name: 'unknown config section',
    request: { method: 'POST', url: '/runs', headers: write, payload: { config: { turbo: true } } },
    status: 400,
    field: 'body.config',
  },
  {
    name: 'runs folder redirected',
    request: { method: 'POST', url: '/runs', headers: write, payload: { config: { paths: { runsDir: '/etc' } } } },
    status: 400,
    field: 'body.config.paths',
  },
  {
    name: 'run id with a slash',
    request: { method: 'POST', url: '/runs', headers: write, payload: { runId: '../escape' } },
    status: 400,
    field: 'body.runId',
  },
  {
    name: 'run id as a number',
    request: { method: 'POST', url: '/runs', headers: write, payload: { runId: 42 } },
    status: 400,
    field: 'body.runId',
  },
  {
    name: 'an existing run id',
    request: { method: 'POST', url: '/runs', headers: write, payload: { runId: 'trained' } },
    status: 409,
    field: 'body.runId',
  },
  {
    name: 'huge body',
    request: { method: 'POST', url: '/runs', headers: write, payload: { config: { description: 'x'.repeat(70_000) } } },
    status: 413,
    field: 'body',
  },
  {
    name: 'text body',
    request: { method: 'POST', url: '/runs', headers: { ...write, 'content-type': 'text/plain' }, payload: 'start please' },
    status: 415,
    field: 'body',
  },
  // Run ids and paths
  { name: 'unknown run', request: { method: 'GET', url: '/runs/nope', headers: read }, status: 404, field: 'params.runId' },
  { name: 'run id with dots first', request: { method: 'GET', url: '/runs/..hidden', headers: read }, status: 400, field: 'params.runId' },
  {
    name: 'run id too long',
    request: { method: 'GET', url: `/runs/${'a'.repeat(200)}`, headers: read },
    status: 400,
    field: 'params.runId',
  },
  {
    name: 'cancel an idle run',
    request: { method: 'POST', url: '/runs/trained/cancel', headers: write },
    status: 409,
    field: 'params.runId',
  },
  {
    name: 'resume an unknown run',
    request: { method: 'POST', url: '/runs/ghost/resume', headers: write },
    status: 404,
    field: 'params.runId',
  },
  {
    name: 'traversal in an artifact path',
    request: { method: 'GET', url: '/runs/trained/artifacts/../../secret.txt', headers: read },
    status: 400,
    field: 'params.*',
    raw: true,
  },
  {
    name: 'encoded traversal',
    request: { method: 'GET', url: '/runs/trained/artifacts/cut/%2e%2e/%2e%2e/secret.txt', headers: read },
    status: 400,
    field: 'params.*',
    raw: true,
  },
  {
    name: 'absolute artifact path',
    request: { method: 'GET', url: '/runs/trained/artifacts//etc/passwd', headers: read },
    status: 400,
    field: 'params.*',
  },
  {
    name: 'backslash artifact path',
    request: { method: 'GET', url: '/runs/trained/artifacts/..%5C..%5Csecret.txt', headers: read },
    status: 400,
    field: 'params.*',
    raw: true,
  },
  {
    name: 'NUL in an artifact path',
    request: { method: 'GET', url: '/runs/trained/artifacts/state.json%00.txt', headers: read },
    status: 400,
    field: 'params.*',
  },
  {
    name: 'symlink out of the run',
    request: { method: 'GET', url: '/runs/trained/artifacts/escape.txt', headers: read },
    status: 400,
    field: 'params.*',
  },
  {
    name: 'missing artifact',
    request: { method: 'GET', url: '/runs/trained/artifacts/cut/none.json', headers: read },
    status: 404,
    field: 'params.*',
  },
  {
    name: 'bars in two forms at once',
    request: { method: 'POST', url: `/models/${MODEL}/predict`, headers: read, payload: { json: bars(10), csv: 'timestamp,open\n' } },
    status: 400,
    field: 'body',
  },
  {
    name: 'partner bars under a lower-case symbol',
    request: {
      method: 'POST',
      url: `/models/${MODEL}/predict`,
      headers: read,
      payload: { json: bars(10), partners: { mgc: { json: bars(10) } } },
    },
    status: 400,
    field: 'body.partners',
  },
  {
    name: 'NaN price in partner bars',
    request: {
      method: 'POST',
      url: `/models/${MODEL}/predict`,
      headers: read,
      payload: { json: bars(10), partners: { MGC: { json: bars(10, (i) => (i === 4 ? 'NaN' : 2000)) } } },
    },
    status: 400,
    field: 'body.partners.MGC.json.4.close',
  },
  {
    name: 'study name with a slash',
    request: { method: 'GET', url: '/studies/a/b', headers: read },
    status: 400,
    field: 'params.name',
    raw: true,
  },
  {
    name: 'study name with an encoded slash',
    request: { method: 'GET', url: '/studies/..%2F..%2Fsecret', headers: read },
    status: 400,
    field: 'params.name',
  },
  {
    name: 'study name that climbs',
    request: { method: 'GET', url: '/studies/../secret', headers: read },
    status: 400,
    field: 'params.name',
    raw: true,
  },
  { name: 'study name ..', request: { method: 'GET', url: '/studies/..', headers: read }, status: 400, field: 'params.name', raw: true },
  {
    name: 'study name with .. inside',
    request: { method: 'GET', url: '/studies/x..y', headers: read },
    status: 400,
    field: 'params.name',
  },
  {
    name: 'absolute study path',
    request: { method: 'GET', url: '/studies//etc/passwd', headers: read },
    status: 400,
    field: 'params.name',
    raw: true,
  },
  {
    name: 'encoded absolute study path',
    request: { method: 'GET', url: '/studies/%2Fetc%2Fpasswd', headers: read },
    status: 400,
    field: 'params.name',
  },
  {
    name: 'backslash study path',
    request: { method: 'GET', url: '/studies/..%5Csecret', headers: read },
    status: 400,
    field: 'params.name',
  },
  { name: 'unknown study', request: { method: 'GET', url: '/studies/nope', headers: read }, status: 404, field: 'params.name' },
  {
    name: 'report of a run without one',
    request: { method: 'GET', url: '/runs/trained/report', headers: read },
    status: 404,
    field: 'params.*',
  },
  // Tokens
  { name: 'no token', request: { method: 'GET', url: '/runs' }, status: 401, field: 'headers.authorization' },
  {
    name: 'not a bearer token',
    request: { method: 'GET', url: '/runs', headers: { authorization: `Basic ${READ_TOKEN}` } },
    status: 401,
    field: 'headers.authorization',
  },
  {
    name: 'wrong token',
    request: { method: 'GET', url: '/runs', headers: { authorization: 'Bearer wrong-token' } },
    status: 401,
    field: 'headers.authorization',
  },
  {
    name: 'read token starting a run',
    request: { method: 'POST', url: '/runs', headers: read, payload: {} },
    status: 403,
    field: 'headers.authorization',
  },
  {
    name: 'read token cancelling',
    request: { method: 'POST', url: '/runs/trained/cancel', headers: read },
    status: 403,
    field: 'headers.authorization',
  },
  // Tracked runs
  { name: 'tracked id not hex', request: { method: 'GET', url: '/tracked/zz-top', headers: read }, status: 400, field: 'params.runId' },
  { name: 'compare one run', request: { method: 'GET', url: '/tracked/compare?ids=abc', headers: read }, status: 400, field: 'query.ids' },
  {
    name: 'compare a bad id',
    request: { method: 'GET', url: '/tracked/compare?ids=abc,../x', headers: read },
    status: 400,
    field: 'query.ids.1',
  },
  {
    name: 'unknown query field',
    request: { method: 'GET', url: '/tracked?experimnt=x', headers: read },
    status: 400,
    field: 'querystring.experimnt',
  },
  // Predict
  {
    name: 'predict unknown model',
    request: { method: 'POST', url: '/models/trained~mlp-MES-h20/predict', headers: read, payload: { json: bars(10) } },
    status: 404,
    field: 'params.id',
  },
  {
    name: 'predict malformed model id',
    request: { method: 'POST', url: '/models/..~x/predict', headers: read, payload: { json: bars(10) } },
    status: 400,
    field: 'params.id',
  },
  {
    name: 'predict with no bars',
    request: { method: 'POST', url: `/models/${MODEL}/predict`, headers: read, payload: {} },
    status: 400,
    field: 'body',
  },
  {
    name: 'predict with an empty list',
    request: { method: 'POST', url: `/models/${MODEL}/predict`, headers: read, payload: { json: [] } },
    status: 400,
    field: 'body',
  },
  {
    name: 'predict with NaN price',
    request: {
      method: 'POST',
      url: `/models/${MODEL}/predict`,
      headers: read,
      payload: { json: bars(10, (i) => (i === 7 ? 'NaN' : 5000)) },
    },
    status: 400,
    field: 'body.json.7.close',
  },
  {
    name: 'predict with null price',
    request: {
      method: 'POST',
      url: `/models/${MODEL}/predict`,
      headers: read,
      payload: { json: bars(10, (i) => (i === 3 ? null : 5000)) },
    },
    status: 400,
    field: 'body.json.3.close',
  },
  {
    name: 'predict with too few bars',
    request: { method: 'POST', url: `/models/${MODEL}/predict`, headers: read, payload: { json: bars(4) } },
    status: 422,
    field: 'too few bars',
  },
  { name: 'unknown route', request: { method: 'GET', url: '/admin', headers: read }, status: 404, field: 'url' },
];

describe('malformed and hostile requests', () => {
  let h: Harness;
  let port = 0;
  /** The request over a socket, path untouched, answered as `inject` answers (status, body, json()). */
  const rawRequest = (request: InjectOptions) =>
    new Promise<{ statusCode: number; body: string; json: () => unknown }>((resolve, reject) => {
      const call = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: request.method ?? 'GET',
          path: request.url as string,
          headers: request.headers as Record<string, string>,
        },
        (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve({ statusCode: response.statusCode ?? 0, body, json: () => JSON.parse(body) as unknown }));
        },
      );
      call.on('error', reject);
      call.end();
    });
  beforeAll(async () => {
    h = await harness({
      tokens: [
        { name: 'reader', sha256: sha256Hex(READ_TOKEN), scopes: ['read'] },
        { name: 'writer', sha256: sha256Hex(WRITE_TOKEN), scopes: ['read', 'write'] },
      ],
      bodyLimitBytes: 64 * 1024,
    });
    await writeTrainedRun(h.runsDir, 'trained');
    writeFileSync(join(h.root, 'secret.txt'), 'TOP-SECRET-CONTENT');
    mkdirSync(join(h.runsDir, 'trained', 'cut'), { recursive: true });
    symlinkSync(join(h.root, 'secret.txt'), join(h.runsDir, 'trained', 'escape.txt'));
    const url = await h.app.listen({ host: '127.0.0.1', port: 0 });
    port = Number(new URL(url).port);
  });
  afterAll(() => h.close());

  it(`has at least 30 cases (${HOSTILE.length})`, () => expect(HOSTILE.length).toBeGreaterThanOrEqual(30));

  it.each(HOSTILE)(
    '$name → $status naming $field; the server keeps serving and writes nothing',
    async ({ request, status, field, raw }) => {
      const before = snapshot(h.root);
      const response = raw ? await rawRequest(request) : await h.app.inject(request);
      expect(response.statusCode, response.body).toBe(status);
      const body = response.json() as { message: string; fields?: Array<{ field: string }>; code: string };
      expect(body.code).toMatch(/^[A-Z_]+$/);
      const named = [...(body.fields ?? []).map((f) => f.field), body.message].join(' | ');
      expect(named, response.body).toContain(field);
      expect(response.body).not.toContain('TOP-SECRET-CONTENT');
      expect(snapshot(h.root)).toBe(before);
      const health = await h.app.inject({ method: 'GET', url: '/health' });
      expect(health.statusCode).toBe(200);
    },
  );

  it('a valid read token reads, a write token may start (scopes are not a blanket refusal)', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/runs', headers: read })).statusCode).toBe(200);
    const predicted = await h.app.inject({ method: 'POST', url: `/models/${MODEL}/predict`, headers: read, payload: { json: bars(8) } });
    expect(predicted.statusCode, predicted.body).toBe(200);
    expect(predicted.json()).toMatchObject({ rows: 3, classes: ['short', 'neutral', 'long'] });
    expect(predicted.json().predictions[0]).toEqual({ timestampMs: 1_700_000_000_000, proba: [0.25, 0.5, 0.25] });
  });
});
