import { defaultConfig, type RunConfig } from '@tribar/config';
import { computeFeatures, featureTable } from '@tribar/features';
import { cleanBars, cleanOptionsFromConfig, readBars, repairBars, resampleBars } from '@tribar/ingest';
import { countBefore, mapBarColumns, type Bars } from '@tribar/market';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Issue 13 ("Look-ahead and causality", rolls), end to end across the two data stages: with
 * `clean.rolls.direction: forward`, running ingest's repair + clean + resample and every feature
 * on the real MES bars ≤ T gives, at every bar before T, the same value in every column of
 * `features/MES.arrow` as running on all bars; with `back` the cuts before the roll differ in 80.
 */
// Real TopstepX files beside the repository (../shared/data, see its README): never copied in.
const DATA = join(import.meta.dirname, '../../../../shared/data');
const MES = `${DATA}/mes_1m_20260120_20260408.csv`;
const MGC = `${DATA}/mgc_1m_20260121_20260326.csv`;

/** The file's bars from `from` on, read as the ingest stage reads it. */
async function read(file: string, symbol: string, from: number): Promise<Bars> {
  const { bars } = await readBars(file, { symbol });
  const start = countBefore(bars.timestamp, from);
  return mapBarColumns(bars, (values) => values.slice(start));
}

const head = (bars: Bars, n: number): Bars => mapBarColumns(bars, (values) => values.slice(0, n));

/** ingest + clean (repair, clean, resample to 5 minutes) and features, as the stages run them. */
function featureColumns(mesRaw: Bars, mgcRaw: Bars, config: RunConfig): Record<string, Float64Array> {
  const clean = (raw: Bars) =>
    resampleBars(
      cleanBars(repairBars(raw, { tickSize: config.contracts[raw.symbol]!.tickSize }).bars, cleanOptionsFromConfig(config, raw.symbol))
        .bars,
      5,
    );
  const mes = clean(mesRaw);
  const features = computeFeatures(mes, {
    config: { ...config.features, fracdiff: { ...config.features.fracdiff, d: 0.4 } }, // 'auto' fits d on the train part of the cut
    symbols: config.symbols,
    barMinutes: 5,
    trainFraction: 0.7,
    partners: new Map([['MGC', clean(mgcRaw)]]),
  });
  const table = featureTable(mes, features);
  return {
    timestamp: table.timestamp,
    open: table.open,
    high: table.high,
    low: table.low,
    close: table.close,
    volume: table.volume,
    ...table.columns,
  };
}

function changedColumns(full: Record<string, Float64Array>, cut: Record<string, Float64Array>, t: number): string[] {
  const n = countBefore(cut['timestamp']!, t);
  expect(countBefore(full['timestamp']!, t)).toBe(n);
  return Object.keys(full).filter((name) => {
    const [x, y] = [full[name]!, cut[name]];
    if (!y) return true;
    for (let i = 0; i < n; i++) if (!Object.is(x[i], y[i])) return true;
    return false;
  });
}

describe.skipIf(!existsSync(MES) || !existsSync(MGC))(
  'forward roll adjustment: clean + features on real MES, bars after T change nothing before T',
  () => {
    const from = Date.parse('2026-02-09T00:00:00Z');
    let mes: Bars;
    let mgc: Bars;
    beforeAll(async () => {
      [mes, mgc] = await Promise.all([read(MES, 'MES', from), read(MGC, 'MGC', from)]);
    });
    // MES rolls at the 2026-03-15 22:00 UTC open (the cut there keeps the Friday close before it).
    const cuts = ['2026-03-11T15:00:00Z', '2026-03-15T22:00:00Z', '2026-03-15T22:05:00Z', '2026-03-16T15:00:00Z', '2026-03-25T18:00:00Z'];
    const run = (direction: 'back' | 'forward') => {
      const base = defaultConfig();
      const config: RunConfig = { ...base, clean: { ...base.clean, rolls: { ...base.clean.rolls, direction } } };
      const full = featureColumns(mes, mgc, config);
      return cuts.map((iso) => {
        const t = Date.parse(iso);
        return changedColumns(
          full,
          featureColumns(head(mes, countBefore(mes.timestamp, t)), head(mgc, countBefore(mgc.timestamp, t)), config),
          t,
        ).length;
      });
    };

    it('forward: no column differs at any cut; back: 80 columns before the roll', () => {
      expect(run('forward')).toEqual([0, 0, 0, 0, 0]);
      expect(run('back')).toEqual([80, 80, 0, 0, 0]);
    });
  },
);
