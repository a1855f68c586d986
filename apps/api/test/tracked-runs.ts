import { join } from 'node:path';
import { trainEquity, writeArrowArtifact } from '@tribar/artifacts';
import { Tracker } from '@tribar/tracker';
import { Field, Float64, RecordBatch, Schema, Struct, Table, TimestampMillisecond, makeData } from 'apache-arrow';

/** Equity `i × step` USD over `bars` test bars (the trainer's layout: UTC ms timestamp + float64). */
function equityTable(step: number, bars: number): Table {
  const millis = new BigInt64Array(bars);
  const equity = new Float64Array(bars);
  for (let i = 0; i < bars; i++) {
    millis[i] = BigInt(1_736_000_000_000 + i * 300_000);
    equity[i] = i * step;
  }
  const fields = [new Field('timestamp', new TimestampMillisecond('UTC'), false), new Field('equity_usd', new Float64(), false)];
  const children = [
    makeData({ type: new TimestampMillisecond('UTC'), length: bars, data: millis }),
    makeData({ type: new Float64(), length: bars, data: equity }),
  ];
  const data = makeData({ type: new Struct(fields), length: bars, nullCount: 0, children: children as never });
  return new Table([new RecordBatch(new Schema(fields), data)]);
}

/**
 * Two tracked fits of `pipelineRun`'s logistic MES h20 model in `<root>/mlruns` (as the trainer tags them), and the
 * run's equity file (500 bars, +2.5 USD a bar). Returns the tracked run ids, oldest first.
 */
export async function writeTrackedRuns(root: string, runsDir: string, pipelineRun: string): Promise<string[]> {
  await writeArrowArtifact(join(runsDir, pipelineRun), trainEquity('logistic', 'MES', 20), equityTable(2.5, 500));
  const tracker = await Tracker.open(join(root, 'mlruns'));
  const ids: string[] = [];
  for (const [index, f1] of [0.41, 0.47].entries()) {
    const run = await tracker.startRun('tribar', {
      runName: `logistic-MES-h20 (${pipelineRun})`,
      startTimeMs: 1_767_000_000_000 + index * 1000,
      tags: { 'tribar.model': 'logistic', 'tribar.symbol': 'MES', 'tribar.horizon': '20', 'tribar.pipelineRun': pipelineRun },
    });
    await run.logParams({ 'hp.l2': String(index + 1) });
    await run.logMetrics({ test_macro_f1: f1, bt_net_usd: 100 * (index + 1) });
    await run.end();
    ids.push(run.runId);
  }
  return ids;
}
