// A real Ctrl-C: the CLI as its own process, SIGINT while a stage runs, then --resume.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registeredStages } from '@tribar/pipeline';
import { EXIT } from '../src/internal/exit-codes.js';
import { runCliCaptured } from './run-cli.js';

const cwd = mkdtempSync(join(tmpdir(), 'tribar-sigint-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const SMALL = ['--set', 'data.synthetic.days=21', '--set', 'horizons=[20]', '--set', 'splits.embargoBars=288'];

/**
 * `tribar <argv>` as a child process (sources through tsx, as a user's shell would run the built one); calls
 * `onStderr` with everything it printed so far on standard error, and resolves with its exit code.
 */
function tribar(argv: string[], onStderr: (text: string, child: ReturnType<typeof spawn>) => void = () => {}) {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const child = spawn(process.execPath, ['--import', tsx, join(import.meta.dirname, '../src/main.ts'), ...argv], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    // The run happens in a temporary folder: name the tsconfig whose paths map @tribar/* to sources.
    env: { ...process.env, TSX_TSCONFIG_PATH: join(import.meta.dirname, '../tsconfig.json') },
  });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    onStderr(stderr, child);
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

const temporaryFiles = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => /\.tmp-/.test(name));

describe('Ctrl-C (a real SIGINT) while a stage runs', () => {
  it('exits 130 with the run interrupted and no temporary file; --resume then gives the artifacts of an uninterrupted run', async () => {
    let sent = false;
    const interrupted = await tribar(['pipeline', '--run-id', 'cut-off', ...SMALL], (stderr, child) => {
      // The GA's stage is under way: interrupt it.
      if (!sent && /stage started \{[^}]*"stage":"ga-optimize"/.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(sent, interrupted.stderr).toBe(true);
    expect(interrupted.code, interrupted.stderr).toBe(EXIT.cancelled);
    expect(interrupted.stderr).toContain('interrupted: stopping the current stage');
    expect(interrupted.stderr).not.toMatch(/^\s+at /m);
    expect(interrupted.stdout).toContain('continue with: tribar pipeline --resume --run-id cut-off');
    const runDir = join(cwd, 'runs', 'cut-off');
    const state = JSON.parse(readFileSync(join(runDir, 'state.json'), 'utf8')) as {
      status: string;
      stages: Record<string, { status: string }>;
    };
    expect(state.status).toBe('interrupted');
    expect(state.stages['ingest']?.status).toBe('completed');
    expect(state.stages['report']?.status).toBe('pending');
    expect(temporaryFiles(runDir)).toEqual([]);
    expect(readdirSync(runDir)).not.toContain('run.lock');

    const resumed = await tribar(['pipeline', '--resume', '--run-id', 'cut-off']);
    expect(resumed.code, resumed.stderr).toBe(EXIT.ok);
    expect(resumed.stdout).toMatch(/ingest\s+skipped \(up to date\)/);

    // The same config and seed, never interrupted (in-process: the artifacts are the code's, not the process's).
    const whole = await runCliCaptured(['pipeline', '--run-id', 'whole', ...SMALL], cwd, { stages: registeredStages });
    expect(whole.code, whole.stderr).toBe(EXIT.ok);
    const compare = await runCliCaptured(['compare', 'cut-off', 'whole'], cwd);
    expect(compare.stdout).toMatch(/cut-off → whole: 0 added, 0 removed, 0 modified, \d+ unchanged/);
    expect(compare.code).toBe(EXIT.ok);
  });
});
