import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays } from 'apache-arrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ArtifactError } from '@tribar/core';
import {
  arrowArtifact,
  jsonArtifact,
  readArrowArtifact,
  readJsonArtifact,
  writeArrowArtifact,
  writeJsonArtifact,
} from '../src/artifact.js';
import { runState } from '../src/run.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tribar-artifacts-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const point = jsonArtifact('demo/point.json', 'demo', z.object({ x: z.number(), tags: z.array(z.string()) }));

describe('JSON artifacts', () => {
  it('round-trips a valid value, keeping the key order as written', async () => {
    await writeJsonArtifact(dir, point, { tags: ['a'], x: 1 });
    expect(await readFile(join(dir, 'demo/point.json'), 'utf8')).toContain('"tags"');
    expect(await readJsonArtifact(dir, point)).toEqual({ x: 1, tags: ['a'] });
  });

  it('refuses to write a value of the wrong shape, and writes nothing', async () => {
    await expect(writeJsonArtifact(dir, point, { x: 'one', tags: [] } as never)).rejects.toThrow(/field 'x'/);
    await expect(readFile(join(dir, 'demo/point.json'))).rejects.toThrow();
  });

  it('names the file and the nested field of a file out of shape', async () => {
    await mkdir(join(dir, 'demo'));
    await writeFile(join(dir, 'demo/point.json'), JSON.stringify({ x: 1, tags: ['a', 2] }));
    const error = await readJsonArtifact(dir, point).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArtifactError);
    expect((error as ArtifactError).path).toBe(join(dir, 'demo/point.json'));
    expect((error as Error).message).toContain("field 'tags[1]'");
    expect((error as Error).message).toContain("re-run stage 'demo'");
  });

  it('names a truncated file and a missing one', async () => {
    await mkdir(join(dir, 'demo'));
    await writeFile(join(dir, 'demo/point.json'), '{"x": 1, "ta');
    await expect(readJsonArtifact(dir, point)).rejects.toThrow(/point\.json: not valid JSON/);
    await expect(readJsonArtifact(dir, runState)).rejects.toThrow(/state\.json: cannot read the file/);
  });
});

describe('Arrow artifacts', () => {
  const bars = arrowArtifact('demo/bars.arrow', 'demo', [
    { name: 'close', type: 'float64' },
    { name: 'label', type: 'int8' },
  ]);

  it('round-trips a table with the promised columns (and extra ones)', async () => {
    const table = tableFromArrays({ close: Float64Array.of(1, 2), label: Int8Array.of(-1, 1), extra: Float32Array.of(0, 0) });
    await writeArrowArtifact(dir, bars, table);
    const back = await readArrowArtifact(dir, bars);
    expect([...back.getChild('label')!.toArray()]).toEqual([-1, 1]);
  });

  it('names a missing column and a column of the wrong type', async () => {
    await expect(writeArrowArtifact(dir, bars, tableFromArrays({ close: Float64Array.of(1) }))).rejects.toThrow(
      /bars\.arrow: column 'label' is missing/,
    );
    await expect(writeArrowArtifact(dir, bars, tableFromArrays({ close: Float32Array.of(1), label: Int8Array.of(0) }))).rejects.toThrow(
      /column 'close' is Float32, not float64/,
    );
  });
});
