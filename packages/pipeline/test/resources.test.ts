import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineStage, writeFileAtomic, type StageDefinition } from '@tribar/core';
import { runPipeline } from '../src/internal/runner.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tribar-resources-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Config {
  seed: number;
}

// A full collection on demand, so a stage can hand its memory back before the next one starts.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** A stage that touches `mib` MiB of memory, lets it go (collected before it ends) and spins `spinMs` of CPU. */
function stage(name: string, dependsOn: string[], mib: number, spinMs: number): StageDefinition<Config> {
  return defineStage<Config>({
    name,
    description: name,
    dependsOn,
    version: 1,
    configKeys: [],
    inputs: () => [],
    outputs: () => [`${name}/done.json`],
    async run({ path }) {
      if (mib > 0) {
        let block: Float64Array | undefined = new Float64Array((mib * 1024 * 1024) / 8);
        for (let i = 0; i < block.length; i += 512) block[i] = i;
        block = undefined;
        collectGarbage();
      }
      // Spin until this thread alone has used `spinMs` of CPU (wall time depends on the machine's load).
      const start = process.cpuUsage();
      let x = 0;
      const spent = () => {
        const used = process.cpuUsage(start);
        return (used.user + used.system) / 1000;
      };
      while (spent() < spinMs) for (let i = 0; i < 10_000; i++) x += Math.sqrt(x + 1);
      await writeFileAtomic(path(`${name}/done.json`), JSON.stringify({ x: x > 0 }));
    },
  });
}

describe('per-stage resources in state.json', () => {
  it('records each stage’s CPU time and its own peak RSS (the high-water mark is reset between stages)', async () => {
    const result = await runPipeline({
      stages: [stage('big', [], 300, 0), stage('busy', ['big'], 0, 300)],
      config: { seed: 1 },
      runsDir: join(dir, 'runs'),
      runId: 'r',
    });
    expect(result.status).toBe('completed');
    const big = result.state.stages['big'];
    const busy = result.state.stages['busy'];
    // 300 MiB touched on top of the process: the stage's peak is at least that.
    expect(big?.peakRssMiB).toBeGreaterThan(300);
    // A stage that spun 300 ms of CPU is recorded with at least that (the runner's own work adds a little).
    expect(busy?.cpuMs).toBeGreaterThanOrEqual(299);
    expect(busy?.cpuMs).toBeLessThan(3000);
  });

  it('gives a later, lighter stage a lower peak than an earlier heavy one on Linux', async () => {
    const result = await runPipeline({
      stages: [stage('heavy', [], 400, 0), stage('light', ['heavy'], 0, 0)],
      config: { seed: 1 },
      runsDir: join(dir, 'runs'),
      runId: 'r',
    });
    expect(result.status).toBe('completed');
    const heavy = result.state.stages['heavy']?.peakRssMiB ?? 0;
    const light = result.state.stages['light']?.peakRssMiB ?? 0;
    expect(heavy).toBeGreaterThan(400);
    if (process.platform === 'linux') expect(light).toBeLessThan(heavy);
  });
});
