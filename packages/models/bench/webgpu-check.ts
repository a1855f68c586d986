/**
 * The LSTM and Transformer benchmarks on WebGPU, for a machine with a GPU, in one short call:
 *
 *   npm ci && npm run build && node --import tsx packages/models/bench/webgpu-check.ts
 *
 * (from the repository root; `--timeout=SECONDS` caps the whole run, default 480; BENCH_RUNS=N timed runs
 * per item, default 1). Steps: find a Dawn adapter (the `webgpu` package) and print it, or say why not
 * (no /dev/nvidia0 or /dev/dri, no libvulkan.so.1, only a software adapter) and exit 2; run every sequence
 * item on tfjs's webgpu backend, then the fused LSTM and the Transformer on wasm and PyTorch CPU (when
 * /usr/bin/python3 has torch) on the same machine; print the table. Exit 0 when the webgpu column is complete.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ITEMS, runChild, runTorch, spawnChild, table } from './sequence-harness.js';
import type { ChildResult, Item, TorchResult } from './sequence-harness.js';

const child = process.env['SEQUENCE_BENCH_CHILD'];
if (child !== undefined) {
  await runChild(child.split(',') as Item[], Number(process.env['SEQUENCE_BENCH_RUNS'] ?? 1));
  process.exit(0);
}

const started = Date.now();
const limitS = Number(process.argv.find((a) => a.startsWith('--timeout='))?.slice('--timeout='.length) ?? 480);
const left = (): number => Math.max(10, limitS - (Date.now() - started) / 1000);
const runs = Number(process.env['BENCH_RUNS'] ?? 1);
const self = fileURLToPath(import.meta.url);

function vulkanLoader(): string {
  try {
    const found = execFileSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8' })
      .split('\n')
      .find((l) => l.includes('libvulkan.so.1'));
    return found === undefined ? 'libvulkan.so.1 not found by ldconfig (Debian: libvulkan1, plus the NVIDIA Vulkan ICD)' : found.trim();
  } catch (error) {
    return `ldconfig failed: ${(error as Error).message}`;
  }
}

console.log(
  `GPU device nodes: /dev/nvidia0 ${existsSync('/dev/nvidia0') ? 'present' : 'absent'}, /dev/dri ${existsSync('/dev/dri') ? 'present' : 'absent'}`,
);
console.log(`Vulkan loader: ${vulkanLoader()}`);
const { create } = (await import('webgpu')) as unknown as {
  create: (flags: string[]) => { requestAdapter: (o?: unknown) => Promise<{ info?: Record<string, unknown> } | null> };
};
const adapter = await create([]).requestAdapter({ powerPreference: 'high-performance' });
if (adapter === null) {
  console.log('Dawn found no GPU adapter: WebGPU is unavailable here, nothing to benchmark.');
  process.exit(2);
}
const info = adapter.info ?? {};
console.log(
  `Dawn adapter: ${['vendor', 'architecture', 'device', 'description', 'backendType', 'adapterType'].map((k) => `${k}=${String(info[k] ?? '')}`).join(' ')}`,
);

const children: ChildResult[] = [];
const webgpu = spawnChild(self, 'webgpu', ITEMS, runs, left() * 0.7);
if (typeof webgpu === 'string') console.log(`tfjs ${webgpu}`);
else children.push(webgpu);
const wasm = spawnChild(
  self,
  'wasm',
  ['fused-lstm', 'transformer', 'family-transformer', 'infer-lstm', 'infer-transformer'],
  runs,
  left() * 0.6,
);
if (typeof wasm === 'string') console.log(`tfjs ${wasm}`);
else children.push(wasm);
const torch: TorchResult[] = [];
const threads = Number(process.env['BENCH_TORCH_THREADS'] ?? 1);
const reference = runTorch(threads, runs, left());
if (typeof reference === 'string') console.log(reference);
else torch.push(reference);
console.log(table(torch, children));
// complete: every timed item, and the per-family predict rows
const complete =
  typeof webgpu !== 'string' &&
  ITEMS.every((item) => (item === 'predict' ? (webgpu.predict?.length ?? 0) > 0 : webgpu.timings[item] !== undefined));
process.exit(complete ? 0 : 1);
