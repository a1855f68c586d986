import type { TrainConfig } from '@tribar/config';
import type { TrainBetSizingEntry, TrainCalibrationEntry } from '@tribar/artifacts';
import { applyCalibrator, argmaxProbabilities, calibrationReport, fitCalibrator, primarySides, wholeContracts } from '@tribar/ensembles';
import { averageActiveBets, betSizes, budgetBetSizes, discretizeBetSizes } from '@tribar/quant';
import type { DataModule } from '@tribar/datasets';

/**
 * Calibration of a fit (`train.calibration`): the calibrator is fitted on the val split's
 * probabilities and classes only, then applied to test; null when the method is `none`.
 */
export function calibrateFit(
  settings: TrainConfig['calibration'],
  val: { proba: Float32Array; y: Uint8Array },
  test: { proba: Float32Array; y: Uint8Array },
): { entry: TrainCalibrationEntry; test: Float32Array } | null {
  if (settings.method === 'none') return null;
  const calibrator = fitCalibrator(settings.method, val.proba, val.y);
  const valAfter = applyCalibrator(calibrator, val.proba);
  const testAfter = applyCalibrator(calibrator, test.proba);
  const report = (p: Float32Array, y: Uint8Array) => calibrationReport(p, y, settings.bins);
  return {
    entry: {
      method: settings.method,
      calibrator: { ...calibrator },
      val: { before: report(val.proba, val.y), after: report(valAfter, val.y) },
      test: { before: report(test.proba, test.y), after: report(testAfter, test.y) },
    },
    test: testAfter,
  };
}

/**
 * Signed whole contracts per test row from the (calibrated) probabilities, by `train.betSizing`
 * (AFML ch. 10): the side is the argmax class when it is long/short with at least the backtest's
 * threshold; `probability` sizes it by 2Φ(z) − 1 of that probability (k = 3), optionally averaged
 * with the bets still active (each active from its row to its label's end), discretised by `step`;
 * `budget` by the concurrent long and short bets. Size × maxContracts rounds to whole contracts.
 * Null when the method is `none` (the backtest then trades one contract on the argmax side).
 */
export function sizeContracts(
  settings: TrainConfig['betSizing'],
  threshold: number,
  data: DataModule,
  proba: Float32Array,
): { contracts: Int32Array; entry: TrainBetSizingEntry } | null {
  if (settings.method === 'none') return null;
  const rows = data.test.rowIndex;
  const n = rows.length;
  const barCount = data.market.close.length;
  const start = new Int32Array(n);
  const end = new Int32Array(n);
  // The same side and probability rules as inference's (`@tribar/ensembles`' sizing), so served sizes match.
  const side = primarySides(proba, n, threshold);
  const probability = argmaxProbabilities(proba, n);
  for (let k = 0; k < n; k++) {
    start[k] = rows[k]!;
    const labelEnd = data.market.labelEndIndex[rows[k]!]!;
    end[k] = Number.isFinite(labelEnd)
      ? Math.min(barCount - 1, Math.max(rows[k]!, labelEnd))
      : Math.min(barCount - 1, rows[k]! + data.barrier.maxBars);
  }
  let size: Float64Array;
  if (settings.method === 'budget') {
    size = budgetBetSizes(start, end, side, barCount);
  } else {
    size = betSizes(probability, side, 3);
    if (settings.averageActive) {
      const active = averageActiveBets(size, start, end, barCount);
      // A row without a side of its own opens nothing; one with a side takes the average of the bets active there.
      size = Float64Array.from(size, (s, k) => (side[k] === 0 ? 0 : active[start[k]!]!));
    }
  }
  size = discretizeBetSizes(size, settings.step);
  const contracts = wholeContracts(size, settings.maxContracts);
  let signals = 0;
  let total = 0;
  for (let k = 0; k < n; k++) {
    if (contracts[k] !== 0) {
      signals++;
      total += Math.abs(contracts[k]!);
    }
  }
  return {
    contracts,
    entry: {
      method: settings.method,
      maxContracts: settings.maxContracts,
      step: settings.step,
      averageActive: settings.averageActive,
      signals,
      meanContracts: signals > 0 ? total / signals : null,
    },
  };
}
