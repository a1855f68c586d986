import { UsageError } from '@tribar/core';

/**
 * The ledger of a backtest: from bar closes and either a position series or a trade list, the net
 * PnL of every bar (marked to the close, costs taken off where contracts change hands), which bars
 * hold a position, and the closed trades. `backtestStats` builds every figure on top of it.
 */

/** A trade as a caller gives it: bar indices (entry ≤ exit), signed size, optional fill prices. */
export interface TradeInput {
  entryIndex: number;
  exitIndex: number;
  /** Signed contracts: > 0 long, < 0 short. */
  size: number;
  /** Fill price at entry; default the entry bar's close. */
  entryPrice?: number;
  /** Fill price at exit; default the exit bar's close. */
  exitPrice?: number;
  /** Why it closed (e.g. 'upper', 'lower', 'timeout'); carried to the trade record. */
  exitReason?: string;
}

/** A closed trade with its outcome, in the ledger's money (price points × pointValue). */
export interface TradeRecord {
  entryIndex: number;
  exitIndex: number;
  entryTime: number;
  exitTime: number;
  /** +1 long, −1 short. */
  side: 1 | -1;
  /** Largest absolute size held during the trade (contracts). */
  size: number;
  entryPrice: number;
  exitPrice: number;
  /** Net PnL: price moves × size × pointValue, less the costs of the contracts it traded. */
  pnl: number;
  costs: number;
  /** pnl / (|entry size| × entryPrice × pointValue): the net return on the notional at entry. */
  returnPct: number;
  durationMs: number;
  exitReason?: string;
}

export interface Ledger {
  /** Net PnL of each bar (marked to its close). */
  pnl: Float64Array;
  /** 1 where a trade is open at the bar, its entry and exit bars included (backtesting.py's exposure). */
  exposed: Uint8Array;
  trades: TradeRecord[];
}

export interface LedgerOptions {
  /** Money per price point per contract (MES 5, MGC 10); default 1 (PnL in points). */
  pointValue: number;
  /** Money per contract per side (each contract bought or sold); default 0. */
  costPerContract: number;
}

function finiteAt(values: ArrayLike<number>, field: string, i: number): number {
  const v = values[i] as number;
  if (!Number.isFinite(v)) throw new UsageError(`${field}[${i}] is ${String(v)}: every value must be finite`);
  return v;
}

/**
 * The ledger of a position series: `positions[i]` contracts are held from the close of bar i to the
 * close of bar i + 1. A trade is a maximal run of one sign (its size may change inside the run); a
 * flip closes one trade and opens the other on the same bar. Costs are paid on every contract that
 * changes hands, and a position still open at the last bar is closed at its close.
 */
export function ledgerFromPositions(
  timestamp: ArrayLike<number>,
  close: ArrayLike<number>,
  positions: ArrayLike<number>,
  options: LedgerOptions,
): Ledger {
  const n = close.length;
  if (positions.length !== n) throw new UsageError(`positions has ${positions.length} rows, close has ${n}`);
  const { pointValue, costPerContract } = options;
  const pnl = new Float64Array(n);
  const exposed = new Uint8Array(n);
  const trades: TradeRecord[] = [];
  let open: TradeRecord | undefined;
  let entrySize = 0;
  const closeTrade = (i: number, exitCost: number) => {
    const trade = open as TradeRecord;
    trade.exitIndex = i;
    trade.exitTime = timestamp[i] as number;
    trade.exitPrice = close[i] as number;
    trade.costs += exitCost;
    trade.pnl -= exitCost;
    trade.durationMs = trade.exitTime - trade.entryTime;
    trade.returnPct = trade.pnl / (Math.abs(entrySize) * trade.entryPrice * pointValue);
    trades.push(trade);
    open = undefined;
  };
  let previous = 0;
  for (let i = 0; i < n; i++) {
    const price = finiteAt(close, 'close', i);
    const given = finiteAt(positions, 'positions', i);
    // Whatever is held at the last bar is closed at its close.
    const position = i === n - 1 ? 0 : given;
    const move = i > 0 ? previous * (price - (close[i - 1] as number)) * pointValue : 0;
    pnl[i] = move;
    if (open !== undefined) {
      open.pnl += move;
      exposed[i] = 1;
    }
    if (position === previous) continue;
    const flips = previous !== 0 && Math.sign(position) !== Math.sign(previous);
    if (flips || (previous !== 0 && position === 0)) {
      const exitCost = Math.abs(previous) * costPerContract;
      pnl[i] = (pnl[i] as number) - exitCost;
      closeTrade(i, exitCost);
    } else if (open !== undefined) {
      // Same side, new size: the contracts added or removed pay their cost inside the trade.
      const cost = Math.abs(position - previous) * costPerContract;
      pnl[i] = (pnl[i] as number) - cost;
      open.pnl -= cost;
      open.costs += cost;
      open.size = Math.max(open.size, Math.abs(position));
    }
    if (position !== 0 && open === undefined) {
      const entryCost = Math.abs(position) * costPerContract;
      pnl[i] = (pnl[i] as number) - entryCost;
      exposed[i] = 1;
      entrySize = position;
      open = {
        entryIndex: i,
        exitIndex: i,
        entryTime: timestamp[i] as number,
        exitTime: timestamp[i] as number,
        side: position > 0 ? 1 : -1,
        size: Math.abs(position),
        entryPrice: price,
        exitPrice: price,
        pnl: -entryCost,
        costs: entryCost,
        returnPct: 0,
        durationMs: 0,
      };
    }
    previous = position;
  }
  return { pnl, exposed, trades };
}

/**
 * The ledger of a trade list (trades may overlap: their PnL adds up). Each trade is marked to the
 * bar closes between its fills; it pays `|size| × costPerContract` at entry and at exit.
 */
export function ledgerFromTrades(
  timestamp: ArrayLike<number>,
  close: ArrayLike<number>,
  inputs: readonly TradeInput[],
  options: LedgerOptions,
): Ledger {
  const n = close.length;
  const { pointValue, costPerContract } = options;
  const pnl = new Float64Array(n);
  const exposed = new Uint8Array(n);
  const trades = inputs.map((input, t): TradeRecord => {
    const { entryIndex: e, exitIndex: x, size } = input;
    if (!(Number.isInteger(e) && Number.isInteger(x) && e >= 0 && e <= x && x < n)) {
      throw new UsageError(`trades[${t}]: entryIndex ${e} and exitIndex ${x} must be bar indices with entry ≤ exit < ${n}`);
    }
    if (!(Number.isFinite(size) && size !== 0))
      throw new UsageError(`trades[${t}].size is ${size}: a finite, non-zero number of contracts`);
    const entryPrice = input.entryPrice ?? finiteAt(close, 'close', e);
    const exitPrice = input.exitPrice ?? finiteAt(close, 'close', x);
    if (!(Number.isFinite(entryPrice) && Number.isFinite(exitPrice))) throw new UsageError(`trades[${t}]: fill prices must be finite`);
    const sideCost = Math.abs(size) * costPerContract;
    pnl[e] = (pnl[e] as number) - sideCost;
    let mark = entryPrice;
    for (let k = e; k <= x; k++) {
      exposed[k] = 1;
      if (k === e) continue;
      const next = k === x ? exitPrice : finiteAt(close, 'close', k);
      pnl[k] = (pnl[k] as number) + size * (next - mark) * pointValue;
      mark = next;
    }
    // A trade opened and closed on one bar moves from its entry to its exit fill there.
    if (x === e) pnl[e] = (pnl[e] as number) + size * (exitPrice - entryPrice) * pointValue;
    pnl[x] = (pnl[x] as number) - sideCost;
    const tradePnl = size * (exitPrice - entryPrice) * pointValue - 2 * sideCost;
    const record: TradeRecord = {
      entryIndex: e,
      exitIndex: x,
      entryTime: timestamp[e] as number,
      exitTime: timestamp[x] as number,
      side: size > 0 ? 1 : -1,
      size: Math.abs(size),
      entryPrice,
      exitPrice,
      pnl: tradePnl,
      costs: 2 * sideCost,
      returnPct: tradePnl / (Math.abs(size) * entryPrice * pointValue),
      durationMs: (timestamp[x] as number) - (timestamp[e] as number),
    };
    if (input.exitReason !== undefined) record.exitReason = input.exitReason;
    return record;
  });
  return { pnl, exposed, trades };
}
