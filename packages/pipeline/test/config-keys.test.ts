import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, recordConfigReads, undeclaredConfigReads, type RunConfig } from '@tribar/config';
import type { StageDefinition } from '@tribar/core';
import { registeredStages } from '../src/internal/registry.js';
import { runPipeline } from '../src/internal/runner.js';
import { materialize } from './record-reads.js';

/**
 * Config paths that stages owned by other packages read without declaring them, as found by this
 * test. Each entry must still be a real undeclared read (a stale entry fails the test), so the list
 * only shrinks: declare the path in the stage's `configKeys` and delete it here.
 */
const KNOWN_UNDECLARED: Record<string, readonly string[]> = {};

let dir: string;
// A proxy cannot cross to a worker thread (the GA's pool): messages are copied through it first.
const postMessage = Worker.prototype.postMessage;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tribar-config-keys-'));
  Worker.prototype.postMessage = function (this: Worker, value: unknown, transferList?: Parameters<Worker['postMessage']>[1]) {
    postMessage.call(this, materialize(value), transferList);
  };
});
afterAll(() => {
  Worker.prototype.postMessage = postMessage;
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The stage with its `run` given a recording proxy of the config; the runner itself (and the
 * stage's `inputs`/`outputs`, whose paths and bytes the fingerprint already holds) sees the plain config.
 */
function recording(stage: StageDefinition<RunConfig>, reads: Map<string, Set<string>>): StageDefinition<RunConfig> {
  return {
    ...stage,
    run: (context) => {
      const seen = reads.get(stage.name) ?? new Set<string>();
      reads.set(stage.name, seen);
      return stage.run({ ...context, config: recordConfigReads(context.config, seen).config });
    },
  };
}

describe('configKeys', () => {
  it('covers every config path each registered stage reads while it runs', async () => {
    const { config } = await loadConfig({
      overrides: [
        'data.synthetic.days=21',
        'splits.embargoBars=288',
        'ga.populationSize=6',
        'ga.generations=2',
        'train.models=["logistic"]',
        'train.horizons=[20]',
        `train.tracking.dir=${join(dir, 'mlruns')}`,
      ],
    });
    const reads = new Map<string, Set<string>>();
    const stages = registeredStages(config);
    const result = await runPipeline({
      stages: stages.map((stage) => recording(stage, reads)),
      config,
      runsDir: join(dir, 'runs'),
      runId: 'keys',
    });
    expect(result.status, JSON.stringify(Object.values(result.state.stages).map((s) => s.error ?? s.status))).toBe('completed');

    // TRIBAR_SHOW_READS=1 prints what each stage read beside what it declares.
    if (process.env['TRIBAR_SHOW_READS'])
      for (const stage of stages)
        console.log(stage.name, [...(reads.get(stage.name) ?? [])].sort().join(' '), '| keys:', stage.configKeys.join(' '));
    const undeclared: string[] = [];
    const stale: string[] = [];
    for (const stage of stages) {
      const seen = reads.get(stage.name);
      expect(seen, `stage '${stage.name}' ran`).toBeDefined();
      const known = new Set(KNOWN_UNDECLARED[stage.name] ?? []);
      const missing = undeclaredConfigReads(seen ?? [], stage.configKeys);
      for (const path of missing) if (!known.has(path)) undeclared.push(`${stage.name}: ${path}`);
      for (const path of known) if (!missing.includes(path)) stale.push(`${stage.name}: ${path}`);
    }
    expect(undeclared, "config paths read but not in the stage's configKeys").toEqual([]);
    expect(stale, 'KNOWN_UNDECLARED entries that are declared (or no longer read) now: delete them').toEqual([]);
  });
});
