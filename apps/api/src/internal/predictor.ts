import type { Logger } from '@tribar/core';

// The shape of `@tribar/inference`'s `loadPredictor`, written structurally so this app builds before that package
// lands; `buildApp` takes the function, and `main.ts` passes the real one.

export type RawBars = { csv: string } | { json: Array<Record<string, unknown>> } | { arrow: Uint8Array };

export interface PredictorLike {
  readonly info: {
    runId: string;
    model: string;
    symbol: string;
    horizon: number;
    inputKind: string;
    features: readonly string[];
    warmupBars: number;
    barMinutes: number;
    card: unknown;
    /** Symbols whose bars `predict` needs as `partners` (the model's cross-asset features). */
    partners?: readonly string[];
  };
  predict(
    bars: RawBars,
    options?: { partners?: Readonly<Record<string, RawBars>> },
  ): Promise<{ rows: number; timestampMs: Float64Array; proba: Float32Array; betSize?: Float32Array }>;
  dispose(): void;
}

export type LoadPredictor = (options: {
  runDir: string;
  model: string;
  symbol: string;
  horizon: number;
  logger?: Logger;
}) => Promise<PredictorLike>;
