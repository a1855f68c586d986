import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConfigSchema } from '@tribar/config';
import { silentLogger } from '@tribar/core';
import { afterAll, describe, expect, it } from 'vitest';
import { authorize, checkExposure, sha256Hex, tokensFrom } from '../src/internal/auth.js';
import { startServer } from '../src/internal/serve.js';
import { harness, READ_TOKEN, WRITE_TOKEN } from './harness.js';

const api = runConfigSchema.parse({}).api;
const cwd = mkdtempSync(join(tmpdir(), 'tribar-api-auth-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('tokens', () => {
  it('keeps only hashes: config tokens as given, environment tokens hashed with their scopes', () => {
    const tokens = tokensFrom(
      { ...api, tokens: [{ name: 'ci', sha256: sha256Hex('abc'), scopes: ['read'] }] },
      { TRIBAR_API_TOKEN: WRITE_TOKEN },
    );
    expect(tokens.map((t) => [t.name, t.hash.toString('hex'), t.scopes])).toEqual([
      ['ci', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', ['read']],
      ['env:TRIBAR_API_TOKEN', sha256Hex(WRITE_TOKEN), ['read', 'write']],
    ]);
    expect(JSON.stringify(tokens)).not.toContain(WRITE_TOKEN);
  });

  it('401 without or with a wrong token, 403 with too few scopes, nothing asked on public routes', () => {
    const tokens = tokensFrom(api, { TRIBAR_API_READ_TOKEN: READ_TOKEN });
    expect(() => authorize(tokens, 'read', undefined)).toThrow(expect.objectContaining({ statusCode: 401, code: 'UNAUTHORIZED' }));
    expect(() => authorize(tokens, 'read', 'Bearer nope')).toThrow(expect.objectContaining({ statusCode: 401 }));
    expect(() => authorize(tokens, 'write', `Bearer ${READ_TOKEN}`)).toThrow(
      expect.objectContaining({ statusCode: 403, code: 'FORBIDDEN' }),
    );
    expect(() => authorize(tokens, 'read', `Bearer ${READ_TOKEN}`)).not.toThrow();
    expect(() => authorize(tokens, 'public', undefined)).not.toThrow();
  });

  it('refuses a non-loopback address without a token, allows loopback or a token', () => {
    expect(() => checkExposure('0.0.0.0', [])).toThrow(/refusing to listen on 0\.0\.0\.0 without a token/);
    expect(() => checkExposure('192.168.1.4', [])).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(() => checkExposure('127.0.0.1', [])).not.toThrow();
    expect(() => checkExposure('::1', [])).not.toThrow();
    expect(() => checkExposure('0.0.0.0', tokensFrom(api, { TRIBAR_API_TOKEN: 'x' }))).not.toThrow();
  });

  it('startServer refuses 0.0.0.0 without a token before listening', async () => {
    await expect(startServer({ cwd, env: {}, overrides: ['api.host=0.0.0.0', 'api.port=0'], logger: silentLogger() })).rejects.toThrow(
      /without a token/,
    );
  });
});

describe('limits and CORS', () => {
  it('rate-limits predict per client with a 429 that says so; other routes are not limited', async () => {
    const h = await harness({ rateLimit: { predictPerMinute: 2 } });
    try {
      const bars = Array.from({ length: 7 }, (_, i) => ({ timestamp: i, open: 1, high: 1, low: 1, close: 1 }));
      const { writeTrainedRun } = await import('./trained-run.js');
      await writeTrainedRun(h.runsDir, 'trained');
      const predict = () => h.app.inject({ method: 'POST', url: '/models/trained~logistic-MES-h20/predict', payload: { json: bars } });
      expect((await predict()).statusCode).toBe(200);
      expect((await predict()).statusCode).toBe(200);
      const limited = await predict();
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringContaining('more than 2 requests a minute') });
      for (let i = 0; i < 5; i++) expect((await h.app.inject({ url: '/runs' })).statusCode).toBe(200);
    } finally {
      await h.close();
    }
  });

  it('sends no CORS headers by default, and the configured origin only when set', async () => {
    const closed = await harness();
    const open = await harness({ cors: { origins: ['https://notebook.example'] } });
    try {
      const headers = { origin: 'https://notebook.example' };
      expect((await closed.app.inject({ url: '/health', headers })).headers['access-control-allow-origin']).toBeUndefined();
      expect((await open.app.inject({ url: '/health', headers })).headers['access-control-allow-origin']).toBe('https://notebook.example');
      expect(
        (await open.app.inject({ url: '/health', headers: { origin: 'https://evil.example' } })).headers['access-control-allow-origin'],
      ).toBeUndefined();
    } finally {
      await closed.close();
      await open.close();
    }
  });

  it('keeps the API document and its docs page public when tokens are required', async () => {
    const h = await harness({}, { TRIBAR_API_TOKEN: WRITE_TOKEN });
    try {
      expect((await h.app.inject({ url: '/openapi.json' })).statusCode).toBe(200);
      expect((await h.app.inject({ url: '/docs/' })).statusCode).toBe(200);
      expect((await h.app.inject({ url: '/dashboard/' })).statusCode).toBe(200);
      expect((await h.app.inject({ url: '/runs' })).statusCode).toBe(401);
    } finally {
      await h.close();
    }
  });
});
