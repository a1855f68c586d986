import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../src/internal/record.js';
import { formatRunsTable } from '../src/internal/table.js';

function record(
  runId: string,
  runName: string,
  status: RunRecord['status'],
  metrics: Record<string, number>,
  params: Record<string, string>,
): RunRecord {
  return {
    runId,
    experimentId: '0',
    experimentName: 'Default',
    runName,
    status,
    startTimeMs: 0,
    endTimeMs: null,
    userId: 'u',
    lifecycleStage: 'active',
    params,
    metrics: Object.fromEntries(Object.entries(metrics).map(([k, value]) => [k, { value, step: 0, timestampMs: 0 }])),
    tags: {},
    artifactUri: '',
    dir: '',
  };
}

const runs = [
  record('0123456789abcdef0123456789abcdef', 'baseline', 'FINISHED', { 'val/f1': 0.612345, loss: 0.98765 }, { depth: '6' }),
  record('fedcba9876543210fedcba9876543210', 'deeper-trees', 'RUNNING', { 'val/f1': 0.5 }, {}),
];

describe('formatRunsTable', () => {
  it('shows every metric (sorted) by default, 4 significant digits, "-" where missing', () => {
    // 0.98765 → 0.9877 (4 sig.), 0.612345 → 0.6123, 0.5 stays 0.5.
    expect(formatRunsTable(runs)).toBe(
      [
        'run       name          status      loss  val/f1',
        '--------  ------------  --------  ------  ------',
        '01234567  baseline      FINISHED  0.9877  0.6123',
        'fedcba98  deeper-trees  RUNNING        -     0.5',
        '',
      ].join('\n'),
    );
  });

  it('shows chosen metrics and params in the given order', () => {
    expect(formatRunsTable(runs, { metrics: ['val/f1'], params: ['depth'] })).toBe(
      [
        'run       name          status    val/f1  depth',
        '--------  ------------  --------  ------  -----',
        '01234567  baseline      FINISHED  0.6123  6',
        'fedcba98  deeper-trees  RUNNING      0.5  -',
        '',
      ].join('\n'),
    );
  });

  it('prints only the header for no runs', () => {
    expect(formatRunsTable([])).toBe('run  name  status\n---  ----  ------\n');
  });
});
