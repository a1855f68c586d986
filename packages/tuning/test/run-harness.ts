// Runs a journaled study until killed: `tsx run-harness.ts <journal> <trials>`;
// `tsx run-harness.ts --redis-worker <url> <lockMs> <delayMs>` is a Redis trial worker instead (redis.test.ts).
import { BRANIN } from '../bench/functions.js';
import { JournalStorage } from '../src/internal/journal.js';
import { TpeSampler } from '../src/internal/samplers/tpe.js';
import { createStudy } from '../src/internal/study.js';

if (process.argv[2] === '--redis-worker') await import('./redis-worker-process.js');
else await journaledStudy();

async function journaledStudy(): Promise<void> {
  const [journal, trials] = process.argv.slice(2) as [string, string];
  const study = createStudy({
    name: 'killed',
    space: BRANIN.space,
    sampler: new TpeSampler({ seed: 4 }),
    storage: new JournalStorage(journal),
    seed: 4,
  });
  await study.optimize(
    async (trial) => {
      for (let step = 0; step < 3; step++) {
        trial.report(step, step);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      return BRANIN.evaluate(trial.params, '');
    },
    { trials: Number(trials) },
  );
  study.close();
}
