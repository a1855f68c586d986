import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@tribar/config';
import { ArtifactManifest, readArrowFile, tableToBars } from '@tribar/core';
import { registeredStages, runPipeline } from '../src/index.js';

const repoRoot = join(import.meta.dirname, '../../..');
const sharedData = join(repoRoot, '../shared/data');
const MES_FILE = join(sharedData, 'mes_1m_20260120_20260408.csv');
const MGC_FILE = join(sharedData, 'mgc_1m_20260121_20260326.csv');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tribar-phase1-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIVE_MINUTES = 5 * 60_000;

describe('the registered Phase 1 stages on the synthetic default (three weeks)', () => {
  it('write clean five-minute bars and ≥ 110 features per symbol, then skip everything on a re-run', async () => {
    const { config } = await loadConfig({ overrides: ['data.synthetic.days=21'] });
    const runsDir = join(dir, 'synthetic');
    const result = await runPipeline({ stages: registeredStages(), config, runsDir, runId: 'syn' });
    expect(result.status).toBe('completed');
    expect(result.state.order).toEqual(['ingest', 'clean', 'features', 'labels-initial', 'ga-optimize', 'labels-final']);

    for (const symbol of ['MES', 'MGC']) {
      const clean = tableToBars(await readArrowFile(join(result.runDir, `clean/${symbol}.arrow`)));
      expect(clean.symbol).toBe(symbol);
      expect(clean.timestamp.length).toBeGreaterThan(3000);
      for (let i = 0; i < clean.timestamp.length; i++) {
        expect((clean.timestamp[i] as number) % FIVE_MINUTES).toBe(0);
        if (i > 0) expect(clean.timestamp[i]).toBeGreaterThan(clean.timestamp[i - 1] as number);
      }
      const features = await readArrowFile(join(result.runDir, `features/${symbol}.arrow`));
      const base = new Set(['timestamp', 'open', 'high', 'low', 'close', 'volume']);
      const featureColumns = features.schema.fields.filter((field) => !base.has(field.name));
      expect(featureColumns.length).toBeGreaterThanOrEqual(110);
    }
    const manifest = await ArtifactManifest.open(result.runDir, 'syn');
    expect(manifest.list().map((entry) => entry.path)).toEqual(
      expect.arrayContaining(['ingest/MES.arrow', 'ingest/ingest-report.json', 'clean/MGC.arrow', 'clean/clean-report.json', 'features/feature-manifest.json']),
    );
    expect(await manifest.verify()).toEqual([]);

    const again = await runPipeline({ stages: registeredStages(), config, runsDir, runId: 'syn' });
    expect(Object.values(again.state.stages).map((record) => record.reused)).toEqual([true, true, true, true, true, true]);
  }, 120_000);
});

describe.skipIf(!existsSync(MES_FILE) || !existsSync(MGC_FILE))('configs/real-mes-mgc.yaml on the real files', () => {
  it('back-adjusts exactly the two known rolls and writes five-minute bars', async () => {
    const { config } = await loadConfig({
      file: join(repoRoot, 'configs/real-mes-mgc.yaml'),
      overrides: [`data.files.MES=${MES_FILE}`, `data.files.MGC=${MGC_FILE}`],
    });
    const result = await runPipeline({ stages: registeredStages(), config, runsDir: join(dir, 'real'), runId: 'real', only: ['ingest', 'clean'] });
    expect(result.status).toBe('completed');
    const report = JSON.parse(await readFile(join(result.runDir, 'clean/clean-report.json'), 'utf8')) as {
      symbols: { symbol: string; rolls: { time: string; gap: number; source: string }[]; inputBars: number }[];
    };
    const rolls = Object.fromEntries(report.symbols.map((s) => [s.symbol, s.rolls.map(({ time, gap, source }) => ({ time, gap, source }))]));
    expect(rolls).toEqual({
      MES: [{ time: '2026-03-15T22:00:00.000Z', gap: 49.5, source: 'calendar' }],
      MGC: [{ time: '2026-01-25T23:00:00.000Z', gap: 36, source: 'calendar' }],
    });
    expect(report.symbols.map((s) => s.inputBars)).toEqual([77_175, 64_543]);

    // Back-adjusted by difference: every MES bar before the roll moved up by exactly 49.5.
    const raw = tableToBars(await readArrowFile(join(result.runDir, 'ingest/MES.arrow')));
    const rollAt = Date.parse('2026-03-15T22:00:00Z');
    const clean = tableToBars(await readArrowFile(join(result.runDir, 'clean/MES.arrow')));
    const firstFive = clean.timestamp[0] as number;
    expect(firstFive).toBeLessThan(rollAt);
    const rawFirstBinClose = raw.close[raw.timestamp.findIndex((t) => t >= firstFive + FIVE_MINUTES) - 1] as number;
    expect(clean.close[0]).toBeCloseTo(rawFirstBinClose + 49.5, 9);
  }, 120_000);
});
