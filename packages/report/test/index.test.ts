import { describe, expect, it } from 'vitest';
import * as report from '../src/index.js';

describe('the public face of @tribar/report', () => {
  it('exports the stages, the renderers and what the README example uses, nothing else', () => {
    expect(Object.keys(report).sort()).toEqual([
      'backtestMetrics',
      'oracleTrades',
      'renderReport',
      'renderSvg',
      'reportStage',
      'reportStageWithModels',
      'writeReport',
    ]);
    expect(report.reportStage.name).toBe('report');
    expect(report.reportStageWithModels.dependsOn).toEqual(['validate', 'train']);
  });
});
