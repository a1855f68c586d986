import { describe, expect, it } from 'vitest';
import { ArtifactError, DataError, describeError, describeFailure, TribarError, UsageError } from '../src/internal/errors.js';

describe('DataError', () => {
  it('names the file, the row and the field before the message', () => {
    const error = new DataError('close is not a number', { file: 'data/MES.csv', row: 17, field: 'close' });
    expect(error.message).toBe("data/MES.csv, row 17, field 'close': close is not a number");
    expect(error.location).toEqual({ file: 'data/MES.csv', row: 17, field: 'close' });
    expect(error.code).toBe('DATA_INVALID');
    expect(error.name).toBe('DataError');
    expect(error).toBeInstanceOf(TribarError);
    expect(error).toBeInstanceOf(Error);
  });

  it('leaves out the parts of the location it was not given', () => {
    expect(new DataError('empty file', { file: 'a.csv' }).message).toBe('a.csv: empty file');
    expect(new DataError('bad value', { row: 3 }).message).toBe('row 3: bad value');
    expect(new DataError('bad value', { field: 'volume' }).message).toBe("field 'volume': bad value");
    expect(new DataError('no location', {}).message).toBe('no location');
  });

  it('counts row 0 as a row (not as a missing one)', () => {
    expect(new DataError('header missing', { file: 'a.csv', row: 0 }).message).toBe('a.csv, row 0: header missing');
  });

  it('appends the hint on its own line and keeps the cause', () => {
    const cause = new Error('ENOENT');
    const error = new DataError('cannot open', { file: 'x.csv' }, { hint: 'Check the path.', cause });
    expect(error.message).toBe('x.csv: cannot open\n  hint: Check the path.');
    expect(error.hint).toBe('Check the path.');
    expect(error.cause).toBe(cause);
  });
});

describe('other error classes', () => {
  it('ArtifactError puts the path first and keeps it', () => {
    const error = new ArtifactError('checksum mismatch', 'runs/r1/labels/MES.arrow');
    expect(error.message).toBe('runs/r1/labels/MES.arrow: checksum mismatch');
    expect(error.path).toBe('runs/r1/labels/MES.arrow');
    expect(error.code).toBe('ARTIFACT_INVALID');
    expect(error.hint).toBeUndefined();
  });

  it('UsageError has code USAGE and its own name', () => {
    const error = new UsageError('low > high');
    expect([error.name, error.code, error.message]).toEqual(['UsageError', 'USAGE', 'low > high']);
  });

  it('toJSON includes the hint only when there is one', () => {
    expect(new UsageError('x').toJSON()).toEqual({ name: 'UsageError', code: 'USAGE', message: 'x' });
    expect(new UsageError('x', { hint: 'y' }).toJSON()).toEqual({
      name: 'UsageError',
      code: 'USAGE',
      message: 'x\n  hint: y',
      hint: 'y',
    });
  });
});

describe('describeError', () => {
  it('gives name, code, message and hint of a TribarError', () => {
    const described = describeError(new DataError('bad', { file: 'f.csv', row: 2 }, { hint: 'fix it' }));
    expect(described).toEqual({ name: 'DataError', code: 'DATA_INVALID', message: 'f.csv, row 2: bad\n  hint: fix it', hint: 'fix it' });
  });

  it('gives name and message of a plain Error, without a code', () => {
    expect(describeError(new TypeError('x is undefined'))).toEqual({ name: 'TypeError', message: 'x is undefined' });
  });

  it('turns anything else thrown into a string message', () => {
    expect(describeError('boom')).toEqual({ name: 'Error', message: 'boom' });
    expect(describeError(42)).toEqual({ name: 'Error', message: '42' });
    expect(describeError(undefined)).toEqual({ name: 'Error', message: 'undefined' });
  });

  it('survives JSON serialisation unchanged', () => {
    const described = describeError(new ArtifactError('missing', 'a/b.arrow', { hint: 're-run' }));
    expect(JSON.parse(JSON.stringify(described))).toEqual(described);
  });
});

describe('describeFailure', () => {
  it('gives a one-line message, the hint apart and the stack with its causes', () => {
    const cause = new Error('EACCES: permission denied, open');
    const error = new DataError('cannot open', { file: 'x.csv' }, { hint: 'Check the path.', cause });
    const failure = describeFailure(error);
    expect(failure).toMatchObject({ name: 'DataError', code: 'DATA_INVALID', message: 'x.csv: cannot open', hint: 'Check the path.' });
    expect(failure.stack?.split('\n')[0]).toBe('DataError: x.csv: cannot open');
    expect(failure.stack).toContain('caused by: Error: EACCES: permission denied, open');
  });

  it('joins a multi-line message into one line; plain errors and thrown values have no code or hint', () => {
    const failure = describeFailure(new RangeError('bad row\n  at column close'));
    expect(failure).toMatchObject({ name: 'RangeError', message: 'bad row at column close' });
    expect(failure.code).toBeUndefined();
    expect(failure.hint).toBeUndefined();
    expect(describeFailure('plain text')).toEqual({ name: 'Error', message: 'plain text' });
    expect(describeFailure(new TribarError('X', 'no hint here'))).toMatchObject({ code: 'X', message: 'no hint here' });
  });
});
