import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConfigSchema, type ApiConfig } from '@tribar/config';
import { silentLogger } from '@tribar/core';
import { buildApp, type TribarApi } from '../src/internal/app.js';
import type { LoadPredictor, PredictorLike } from '../src/internal/predictor.js';

export const READ_TOKEN = 'read-token-0123456789';
export const WRITE_TOKEN = 'write-token-0123456789';

export interface Harness extends TribarApi {
  root: string;
  runsDir: string;
  predictCalls: number;
  /** Partner symbols of the fake predictor's last predict call, in order. */
  lastPartners: string[];
  close(): Promise<void>;
}

/** A fake predictor: one row per JSON bar (after the first 5, its "warm-up"), probabilities from the close. */
const fakeLoadPredictor =
  (harness: { predictCalls: number; lastPartners: string[] }): LoadPredictor =>
  async ({ model, symbol, horizon }) => {
    const predictor: PredictorLike = {
      info: { runId: 'x', model, symbol, horizon, inputKind: 'tabular', features: ['f1'], warmupBars: 5, barMinutes: 5, card: {} },
      async predict(bars, options) {
        harness.predictCalls += 1;
        harness.lastPartners = Object.keys(options?.partners ?? {}).sort();
        const rows = 'json' in bars ? bars.json.length - 5 : 0;
        if (rows <= 0) {
          const { TribarError } = await import('@tribar/core');
          throw new TribarError('INSUFFICIENT_HISTORY', `too few bars: ${'json' in bars ? bars.json.length : 0} given, 6 needed`, {
            hint: 'send more history',
          });
        }
        const timestampMs = new Float64Array(rows).map((_, i) => 1_700_000_000_000 + i * 300_000);
        const proba = new Float32Array(rows * 3).map((_, i) => [0.25, 0.5, 0.25][i % 3] as number);
        return { rows, timestampMs, proba };
      },
      dispose() {},
    };
    return predictor;
  };

/**
 * An app over a fresh temporary runs folder; `api` overrides the config's api section; `loadPredictor` replaces the
 * fake predictor (the real `@tribar/inference` one, for instance).
 */
export async function harness(
  api: Partial<ApiConfig> = {},
  env: Record<string, string> = {},
  options: { loadPredictor?: LoadPredictor } = {},
): Promise<Harness> {
  const root = mkdtempSync(join(tmpdir(), 'tribar-api-'));
  const runsDir = join(root, 'runs');
  const base = runConfigSchema.parse({}).api;
  const state = { predictCalls: 0, lastPartners: [] as string[] };
  const built = await buildApp({
    api: { ...base, ...api },
    runsDir,
    trackingDir: join(root, 'mlruns'),
    studiesDir: join(root, 'studies'),
    logger: silentLogger(),
    env,
    loadPredictor: options.loadPredictor ?? fakeLoadPredictor(state),
    runLogLevel: 'warn',
  });
  return Object.assign(state, built, {
    root,
    runsDir,
    async close() {
      await built.app.close();
      rmSync(root, { recursive: true, force: true });
    },
  });
}
