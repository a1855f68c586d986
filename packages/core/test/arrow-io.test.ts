import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Field,
  Float64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableFromArrays,
  tableFromIPC,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readArrowFile, writeArrowBatches, writeArrowFile } from '../src/internal/arrow-io.js';
import { ArtifactError } from '../src/internal/errors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tribar-arrow-io-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A float64 table whose columns are the given arrays as they are (views included), with schema metadata. */
function floatTable(columns: Record<string, Float64Array>, metadata = new Map([['symbol', 'MES']])): Table {
  const names = Object.keys(columns);
  const fields = names.map((name) => new Field(name, new Float64(), false));
  const length = (Object.values(columns)[0] as Float64Array).length;
  const children = names.map((name) => makeData({ type: new Float64(), length, data: columns[name] as Float64Array }));
  const schema = new Schema(fields, metadata);
  return new Table(schema, [new RecordBatch(schema, makeData({ type: new Struct(fields), length, nullCount: 0, children }))]);
}

function batchOf(schema: Schema, from: number, length: number): RecordBatch {
  const children = schema.fields.map((_, j) =>
    makeData({ type: new Float64(), length, data: Float64Array.from({ length }, (_, i) => from + i + j / 10) }),
  );
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, nullCount: 0, children }));
}

describe('writeArrowFile', () => {
  it('writes the same bytes as apache-arrow’s tableToIPC for a one-batch and a two-batch table', async () => {
    const table = tableFromArrays({
      close: Float64Array.from({ length: 1001 }, (_, i) => 5000 + Math.sin(i)),
      volume: Int32Array.from({ length: 1001 }, (_, i) => i * 7),
      flag: Int8Array.from({ length: 1001 }, (_, i) => (i % 3) - 1),
    });
    const names = new Table({ name: vectorFromArray(['MES', 'MGC', 'ES'], new Utf8()) });
    const twoBatches = table.slice(0, 500).concat(table.slice(500));
    expect(twoBatches.batches).toHaveLength(2);
    for (const [name, value] of [
      ['one.arrow', table],
      ['utf8.arrow', names],
      ['two.arrow', twoBatches],
    ] as const) {
      await writeArrowFile(join(dir, name), value);
      expect(Buffer.compare(readFileSync(join(dir, name)), Buffer.from(tableToIPC(value, 'file')))).toBe(0);
    }
    expect(readdirSync(dir).sort()).toEqual(['one.arrow', 'two.arrow', 'utf8.arrow']);
  });

  it('writes columns that are views into one shared buffer as they are (tableToIPC’s join loses bytes there)', async () => {
    // Columns cut from one allocation: one column twice in a row, then one overlapping it (a feature equal to
    // another, a window of the same series): apache-arrow's join merges chunks that touch or overlap in one
    // ArrayBuffer, so tableToIPC writes 8 values where the file promises 24.
    const slab = Float64Array.from({ length: 30 }, (_, i) => i + 0.5);
    const a = slab.subarray(2, 10);
    const b = slab.subarray(6, 14);
    const table = floatTable({ a, again: a, b });
    const file = join(dir, 'views.arrow');
    await writeArrowFile(file, table);
    const back = await readArrowFile(file);
    expect(Array.from(back.getChild('a')!.toArray() as Float64Array)).toEqual(Array.from(a));
    expect(Array.from(back.getChild('b')!.toArray() as Float64Array)).toEqual(Array.from(b));
    expect(Array.from(back.getChild('again')!.toArray() as Float64Array)).toEqual(Array.from(a));
    expect(back.schema.metadata.get('symbol')).toBe('MES');
  });
});

describe('writeArrowBatches', () => {
  it('streams batches from a generator into one file that reads back as their concatenation', async () => {
    const schema = new Schema([new Field('x', new Float64(), false), new Field('y', new Float64(), false)], new Map([['symbol', 'MGC']]));
    let produced = 0;
    async function* batches() {
      for (let from = 0; from < 2500; from += 1000) {
        produced++;
        yield batchOf(schema, from, Math.min(1000, 2500 - from));
      }
    }
    const file = join(dir, 'streamed.arrow');
    await writeArrowBatches(file, schema, batches());
    expect(produced).toBe(3);
    const back = tableFromIPC(readFileSync(file));
    expect(back.numRows).toBe(2500);
    expect(back.batches.map((batch) => batch.numRows)).toEqual([1000, 1000, 500]);
    const x = back.getChild('x')!.toArray() as Float64Array;
    expect([x[0], x[999], x[1000], x[2499]]).toEqual([0, 999, 1000, 2499]);
    expect(back.getChild('y')!.get(1234)).toBeCloseTo(1234.1, 12);
    expect(back.schema.metadata.get('symbol')).toBe('MGC');
  });

  it('writes an empty file (schema, no batches) that reads back with its fields', async () => {
    const schema = new Schema([new Field('x', new Float64(), false)]);
    const file = join(dir, 'empty.arrow');
    await writeArrowBatches(file, schema, []);
    const back = await readArrowFile(file);
    expect(back.numRows).toBe(0);
    expect(back.schema.fields.map((field) => field.name)).toEqual(['x']);
  });

  it('refuses a batch of another schema and leaves no file behind', async () => {
    const schema = new Schema([new Field('x', new Float64(), false)]);
    const other = new Schema([new Field('z', new Float64(), false)]);
    const file = join(dir, 'mixed.arrow');
    const error = await writeArrowBatches(file, schema, [batchOf(schema, 0, 10), batchOf(other, 10, 10)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArtifactError);
    expect((error as ArtifactError).message).toContain('record batch 1 has another schema');
    expect((error as ArtifactError).message).toContain(file);
    expect(readdirSync(dir)).toEqual([]);
  });
});
