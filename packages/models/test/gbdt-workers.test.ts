import { describe, expect, it } from 'vitest';
import { boost } from '../src/internal/gbdt/booster.js';
import { GBDT_CARD, gbdtParams } from '../src/internal/gbdt/card.js';
import { ensembleToJson } from '../src/internal/gbdt/format.js';
import { workersFor } from '../src/internal/gbdt/pool.js';
import { resolveHyperparameters } from '../src/internal/registry.js';
import { anchorMatrix, sliceRows } from './xgboost-fixtures.js';

const data = anchorMatrix(3_000, 12, 6, 3);
const fitOn = sliceRows(data, 0, 2_500);
const validation = sliceRows(data, 2_500, 3_000);
const boostData = (input: typeof fitOn) => ({ x: input.x, rows: input.rows, cols: 12, y: input.y });

describe('histogram workers', () => {
  it.each(['leafwise', 'depthwise', 'symmetric'] as const)('%s: the same model bit for bit with 1, 2 and 3 threads', async (growPolicy) => {
    const params = gbdtParams(
      resolveHyperparameters(GBDT_CARD, {
        growPolicy,
        nEstimators: 8,
        learningRate: 0.3,
        subsample: 0.8,
        colsampleBytree: 0.75,
        earlyStoppingRounds: 0,
      }),
    );
    const models: string[] = [];
    const losses: number[][] = [];
    for (const threads of [1, 2, 3]) {
      // minParallelNode 0: every node is split across the threads, however small.
      const result = await boost(params, boostData(fitOn), { threads, minParallelNode: 0, validation: boostData(validation) });
      models.push(ensembleToJson(result.ensemble));
      losses.push(result.history.map((h) => h.valLoss!));
    }
    expect(models[1]).toBe(models[0]);
    expect(models[2]).toBe(models[0]);
    expect(losses[1]).toEqual(losses[0]);
    expect(losses[0]![7]).toBeLessThan(losses[0]![0]!);
  });

  it('start only when the data is large enough to pay for them', () => {
    expect(workersFor(4, 1_000, 100)).toBe(1);
    expect(workersFor(4, 350_000, 100)).toBe(4);
    expect(workersFor(1, 350_000, 100)).toBe(1);
  });
});
