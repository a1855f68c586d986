import { describe, expect, it } from 'vitest';
import { XGBOOST_CARD } from '@tribar/models';
import { searchSpaceFromCard, SearchSpaceError } from '../src/internal/space.js';

describe('searchSpaceFromCard', () => {
  it('spans every int, float and enum of the card but seed and threads, with the card ranges and log flags', () => {
    const space = searchSpaceFromCard(XGBOOST_CARD);
    const names = space.params.map((p) => p.name);
    expect(names).not.toContain('seed');
    expect(names).not.toContain('threads');
    expect(names).toContain('classWeights');
    expect(space.params.find((p) => p.name === 'learningRate')!.distribution).toEqual({ kind: 'float', low: 0.001, high: 1, log: true });
    expect(space.params.find((p) => p.name === 'maxDepth')!.distribution).toEqual({ kind: 'int', low: 1, high: 16, log: false, step: 1 });
    expect(space.params.find((p) => p.name === 'classWeights')!.distribution).toEqual({
      kind: 'categorical',
      choices: ['balanced', 'none'],
    });
  });

  it('narrows ranges, fixes values, restricts to `include` and adds conditional parameters', () => {
    const space = searchSpaceFromCard(XGBOOST_CARD, {
      include: ['maxDepth', 'learningRate', 'classWeights'],
      ranges: { maxDepth: { low: 3, high: 10 }, learningRate: { low: 0.01, high: 0.3 } },
      fixed: { nEstimators: 300 },
      conditional: { gamma: { when: { param: 'classWeights', in: ['none'] } } },
    });
    expect(space.fixed).toEqual({ nEstimators: 300 });
    expect(space.params.map((p) => p.name)).toEqual(['maxDepth', 'learningRate', 'classWeights', 'gamma']);
    expect(space.params[0]!.distribution).toEqual({ kind: 'int', low: 3, high: 10, log: false, step: 1 });
    expect(space.params[1]!.distribution).toEqual({ kind: 'float', low: 0.01, high: 0.3, log: true });
    expect(space.params[3]!.condition).toEqual({ param: 'classWeights', in: ['none'] });
  });

  it('fails on unknown names, empty ranges, log ranges through zero and dangling conditions', () => {
    expect(() => searchSpaceFromCard(XGBOOST_CARD, { ranges: { depth: { low: 1 } } })).toThrow(
      /'depth' is not a hyperparameter of xgboost/,
    );
    expect(() => searchSpaceFromCard(XGBOOST_CARD, { ranges: { maxDepth: { low: 9, high: 3 } } })).toThrow(SearchSpaceError);
    expect(() => searchSpaceFromCard(XGBOOST_CARD, { ranges: { gamma: { low: 0, high: 5, log: true } } })).toThrow(
      /log range needs low > 0/,
    );
    expect(() => searchSpaceFromCard(XGBOOST_CARD, { conditional: { gamma: { when: { param: 'seed', in: [1] } } } })).toThrow(
      /'seed', which is not searched/,
    );
    expect(() => searchSpaceFromCard(XGBOOST_CARD, { ranges: { classWeights: { low: 1 } } })).toThrow(/categorical/);
  });
});
