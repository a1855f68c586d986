import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bars } from '@tribar/market';

/**
 * The real TopstepX bars of /work/shared/data (see its README): internal fixtures that must
 * never be copied into the repository, so tests read them in place and skip when absent.
 * A minimal parser of their known format keeps these tests independent of src/read.
 */
const realDataDir = join(import.meta.dirname, '..', '..', '..', '..', '..', 'shared', 'data');
export const MES_1M = 'mes_1m_20260120_20260408.csv';
export const MGC_1M = 'mgc_1m_20260121_20260326.csv';

export const hasRealData = (file: string): boolean => existsSync(join(realDataDir, file));

export function readRealBars(file: string, symbol: string): Bars {
  const lines = readFileSync(join(realDataDir, file), 'utf8').trim().split('\n');
  const n = lines.length - 1;
  const bars: Bars = {
    symbol,
    timestamp: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    columns: {},
  };
  for (let i = 0; i < n; i++) {
    const [time, open, high, low, close, volume] = (lines[i + 1] as string).split(',');
    bars.timestamp[i] = Date.parse(time as string);
    bars.open[i] = Number(open);
    bars.high[i] = Number(high);
    bars.low[i] = Number(low);
    bars.close[i] = Number(close);
    bars.volume[i] = Number(volume);
  }
  return bars;
}
