import { z } from 'zod';

// `features.structuralBreaks`: the AFML ch. 17 feature family (off when absent). Its own file:
// schema.ts is kept under the 650-line limit.

const ADF_SPECIFICATIONS = ['constant', 'linear', 'quadratic'] as const;
const MARTINGALE_SPECIFICATIONS = ['polynomial', 'polynomial-log', 'exponential', 'power'] as const;

export const structuralBreaksSchema = z
  .object({
    window: z
      .number()
      .int()
      .min(10)
      .default(100)
      .describe(
        'Bars: the most rows of a SADF / sub-martingale sub-sample (how far back its start may lie), and the Chow and CUSUM window. Cost grows with window × (window − minLength).',
      ),
    minLength: z
      .number()
      .int()
      .min(4)
      .default(20)
      .describe("Fewest rows of a sub-sample (the book's minSL); the Chow test keeps this many on each side of the break."),
    lags: z.number().int().nonnegative().default(1).describe('Lagged differences in the SADF regressions.'),
    adf: z
      .array(z.enum(ADF_SPECIFICATIONS))
      .default([...ADF_SPECIFICATIONS])
      .describe('SADF specifications (AFML 17.4.2): constant, constant + linear trend, + quadratic trend; [] = none.'),
    martingale: z
      .array(z.enum(MARTINGALE_SPECIFICATIONS))
      .default([...MARTINGALE_SPECIFICATIONS])
      .describe('Sub/super-martingale tests (AFML 17.4.3): SM-Poly1, SM-Poly2, SM-Exp, SM-Power; [] = none.'),
    phi: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('φ of the sub/super-martingale statistic |β̂| / (σ̂_β·(t − t₀)^φ): 0 = plain |t|, larger penalises long sub-samples.'),
    chow: z.boolean().default(true).describe('Chow-type Dickey–Fuller (AFML 17.3.1).'),
    cusum: z.boolean().default(true).describe('Chu–Stinchcombe–White CUSUM on levels, one- and two-sided (AFML 17.3.2).'),
  })
  .strict()
  .superRefine((options, context) => {
    const regressors = 4 + options.lags; // the quadratic ADF: intercept, trend, trend², level and the lags
    if (options.adf.length > 0 && options.minLength <= regressors) {
      context.addIssue({
        code: 'custom',
        path: ['minLength'],
        message: `minLength must exceed the ${regressors} regressors of the SADF regression (lags ${options.lags})`,
      });
    }
    if (options.window < 2 * options.minLength + 1) {
      context.addIssue({
        code: 'custom',
        path: ['window'],
        message: `window must be at least 2 × minLength + 1 = ${2 * options.minLength + 1} (the Chow test needs minLength rows each side)`,
      });
    }
  })
  .optional()
  .describe(
    'AFML ch. 17 structural-break features over log prices (Chow-type DF, Chu–Stinchcombe–White CUSUM, SADF, sub/super-martingale tests); absent = off, the default.',
  );
