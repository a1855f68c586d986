import { join } from 'node:path';
import { Ajv } from 'ajv';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from './harness.js';
import { writeStudy } from './study-fixture.js';
import { writeTrainedRun } from './trained-run.js';
import { writeTrackedRuns } from './tracked-runs.js';

interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
}

/** Every route and a request that reaches it, with success and refusals (the statuses the document must cover). */
function requests(tracked: readonly string[]): Array<{ route: string; method: string; request: InjectOptions }> {
  const [a = '', b = ''] = tracked;
  const bars = Array.from({ length: 9 }, (_, i) => ({
    timestamp: 1_736_000_000_000 + i * 60_000,
    open: 1,
    high: 2,
    low: 0.5,
    close: 1.5,
    volume: 3,
  }));
  return [
    { route: '/health', method: 'get', request: { url: '/health' } },
    { route: '/runs', method: 'get', request: { url: '/runs' } },
    { route: '/runs', method: 'post', request: { method: 'POST', url: '/runs', payload: { runId: 'trained' } } },
    { route: '/runs', method: 'post', request: { method: 'POST', url: '/runs', payload: { config: { seed: -1.5 } } } },
    { route: '/runs/{runId}', method: 'get', request: { url: '/runs/trained' } },
    { route: '/runs/{runId}', method: 'get', request: { url: '/runs/missing' } },
    { route: '/runs/{runId}/cancel', method: 'post', request: { method: 'POST', url: '/runs/trained/cancel' } },
    { route: '/runs/{runId}/resume', method: 'post', request: { method: 'POST', url: '/runs/missing/resume' } },
    { route: '/runs/{runId}/artifacts', method: 'get', request: { url: '/runs/trained/artifacts' } },
    { route: '/runs/{runId}/artifacts/{*}', method: 'get', request: { url: '/runs/trained/artifacts/nothing.json' } },
    { route: '/runs/{runId}/report', method: 'get', request: { url: '/runs/trained/report' } },
    { route: '/runs/{runId}/events', method: 'get', request: { url: '/runs/missing/events' } },
    { route: '/models', method: 'get', request: { url: '/models' } },
    {
      route: '/models/{id}/predict',
      method: 'post',
      request: { method: 'POST', url: '/models/trained~logistic-MES-h20/predict', payload: { json: bars } },
    },
    {
      route: '/models/{id}/predict',
      method: 'post',
      request: { method: 'POST', url: '/models/trained~logistic-MES-h20/predict', payload: { json: bars.slice(0, 3) } },
    },
    { route: '/tracked', method: 'get', request: { url: '/tracked' } },
    { route: '/tracked/{runId}', method: 'get', request: { url: `/tracked/${a}` } },
    { route: '/tracked/{runId}', method: 'get', request: { url: '/tracked/ffffffff' } },
    { route: '/tracked/compare', method: 'get', request: { url: `/tracked/compare?ids=${a},${b}` } },
    { route: '/studies', method: 'get', request: { url: '/studies' } },
    { route: '/studies/{name}', method: 'get', request: { url: '/studies/logistic-MES-h20' } },
    { route: '/studies/{name}', method: 'get', request: { url: '/studies/missing' } },
    { route: '/studies/{name}', method: 'get', request: { url: '/studies/..%2Fsecret' } },
  ];
}

describe('contract: every response validates against /openapi.json', () => {
  let h: Harness;
  let doc: OpenApi;
  let tracked: string[];
  const ajv = new Ajv({ strict: false, allErrors: true });

  beforeAll(async () => {
    h = await harness();
    await writeTrainedRun(h.runsDir, 'trained');
    tracked = await writeTrackedRuns(h.root, h.runsDir, 'trained');
    await writeStudy(join(h.root, 'studies'), 'logistic-MES-h20');
    doc = (await h.app.inject({ url: '/openapi.json' })).json() as OpenApi;
    ajv.addSchema(doc, 'openapi.json');
  });
  afterAll(() => h.close());

  it('is an OpenAPI 3 document with a docs page', async () => {
    expect(doc.openapi).toMatch(/^3\./);
    const docs = await h.app.inject({ url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });

  it('documents every route the server has, and every route is exercised here', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`));
    const exercised = new Set(requests(tracked).map(({ route, method }) => `${method} ${route}`));
    expect([...exercised].sort()).toEqual(documented.sort());
  });

  it('validates the body of every response (successes and refusals) against the documented schema of its status', async () => {
    const seen: string[] = [];
    for (const { route, method, request } of requests(tracked)) {
      const response: LightMyRequestResponse = await h.app.inject(request);
      const documented = doc.paths[route]?.[method]?.responses[String(response.statusCode)];
      expect(
        documented,
        `${method} ${route} answered ${response.statusCode}, which the document does not list: ${response.body}`,
      ).toBeDefined();
      seen.push(`${method} ${route} ${response.statusCode}`);
      const type = (response.headers['content-type'] as string | undefined) ?? '';
      if (!type.startsWith('application/json')) continue;
      const pointer = `openapi.json#/paths/${route.replaceAll('~', '~0').replaceAll('/', '~1')}/${method}/responses/${response.statusCode}/content/application~1json/schema`;
      const validate = ajv.getSchema(pointer) ?? ajv.compile({ $ref: pointer });
      const valid = validate(response.json());
      expect(valid, `${method} ${route} ${response.statusCode}: ${ajv.errorsText(validate.errors)}\n${response.body.slice(0, 500)}`).toBe(
        true,
      );
    }
    // Both success and refusal bodies were checked.
    expect(seen.filter((line) => line.endsWith(' 200')).length).toBeGreaterThanOrEqual(11);
    expect(seen.filter((line) => /\s4\d\d$/.test(line)).length).toBeGreaterThanOrEqual(10);
  });
});
