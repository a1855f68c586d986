// The run's own files read back (config.json, manifest.json, state.json): an edit is an integrity error, damage
// (a truncated file) is rebuilt from what can be trusted instead of crashing, and the rebuilt run has the same bytes.
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRootLogger } from '@tribar/core';
import { runPipeline } from '../src/internal/runner.js';
import { recordRewrittenOutputs, verifyRun } from '../src/internal/run-files.js';
import { getRun, listRuns } from '../src/internal/runs.js';
import { readCalls, testStages, type TestConfig } from './stages.js';

let dir: string;
let callLog: string;
const runsDir = () => join(dir, 'runs');
const config = (): TestConfig => ({ seed: 5, scale: 3, offset: 2, callLog });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tribar-damaged-'));
  callLog = join(dir, 'calls.log');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A logger that keeps its warnings. */
function capturingLogger() {
  const warnings: { msg: string; file?: string; problem?: string }[] = [];
  const logger = createRootLogger({
    level: 'warn',
    streams: [{ stream: { write: (line: string) => void warnings.push(JSON.parse(line) as never) } as never }],
  });
  return { logger, warnings };
}

const run = (runId: string, given: TestConfig = config(), logger = capturingLogger().logger) =>
  runPipeline({ stages: testStages(), config: given, runsDir: runsDir(), runId, logger });

/** Every result file of a run (not state.json, logs, the lock) with its bytes. */
async function resultFiles(runDir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (at: string) => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out[relative(runDir, path)] = await readFile(path, 'utf8');
    }
  };
  await walk(runDir);
  delete out['state.json'];
  return out;
}

const calls = async () => readCalls(callLog);

describe('config.json is covered by the manifest', () => {
  it('records its SHA-256 under stage pipeline, and the same config gives the same manifest bytes', async () => {
    const a = await run('a');
    const b = await run('b');
    const manifest = JSON.parse(await readFile(join(a.runDir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { stage: string; sizeBytes: number }>;
    };
    const configBytes = await readFile(join(a.runDir, 'config.json'));
    expect(manifest.artifacts['config.json']).toMatchObject({ stage: 'pipeline', sizeBytes: configBytes.length });
    expect(await resultFiles(b.runDir)).toEqual(await resultFiles(a.runDir));
  });

  it('an edited config.json of a finished run is an integrity error, with or without the edited settings', async () => {
    const first = await run('r1');
    const file = join(first.runDir, 'config.json');
    const edited = { ...config(), scale: 4 };
    await writeFile(file, JSON.stringify(edited, null, 2) + '\n');
    const stateBefore = await readFile(join(first.runDir, 'state.json'), 'utf8');
    const before = (await calls()).length;
    for (const given of [config(), edited]) {
      await expect(run('r1', given)).rejects.toMatchObject({
        name: 'RunIntegrityError',
        code: 'RUN_INTEGRITY',
        path: file,
        message: expect.stringContaining('config.json was changed after the run wrote it'),
        hint: expect.stringContaining('--reconfigure'),
      });
    }
    // Refused before anything ran or was written.
    expect((await calls()).length).toBe(before);
    expect(await readFile(join(first.runDir, 'state.json'), 'utf8')).toBe(stateBefore);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(edited);
  });

  it('with the manifest damaged too, the edit is still caught by the config hash in state.json', async () => {
    const first = await run('r1');
    await writeFile(join(first.runDir, 'config.json'), JSON.stringify({ ...config(), offset: 9 }, null, 2) + '\n');
    await truncate(join(first.runDir, 'manifest.json'), 20);
    await expect(run('r1', { ...config(), offset: 9 })).rejects.toMatchObject({ code: 'RUN_INTEGRITY' });
  });
});

describe('a damaged run file is rebuilt on resume, never trusted and never a crash', () => {
  it('manifest.json truncated at any offset: every stage re-runs, and the run ends byte-identical to an undamaged one', async () => {
    const clean = await run('clean');
    const expected = await resultFiles(clean.runDir);
    const size = expected['manifest.json']?.length ?? 0;
    for (const offset of [0, 1, 37, Math.floor(size / 2), size - 2]) {
      const runId = `cut-${offset}`;
      const first = await run(runId);
      await truncate(join(first.runDir, 'manifest.json'), offset);
      const before = (await calls()).length;
      const { logger, warnings } = capturingLogger();
      const resumed = await run(runId, config(), logger);
      expect(resumed.status, `offset ${offset}`).toBe('completed');
      expect((await calls()).slice(before), `offset ${offset}`).toEqual(['source', 'scaled', 'shifted', 'combined']);
      expect(await resultFiles(resumed.runDir), `offset ${offset}`).toEqual(expected);
      expect(warnings.map((warning) => warning.msg)).toEqual([expect.stringMatching(/^manifest\.json is damaged \(.+\): rebuilt/)]);
      // And the next invocation trusts the rebuilt manifest: nothing runs.
      const again = await run(runId);
      expect(Object.values(again.state.stages).every((record) => record.reused)).toBe(true);
    }
  });

  it('a manifest of the wrong shape or with a misfiled entry is rebuilt the same way', async () => {
    const clean = await run('clean');
    const expected = await resultFiles(clean.runDir);
    const first = await run('r1');
    const manifest = JSON.parse(expected['manifest.json'] as string) as { artifacts: Record<string, { path: string }> };
    (manifest.artifacts['config.json'] as { path: string }).path = '../elsewhere.json';
    await writeFile(join(first.runDir, 'manifest.json'), JSON.stringify(manifest));
    const { logger, warnings } = capturingLogger();
    expect((await run('r1', config(), logger)).status).toBe('completed');
    expect(warnings[0]?.msg).toMatch(/entry 'config\.json' records path '\.\.\/elsewhere\.json'/);
    expect(await resultFiles(first.runDir)).toEqual(expected);

    const absolute = JSON.parse(expected['manifest.json'] as string) as { artifacts: Record<string, { path: string }> };
    absolute.artifacts['/etc/hosts'] = { ...(absolute.artifacts['config.json'] as { path: string }), path: '/etc/hosts' };
    await writeFile(join(first.runDir, 'manifest.json'), JSON.stringify(absolute));
    expect((await run('r1')).status).toBe('completed');
    expect(await resultFiles(first.runDir)).toEqual(expected);

    await writeFile(join(first.runDir, 'manifest.json'), JSON.stringify({ manifestVersion: 2, artifacts: [] }));
    expect((await run('r1')).status).toBe('completed');
    expect(await resultFiles(first.runDir)).toEqual(expected);
  });

  it('state.json truncated at any offset: found as a damaged run, resumed by re-running every stage', async () => {
    const clean = await run('clean');
    const expected = await resultFiles(clean.runDir);
    for (const at of [0, 1, 100, 0.5, -3]) {
      const runId = `cut-${at}`;
      const first = await run(runId);
      // Its own size: durations make state.json's length differ from run to run (-3 cuts the closing `\n}\n`).
      const size = (await readFile(join(first.runDir, 'state.json'))).length;
      const offset = at === 0.5 ? Math.floor(size / 2) : at < 0 ? size + at : at;
      await truncate(join(first.runDir, 'state.json'), offset);
      // Still a run: listed and found (to resume or remove it), saying what is wrong.
      const found = await getRun(runsDir(), runId);
      expect(found.damaged, `offset ${offset}`).toMatch(/state\.json/);
      expect((await listRuns(runsDir())).map((summary) => summary.runId)).toContain(runId);
      const before = (await calls()).length;
      const { logger, warnings } = capturingLogger();
      const resumed = await run(runId, config(), logger);
      expect(resumed.status).toBe('completed');
      expect((await calls()).slice(before)).toEqual(['source', 'scaled', 'shifted', 'combined']);
      expect(warnings.map((warning) => warning.msg)).toEqual([expect.stringMatching(/^state\.json is damaged \(.+\): rebuilt/)]);
      expect(await resultFiles(resumed.runDir)).toEqual(expected);
      expect((await getRun(runsDir(), runId)).damaged).toBeUndefined();
    }
  });

  it('config.json truncated: rewritten from the settings given when they are the recorded ones, refused otherwise', async () => {
    const clean = await run('clean');
    const expected = await resultFiles(clean.runDir);
    const size = expected['config.json']?.length ?? 0;
    for (const offset of [0, 1, Math.floor(size / 2), size - 2]) {
      const runId = `cut-${offset}`;
      const first = await run(runId);
      await truncate(join(first.runDir, 'config.json'), offset);
      await expect(run(runId, { ...config(), scale: 7 })).rejects.toMatchObject({
        code: 'RUN_INTEGRITY',
        message: expect.stringMatching(/config\.json is damaged .* not the ones the run recorded/),
      });
      const before = (await calls()).length;
      const { logger, warnings } = capturingLogger();
      const resumed = await run(runId, config(), logger);
      expect(resumed.status).toBe('completed');
      // Only the config was damaged: every stage's outputs are intact, nothing re-runs.
      expect((await calls()).slice(before)).toEqual([]);
      expect(warnings.map((warning) => warning.msg)).toEqual([expect.stringMatching(/^config\.json is damaged .*rewritten/)]);
      expect(await resultFiles(resumed.runDir)).toEqual(expected);
    }
  });
});

describe('verifyRun', () => {
  it('checks every recorded artifact, config.json included, and reports damaged run files instead of crashing', async () => {
    const first = await run('r1');
    expect(await verifyRun(first.runDir)).toEqual({ artifacts: 5, problems: [] });
    await writeFile(join(first.runDir, 'config.json'), JSON.stringify({ ...config(), scale: 4 }, null, 2) + '\n');
    expect((await verifyRun(first.runDir)).problems).toEqual([
      expect.objectContaining({ path: 'config.json', problem: 'checksum-mismatch' }),
    ]);
    // `paths` hashes only the artifacts named: another damaged artifact is not read.
    const manifest = JSON.parse(await readFile(join(first.runDir, 'manifest.json'), 'utf8')) as { artifacts: Record<string, unknown> };
    const other = Object.keys(manifest.artifacts).find((path) => path !== 'config.json') as string;
    await writeFile(join(first.runDir, other), 'garbage');
    expect((await verifyRun(first.runDir)).problems.map((p) => p.path).sort()).toEqual(['config.json', other].sort());
    expect((await verifyRun(first.runDir, { paths: ['config.json'] })).problems).toEqual([
      expect.objectContaining({ path: 'config.json', problem: 'checksum-mismatch' }),
    ]);
    await truncate(join(first.runDir, 'manifest.json'), 30);
    await truncate(join(first.runDir, 'state.json'), 0);
    expect(await verifyRun(first.runDir)).toEqual({
      artifacts: 0,
      problems: [
        { path: 'state.json', problem: 'damaged', detail: expect.stringMatching(/^not valid JSON/) },
        { path: 'manifest.json', problem: 'damaged', detail: expect.stringMatching(/^not valid JSON/) },
      ],
    });
  });
});

describe('recordRewrittenOutputs', () => {
  it("re-records the named stage's rewritten outputs only, so a later --only of a stage after it is not refused", async () => {
    const first = await run('w');
    const manifest = JSON.parse(await readFile(join(first.runDir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { stage: string }>;
    };
    const byStage = Object.entries(manifest.artifacts).filter(([, entry]) => entry.stage !== 'pipeline');
    const [ownPath, own] = byStage[0]!;
    const [otherPath] = byStage.find(([, entry]) => entry.stage !== own.stage)!;
    await writeFile(join(first.runDir, ownPath), 'rewritten by a command outside the pipeline');
    await writeFile(join(first.runDir, otherPath), 'damaged');
    expect(await recordRewrittenOutputs(first.runDir, own.stage)).toEqual([ownPath]);
    // The other stage's damage is still caught: only the named stage's files were re-hashed.
    expect((await verifyRun(first.runDir)).problems.map((p) => p.path)).toEqual([otherPath]);
    expect(await recordRewrittenOutputs(first.runDir, own.stage)).toEqual([]); // nothing new to record
  });
});
