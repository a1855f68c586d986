/**
 * Parent/child plumbing shared by bench/sequence.bench.ts and bench/webgpu-check.ts: each tfjs backend
 * runs in a child process of its own (tfjs keeps one active backend per process), PyTorch in
 * /usr/bin/python3 (bench/sequence_reference.py); results come back as one JSON line each.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { selectTfjsBackend } from '../src/internal/tfjs/backend.js';
import { sequenceThreads } from '../src/internal/tfjs/wasm-threads.js';
import { predictThroughput } from './sequence-predict.js';
import type { PredictTiming } from './sequence-predict.js';
import {
  attentionEpoch,
  disposeModel,
  familyEpoch,
  fusedRecurrent,
  inference,
  median,
  sequenceData,
  stockLstmEpoch,
  trainEpoch,
  transformer,
  BATCH,
} from './sequence-work.js';

export const ITEMS = [
  'stock-lstm',
  'fused-lstm',
  'fused-gru',
  'transformer',
  'family-lstm',
  'family-transformer',
  'family-patchtst',
  'attention-tfjs',
  'attention-fused',
  'infer-lstm',
  'infer-transformer',
  'predict',
] as const;
export type Item = (typeof ITEMS)[number];
export type Timings = Partial<Record<Item, number>>;

const PYTHON = process.env['BENCH_PYTHON'] ?? '/usr/bin/python3';
const MARK = 'SEQUENCE-BENCH ';

/** Child side: runs the items on the backend TRIBAR_TFJS_BACKEND forces (or the default choice), prints one JSON line. */
export async function runChild(items: readonly Item[], runs: number): Promise<void> {
  const { tf, backend, threads } = await selectTfjsBackend();
  const data = sequenceData(7);
  const timings: Timings = {};
  const cpu: Timings = {};
  const timed = async (item: Item, work: () => Promise<number> | number, warm: () => Promise<unknown> | unknown): Promise<void> => {
    if (!items.includes(item)) return;
    await warm();
    const times: number[] = [];
    const cpus: number[] = [];
    for (let r = 0; r < runs; r++) {
      const before = process.cpuUsage();
      times.push(await work());
      cpus.push(cpuSeconds(process.cpuUsage(before)));
    }
    timings[item] = median(times);
    cpu[item] = median(cpus);
    process.stderr.write(
      `  ${backend} ${sequenceThreads()} thread(s), XNNPACK ${threads ?? 1} ${item}: ${times.map((t) => t.toFixed(2)).join(', ')} s wall, ${cpus.map((t) => t.toFixed(2)).join(', ')} s cpu\n`,
    );
  };
  const epoch = (make: () => ReturnType<typeof transformer>, rows?: number) => () => {
    const model = make();
    const seconds = trainEpoch(tf, model, data, rows);
    disposeModel(model);
    return seconds;
  };
  // the stock layer is slow: one warm-up batch, then the epoch once
  await timed(
    'stock-lstm',
    () => stockLstmEpoch(tf, data),
    () => stockLstmEpoch(tf, data, BATCH),
  );
  await timed(
    'fused-lstm',
    epoch(() => fusedRecurrent(tf, 'lstm', 1)),
    epoch(() => fusedRecurrent(tf, 'lstm', 1), BATCH),
  );
  await timed(
    'fused-gru',
    epoch(() => fusedRecurrent(tf, 'gru', 1)),
    epoch(() => fusedRecurrent(tf, 'gru', 1), BATCH),
  );
  await timed(
    'transformer',
    epoch(() => transformer(tf, 1)),
    epoch(() => transformer(tf, 1), BATCH),
  );
  for (const [item, make] of [
    ['infer-lstm', () => fusedRecurrent(tf, 'lstm', 1)],
    ['infer-transformer', () => transformer(tf, 1)],
  ] as const) {
    const model = make();
    const small = { ...data, windows: data.windows.subarray(0, 2 * 60 * 32 * 100) };
    await timed(
      item,
      () => inference(tf, model, data),
      () => inference(tf, model, small),
    );
    disposeModel(model);
  }
  for (const item of ['family-lstm', 'family-transformer', 'family-patchtst'] as const) {
    await timed(
      item,
      () => familyEpoch(item, data),
      () => familyEpoch(item, data, BATCH),
    );
  }
  for (const [item, fused] of [
    ['attention-tfjs', false],
    ['attention-fused', true],
  ] as const) {
    await timed(
      item,
      () => attentionEpoch(tf, fused),
      () => attentionEpoch(tf, fused, 1),
    );
  }
  // every family through SequenceModel.predictProba, windows gathered from a SequenceSource chunk by chunk
  const predict = items.includes('predict') ? await predictThroughput(runs) : [];
  const peakMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(MARK + JSON.stringify({ backend, threads: sequenceThreads(), xnnpack: threads ?? 1, timings, cpu, predict, peakMiB }));
}

/** User + system seconds of a `process.cpuUsage()` delta (every thread of the process: wasm pthreads and workers included). */
export function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}

export interface ChildResult {
  backend: string;
  /** The sequence engine's threads (TRIBAR_SEQUENCE_THREADS for inference, TRIBAR_SEQUENCE_TRAIN_THREADS for training). */
  threads: number;
  /** XNNPACK's threads inside wasm (TRIBAR_XNNPACK_THREADS). */
  xnnpack: number;
  timings: Timings;
  /** CPU seconds of the same runs (median). */
  cpu: Timings;
  predict?: PredictTiming[];
  peakMiB: number;
}

/** Parent side: runs `script` in a child with the given backend forced (or none), returns its result or the reason it failed. */
export function spawnChild(
  script: string,
  backend: string | undefined,
  items: readonly Item[],
  runs: number,
  timeoutS: number,
  threads?: number,
): ChildResult | string {
  const env: NodeJS.ProcessEnv = { ...process.env, SEQUENCE_BENCH_CHILD: items.join(','), SEQUENCE_BENCH_RUNS: String(runs) };
  if (threads !== undefined) {
    env['TRIBAR_SEQUENCE_THREADS'] = String(threads);
    env['TRIBAR_SEQUENCE_TRAIN_THREADS'] = String(threads);
  }
  if (backend === undefined) delete env['TRIBAR_TFJS_BACKEND'];
  else env['TRIBAR_TFJS_BACKEND'] = backend;
  const run = spawnSync(process.execPath, [...process.execArgv, script], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: timeoutS * 1000,
    maxBuffer: 16 << 20,
  });
  const line = run.stdout?.split('\n').find((l) => l.startsWith(MARK));
  if (line !== undefined) return JSON.parse(line.slice(MARK.length)) as ChildResult;
  if (run.error !== undefined) return `${backend ?? 'default'}: ${run.error.message}`;
  return `${backend ?? 'default'}: exit ${run.status ?? run.signal} ${(run.stdout ?? '').trim().split('\n').slice(-3).join(' | ')}`;
}

export interface TorchResult {
  torch: string;
  threads: number;
  lstm_epoch: number;
  lstm_infer: number;
  transformer_epoch: number;
  transformer_infer: number;
  patchtst_epoch: number;
  patchtst_infer: number;
  /** CPU seconds of the same runs (process_time, every thread). */
  lstm_epoch_cpu?: number;
  lstm_infer_cpu?: number;
  transformer_epoch_cpu?: number;
  transformer_infer_cpu?: number;
  patchtst_epoch_cpu?: number;
  patchtst_infer_cpu?: number;
}

type TorchKey = 'lstm_epoch' | 'lstm_infer' | 'transformer_epoch' | 'transformer_infer' | 'patchtst_epoch' | 'patchtst_infer';

/** PyTorch CPU with `threads` threads, or the reason it could not run. */
export function runTorch(threads: number, runs: number, timeoutS: number): TorchResult | string {
  const script = fileURLToPath(new URL('sequence_reference.py', import.meta.url));
  const run = spawnSync(PYTHON, [script, String(threads), String(runs)], { encoding: 'utf8', timeout: timeoutS * 1000 });
  if (run.error !== undefined) return `PyTorch ${threads} thread(s): ${run.error.message}`;
  if (run.status !== 0) {
    const last = (run.stderr ?? '').trim().split('\n').pop() ?? '';
    return `PyTorch ${threads} thread(s) skipped: ${last} (Debian's python3-torch provides it)`;
  }
  return JSON.parse(run.stdout.trim().split('\n').pop() as string) as TorchResult;
}

/** "wall (cpu)" seconds. */
const wc = (wall: number | undefined, cpu: number | undefined): string =>
  wall === undefined ? '—' : `${wall.toFixed(2)} s${cpu === undefined ? '' : ` (${cpu.toFixed(2)})`}`;
const label = (c: ChildResult): string => `tfjs ${c.backend} ${c.threads}t${c.xnnpack > 1 ? ` (XNNPACK ${c.xnnpack}t)` : ''}`;

/**
 * The side-by-side table: one row per work item, one column per PyTorch thread count and tfjs child,
 * each cell wall seconds (CPU seconds); the ratios compare our best wall time with PyTorch's best, and
 * our CPU seconds with PyTorch's at 1 thread (the machine-load-independent comparison).
 */
export function table(torch: readonly TorchResult[], children: readonly ChildResult[]): string {
  const best = (key: TorchKey): number | undefined => {
    const values = torch.map((t) => t[key]);
    return values.length === 0 ? undefined : Math.min(...values);
  };
  const rows: [string, TorchKey | undefined, Item, string][] = [
    ['LSTM(64)+dense(3) epoch, tfjs-layers LSTM', 'lstm_epoch', 'stock-lstm', ''],
    ['LSTM(64)+dense(3) epoch, fused lstmLayer', 'lstm_epoch', 'fused-lstm', 'goal ≤ 2×'],
    ['LSTM(64)+dense(3) epoch, lstm family (SequenceModel.fit: replicas on every thread)', 'lstm_epoch', 'family-lstm', 'goal ≤ 2×'],
    ['GRU(64)+dense(3) epoch, fused gruLayer', undefined, 'fused-gru', ''],
    ['Transformer 2×d64×4h epoch, tfjs ops', 'transformer_epoch', 'transformer', ''],
    ['Transformer 2×d64×4h epoch, transformer family (fused attention)', 'transformer_epoch', 'family-transformer', ''],
    ['PatchTST epoch, patchtst family (card defaults, dropout 0)', 'patchtst_epoch', 'family-patchtst', ''],
    ['causal attention of a Transformer epoch, tfjs ops (fwd+bwd)', undefined, 'attention-tfjs', ''],
    ['causal attention of a Transformer epoch, fused op (fwd+bwd)', undefined, 'attention-fused', ''],
    ['inference 10,000 windows, fused LSTM', 'lstm_infer', 'infer-lstm', 'goal < 1 s'],
    ['inference 10,000 windows, Transformer', 'transformer_infer', 'infer-transformer', 'goal < 1 s'],
  ];
  const torch1 = torch.find((t) => t.threads === 1);
  const head = [
    'work (wall s (CPU s))',
    ...torch.map((t) => `PyTorch ${t.torch} ${t.threads}t`),
    ...children.map(label),
    'best wall / PyTorch best wall',
    'CPU / PyTorch 1t CPU',
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const [name, key, item, goal] of rows) {
    const ours = children.filter((c) => c.timings[item] !== undefined);
    if (ours.length === 0) continue;
    const reference = key === undefined ? undefined : best(key);
    const fastest = ours.reduce((a, c) => ((c.timings[item] as number) < (a.timings[item] as number) ? c : a));
    const ratio =
      reference === undefined ? '—' : `${((fastest.timings[item] as number) / reference).toFixed(2)}×${goal === '' ? '' : ` (${goal})`}`;
    const torchCpu = key === undefined ? undefined : (torch1?.[`${key}_cpu`] as number | undefined);
    const cpuRatio =
      torchCpu === undefined ? '—' : ours.map((c) => `${c.threads}t ${((c.cpu[item] ?? Number.NaN) / torchCpu).toFixed(2)}×`).join(', ');
    lines.push(
      `| ${[
        name,
        ...torch.map((t) => (key === undefined ? '—' : wc(t[key], t[`${key}_cpu`] as number | undefined))),
        ...children.map((c) => wc(c.timings[item], c.cpu[item])),
        ratio,
        cpuRatio,
      ].join(' | ')} |`,
    );
  }
  for (const c of children) {
    if (c.predict === undefined || c.predict.length === 0) continue;
    lines.push(
      '',
      `| predict 10,000 windows of 60 × 32 (SequenceModel.predictProba, ${label(c)}) | wall s | CPU s | windows/s | goal < 1 s |`,
      '|---|---|---|---|---|',
    );
    for (const p of c.predict) {
      const goal = p.family === 'lstm' || p.family === 'transformer' ? (p.seconds < 1 ? 'met' : 'missed') : '—';
      lines.push(
        `| ${p.family} | ${p.seconds.toFixed(2)} | ${p.cpuSeconds.toFixed(2)} | ${Math.round(p.windowsPerSecond).toLocaleString('en-US')} | ${goal} |`,
      );
    }
  }
  lines.push('', `peak RSS per tfjs child: ${children.map((c) => `${label(c)} ${c.peakMiB} MiB`).join(', ')}`);
  return lines.join('\n');
}
