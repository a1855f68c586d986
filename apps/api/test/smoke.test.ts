import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from './harness.js';

describe('smoke', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(() => h.close());
  it('health and openapi', async () => {
    const health = await h.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    const doc = await h.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(doc.statusCode).toBe(200);
    console.log(Object.keys(doc.json().paths));
    const runs = await h.app.inject({ method: 'GET', url: '/runs' });
    console.log(runs.body);
    const bad = await h.app.inject({ method: 'POST', url: '/runs', payload: { config: { seed: 'x' } } });
    console.log(bad.body);
    const bad2 = await h.app.inject({ method: 'POST', url: '/runs', payload: { foo: 1 } });
    console.log(bad2.body);
  });
});
