import { z } from 'zod';
import { horizonKey, probability, range, symbolName } from './primitives.js';
import { structuralBreaksSchema } from './structural-breaks-schema.js';
import { trainSchema } from './train-schema.js';
import { apiSchema } from './api-schema.js';
import { tuneSchema } from './tune-schema.js';

// Defaults are the replaced system's values (original-system.md §5–§13) unless a comment says why not.
// Objects use `.prefault({})` so an omitted section is filled field by field from its defaults.

/**
 * `data.timezone`: what ingest's zone converter accepts (the UTC spellings, the US abbreviations
 * it maps to their DST-observing zones, any zone the platform's Intl knows), so a typo such as
 * `Mars/Phobos` fails here, naming the field, instead of inside ingest with a stack.
 */
function isTimeZone(zone: string): boolean {
  if (/^(utc|gmt|z|etc\/utc|etc\/gmt|[ecp][sd]t)$/i.test(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const contractSpecSchema = z
  .object({
    tickSize: z.number().positive().describe('Minimum price increment, in price units.'),
    tickValue: z.number().positive().describe('US dollars per tick per contract.'),
    commissionTicks: z.number().nonnegative().describe('Round-trip commission, in ticks.'),
    slippageTicks: z.number().nonnegative().describe('Slippage per fill, in ticks (a round trip pays it twice).'),
  })
  .strict();

export const barrierParamsSchema = z
  .object({
    kUp: z.number().positive().describe('Upper barrier distance in ATRs.'),
    kDown: z.number().positive().describe('Lower barrier distance in ATRs.'),
    maxBars: z.number().int().positive().describe('Vertical barrier: bars until a timeout.'),
  })
  .strict();

const DEFAULT_CONTRACTS = {
  // Commission: the original's round-trip ticks; slippage: its later per-fill, low-volatility values.
  MES: { tickSize: 0.25, tickValue: 1.25, commissionTicks: 0.5, slippageTicks: 0.5 },
  MGC: { tickSize: 0.1, tickValue: 1.0, commissionTicks: 0.3, slippageTicks: 0.75 },
};

const barriersSchema = z
  .object({
    bySymbol: z
      .record(symbolName, z.record(horizonKey, barrierParamsSchema))
      .default({
        MES: { '5': { kUp: 1.5, kDown: 1.0, maxBars: 12 }, '20': { kUp: 3.0, kDown: 2.1, maxBars: 50 } },
        MGC: { '5': { kUp: 1.2, kDown: 1.2, maxBars: 12 }, '20': { kUp: 2.5, kDown: 2.5, maxBars: 50 } },
      })
      .describe('Per symbol and horizon; must name configured horizons.'),
    byHorizon: z
      .record(horizonKey, barrierParamsSchema)
      .default({
        '1': { kUp: 0.3, kDown: 0.3, maxBars: 4 },
        '5': { kUp: 1.35, kDown: 1.1, maxBars: 12 },
        '20': { kUp: 2.75, kDown: 2.3, maxBars: 50 },
      })
      .describe('Used for a symbol without its own entry for the horizon.'),
    fallback: z
      .object({
        kUp: z.number().positive().default(1.0),
        kDown: z.number().positive().default(1.0),
        maxBarsPerHorizonBar: z.number().positive().default(3).describe('maxBars = ceil(this × horizon).'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

const gaSchema = z
  .object({
    enabled: z.boolean().default(true),
    populationSize: z.number().int().min(2).default(50),
    generations: z.number().int().min(1).default(30),
    tournamentSize: z.number().int().min(2).default(3),
    crossover: z
      .object({ alpha: z.number().nonnegative().default(0.3), probability: probability.default(0.7) })
      .strict()
      .prefault({}),
    mutation: z
      .object({
        sigma: z.number().positive().default(0.2),
        geneProbability: probability.default(0.3),
        probability: probability.default(0.2),
      })
      .strict()
      .prefault({}),
    elites: z.number().int().nonnegative().default(2),
    // k up to 4.0, not the original's 2.5: with a fitness in consistent units the neutral band is a
    // hard constraint, and at horizon 20 (maxBars 40–60) barriers of 2.5 ATR leave only ≈ 13 % of
    // real MES/MGC five-minute labels neutral, below the band; the original never noticed because
    // its unit error made every in-band individual lose anyway (§6, §17.6).
    bounds: z
      .object({ kUp: range(0.8, 4.0), kDown: range(0.8, 4.0), maxBarsPerHorizonBar: range(2.0, 3.0) })
      .strict()
      .prefault({}),
    subsetFraction: z.number().gt(0).max(1).default(0.3),
    minSubsetBars: z.number().int().positive().default(1000),
    neutralBand: range(0.15, 0.4).describe('Hard constraint on the neutral share [min, max].'),
    neutralTarget: range(0.2, 0.3).describe('Neutral share the fitness rewards most [min, max].'),
    minClassShare: probability
      .default(0.1)
      .describe('Hard constraint: long and short labels each at least this share of the labeled rows.'),
    minTrades: z.number().int().positive().default(100).describe('Hard constraint: at least this many long + short labels.'),
    asymmetry: z
      .record(symbolName, z.enum(['symmetric', 'upperWider']))
      .default({ MES: 'upperWider', MGC: 'symmetric' })
      .describe("Per symbol: 'symmetric' (kUp ≈ kDown, MGC's rule) or 'upperWider' (kUp ≥ kDown, MES's); unlisted symbols use upperWider."),
    workers: z.number().int().min(1).default(2),
  })
  .strict()
  .prefault({});

const splitsSchema = z
  .object({
    train: z.number().gt(0).lt(1).default(0.7),
    val: z.number().gt(0).lt(1).default(0.15),
    test: z.number().gt(0).lt(1).default(0.15),
    purgeBars: z.number().int().nonnegative().default(60),
    // The original's later value (5 days of five-minute bars).
    embargoBars: z.number().int().nonnegative().default(1440),
    minSymbolShare: probability.default(0.2),
  })
  .strict()
  .prefault({});

const scalingSchema = z
  .object({
    defaultScaler: z.enum(['robust', 'standard', 'minmax']).default('robust'),
    robustQuantiles: range(25, 75),
    logPriceAndVolume: z.boolean().default(true),
    clip: z
      .object({ enabled: z.boolean().default(true), min: z.number().default(-5), max: z.number().default(5) })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

const periods = (values: number[]) => z.array(z.number().int().positive()).min(1).default(values);
const period = (value: number) => z.number().int().positive().default(value);

const featuresSchema = z
  .object({
    returns: periods([1, 5, 10, 20, 60]),
    sma: periods([10, 20, 50, 100, 200]),
    ema: periods([9, 12, 21, 26, 50]),
    rsi: period(14),
    macd: z
      .object({ fast: period(12), slow: period(26), signal: period(9) })
      .strict()
      .prefault({}),
    stochastic: z
      .object({ k: period(14), d: period(3) })
      .strict()
      .prefault({}),
    williams: period(14),
    roc: periods([5, 10, 20]),
    cci: period(20),
    mfi: period(14),
    atr: periods([7, 14, 21]),
    bollinger: z
      .object({ period: period(20), std: z.number().positive().default(2) })
      .strict()
      .prefault({}),
    keltner: z
      .object({ period: period(20), atrMultiple: z.number().positive().default(2) })
      .strict()
      .prefault({}),
    historicalVolatility: periods([10, 20, 60]),
    rangeVolatility: period(20),
    volume: period(20),
    adx: period(14),
    supertrend: z
      .object({ period: period(10), multiplier: z.number().positive().default(3) })
      .strict()
      .prefault({}),
    regimeLookback: period(100),
    crossAsset: z
      .object({
        enabled: z.boolean().default(true),
        pairs: z
          .array(z.tuple([symbolName, symbolName]))
          .nullable()
          .default(null)
          .describe('Symbol pairs [a, b]; null means every pair of configured symbols, in their order.'),
        window: period(20),
        maxFillBars: z
          .number()
          .int()
          .nonnegative()
          .default(0)
          .describe("Bars a partner's last close may be carried forward where it has no bar at the same start; 0 = exact matches only."),
      })
      .strict()
      .prefault({}),
    fracdiff: z
      .object({
        d: z
          .union([z.literal('auto'), z.number().min(0).max(2)])
          .default('auto')
          .describe(
            "Fractional-differencing order; 'auto' = smallest d on the grid whose FFD of log close passes ADF (5 %) on the train part.",
          ),
        threshold: z.number().gt(0).lt(1).default(1e-4).describe('FFD weights below this magnitude are cut (fixed-width window).'),
        maxWidth: z.number().int().min(1).default(2000).describe('Hard cap on the FFD window width, in bars.'),
        dStep: z.number().gt(0).max(1).default(0.05).describe("Grid step for d = 'auto' over [0, 1]."),
        adfLags: z.number().int().nonnegative().default(1).describe('Lagged differences in the ADF regression.'),
        adfMaxRows: z
          .number()
          .int()
          .min(100)
          .default(50_000)
          .describe("ADF for d = 'auto' runs on at most this many rows: the end of the train part."),
      })
      .strict()
      .prefault({}),
    entropy: z
      .object({
        window: z
          .number()
          .int()
          .min(8)
          .default(50)
          .describe('Bars of encoded one-bar log returns in each rolling message (the Kontoyiannis estimate costs O(window²) a bar).'),
        encodings: z
          .array(z.enum(['tick', 'quantile', 'sigma']))
          .min(1)
          .default(['tick', 'quantile', 'sigma'])
          .describe(
            "AFML 18.5: 'tick' (tick rule, 2 symbols), 'quantile' (the window's own quantiles), 'sigma' (fixed steps of the window's std).",
          ),
        quantiles: z.number().int().min(2).max(64).default(10).describe('Symbols of the quantile encoding.'),
        sigmaStep: z
          .number()
          .positive()
          .default(0.5)
          .describe("The sigma encoding's step, in standard deviations of the window's returns."),
        wordLength: z.number().int().min(1).default(2).describe("The plug-in estimator's word length."),
      })
      .strict()
      .optional()
      .describe('AFML ch. 18 entropy features (Shannon, plug-in, Lempel–Ziv, Kontoyiannis); absent = off, the default.'),
    microstructure: z
      .object({
        window: z.number().int().min(2).default(20).describe('Bars in the rolling Roll, Corwin–Schultz, λ and bulk-volume estimates.'),
        vpinWindow: z.number().int().min(1).default(50).describe('Bars (volume buckets) summed in VPIN.'),
      })
      .strict()
      .optional()
      .describe(
        'AFML ch. 19 microstructure features from bars (Roll, Corwin–Schultz, Kyle / Amihud / Hasbrouck λ, VPIN); absent = off, the default.',
      ),
    structuralBreaks: structuralBreaksSchema,
    higherTimeframes: z
      .array(z.number().int().positive())
      .default([15, 60, 240])
      .describe('Minutes; each must be a multiple of the target timeframe.'),
  })
  .strict()
  .prefault({});

const labelsSchema = z
  .object({
    sameBarRule: z
      .enum(['nearerOpen', 'invalid'])
      .default('nearerOpen')
      .describe('A bar touching both barriers: the barrier nearer its open wins (the original), or the row is −99.'),
    costAware: z
      .boolean()
      .default(false)
      .describe('Widen both barriers by the round-trip cost in price units, so a +1 or −1 pays its costs.'),
    atrFeature: z.string().min(1).default('atr_14').describe('Feature column that scales the barriers.'),
    initial: z
      .object({
        kUp: z.number().positive().default(2.0),
        kDown: z.number().positive().default(1.0),
        maxBarsPerHorizonBar: z.number().positive().default(3).describe('maxBars = ceil(this × horizon).'),
      })
      .strict()
      .prefault({})
      .describe('Barriers of labels-initial (the original stage 4: 2.0 / 1.0 / 3h, whatever the barrier tables say).'),
    quality: z
      .object({
        idealSpeedPerHorizon: z.number().positive().default(1.5).describe('Ideal bars to hit = this × horizon.'),
        drawdownBarsPerHorizonBar: z
          .number()
          .positive()
          .default(3)
          .describe('Time-weighted drawdown divides bars by this × horizon (the original 3h).'),
        weights: z
          .object({
            speed: z.number().nonnegative().default(0.2),
            mae: z.number().nonnegative().default(0.25),
            mfe: z.number().nonnegative().default(0.2),
            painToGain: z.number().nonnegative().default(0.2),
            drawdown: z.number().nonnegative().default(0.15),
          })
          .strict()
          .prefault({}),
        scalePercentile: z.number().gt(0).max(100).default(95).describe('Percentile that scales each component to [0, 1].'),
        tiers: z
          .object({
            lowPercentile: z.number().min(0).max(100).default(20),
            highPercentile: z.number().min(0).max(100).default(80),
            lowWeight: z.number().nonnegative().default(0.5),
            midWeight: z.number().nonnegative().default(1.0),
            highWeight: z.number().nonnegative().default(1.5),
          })
          .strict()
          .prefault({}),
        percentilesFrom: z
          .enum(['train', 'all'])
          .default('train')
          .describe('Rows the percentiles come from: the train part (no look-ahead) or all rows (the original).'),
      })
      .strict()
      .superRefine((quality, context) => {
        const { speed, mae, mfe, painToGain, drawdown } = quality.weights;
        const sum = speed + mae + mfe + painToGain + drawdown;
        if (Math.abs(sum - 1) > 1e-9) {
          context.addIssue({ code: 'custom', path: ['weights'], message: `quality weights must sum to 1, got ${sum}` });
        }
        if (!(quality.tiers.lowPercentile < quality.tiers.highPercentile)) {
          context.addIssue({ code: 'custom', path: ['tiers', 'lowPercentile'], message: 'lowPercentile must be below highPercentile' });
        }
      })
      .prefault({}),
    afml: z
      .object({
        enabled: z.boolean().default(false).describe('Add AFML uniqueness and return-attribution weights to labels-final.'),
        volSpan: z.number().int().positive().default(100).describe('EWM span of the daily-volatility estimate (AFML 3.1).'),
        cusumThreshold: z
          .number()
          .positive()
          .nullable()
          .default(null)
          .describe('CUSUM filter threshold on log returns; null = mean daily volatility over the train part.'),
        eventFilter: z
          .enum(['cusum', 'zscore', 'none'])
          .default('cusum')
          .describe(
            'Which bars become events (AFML 2.5.2): the symmetric CUSUM filter, the z-score filter on log closes, or none (every bar).',
          ),
        zScore: z
          .object({
            meanWindow: z.number().int().min(1).default(20).describe('Bars in the rolling mean of log close, the current bar included.'),
            stdWindow: z
              .number()
              .int()
              .min(2)
              .default(20)
              .describe('Bars in the rolling std (ddof 1) of log close, the current bar included.'),
            threshold: z
              .number()
              .positive()
              .default(2)
              .describe('z: an event when log close ≥ mean + z·std (or ≤ mean − z·std when two-sided).'),
            twoSided: z.boolean().default(true).describe('Also fire on the downside (false = upward breakouts only, as mlfinlab).'),
          })
          .strict()
          .prefault({})
          .describe("The z-score filter's windows and threshold (read with eventFilter: zscore)."),
        verticalBarrierDays: z.number().positive().default(1).describe('Vertical barrier, in calendar days after the event.'),
        ptSl: z
          .tuple([z.number().nonnegative(), z.number().nonnegative()])
          .default([1, 1])
          .describe('Barrier multiples of daily volatility [profit taking, stop loss]; 0 disables one.'),
        minReturn: z.number().nonnegative().default(0).describe('Events whose target (daily volatility) is below this are dropped.'),
        minLabelShare: probability.default(0.05).describe('Labels rarer than this share are dropped (AFML drop_labels).'),
        timeDecay: z
          .number()
          .min(-1)
          .max(1)
          .default(1)
          .describe('AFML 4.11 c: 1 = no decay, 0 = linear to zero, < 0 = oldest share weighs zero.'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

const validationSchema = z
  .object({
    correlationThreshold: z.number().gt(0).max(1).default(0.85),
    varianceThreshold: z.number().nonnegative().default(0.01),
    gapMultiple: z.number().gt(1).default(3).describe('A time gap is a step above this multiple of the median step (info).'),
    labelShareMin: z.number().min(0).max(1).default(0.2).describe('Train class share below this warns.'),
    labelShareMax: z.number().min(0).max(1).default(0.6).describe('Train class share above this warns.'),
    minFiniteValues: z.number().int().positive().default(100).describe('Fewer finite train values skip a statistic.'),
    scaleLimit: z.number().positive().default(100).describe('Unscaled train |mean| or std above this warns.'),
    skewLimit: z.number().positive().default(2),
    outlierSigma: z.number().positive().default(5),
    outlierShare: z.number().min(0).max(1).default(0.01).describe('Share of train values beyond outlierSigma that warns.'),
    extremeRange: z.number().positive().default(1e6).describe('Train max − min above this is recorded.'),
    sampleRows: z
      .number()
      .int()
      .positive()
      .default(50000)
      .describe('Evenly spaced train rows per symbol for correlation, importance, ADF.'),
    importanceBins: z.number().int().min(2).default(10).describe('Quantile bins for mutual-information importance.'),
    adfLags: z.number().int().nonnegative().default(1),
  })
  .strict()
  .prefault({});

export const runConfigSchema = z
  .object({
    $schema: z.string().optional().describe('Editor hint; ignored.'),
    description: z.string().default('Tribar run'),
    seed: z.number().int().default(42).describe('Seeds every random step of a run.'),
    paths: z
      .object({ runsDir: z.string().min(1).default('runs').describe('Where run folders go, relative to the working directory.') })
      .strict()
      .prefault({}),
    logging: z
      .object({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info') })
      .strict()
      .prefault({}),
    symbols: z.array(symbolName).min(1).default(['MES', 'MGC']),
    contracts: z.record(symbolName, contractSpecSchema).default(DEFAULT_CONTRACTS),
    defaultContract: contractSpecSchema
      .default({ tickSize: 0.01, tickValue: 1.0, commissionTicks: 0.5, slippageTicks: 0.5 })
      .describe('Used for a symbol missing from `contracts` (a warning is logged).'),
    data: z
      .object({
        source: z.enum(['synthetic', 'files']).default('synthetic'),
        files: z.record(symbolName, z.string().min(1)).default({}).describe('One bar file per symbol when source is files.'),
        timezone: z
          .string()
          .refine(isTimeZone, {
            error: (issue) => `unknown time zone ${JSON.stringify(issue.input)}: use an IANA name such as America/Chicago or UTC`,
          })
          .default('UTC')
          .describe('IANA zone of timestamps that carry none.'),
        columns: z
          .object({
            timestamp: z.string(),
            date: z.string(),
            time: z.string(),
            open: z.string(),
            high: z.string(),
            low: z.string(),
            close: z.string(),
            volume: z.string(),
          })
          .partial()
          .strict()
          .default({})
          .describe('Explicit column names; anything not given is found by case-insensitive aliases.'),
        onBadRow: z.enum(['error', 'skip']).default('error').describe('A row that cannot be parsed: fail, or skip and count it.'),
        synthetic: z
          .object({
            startDate: z
              .string()
              .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
              .default('2025-01-05'),
            days: z.number().int().positive().default(365).describe('Calendar days of one-minute bars to generate.'),
            correlation: z.number().min(-1).max(1).default(0.15).describe("Correlation of the symbols' returns."),
            symbols: z
              .record(
                symbolName,
                z
                  .object({
                    startPrice: z.number().positive(),
                    annualVolatility: z.number().positive(),
                    carryRate: z
                      .number()
                      .optional()
                      .describe('Annual cost of carry setting the roll spread (next − front); default by product (MES 0.03, MGC 0.045).'),
                  })
                  .strict(),
              )
              .default({
                MES: { startPrice: 5000, annualVolatility: 0.16 },
                MGC: { startPrice: 2000, annualVolatility: 0.15 },
              }),
            rolls: z
              .boolean()
              .default(true)
              .describe('Follow the front contract unadjusted, like vendor files: a `contract` column and a carry jump at each roll.'),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    timeframes: z
      .object({ sourceMinutes: period(1), targetMinutes: period(5) })
      .strict()
      .prefault({}),
    clean: z
      .object({
        maxFillMinutes: z
          .number()
          .int()
          .nonnegative()
          .default(5)
          .describe(
            'Missing minutes filled after each bar while its CME session is open (flat, zero-volume bars), causally: the first maxFillMinutes of every hole; halts, weekends and holidays are never bridged.',
          ),
        outliers: z
          .object({
            action: z.enum(['flag', 'drop', 'winsorize']).default('flag'),
            returnZ: z.number().positive().default(10).describe('Robust z-score (median/MAD) of one-bar returns.'),
            rangeAtr: z.number().positive().default(8).describe('Bar range in multiples of ATR.'),
          })
          .strict()
          .prefault({}),
        rolls: z
          .object({
            detect: z.boolean().default(true),
            adjust: z.enum(['difference', 'ratio', 'none']).default('difference'),
            direction: z
              .enum(['back', 'forward'])
              .default('back')
              .describe(
                'back: earlier contracts moved onto the latest one (every earlier price changes at each new roll); forward: later contracts moved onto the earliest one (causal: nothing before a roll changes).',
              ),
            jumpMultiple: z
              .number()
              .positive()
              .default(8)
              .describe('A session-open gap beyond this multiple of typical open gaps is a roll.'),
            calendar: z
              .array(
                z
                  .object({
                    symbol: symbolName,
                    at: z.string().describe('ISO time of the first bar of the new contract.'),
                    gap: z
                      .number()
                      .optional()
                      .describe('Known new − old contract spread; without it the open gap measured in the bars is used.'),
                  })
                  .strict(),
              )
              .default([]),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    horizons: z.array(z.number().int().positive()).min(1).default([5, 20]).describe('Label horizons, in target bars.'),
    barriers: barriersSchema,
    labels: labelsSchema,
    ga: gaSchema,
    splits: splitsSchema,
    scaling: scalingSchema,
    features: featuresSchema,
    validation: validationSchema,
    train: trainSchema,
    api: apiSchema,
    tune: tuneSchema,
    report: z
      .object({
        minTrades: z
          .number()
          .int()
          .positive()
          .default(30)
          .describe('Backtest figures from fewer trades are shown greyed and marked "not meaningful".'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** A whole run's settings after defaults are applied. */
export type RunConfig = z.output<typeof runConfigSchema>;
/** What a config file may contain: every field optional. */
export type RunConfigInput = z.input<typeof runConfigSchema>;
export type ContractSpec = z.output<typeof contractSpecSchema>;
export type BarrierParams = z.output<typeof barrierParamsSchema>;
