import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '@tribar/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunNotFoundError } from '@tribar/core';
import { Tracker } from '../src/internal/tracker.js';

/**
 * A deliberately tiny reader of the flat `key: value` meta.yaml PyYAML writes, independent of
 * the `yaml` package the tracker uses. It keeps the YAML types MLflow relies on: a quoted
 * '0' is a string, a bare 0 an int, null, [].
 */
function parseFlatYaml(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const line of text.split('\n').filter((l) => l !== '')) {
    const match = /^([a-z_]+): (.*)$/.exec(line);
    if (!match) throw new Error(`not a flat YAML line: ${line}`);
    const [, key = '', raw = ''] = match;
    let value: unknown;
    if (raw === 'null') value = null;
    else if (raw === '[]') value = [];
    else if (/^-?\d+$/.test(raw)) value = Number(raw);
    else if (/^'.*'$/.test(raw)) value = raw.slice(1, -1).replace(/''/g, "'");
    else value = raw;
    out[key] = value;
  }
  return out;
}

/** MLflow's reading of a metric line: `<int ms> <float> <int step>`, split on single spaces. */
function parseMetricLines(text: string): Array<[number, number, number]> {
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      const parts = line.split(' ');
      expect(parts).toHaveLength(3);
      expect(parts[0]).toMatch(/^\d+$/);
      expect(parts[2]).toMatch(/^-?\d+$/);
      const value = parts[1] === 'nan' ? NaN : Number(parts[1]);
      return [Number(parts[0]), value, Number(parts[2])];
    });
}

let root: string;
let scratch: string;
let now: number;
const clock = (): number => now;

beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tracker-'));
  root = join(scratch, 'mlruns');
  now = 1_700_000_000_000;
});
afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('Tracker: MLflow FileStore layout', () => {
  it('creates the root, .trash and experiment 0 "Default" on open', async () => {
    const tracker = await Tracker.open(root, { clock });
    expect((await readdir(root)).sort()).toEqual(['.trash', '0']);
    const meta = parseFlatYaml(await readFile(join(root, '0', 'meta.yaml'), 'utf8'));
    expect(meta).toEqual({
      artifact_location: pathToFileURL(join(root, '0')).href,
      creation_time: 1_700_000_000_000,
      experiment_id: '0',
      last_update_time: 1_700_000_000_000,
      lifecycle_stage: 'active',
      name: 'Default',
    });
    expect(await tracker.listExperiments()).toMatchObject([{ experimentId: '0', name: 'Default' }]);
    // Opening again keeps what is there.
    now += 5;
    await Tracker.open(root, { clock });
    expect(parseFlatYaml(await readFile(join(root, '0', 'meta.yaml'), 'utf8'))['creation_time']).toBe(1_700_000_000_000);
  });

  it('writes a run that an MLflow reader parses back field for field', async () => {
    const tracker = await Tracker.open(root, { clock });
    const run = await tracker.startRun('xgboost-h20', { runName: 'baseline', tags: { team: 'quant' } });
    const experiment = (await tracker.listExperiments()).find((e) => e.name === 'xgboost-h20');
    expect(experiment?.experimentId).toMatch(/^[1-9]\d{17}$/);
    expect(run.runId).toMatch(/^[0-9a-f]{32}$/);
    expect(run.dir).toBe(join(root, run.experimentId, run.runId));

    const expMeta = parseFlatYaml(await readFile(join(root, run.experimentId, 'meta.yaml'), 'utf8'));
    expect(expMeta).toMatchObject({ experiment_id: run.experimentId, name: 'xgboost-h20', lifecycle_stage: 'active' });

    const created = parseFlatYaml(await readFile(join(run.dir, 'meta.yaml'), 'utf8'));
    expect(created).toMatchObject({ status: 1, end_time: null, deleted_time: null });

    await run.logParams({ model: { max_depth: 6, learning_rate: 0.05 }, horizon: 20, use_gpu: false });
    await run.logParam('feature_set', 'boosting_optimal');
    now += 10; // 1_700_000_000_010
    await run.logMetrics({ 'val/f1': 0.5, loss: 1.25 }, 0);
    now += 10; // ..._020
    await run.logMetrics({ 'val/f1': 0.625, loss: 0.00001 }, 1);
    await run.logMetric('loss', NaN, 2, 1_700_000_000_030);
    now = 1_700_000_000_100;
    await run.end('FINISHED');

    const runMeta = parseFlatYaml(await readFile(join(run.dir, 'meta.yaml'), 'utf8'));
    expect(runMeta).toEqual({
      artifact_uri: `${pathToFileURL(join(root, run.experimentId)).href}/${run.runId}/artifacts`,
      end_time: 1_700_000_000_100,
      entry_point_name: '',
      experiment_id: run.experimentId,
      lifecycle_stage: 'active',
      run_id: run.runId,
      run_name: 'baseline',
      run_uuid: run.runId,
      source_name: '',
      source_type: 4, // SourceType.LOCAL
      source_version: '',
      start_time: 1_700_000_000_000,
      status: 3, // RunStatus.FINISHED
      tags: [],
      user_id: expect.any(String),
    });
    // Keys sorted as PyYAML's sort_keys=True writes them.
    const keys = (await readFile(join(run.dir, 'meta.yaml'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(':')[0]);
    expect(keys).toEqual([...keys].sort());

    // Params: exact bytes, no trailing newline.
    const param = (key: string): Promise<string> => readFile(join(run.dir, 'params', key), 'utf8');
    expect(await param('model.max_depth')).toBe('6');
    expect(await param('model.learning_rate')).toBe('0.05');
    expect(await param('horizon')).toBe('20');
    expect(await param('use_gpu')).toBe('False');
    expect(await param('feature_set')).toBe('boosting_optimal');

    // Metrics: `val/f1` lives in a sub-folder, one line per call.
    expect(parseMetricLines(await readFile(join(run.dir, 'metrics', 'val', 'f1'), 'utf8'))).toEqual([
      [1_700_000_000_010, 0.5, 0],
      [1_700_000_000_020, 0.625, 1],
    ]);
    const lossText = await readFile(join(run.dir, 'metrics', 'loss'), 'utf8');
    expect(lossText).toBe('1700000000010 1.25 0\n1700000000020 1e-05 1\n1700000000030 nan 2\n');

    // Tags MLflow's client sets, plus ours.
    const tag = (key: string): Promise<string> => readFile(join(run.dir, 'tags', key), 'utf8');
    expect(await tag('mlflow.runName')).toBe('baseline');
    expect(await tag('mlflow.source.type')).toBe('LOCAL');
    expect(await tag('team')).toBe('quant');
    expect(await tag('mlflow.user')).toBe(runMeta['user_id']);

    // Read back through the API: latest = largest step (loss at step 2 is NaN).
    const record = await tracker.getRun(run.runId);
    expect(record).toMatchObject({
      runName: 'baseline',
      status: 'FINISHED',
      experimentName: 'xgboost-h20',
      startTimeMs: 1_700_000_000_000,
      endTimeMs: 1_700_000_000_100,
      params: { 'model.max_depth': '6', horizon: '20' },
      tags: { team: 'quant' },
    });
    expect(record.metrics['val/f1']).toEqual({ timestampMs: 1_700_000_000_020, value: 0.625, step: 1 });
    expect(record.metrics['loss']?.value).toBeNaN();
    expect((await tracker.getMetricHistory(run.runId, 'loss')).map((p) => p.step)).toEqual([0, 1, 2]);
  });

  it('keeps params immutable and refuses logging after end', async () => {
    const tracker = await Tracker.open(root, { clock });
    const run = await tracker.startRun('e');
    await run.logParam('depth', 6);
    await run.logParam('depth', '6'); // same text: allowed, as in MLflow
    await expect(run.logParam('depth', 7)).rejects.toThrow(/param 'depth' .* was logged as '6', now '7'/);
    await expect(run.logParam('depth', 7)).rejects.toBeInstanceOf(UsageError);
    expect(await readFile(join(run.dir, 'params', 'depth'), 'utf8')).toBe('6');
    await run.end('FAILED');
    expect((await tracker.getRun(run.runId)).status).toBe('FAILED');
    await expect(run.logMetric('x', 1)).rejects.toThrow(/already ended with status FAILED/);
    await expect(run.end()).rejects.toThrow(UsageError);
  });

  it('rejects invalid keys with a UsageError before writing anything', async () => {
    const tracker = await Tracker.open(root, { clock });
    const run = await tracker.startRun('e');
    await expect(run.logMetric('../escape', 1)).rejects.toThrow(/Invalid metric name '..\/escape'/);
    await expect(run.logParam('a:b', 1)).rejects.toThrow(/Invalid parameter name 'a:b'/);
    await expect(run.setTag('/abs', 'x')).rejects.toThrow(UsageError);
    await expect(run.logParams({ ok: 1, 'bad*': 2 })).rejects.toThrow(/bad\*/);
    await expect(run.logMetric('m', 1, 0.5)).rejects.toThrow(/step 0.5/);
    await expect(run.writeArtifact('../x.txt', 'x')).rejects.toThrow(/Invalid artifact path/);
    expect(await readdir(join(run.dir, 'params'))).toEqual([]);
    expect(await readdir(join(run.dir, 'metrics'))).toEqual([]);
    await expect(tracker.getOrCreateExperiment('')).rejects.toThrow(/Invalid experiment name/);
  });

  it('lists runs newest first and finds a run by unique prefix', async () => {
    const tracker = await Tracker.open(root, { clock });
    const a = await tracker.startRun('e1', { runName: 'a', startTimeMs: 1000 });
    const b = await tracker.startRun('e2', { runName: 'b', startTimeMs: 3000 });
    const c = await tracker.startRun('e1', { runName: 'c', startTimeMs: 2000 });
    expect((await tracker.listRuns()).map((r) => r.runName)).toEqual(['b', 'c', 'a']);
    expect((await tracker.listRuns('e1')).map((r) => r.runId)).toEqual([c.runId, a.runId]);
    await expect(tracker.listRuns('nope')).rejects.toThrow(/No experiment named 'nope'/);
    expect((await tracker.getRun(b.runId.slice(0, 12))).runName).toBe('b');
    expect((await tracker.getRun(b.runId.toUpperCase())).runId).toBe(b.runId);
    await expect(tracker.getRun('g123')).rejects.toThrow(/not a run id/);
    const missing = tracker.getRun('f'.repeat(32));
    await expect(missing).rejects.toBeInstanceOf(RunNotFoundError);
    await expect(tracker.getRun('f'.repeat(32))).rejects.toThrow(root);
  });

  it('reports an ambiguous prefix with the matching ids', async () => {
    const tracker = await Tracker.open(root, { clock });
    // 17 runs over 16 possible first hex digits must share one (pigeonhole); usually far fewer.
    const byFirst = new Map<string, string[]>();
    let shared: string[] | undefined;
    for (let i = 0; i < 17 && shared === undefined; i++) {
      const { runId } = await tracker.startRun('e');
      const list = [...(byFirst.get(runId[0] ?? '') ?? []), runId];
      byFirst.set(runId[0] ?? '', list);
      if (list.length === 2) shared = list;
    }
    const ids = shared ?? [];
    const error = await tracker.getRun(ids[0]?.[0] ?? '').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(String((error as Error).message)).toContain(ids[0]);
    expect(String((error as Error).message)).toContain(ids[1]);
  });

  it('copies files and directories into artifacts and writes artifacts atomically', async () => {
    const tracker = await Tracker.open(root, { clock });
    const run = await tracker.startRun('e');
    const model = join(scratch, 'model');
    await mkdir(join(model, 'sub'), { recursive: true });
    await writeFile(join(model, 'weights.bin'), Uint8Array.from([1, 2, 3]));
    await writeFile(join(model, 'sub', 'config.json'), '{"depth":6}');
    await writeFile(join(scratch, 'report.txt'), 'hello');
    await run.logArtifact(join(scratch, 'report.txt'));
    await run.logArtifact(join(scratch, 'report.txt'), 'reports/final');
    await run.logArtifact(model, 'checkpoints');
    await run.writeArtifact('metrics/summary.json', '{"f1":0.5}');
    await expect(run.logArtifact(join(scratch, 'missing'))).rejects.toThrow(/no such file/);
    const artifacts = join(run.dir, 'artifacts');
    expect((await readdir(artifacts, { recursive: true })).sort()).toEqual([
      'checkpoints',
      'checkpoints/model',
      'checkpoints/model/sub',
      'checkpoints/model/sub/config.json',
      'checkpoints/model/weights.bin',
      'metrics',
      'metrics/summary.json',
      'report.txt',
      'reports',
      'reports/final',
      'reports/final/report.txt',
    ]);
    expect([...(await readFile(join(artifacts, 'checkpoints/model/weights.bin')))]).toEqual([1, 2, 3]);
    expect(await readFile(join(artifacts, 'reports/final/report.txt'), 'utf8')).toBe('hello');
    expect(await readFile(join(artifacts, 'metrics/summary.json'), 'utf8')).toBe('{"f1":0.5}');
  });

  it('renames the run in meta.yaml when mlflow.runName is set, and rejects a conflicting name', async () => {
    const tracker = await Tracker.open(root, { clock });
    const run = await tracker.startRun('e', { runName: 'first' });
    await run.setTag('mlflow.runName', 'second');
    expect(parseFlatYaml(await readFile(join(run.dir, 'meta.yaml'), 'utf8'))['run_name']).toBe('second');
    await expect(tracker.startRun('e', { runName: 'x', tags: { 'mlflow.runName': 'y' } })).rejects.toThrow(/disagree/);
    const unnamed = await tracker.startRun('e');
    expect(unnamed.runName).toMatch(/^[a-z]+-[a-z]+-\d{1,3}$/);
  });
});
