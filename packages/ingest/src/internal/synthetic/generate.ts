import type { RunConfig } from '@tribar/config';
import { UsageError, type Rng } from '@tribar/core';
import { addCalendarDays, calendarForSymbol, toTradingDate, ZoneClock, type Bars, type CmeCalendar, type Session } from '@tribar/market';
import { contractCycleOf, type ContractCycle } from '../clean/contract-cycles.js';
import { intradayVolatility, intradayVolume } from './profile.js';

/**
 * A seeded synthetic CME market: the pipeline's default data source.
 *
 * It replaces the original generator (original-system.md §2), whose bars were unusable as a
 * stand-in for futures data: 1,380 bars on every weekday at 00:00–22:59 UTC regardless of
 * the CME calendar, both symbols driven by the *same* shocks (`np.random.seed(42)` inside
 * the generator, correlation 1), constant volatility, and volume unrelated to activity.
 *
 * Model, per one-minute step g on the union of the symbols' open minutes:
 *   r_s = σ_s · u(m) · v(regime) · √h · z_s − ½(σ_s u v √h)²   (log return of symbol s)
 * - σ_s: annual volatility / √(252 · 1380), the per-minute scale of a 23-hour Globex day;
 * - u(m): intraday profile by Chicago minute (profile.ts), scaled to mean square 1;
 * - v: calm/volatile Markov regime shared by all symbols, scaled to mean square 1 under the
 *   chain's stationary distribution;
 * - h: GARCH(1,1) variance shared by all symbols, h ← ω + α ε² + β h with ω = 1 − α − β, so
 *   E[h] = 1 and the configured annual volatility holds on average (Bollerslev 1986);
 * - z = L e: Cholesky factor of the equicorrelation matrix, so corr(z_s, z_t) = ρ exactly and,
 *   since every other factor is shared, the returns keep that correlation.
 * Sessions re-open with a gap whose scale grows with the hours the market was shut.
 *
 * With `rolls` on, each series follows the front contract *unadjusted*, as vendor files do
 * (the real TopstepX files in /work/shared/data): a `contract` column holds the delivery month
 * `yyyymm`, and at each roll the price steps up by the carry spread
 * price × carryRate × months between contracts / 12 (MES at 6,625 with 3 %: ≈ 49.7 points,
 * the real March 2026 spread was 49.5). Rolls happen at the open of the first session whose
 * trading date is at least 4 days before expiry (index) or first notice (metals), which
 * reproduces both real 2026 roll times. Cleaning then has real work to do on the default data.
 */

export interface SyntheticSymbol {
  symbol: string;
  startPrice: number;
  annualVolatility: number;
  /** Prices are rounded to this grid (the contract's tick size). */
  tickSize: number;
  /** Mean contracts per minute over a whole session. */
  meanVolume: number;
  /** Annual cost of carry: the roll spread is price × carryRate × months / 12. */
  carryRate: number;
}

export interface SyntheticMarketOptions {
  /** First calendar day, `YYYY-MM-DD`, from 00:00 UTC. */
  startDate: string;
  /** Calendar days to cover: every open minute of the symbols' CME calendars inside them. */
  days: number;
  /** Pairwise correlation of one-minute returns (equal for every pair). */
  correlation: number;
  symbols: SyntheticSymbol[];
  /** Follow front contracts unadjusted, with a `contract` column (symbols with a known cycle). */
  rolls: boolean;
  /** GARCH(1,1) reaction and persistence per minute; α + β < 1. */
  garchAlpha: number;
  garchBeta: number;
  /** Per-minute switching probabilities of the regime chain and the volatile/calm volatility ratio. */
  calmToVolatile: number;
  volatileToCalm: number;
  volatileRatio: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const MINUTES_PER_YEAR = 252 * 1380;

/** Typical contracts per minute of the micro contracts, averaged over a whole Globex day. */
const MEAN_VOLUME: Record<string, number> = { MES: 450, MGC: 180 };
/** Carry: T-bill rate less dividend yield (index), rate plus storage less lease (gold), 2025–26. */
const CARRY_RATE: Record<string, number> = { MES: 0.03, ES: 0.03, MGC: 0.045, GC: 0.045 };
/** Rolls happen at the first session on or after this many days before the cycle's deadline. */
const ROLL_DAYS_BEFORE_DEADLINE = 4;

const SYNTHETIC_MODEL_DEFAULTS = {
  // Minute-level GARCH: persistence 0.995 gives a volatility half-life of about 2 hours.
  garchAlpha: 0.035,
  garchBeta: 0.96,
  // Calm spells last ~15 sessions, volatile spells ~3 sessions, at 1,380 minutes a session.
  calmToVolatile: 1 / (15 * 1380),
  volatileToCalm: 1 / (3 * 1380),
  volatileRatio: 2.2,
} as const;

/** Generator options from a run config: `data.synthetic` for the market, `contracts` for tick sizes. */
export function syntheticOptions(config: RunConfig): SyntheticMarketOptions {
  const synthetic = config.data.synthetic;
  const symbols = config.symbols.map((symbol): SyntheticSymbol => {
    const spec = synthetic.symbols[symbol];
    if (!spec) {
      throw new UsageError(`no synthetic market settings for symbol ${symbol}`, {
        hint: `add data.synthetic.symbols.${symbol} = { startPrice, annualVolatility } or set data.source to "files"`,
      });
    }
    const contract = config.contracts[symbol] ?? config.defaultContract;
    return {
      symbol,
      startPrice: spec.startPrice,
      annualVolatility: spec.annualVolatility,
      carryRate: spec.carryRate ?? CARRY_RATE[symbol] ?? 0.03,
      tickSize: contract.tickSize,
      meanVolume: MEAN_VOLUME[symbol] ?? 100,
    };
  });
  return {
    startDate: synthetic.startDate,
    days: synthetic.days,
    correlation: synthetic.correlation,
    symbols,
    rolls: synthetic.rolls,
    ...SYNTHETIC_MODEL_DEFAULTS,
  };
}

/** Lower-triangular L with L Lᵀ = equicorrelation matrix (1 on the diagonal, ρ elsewhere). */
export function equicorrelationCholesky(size: number, rho: number): Float64Array {
  const l = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = i === j ? 1 : rho;
      for (let k = 0; k < j; k++) sum -= (l[i * size + k] as number) * (l[j * size + k] as number);
      if (i === j) {
        if (!(sum > 0)) {
          throw new UsageError(`correlation ${rho} is impossible for ${size} symbols`, {
            hint: `with equal pairwise correlation it must be at least ${(-1 / (size - 1)).toFixed(3)}`,
          });
        }
        l[i * size + i] = Math.sqrt(sum);
      } else {
        l[i * size + j] = sum / (l[j * size + j] as number);
      }
    }
  }
  return l;
}

/** Round to a tick grid so that prices equal their decimal spelling (5012.7, not 5012.700000000001). */
class TickGrid {
  readonly #tick: number;
  readonly #perUnit: number;

  constructor(tick: number) {
    this.#tick = tick;
    const perUnit = Math.round(1 / tick);
    this.#perUnit = Math.abs(1 / tick - perUnit) < 1e-9 ? perUnit : 0;
  }

  #price(steps: number): number {
    return this.#perUnit > 0 ? steps / this.#perUnit : steps * this.#tick;
  }

  round(price: number): number {
    return this.#price(Math.round(price / this.#tick));
  }

  up(price: number): number {
    return this.#price(Math.ceil(price / this.#tick - 1e-9));
  }

  down(price: number): number {
    return this.#price(Math.floor(price / this.#tick + 1e-9));
  }
}

interface MinuteGrid {
  time: Float64Array;
  /** Per symbol: 1 where that symbol trades at the grid minute. */
  open: Uint8Array[];
  /** Per symbol: minutes the market was shut before this minute's session opened (0 inside a session). */
  shutMinutes: Float64Array[];
  /** Per symbol: the session's trading date at its first minute, 0 elsewhere. */
  sessionStart: Int32Array[];
  /** Intraday volatility and volume multipliers per grid minute. */
  volatility: Float64Array;
  volume: Float64Array;
}

/** Every minute in [start, end) at which at least one symbol's calendar is open. */
function buildGrid(startMs: number, endMs: number, calendars: CmeCalendar[]): MinuteGrid {
  const capacity = Math.ceil((endMs - startMs) / MINUTE_MS);
  const time = new Float64Array(capacity);
  const open = calendars.map(() => new Uint8Array(capacity));
  const shutMinutes = calendars.map(() => new Float64Array(capacity));
  const sessionStart = calendars.map(() => new Int32Array(capacity));
  const volatility = new Float64Array(capacity);
  const volume = new Float64Array(capacity);
  const lastSession = calendars.map(() => -1);
  const lastCloseMs = calendars.map(() => Number.NaN);
  const clock = new ZoneClock('America/Chicago');
  // Walk each symbol's session list with a cursor instead of asking the calendar per minute,
  // and jump over closed stretches (nights, weekends, holidays) straight to the next open.
  const sessions = calendars.map((calendar) => calendar.sessionsBetween(startMs, endMs));
  const cursor = new Int32Array(calendars.length);
  let size = 0;
  let t = startMs;
  while (t < endMs) {
    let any = false;
    let nextOpen = Number.POSITIVE_INFINITY;
    for (let s = 0; s < calendars.length; s++) {
      const list = sessions[s] as Session[];
      let c = cursor[s] as number;
      while (c < list.length && (list[c] as Session).closeMs <= t) c++;
      cursor[s] = c;
      const session = list[c];
      if (session === undefined) continue;
      if (t < session.openMs) {
        nextOpen = Math.min(nextOpen, session.openMs);
        continue;
      }
      any = true;
      (open[s] as Uint8Array)[size] = 1;
      if (session.id !== lastSession[s]) {
        const previousClose = lastCloseMs[s] as number;
        (shutMinutes[s] as Float64Array)[size] = Number.isNaN(previousClose) ? 60 : (t - previousClose) / MINUTE_MS;
        (sessionStart[s] as Int32Array)[size] = session.id;
        lastSession[s] = session.id;
      }
      lastCloseMs[s] = session.closeMs;
    }
    if (!any) {
      t = nextOpen;
      continue;
    }
    time[size] = t;
    const minuteCt = clock.minuteOfDay(t);
    volatility[size] = intradayVolatility(minuteCt);
    volume[size] = intradayVolume(minuteCt);
    size++;
    t += MINUTE_MS;
  }
  normaliseMeanSquare(volatility, size);
  normaliseMean(volume, size);
  return {
    time: time.slice(0, size),
    open: open.map((flags) => flags.slice(0, size)),
    shutMinutes: shutMinutes.map((gaps) => gaps.slice(0, size)),
    sessionStart: sessionStart.map((ids) => ids.slice(0, size)),
    volatility: volatility.slice(0, size),
    volume: volume.slice(0, size),
  };
}

function normaliseMeanSquare(values: Float64Array, size: number): void {
  let sum = 0;
  for (let i = 0; i < size; i++) sum += (values[i] as number) ** 2;
  const scale = size > 0 ? 1 / Math.sqrt(sum / size) : 1;
  for (let i = 0; i < size; i++) values[i] = (values[i] as number) * scale;
}

function normaliseMean(values: Float64Array, size: number): void {
  let sum = 0;
  for (let i = 0; i < size; i++) sum += values[i] as number;
  const scale = size > 0 ? size / sum : 1;
  for (let i = 0; i < size; i++) values[i] = (values[i] as number) * scale;
}

/** Front contracts in order and the trading dates at whose session open each is left. */
interface RollSchedule {
  /** Delivery month `yyyymm` of each contract; `contracts[j]` is held until `rollDates[j]`. */
  contracts: number[];
  rollDates: number[];
}

function rollSchedule(cycle: ContractCycle, calendar: CmeCalendar, fromDate: number, toDate: number): RollSchedule {
  const contracts: number[] = [];
  const rollDates: number[] = [];
  const firstYear = Math.floor(fromDate / 10000) - 1;
  const lastYear = Math.floor(toDate / 10000) + 1;
  for (let year = firstYear; year <= lastYear; year++) {
    for (const month of cycle.months) {
      const target = addCalendarDays(cycle.rollDeadline(year, month), -ROLL_DAYS_BEFORE_DEADLINE);
      contracts.push(year * 100 + month);
      rollDates.push(calendar.session(target) ? target : calendar.nextSession(target).id);
    }
  }
  return { contracts, rollDates };
}

/** Months from one `yyyymm` to a later one. */
const monthsBetween = (from: number, to: number): number =>
  (Math.floor(to / 100) - Math.floor(from / 100)) * 12 + (to % 100) - (from % 100);

function validate(options: SyntheticMarketOptions): void {
  if (options.symbols.length === 0) throw new UsageError('the synthetic market needs at least one symbol');
  if (!(options.days > 0)) throw new UsageError(`synthetic days must be positive, got ${options.days}`);
  if (!(options.garchAlpha >= 0 && options.garchBeta >= 0 && options.garchAlpha + options.garchBeta < 1)) {
    throw new UsageError(`GARCH needs α, β ≥ 0 and α + β < 1, got ${options.garchAlpha}, ${options.garchBeta}`);
  }
  for (const spec of options.symbols) {
    if (!(spec.startPrice > 0 && spec.annualVolatility > 0 && spec.tickSize > 0 && spec.meanVolume > 0)) {
      throw new UsageError(`synthetic settings for ${spec.symbol} must be positive`, {
        hint: 'startPrice, annualVolatility, tick size and mean volume are all > 0',
      });
    }
  }
}

/**
 * One-minute bars for every configured symbol, only in minutes its CME calendar is open,
 * prices on its tick grid, OHLC consistent, integer volume ≥ 1. Same seed ⇒ same bytes.
 */
export function generateSyntheticMarket(source: RunConfig | SyntheticMarketOptions, rng: Rng): Bars[] {
  const options = 'data' in source ? syntheticOptions(source) : source;
  validate(options);
  const k = options.symbols.length;
  const startDate = toTradingDate(options.startDate);
  const startMs = Date.UTC(Math.floor(startDate / 10000), (Math.floor(startDate / 100) % 100) - 1, startDate % 100);
  const calendars = options.symbols.map((spec) => calendarForSymbol(spec.symbol));
  const grid = buildGrid(startMs, startMs + options.days * DAY_MS, calendars);
  const cholesky = equicorrelationCholesky(k, options.correlation);

  // Regime multipliers scaled so the stationary mean square is 1: π_c m_c² + π_v m_v² = 1.
  const piVolatile = options.calmToVolatile / (options.calmToVolatile + options.volatileToCalm);
  const calmLevel = 1 / Math.sqrt(1 - piVolatile + piVolatile * options.volatileRatio ** 2);
  const volatileLevel = calmLevel * options.volatileRatio;
  const omega = 1 - options.garchAlpha - options.garchBeta;

  const market = rng.fork('synthetic/market');
  const symbolRngs = options.symbols.map((spec) => rng.fork(`synthetic/${spec.symbol}`));
  const bars = options.symbols.map((spec, s): Bars => {
    let count = 0;
    const open = grid.open[s] as Uint8Array;
    for (let g = 0; g < open.length; g++) count += open[g] as number;
    return {
      symbol: spec.symbol,
      timestamp: new Float64Array(count),
      open: new Float64Array(count),
      high: new Float64Array(count),
      low: new Float64Array(count),
      close: new Float64Array(count),
      volume: new Float64Array(count),
      columns: {},
    };
  });
  const ticks = options.symbols.map((spec) => new TickGrid(spec.tickSize));
  const sigma = Float64Array.from(options.symbols, (spec) => spec.annualVolatility / Math.sqrt(MINUTES_PER_YEAR));
  const logPrice = Float64Array.from(options.symbols, (spec) => Math.log(spec.startPrice));
  const written = new Int32Array(k);
  const endDate = toTradingDate(new Date(startMs + options.days * DAY_MS).toISOString().slice(0, 10));
  const schedules = options.symbols.map((spec, s) => {
    const cycle = contractCycleOf(spec.symbol);
    return options.rolls && cycle ? rollSchedule(cycle, calendars[s] as CmeCalendar, startDate, endDate) : undefined;
  });
  for (let s = 0; s < k; s++)
    if (schedules[s]) (bars[s] as Bars).columns['contract'] = new Float64Array((bars[s] as Bars).timestamp.length);
  // Unadjusted price = continuous price + sum of the carry spreads of the rolls so far.
  const rollOffset = new Float64Array(k);
  const contractIndex = new Int32Array(k).fill(-1);
  const shocks = new Float64Array(k);
  const correlated = new Float64Array(k);

  let volatile = market.next() < piVolatile;
  let variance = 1;
  for (let g = 0; g < grid.time.length; g++) {
    if (market.next() < (volatile ? options.volatileToCalm : options.calmToVolatile)) volatile = !volatile;
    for (let j = 0; j < k; j++) shocks[j] = market.normal();
    let meanSquare = 0;
    for (let s = 0; s < k; s++) {
      let z = 0;
      for (let j = 0; j <= s; j++) z += (cholesky[s * k + j] as number) * (shocks[j] as number);
      correlated[s] = z;
      meanSquare += z * z;
    }
    const scale = (grid.volatility[g] as number) * (volatile ? volatileLevel : calmLevel) * Math.sqrt(variance);
    const time = grid.time[g] as number;
    for (let s = 0; s < k; s++) {
      if ((grid.open[s] as Uint8Array)[g] === 0) continue;
      const out = bars[s] as Bars;
      const draw = symbolRngs[s] as Rng;
      const tick = ticks[s] as TickGrid;
      const sd = (sigma[s] as number) * scale;
      const z = correlated[s] as number;
      const shut = (grid.shutMinutes[s] as Float64Array)[g] as number;
      let openLog = logPrice[s] as number;
      let step = sd * z;
      const schedule = schedules[s];
      const sessionId = (grid.sessionStart[s] as Int32Array)[g] as number;
      if (schedule && sessionId !== 0) {
        let j = contractIndex[s] as number;
        const first = j === -1;
        if (first) j = 0;
        while (j < schedule.rollDates.length && (schedule.rollDates[j] as number) <= sessionId) {
          if (!first) {
            const months = monthsBetween(schedule.contracts[j] as number, schedule.contracts[j + 1] as number);
            const price = Math.exp(openLog) + (rollOffset[s] as number);
            rollOffset[s] =
              (rollOffset[s] as number) + tick.round((price * (options.symbols[s] as SyntheticSymbol).carryRate * months) / 12);
          }
          j++;
        }
        contractIndex[s] = j;
      }
      if (shut > 0) {
        // Re-open gap: √(1 + hours shut / 8) minutes' worth of volatility (≈1.1 after the daily
        // halt, ≈2.7 after a weekend), drawn from the correlated shock; the first bar then moves
        // on its own shock.
        openLog += sd * z * Math.sqrt(1 + shut / 480);
        step = sd * draw.normal();
      }
      const closeLog = openLog + step - 0.5 * sd * sd;
      logPrice[s] = closeLog;
      const reference = Math.exp(openLog);
      const openPrice = tick.round(reference);
      const closePrice = tick.round(Math.exp(closeLog));
      // Excursions beyond the body: half-normal with mean ≈ 0.4 σ per side, as for a Brownian
      // path over one minute (the expected range of Brownian motion is 1.6 σ).
      const above = 0.5 * sd * Math.abs(draw.normal());
      const below = 0.5 * sd * Math.abs(draw.normal());
      const bodyHigh = Math.max(openPrice, closePrice);
      const bodyLow = Math.min(openPrice, closePrice);
      const i = written[s] as number;
      const offset = rollOffset[s] as number;
      const highPrice = Math.max(bodyHigh, tick.up(bodyHigh * Math.exp(above)));
      const lowPrice = Math.min(bodyLow, tick.down(bodyLow * Math.exp(-below)));
      out.timestamp[i] = time;
      // Both terms are on the grid; re-rounding only restores the decimal spelling.
      out.open[i] = offset === 0 ? openPrice : tick.round(openPrice + offset);
      out.close[i] = offset === 0 ? closePrice : tick.round(closePrice + offset);
      out.high[i] = offset === 0 ? highPrice : tick.round(highPrice + offset);
      out.low[i] = offset === 0 ? lowPrice : tick.round(lowPrice + offset);
      if (schedule) (out.columns['contract'] as Float64Array)[i] = schedule.contracts[contractIndex[s] as number] as number;
      // Volume follows the intraday profile and the size of the move (volume–volatility
      // correlation, Karpoff 1987), with lognormal noise; at least one contract per bar.
      const activity = (grid.volume[g] as number) * (0.55 + 0.45 * Math.abs(z)) * (volatile ? 1.5 : 1);
      const noise = Math.exp(0.45 * draw.normal() - 0.10125);
      out.volume[i] = Math.max(1, Math.round((options.symbols[s] as SyntheticSymbol).meanVolume * activity * noise));
      written[s] = i + 1;
    }
    variance = omega + options.garchAlpha * (meanSquare / k) + options.garchBeta * variance;
  }
  return bars;
}
