// Benchmark: triple-barrier labeling throughput on the performance-anchors series (1,000,000
// five-minute bars, seeded GBM from 4,500, Wilder ATR(14)) for the three anchor parameter sets,
// beside the original numba kernel measured in the same run on the same bytes
// (triple_barrier_reference.py under Debian's python3-numba; without it, the anchor constants,
// labelled as such). Tribar and numba alternate (A B A B); the outputs are checked equal first.
// Both sides time CPU seconds of their own process (the machine is shared: wall time would
// measure the other jobs).
// Run with `npm run bench` from packages/labeling. BENCH_BARS, BENCH_ROUNDS, BENCH_PYTHON override.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { INVALID_LABEL, tripleBarrierInto, type TripleBarrierBuffers, type TripleBarrierResult } from '@tribar/quant';

/** The original's five outputs (what numba returns). */
type FiveOutputs = Pick<TripleBarrierResult, 'label' | 'barsToHit' | 'mae' | 'mfe' | 'touchType'>;
import { LabelBuffers, labelBars, labelSeriesInto } from '../src/internal/label-bars.js';
import { anchorSeries } from './series.js';

const BARS = Number(process.env.BENCH_BARS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';

const CASES = [
  { kUp: 1.5, kDown: 1.0, maxBars: 12, anchor: 39.0, mix: '38.5 / 58.5 / 3.0 %, 4.1 bars' },
  { kUp: 3.0, kDown: 2.1, maxBars: 50, anchor: 18.1, mix: '40.0 / 56.9 / 3.1 %, 15.8 bars' },
  { kUp: 2.0, kDown: 1.0, maxBars: 60, anchor: 34.5, mix: '33.2 / 66.8 / 0.0 %, 5.5 bars' },
];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const pct = (x: number) => (100 * x).toFixed(1);
const rate = (seconds: number) => BARS / seconds / 1e6;

const generated = performance.now();
const bars = anchorSeries(BARS, 42);
const atr = bars.columns.atr_14 as Float64Array;
const input = { open: bars.open, high: bars.high, low: bars.low, close: bars.close, atr, timestamp: bars.timestamp };
console.log(`series: ${BARS.toLocaleString('en-US')} bars generated in ${((performance.now() - generated) / 1000).toFixed(2)} s`);

/** The numba reference as a child process answering one command per line (see the .py file). */
class NumbaReference {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: AsyncIterator<string>;
  private constructor(child: ChildProcessWithoutNullStreams) {
    this.#child = child;
    this.#lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  static async start(dir: string): Promise<{ reference?: NumbaReference; why?: string; version?: string }> {
    const script = fileURLToPath(new URL('./triple_barrier_reference.py', import.meta.url));
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(PYTHON, [script, dir], { stdio: 'pipe' });
    } catch (error) {
      return { why: `${PYTHON} did not start (${String(error)})` };
    }
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const spawned = await new Promise<string | undefined>((resolve) => {
      child.once('spawn', () => resolve(undefined));
      child.once('error', (error) => resolve(`${PYTHON} did not start (${error.message})`));
    });
    if (spawned !== undefined) return { why: spawned };
    const reference = new NumbaReference(child);
    const first = await reference.#next();
    if (first === undefined || !('ready' in first)) {
      child.kill();
      return { why: first?.error ?? `the reference exited: ${stderr.trim().split('\n').at(-1) ?? ''}` };
    }
    return { reference, version: first.numba };
  }

  async #next(): Promise<{ ready?: boolean; numba?: string; error?: string; seconds?: number[] } | undefined> {
    const line = await this.#lines.next();
    return line.done === true ? undefined : JSON.parse(line.value);
  }

  async run(params: { kUp: number; kDown: number; maxBars: number }, repeats: number, write = false): Promise<number[]> {
    this.#child.stdin.write(`${JSON.stringify({ ...params, repeats, write })}\n`);
    const reply = await this.#next();
    if (reply?.seconds === undefined) throw new Error(`numba reference failed: ${reply?.error ?? 'no reply'}`);
    return reply.seconds;
  }

  close(): void {
    this.#child.stdin.end('\n');
  }
}

/** Tribar's outputs equal numba's exactly (mae/mfe: numba stores float32, so Tribar's rounded to float32). */
async function checkEqual(dir: string, got: FiveOutputs): Promise<string> {
  const read = async (name: string) => (await readFile(join(dir, `numba.${name}`))).buffer;
  const label = new Int8Array(await read('label.i8'));
  const barsToHit = new Int32Array(await read('bars.i32'));
  const mae = new Float32Array(await read('mae.f32'));
  const mfe = new Float32Array(await read('mfe.f32'));
  const touch = new Int8Array(await read('touch.i8'));
  for (let i = 0; i < BARS; i++) {
    const same =
      label[i] === got.label[i] &&
      barsToHit[i] === got.barsToHit[i] &&
      mae[i] === Math.fround(got.mae[i] as number) &&
      mfe[i] === Math.fround(got.mfe[i] as number) &&
      touch[i] === got.touchType[i];
    if (!same) {
      throw new Error(
        `row ${i}: numba label ${label[i]} bars ${barsToHit[i]} mae ${mae[i]} mfe ${mfe[i]} touch ${touch[i]}, ` +
          `Tribar ${got.label[i]} ${got.barsToHit[i]} ${got.mae[i]} ${got.mfe[i]} ${got.touchType[i]}`,
      );
    }
  }
  return `outputs identical to numba's on all ${BARS.toLocaleString('en-US')} rows`;
}

function mixOf(result: FiveOutputs): string {
  let long = 0;
  let short = 0;
  let neutral = 0;
  let scanned = 0;
  for (let i = 0; i < BARS; i++) {
    const label = result.label[i] as number;
    if (label === INVALID_LABEL) continue;
    if (label === 1) long++;
    else if (label === -1) short++;
    else neutral++;
    scanned += result.barsToHit[i] as number;
  }
  const valid = long + short + neutral;
  return `${pct(long / valid)} / ${pct(short / valid)} / ${pct(neutral / valid)} %, ${(scanned / valid).toFixed(1)} bars`;
}

// (a) the kernel: the original's five outputs into preallocated buffers (numba allocates its own).
const kernelOut: TripleBarrierBuffers = {
  label: new Int8Array(BARS),
  barsToHit: new Int32Array(BARS),
  mae: new Float64Array(BARS),
  mfe: new Float64Array(BARS),
  touchType: new Int8Array(BARS),
};
/** CPU seconds of `run` (user + system, this process): on a shared machine wall time measures the other jobs too. */
function cpuSeconds(run: () => void): number {
  const started = process.cpuUsage();
  run();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1e6;
}
const timeKernel = (params: { kUp: number; kDown: number; maxBars: number }) =>
  cpuSeconds(() => tripleBarrierInto(input, params, kernelOut));
// (b) the labeling stages' call: `labelSeriesInto`, the seven outputs the label file stores (its end
// time column is written from the end index), one pass, into the buffers the stages reuse from
// symbol to symbol.
const stageBuffers = new LabelBuffers();
const timeStageCall = (params: { kUp: number; kDown: number; maxBars: number }) =>
  cpuSeconds(() => labelSeriesInto(input, params, { atrFeature: 'atr_14' }, stageBuffers.take(0, BARS)));
// (c) the same call into fresh buffers (`labelBars`): the stages' first symbol, each horizon's buffers
// touched for the first time (a page fault per 4 KiB).
const timeFreshCall = (params: { kUp: number; kDown: number; maxBars: number }) =>
  cpuSeconds(() => labelBars(bars, params, { atrFeature: 'atr_14' }));

const dir = await mkdtemp(join(tmpdir(), 'tribar-tb-bench-'));
try {
  const columns = new Float64Array(5 * BARS);
  [bars.open, bars.high, bars.low, bars.close, atr].forEach((column, c) => columns.set(column, c * BARS));
  await writeFile(join(dir, 'series.f64'), new Uint8Array(columns.buffer));
  await writeFile(join(dir, 'params.json'), JSON.stringify({ n: BARS }));
  const started = await NumbaReference.start(dir);
  const numba = started.reference;
  console.log(
    numba
      ? `reference: numba ${started.version} (${PYTHON}), same input bytes, measured in this run; ${ROUNDS} rounds A B A B, medians of CPU seconds`
      : `reference: numba NOT measured (${started.why}); install Debian's python3-numba. ` +
          `Showing the performance-anchors constants instead, LABELLED "anchor"; ${ROUNDS} rounds, medians`,
  );
  for (const { kUp, kDown, maxBars, anchor, mix } of CASES) {
    const params = { kUp, kDown, maxBars };
    const full = labelBars(bars, params, { atrFeature: 'atr_14' });
    let check = 'outputs not checked (no numba)';
    if (numba) {
      await numba.run(params, 1, true);
      check = await checkEqual(dir, full);
    }
    for (let warm = 0; warm < 3; warm++) {
      timeKernel(params);
      timeStageCall(params);
      timeFreshCall(params);
    }
    const kernel: number[] = [];
    const stage: number[] = [];
    const fresh: number[] = [];
    const reference: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      kernel.push(timeKernel(params));
      if (numba) reference.push(...(await numba.run(params, 1)));
      stage.push(timeStageCall(params));
      if (numba) reference.push(...(await numba.run(params, 1)));
      fresh.push(timeFreshCall(params));
    }
    const numbaRate = numba ? rate(median(reference)) : anchor;
    const label = numba ? 'numba' : 'numba (anchor constant, not measured)';
    const line = (name: string, seconds: number[]) =>
      `  ${name}: median ${median(seconds).toFixed(4)} s = ${rate(median(seconds)).toFixed(1)} M bars/s ` +
      `(${(rate(median(seconds)) / numbaRate).toFixed(2)}× ${numba ? 'numba' : 'anchor'}), best ${rate(Math.min(...seconds)).toFixed(1)}`;
    console.log(
      `(${kUp}, ${kDown}, ${maxBars}): ${label} ${numbaRate.toFixed(1)} M bars/s` +
        (numba ? ` (median ${median(reference).toFixed(4)} s, best ${rate(Math.min(...reference)).toFixed(1)})` : '') +
        `\n${line("(a) kernel, the original's 5 outputs", kernel)}` +
        `\n${line("(b) the stages' call, the file's 7 outputs, reused buffers", stage)}` +
        `\n${line('(c) the same into fresh buffers (first symbol)', fresh)}` +
        `\n  mix ${mixOf(full)} (anchor ${mix}); ${check}`,
    );
  }
  numba?.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
