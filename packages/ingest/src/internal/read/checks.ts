/**
 * Whole-file checks after a read, before anything is written: things no single row shows.
 *
 * - **Two series in one file**: duplicate timestamps whose prices disagree by far more than a
 *   tick (MES and MGC rows interleaved: half the rows used to be dropped as "duplicates" and
 *   the "MES" series was 99 % gold). Many of them are an error; a few are kept-first as
 *   before, with a warning naming the first pair. Exact repeats of a row stay silent repairs.
 * - **An all-empty volume column**: read as zeros before with no word; now a warning.
 * - **Bars far sparser than declared**: an hourly file configured as one-minute bars died
 *   seven stages later in validate; the median spacing is measured here.
 */
import { DataError } from '@tribar/core';
import { quoteCell } from './quote.js';
import type { ReadResult } from './types.js';

/** A read with the file's own row numbering, so checks can name rows as a person counts them. */
export interface RawRead extends ReadResult {
  /** 1-based line (CSV, header = 1) or row (tables) of bar `index` as read. */
  rowOf(index: number): number;
}

export interface SeriesCheckOptions {
  /** Declared bar length in minutes (`timeframes.sourceMinutes`); omitted → spacing not checked. */
  barMinutes?: number;
}

/** Prices of one timestamp's rows further apart than this (relative) are two series, not a repeat. */
const CONFLICT_RELATIVE = 0.01;
/** Conflicting duplicate rows at or above max(this, CONFLICT_SHARE of the rows) are an error. */
const CONFLICT_MIN_ROWS = 10;
const CONFLICT_SHARE = 0.001;
/** Median spacing above this many declared bar lengths fails the read. */
const SPACING_FACTOR = 3;
/** Steps longer than this are halts, weekends or holidays, left out of the median. */
const SESSION_STEP_MINUTES = 12 * 60;
/** Fewer in-session steps than this: too few to judge the spacing. */
const MIN_SPACING_STEPS = 20;

const iso = (ms: number): string => new Date(ms).toISOString();

function pricesApart(bars: ReadResult['bars'], a: number, b: number): number {
  let worst = 0;
  for (const column of [bars.open, bars.close]) {
    const x = column[a] as number;
    const y = column[b] as number;
    const scale = Math.max(Math.abs(x), Math.abs(y));
    if (scale > 0) worst = Math.max(worst, Math.abs(x - y) / scale);
  }
  return worst;
}

/** Duplicate timestamps whose prices are more than CONFLICT_RELATIVE apart. */
function conflictingDuplicates(read: RawRead): { rows: number; first?: [number, number] } {
  const t = read.bars.timestamp;
  const n = t.length;
  let increasing = true;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) {
    const step = (t[i] as number) - (t[i - 1] as number);
    if (step <= 0) increasing = false;
    if (step < 0) sorted = false;
  }
  if (increasing) return { rows: 0 };
  const index = new Uint32Array(n);
  for (let i = 0; i < n; i++) index[i] = i;
  // Sorted with repeats (the usual case) needs no sort: equal times are already adjacent.
  if (!sorted) index.sort((a, b) => (t[a] as number) - (t[b] as number) || a - b);
  let rows = 0;
  let first: [number, number] | undefined;
  let groupStart = 0;
  for (let k = 1; k < n; k++) {
    const row = index[k] as number;
    const head = index[groupStart] as number;
    if (t[row] !== t[head]) {
      groupStart = k;
      continue;
    }
    if (pricesApart(read.bars, head, row) > CONFLICT_RELATIVE) {
      rows++;
      first ??= [head, row];
    }
  }
  return first ? { rows, first } : { rows };
}

/** Median step between consecutive bars, in minutes, over steps inside a session; NaN when too few. */
function medianSpacingMinutes(timestamp: Float64Array): number {
  const counts = new Uint32Array(SESSION_STEP_MINUTES + 1);
  let steps = 0;
  for (let i = 1; i < timestamp.length; i++) {
    const minutes = Math.round(Math.abs((timestamp[i] as number) - (timestamp[i - 1] as number)) / 60_000);
    if (minutes === 0 || minutes > SESSION_STEP_MINUTES) continue;
    counts[minutes] = (counts[minutes] as number) + 1;
    steps++;
  }
  if (steps < MIN_SPACING_STEPS) return Number.NaN;
  let seen = 0;
  for (let minutes = 1; minutes <= SESSION_STEP_MINUTES; minutes++) {
    seen += counts[minutes] as number;
    if (seen * 2 >= steps) return minutes;
  }
  return Number.NaN;
}

/**
 * Run the whole-file checks on a read: throws a `DataError` naming the file (and rows) for
 * interleaved series and for bars far sparser than declared; records warnings (and
 * `volumeEmpty`) in `read.stats` otherwise. Returns the read without `rowOf`.
 */
export function checkSeries(read: RawRead, options: SeriesCheckOptions = {}): ReadResult {
  const { bars, stats } = read;
  const file = stats.file;
  const n = bars.timestamp.length;
  const warnings: string[] = [];

  const conflicts = conflictingDuplicates(read);
  if (conflicts.first) {
    const [a, b] = conflicts.first;
    const where = `rows ${read.rowOf(a)} and ${read.rowOf(b)} both at ${iso(bars.timestamp[a] as number)}, close ${bars.close[a]} vs ${bars.close[b]}`;
    if (conflicts.rows >= Math.max(CONFLICT_MIN_ROWS, CONFLICT_SHARE * n)) {
      throw new DataError(
        `${conflicts.rows} of ${n} rows repeat a timestamp with prices more than ${CONFLICT_RELATIVE * 100} % apart (first: ${where}): two series interleaved in one file?`,
        { file, row: read.rowOf(b) },
        {
          hint: 'Tribar reads one file per symbol (and one series per file): split the file by symbol or contract and list each file in data.files.',
        },
      );
    }
    warnings.push(
      `${conflicts.rows} duplicate timestamp(s) with prices more than ${CONFLICT_RELATIVE * 100} % apart (first: ${where}); the first in file order is kept`,
    );
  }

  let emptyVolume = n > 0;
  for (let i = 0; i < n && emptyVolume; i++) emptyVolume = bars.volume[i] !== bars.volume[i];
  if (emptyVolume) {
    stats.volumeEmpty = true;
    warnings.push(
      `every cell of the volume column ${quoteCell(stats.columns['volume'] ?? 'volume')} is empty: volume is read as 0 throughout`,
    );
  }

  const barMinutes = options.barMinutes;
  if (barMinutes !== undefined) {
    const spacing = medianSpacingMinutes(bars.timestamp);
    if (spacing > SPACING_FACTOR * barMinutes) {
      throw new DataError(
        `consecutive bars are ${spacing} minutes apart (the median step inside a session), far above the declared ${barMinutes}-minute bars`,
        { file },
        {
          hint: `Configure a file of ${barMinutes}-minute bars, or, if these ${spacing}-minute bars are meant, set timeframes.sourceMinutes: ${spacing} (with timeframes.targetMinutes a multiple of it).`,
        },
      );
    }
  }

  if (warnings.length > 0) stats.warnings = warnings;
  return { bars, stats };
}
