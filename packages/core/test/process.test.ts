import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { processAlive } from '../src/internal/process.js';

describe('processAlive', () => {
  it('is true for this process and a running child, false once the child was killed with SIGKILL', async () => {
    expect(processAlive(process.pid)).toBe(true);
    const child = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const pid = child.pid as number;
    expect(processAlive(pid)).toBe(true);
    child.kill('SIGKILL');
    await exited;
    expect(processAlive(pid)).toBe(false);
  });

  it('is false for ids that cannot be a process', () => {
    for (const pid of [0, -1, 1.5, Number.NaN]) expect(processAlive(pid)).toBe(false);
  });
});
