import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BRANIN } from '../bench/functions.js';
import { OPTUNA_PYTHON, OptunaStudy, optunaVersion } from '../src/internal/optuna-bridge.js';
import { TpeSampler } from '../src/internal/samplers/tpe.js';
import { createStudy, TrialPruned } from '../src/internal/study.js';

const version = optunaVersion();
if (!version && process.env['CI'] !== 'true') {
  console.warn(
    `python3-optuna not importable by ${OPTUNA_PYTHON}: the Optuna bridge tests are skipped (bash tools/scripts/setup-system.sh installs it)`,
  );
}
const dir = mkdtempSync(join(tmpdir(), 'tribar-optuna-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function optunaBranin(name: string, seed: number, trials: number) {
  const storage = join(dir, `${name}.db`);
  const study = await OptunaStudy.create({ name, space: BRANIN.space, sampler: 'tpe', seed, storage });
  await study.optimize((t) => BRANIN.evaluate(t.params, ''), { trials });
  const records = await study.trials();
  await study.close();
  return { storage, records };
}

describe.skipIf(!version && process.env['CI'] !== 'true')(`the Optuna bridge (optuna ${version ?? 'missing'})`, () => {
  it('runs the same seeded Branin study as our TPE, reproducibly, in a SQLite study Optuna itself reads back', async () => {
    const a = await optunaBranin('a', 3, 30);
    const b = await optunaBranin('b', 3, 30);
    expect(a.records.map((t) => t.params)).toEqual(b.records.map((t) => t.params));
    expect(a.records.every((t) => t.state === 'complete')).toBe(true);
    const optunaBest = Math.min(...a.records.map((t) => t.value!));

    const ours = createStudy({ name: 'ours', space: BRANIN.space, sampler: new TpeSampler({ seed: 3 }) });
    await ours.optimize((t) => BRANIN.evaluate(t.params, ''), { trials: 30 });
    // Same API, same space and seed: both searches land near Branin's minimum 0.397887.
    expect(ours.bestTrial!.value!).toBeLessThan(3);
    expect(optunaBest).toBeLessThan(3);

    const check = spawnSync(
      OPTUNA_PYTHON,
      [
        '-c',
        `import optuna; s = optuna.load_study(study_name='a', storage='sqlite:///${a.storage}'); print(len(s.trials), repr(s.best_value))`,
      ],
      { encoding: 'utf8' },
    );
    expect(check.status, check.stderr).toBe(0);
    const [count, best] = check.stdout.trim().split(' ');
    expect(Number(count)).toBe(30);
    expect(Number(best)).toBe(optunaBest);
  });

  it('reports intermediate values and lets Optuna prune', async () => {
    const study = await OptunaStudy.create({
      name: 'pruned',
      space: BRANIN.space,
      sampler: 'random',
      seed: 1,
      storage: join(dir, 'pruned.db'),
      pruner: 'median',
    });
    await study.optimize(
      async (trial) => {
        const bad = trial.number === 6;
        for (let step = 0; step < 3; step++) {
          await trial.report((bad ? 10 : 1) + 1 / (step + 1), step);
          if (await trial.shouldPrune()) throw new TrialPruned(step);
        }
        return bad ? 10 : 1;
      },
      { trials: 8 },
    );
    const records = await study.trials();
    await study.close();
    expect(records.filter((t) => t.state === 'pruned').map((t) => t.number)).toEqual([6]);
    expect(records[6]!.intermediate).toEqual([[0, 11]]);
  });
});
