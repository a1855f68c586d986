import { createHash, type Hash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AsyncByteQueue, RecordBatchFileWriter, tableFromIPC, tableToIPC, type RecordBatch, type Schema, type Table } from 'apache-arrow';
import type * as ParquetWasm from 'parquet-wasm';
import { writeAtomically, writeFileAtomic } from './atomic-write.js';
import { rememberWrittenDigest } from './hash.js';
import { ArtifactError } from './errors.js';
import { requireOptional } from './optional-package.js';

// parquet-wasm (≈ 8 MB of WebAssembly) is an optional peer dependency, loaded on the first
// Parquet read or write: the pipeline itself only writes Arrow IPC.
let parquetWasm: typeof ParquetWasm | undefined;
function parquet(purpose: string): typeof ParquetWasm {
  parquetWasm ??= requireOptional<typeof ParquetWasm>('parquet-wasm', purpose);
  return parquetWasm;
}

/**
 * The sink of apache-arrow's file writer: every chunk it emits (a message header, one column buffer as it is,
 * padding, the footer) goes to the file descriptor at once. `tableToIPC` instead queues every chunk and joins
 * them into one buffer the size of the file: a second copy of the whole table at the moment memory peaks.
 * Writing each chunk as it is also makes columns that share one ArrayBuffer safe: the join merges chunks that
 * touch or overlap in one buffer, which drops bytes when a column repeats or two columns overlap.
 */
class FileSink extends AsyncByteQueue {
  closed_ = false;
  constructor(
    private readonly fd: number,
    private readonly hash: Hash,
  ) {
    super();
  }
  override write(value: Uint8Array): void {
    const bytes = value instanceof Uint8Array ? value : new Uint8Array(value as ArrayBuffer);
    this.hash.update(bytes);
    for (let written = 0; written < bytes.byteLength;) {
      written += writeSync(this.fd, bytes, written, bytes.byteLength - written);
    }
  }
  override close(): void {
    this.closed_ = true;
    super.close();
  }
}

/**
 * Write record batches to an Arrow IPC file as they are produced, atomically (a temporary file renamed into
 * place, flushed first): no buffer ever holds the file, so memory is the batches themselves. One batch gives
 * the same bytes as `tableToIPC(table, 'file')`; every batch must have `schema`.
 */
export async function writeArrowBatches(
  path: string,
  schema: Schema,
  batches: Iterable<RecordBatch> | AsyncIterable<RecordBatch>,
): Promise<void> {
  // Hashed as it is written, so the manifest records the file without reading it back (hash.ts).
  const hash = createHash('sha256');
  await writeAtomically(path, async (temporary) => {
    const fd = openSync(temporary, 'w');
    try {
      const sink = new FileSink(fd, hash);
      const writer = new RecordBatchFileWriter();
      writer.reset(sink, schema);
      let index = 0;
      for await (const batch of batches) {
        writer.write(batch);
        // apache-arrow closes the file (footer and all) on a batch of another schema instead of failing.
        if (sink.closed_) {
          throw new ArtifactError(`record batch ${index} has another schema than the file's`, path, {
            hint: 'Every batch of one Arrow file needs the same fields and metadata; this is a bug in the writing stage.',
          });
        }
        index++;
      }
      writer.finish();
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  });
  const absolute = resolve(path);
  rememberWrittenDigest(absolute, hash.digest('hex'), await stat(absolute, { bigint: true }));
}

/**
 * Arrow IPC files are the artifacts passed between stages: columnar, typed, zero-copy
 * to read, and readable from Python (pyarrow) and R as they are. Streamed: the file's bytes are never
 * gathered in memory (`writeArrowBatches`).
 */
export async function writeArrowFile(path: string, table: Table): Promise<void> {
  await writeArrowBatches(path, table.schema, table.batches);
}

// An Arrow IPC file starts with `ARROW1\0\0` and ends with `ARROW1`; apache-arrow reads a file
// cut short (its footer lost) as an empty stream instead of failing, so both ends are checked first.
const ARROW_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31];

function hasArrowFileMagic(bytes: Uint8Array): boolean {
  if (bytes.length < 2 * ARROW_MAGIC.length + 2) return false;
  const tail = bytes.length - ARROW_MAGIC.length;
  return ARROW_MAGIC.every((byte, i) => bytes[i] === byte && bytes[tail + i] === byte);
}

export async function readArrowFile(path: string): Promise<Table> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new ArtifactError('cannot read Arrow file', path, { cause: error, hint: 'Check the path; re-run the stage that writes it.' });
  }
  if (!hasArrowFileMagic(bytes)) {
    throw new ArtifactError(`not a complete Arrow IPC file (${bytes.length} bytes, no ARROW1 magic at both ends)`, path, {
      hint: 'The file is truncated or of another format; re-run the stage that writes it.',
    });
  }
  try {
    return tableFromIPC(bytes);
  } catch (error) {
    throw new ArtifactError(`not a readable Arrow IPC file (${(error as Error).message})`, path, {
      cause: error,
      hint: 'The file is truncated or of another format; re-run the stage that writes it.',
    });
  }
}

/** Parse Parquet bytes (parquet-wasm, Rust's arrow-rs compiled to WebAssembly) into an Arrow table. */
export function parquetToArrow(bytes: Uint8Array, source = '<bytes>'): Table {
  const { readParquet } = parquet('Reading Parquet files');
  let wasmTable: ParquetWasm.Table;
  try {
    wasmTable = readParquet(bytes);
  } catch (error) {
    throw new ArtifactError(`not a readable Parquet file (${String(error)})`, source, {
      cause: error,
      hint: 'The file is truncated or not Parquet; re-export it from its source.',
    });
  }
  return tableFromIPC(wasmTable.intoIPCStream());
}

/** Encode an Arrow table as Parquet bytes (zstd-compressed). */
export function arrowToParquet(table: Table): Uint8Array {
  const { Compression, Table: WasmTable, WriterPropertiesBuilder, writeParquet } = parquet('Writing Parquet files');
  const properties = new WriterPropertiesBuilder().setCompression(Compression.ZSTD).build();
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), properties);
}

export async function readParquetFile(path: string): Promise<Table> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new ArtifactError('cannot read Parquet file', path, { cause: error, hint: 'Check the path.' });
  }
  return parquetToArrow(bytes, path);
}

export async function writeParquetFile(path: string, table: Table): Promise<void> {
  await writeFileAtomic(path, arrowToParquet(table));
}
