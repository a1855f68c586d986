import { argmaxClass } from '../metrics/classification.js';
import type { BacktestInput, BacktestOptions, SameBarRule, TradeLog } from './types.js';
import { EXIT_DATA_END, EXIT_SIGNAL, EXIT_STOP, EXIT_TAKE_PROFIT, EXIT_TIMEOUT } from './types.js';

export interface Simulation {
  trades: TradeLog;
  equity: Float64Array;
  pnl: Float64Array;
  position: Int8Array;
  /** Rows during which a position was open (carried from the previous close or filled at this open). */
  exposedRows: number;
  skippedEntries: number;
}

/** +1 / −1 / 0: the argmax class when it is long or short and its probability reaches the threshold. */
function signalAt(proba: ArrayLike<number>, k: number, threshold: number): number {
  const c = argmaxClass(proba, k);
  if (c === 1 || (proba[k * 3 + c] as number) < threshold) return 0;
  return c === 2 ? 1 : -1;
}

function emptyLog(capacity: number): TradeLog {
  return {
    count: 0,
    entryRow: new Int32Array(capacity),
    exitRow: new Int32Array(capacity),
    direction: new Int8Array(capacity),
    contracts: new Int32Array(capacity),
    entryPrice: new Float64Array(capacity),
    exitPrice: new Float64Array(capacity),
    ticks: new Float64Array(capacity),
    usd: new Float64Array(capacity),
    reason: new Uint8Array(capacity),
    barsHeld: new Int32Array(capacity),
  };
}

function trimLog(log: TradeLog): TradeLog {
  const n = log.count;
  return {
    count: n,
    entryRow: log.entryRow.slice(0, n),
    exitRow: log.exitRow.slice(0, n),
    direction: log.direction.slice(0, n),
    contracts: log.contracts.slice(0, n),
    entryPrice: log.entryPrice.slice(0, n),
    exitPrice: log.exitPrice.slice(0, n),
    ticks: log.ticks.slice(0, n),
    usd: log.usd.slice(0, n),
    reason: log.reason.slice(0, n),
    barsHeld: log.barsHeld.slice(0, n),
  };
}

/**
 * The bar-by-bar simulation; input already validated. Per row t, in this order:
 * (a) `nextOpen` only: fill the order the previous close decided, at open[t], if t follows it directly;
 * (b) barriers on bar t (gap at the open first, then high/low, `sameBarRule` when both are reached);
 * (c) timeout at close[t] when t is the signal row + maxBars;
 * (d) the signal at close[t]: opposite → exit (and reverse), flat → enter; no entry on a block's last row;
 * (e) data end: a position still open on the last row of a contiguous block exits at close[t];
 * (f) mark to market at close[t].
 */
export function simulate(input: BacktestInput, options: BacktestOptions): Simulation {
  const { rows, proba, open, high, low, close, atr, barrier, cost, contracts } = input;
  const threshold = options.threshold ?? 0.5;
  const nextOpen = options.entry === 'nextOpen';
  const rule: SameBarRule = options.sameBarRule ?? 'stopFirst';
  const allowReverse = options.allowReverse ?? true;
  const { kUp, kDown, maxBars } = barrier;
  const { tickSize, tickValue, roundTripTicks } = cost;

  const m = rows.length;
  const log = emptyLog(m);
  const equity = new Float64Array(m);
  const pnl = new Float64Array(m);
  const position = new Int8Array(m);
  let realized = 0;
  let exposedRows = 0;
  let skippedEntries = 0;

  let dir = 0;
  let quantity = 0;
  let entryRow = -1;
  let entryPrice = 0;
  let takeProfit = 0;
  let stop = 0;
  let deadline = 0;
  // nextOpen: what the last close decided, filled at the next open.
  let pendingExit = false;
  let pendingDir = 0;
  let pendingQuantity = 0;
  let pendingAtr = 0;
  let pendingSignalRow = -1;

  const enter = (d: number, q: number, row: number, price: number, a: number, signalRow: number): void => {
    dir = d;
    quantity = q;
    entryRow = row;
    entryPrice = price;
    // Mirror of the triple barrier: the upper barrier is kUp·ATR above, the lower kDown·ATR below.
    takeProfit = d > 0 ? price + kUp * a : price - kDown * a;
    stop = d > 0 ? price - kDown * a : price + kUp * a;
    deadline = signalRow + maxBars;
  };
  const exit = (row: number, price: number, reason: number): void => {
    const i = log.count++;
    // Costs are per contract traded: a round trip of q contracts pays q round trips.
    const ticks = quantity * ((dir * (price - entryPrice)) / tickSize - roundTripTicks);
    log.entryRow[i] = entryRow;
    log.exitRow[i] = row;
    log.direction[i] = dir;
    log.contracts[i] = quantity;
    log.entryPrice[i] = entryPrice;
    log.exitPrice[i] = price;
    log.ticks[i] = ticks;
    log.usd[i] = ticks * tickValue;
    log.reason[i] = reason;
    log.barsHeld[i] = row - entryRow;
    realized += ticks * tickValue;
    dir = 0;
  };
  const tradeable = (a: number): boolean => Number.isFinite(a) && a > 0;

  for (let k = 0; k < m; k++) {
    const t = rows[k] as number;
    const followsPrevious = k > 0 && (rows[k - 1] as number) === t - 1;
    const lastOfBlock = k === m - 1 || (rows[k + 1] as number) !== t + 1;
    const o = open[t] as number;
    const c = close[t] as number;

    // (a) fill last close's order at this open.
    let filledAtOpen = false;
    if (nextOpen && followsPrevious) {
      if (pendingExit && dir !== 0) exit(t, o, EXIT_SIGNAL);
      if (pendingDir !== 0 && dir === 0) {
        enter(pendingDir, pendingQuantity, t, o, pendingAtr, pendingSignalRow);
        filledAtOpen = true;
      }
    }
    pendingExit = false;
    pendingDir = 0;
    if (dir !== 0) exposedRows++;

    // (b) barriers.
    if (dir !== 0) {
      const h = high[t] as number;
      const l = low[t] as number;
      let price = NaN;
      let reason = -1;
      const gapStop = dir > 0 ? o <= stop : o >= stop;
      const gapTarget = dir > 0 ? o >= takeProfit : o <= takeProfit;
      if (!filledAtOpen && (gapStop || gapTarget)) {
        // The bar opened beyond a barrier: the order fills at the open, worse (stop) or better (target).
        price = o;
        reason = gapStop ? EXIT_STOP : EXIT_TAKE_PROFIT;
      } else {
        const hitStop = dir > 0 ? l <= stop : h >= stop;
        const hitTarget = dir > 0 ? h >= takeProfit : l <= takeProfit;
        let targetFirst = hitTarget && !hitStop;
        if (hitTarget && hitStop) {
          targetFirst = rule === 'takeProfitFirst' || (rule === 'nearerOpen' && Math.abs(o - takeProfit) < Math.abs(o - stop));
        }
        if (targetFirst) {
          price = takeProfit;
          reason = EXIT_TAKE_PROFIT;
        } else if (hitStop) {
          price = stop;
          reason = EXIT_STOP;
        }
      }
      if (reason >= 0) exit(t, price, reason);
    }

    // (c) timeout.
    if (dir !== 0 && t >= deadline) exit(t, c, EXIT_TIMEOUT);

    // (d) the model's signal at this close.
    const s = contracts ? Math.sign(contracts[k] as number) : signalAt(proba, k, threshold);
    const q = contracts ? Math.abs(contracts[k] as number) : 1;
    let mayEnter = s !== 0 && !lastOfBlock;
    if (dir !== 0 && s === -dir) {
      if (!nextOpen) exit(t, c, EXIT_SIGNAL);
      else if (!lastOfBlock) pendingExit = true;
      mayEnter = mayEnter && allowReverse;
    } else if (dir !== 0) {
      mayEnter = false;
    }
    if (mayEnter) {
      const a = atr[t] as number;
      if (!tradeable(a)) {
        skippedEntries++;
      } else if (nextOpen) {
        pendingDir = s;
        pendingQuantity = q;
        pendingAtr = a;
        pendingSignalRow = t;
      } else {
        enter(s, q, t, c, a, t);
      }
    }

    // (e) data end.
    if (dir !== 0 && lastOfBlock) exit(t, c, EXIT_DATA_END);

    // (f) mark to market; the round-trip cost is charged in full at the exit.
    equity[k] = realized + (dir === 0 ? 0 : ((quantity * dir * (c - entryPrice)) / tickSize) * tickValue);
    pnl[k] = equity[k]! - (k > 0 ? equity[k - 1]! : 0);
    position[k] = dir;
  }
  return { trades: trimLog(log), equity, pnl, position, exposedRows, skippedEntries };
}
