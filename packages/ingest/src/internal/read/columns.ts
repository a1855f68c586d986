/**
 * Which input column holds which bar field: an explicit mapping from the run config wins,
 * anything not mapped is found by case-insensitive aliases. Shared by every reader so a
 * CSV and a Parquet export of the same data resolve the same way.
 */
import { DataError } from '@tribar/core';
import { quoteCell, showName } from './quote.js';

/** The `data.columns` section of the run config: explicit names, each optional. */
export interface ColumnMapping {
  timestamp?: string;
  date?: string;
  time?: string;
  open?: string;
  high?: string;
  low?: string;
  close?: string;
  volume?: string;
}

const VALUE_FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;
type ValueField = (typeof VALUE_FIELDS)[number];

/** Where the timestamp comes from: one column, or a date column plus a time-of-day column. */
type TimestampSource = { kind: 'single'; index: number } | { kind: 'split'; dateIndex: number; timeIndex: number };

export interface ResolvedColumns {
  timestamp: TimestampSource;
  /** Column index per value field; volume may be -1 (absent volume reads as 0). */
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** A symbol column (`symbol|ticker|instrument`), or -1: checked to hold one value, not stored. */
  symbol: number;
  /** The header names in use, for the ingest report. */
  names: Record<string, string>;
}

// Strong timestamp aliases first: a file with both `timestamp` and `date` columns keeps `timestamp`.
const TIMESTAMP_ALIASES = ['timestamp', 'datetime', 'date_time', 'date time', 'date and time', 'ts'];
const DATE_ALIASES = ['date'];
const SYMBOL_ALIASES = ['symbol', 'ticker', 'instrument'];
const TIME_ALIASES = ['time'];
const VALUE_ALIASES: Record<ValueField, string[]> = {
  open: ['open', 'o'],
  high: ['high', 'h'],
  low: ['low', 'l'],
  close: ['close', 'c', 'last'],
  volume: ['volume', 'vol', 'v', 'trade_volume'],
};

/** Header cell → comparable key: BOM, quotes and surrounding blanks removed, lower-cased. */
function normaliseHeader(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .trim()
    .toLowerCase();
}

function findAlias(keys: string[], aliases: string[]): number {
  for (const alias of aliases) {
    const index = keys.indexOf(alias);
    if (index >= 0) return index;
  }
  return -1;
}

/**
 * Resolve the bar fields against a header. Throws a `DataError` naming the missing field,
 * listing the header as read (so a wrong delimiter, which yields one long column, is obvious).
 */
export function resolveColumns(header: string[], mapping: ColumnMapping, file: string, volumeRequired = true): ResolvedColumns {
  const keys = header.map(normaliseHeader);
  const names: Record<string, string> = {};
  const shown = header.slice(0, 12).map(showName);
  const shownHeader = header.length > 12 ? `${shown.join(', ')}, …` : shown.join(', ');
  const missing = (field: string, wanted: string, explicit: boolean): DataError =>
    new DataError(
      explicit ? `column ${quoteCell(wanted)} (mapped to ${field} in data.columns) is not in the header` : `no ${field} column`,
      { file, row: 1, field },
      {
        hint: explicit
          ? `Header has ${header.length} column(s): ${shownHeader}. Fix data.columns.${field}.`
          : `Header has ${header.length} column(s): ${shownHeader}. Expected one of ${wanted}, or set data.columns.${field}. Delimiters recognised: comma, semicolon, tab.`,
      },
    );
  const explicitIndex = (field: keyof ColumnMapping): number | undefined => {
    const wanted = mapping[field];
    if (wanted === undefined) return undefined;
    const index = keys.indexOf(normaliseHeader(wanted));
    if (index < 0) throw missing(field, wanted, true);
    names[field] = header[index] as string;
    return index;
  };

  let timestamp: TimestampSource | undefined;
  const explicitTimestamp = explicitIndex('timestamp');
  const explicitDate = explicitIndex('date');
  const explicitTime = explicitIndex('time');
  if (explicitTimestamp !== undefined) timestamp = { kind: 'single', index: explicitTimestamp };
  else if (explicitDate !== undefined && explicitTime !== undefined) {
    timestamp = { kind: 'split', dateIndex: explicitDate, timeIndex: explicitTime };
  } else {
    const strong = findAlias(keys, TIMESTAMP_ALIASES);
    const date = explicitDate ?? findAlias(keys, DATE_ALIASES);
    const time = explicitTime ?? findAlias(keys, TIME_ALIASES);
    if (strong >= 0) timestamp = { kind: 'single', index: strong };
    else if (date >= 0 && time >= 0) timestamp = { kind: 'split', dateIndex: date, timeIndex: time };
    else if (time >= 0) timestamp = { kind: 'single', index: time };
    else if (date >= 0) timestamp = { kind: 'single', index: date };
    if (timestamp?.kind === 'single') names.timestamp = header[timestamp.index] as string;
    if (timestamp?.kind === 'split') {
      names.date = header[timestamp.dateIndex] as string;
      names.time = header[timestamp.timeIndex] as string;
    }
  }
  if (!timestamp) throw missing('timestamp', [...TIMESTAMP_ALIASES, 'date + time'].join('|'), false);

  const values = {} as Record<ValueField, number>;
  for (const field of VALUE_FIELDS) {
    let index = explicitIndex(field);
    if (index === undefined) {
      index = findAlias(keys, VALUE_ALIASES[field]);
      if (index >= 0) names[field] = header[index] as string;
    }
    if (index < 0 && (field !== 'volume' || volumeRequired)) throw missing(field, VALUE_ALIASES[field].join('|'), false);
    values[field] = index;
  }
  return { timestamp, ...values, symbol: findAlias(keys, SYMBOL_ALIASES), names };
}
