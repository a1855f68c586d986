import type { Logger } from '@tribar/core';
import { UsageError } from '@tribar/core';
import { afterAll, describe, expect, it } from 'vitest';
import { selectTfjsBackend, TFJS_BACKEND_ORDER } from '../src/internal/tfjs/index.js';

const notInstalled = (specifier: string): Promise<never> =>
  Promise.reject(Object.assign(new Error(`Cannot find package '${specifier}'`), { code: 'ERR_MODULE_NOT_FOUND' }));

describe('selectTfjsBackend', () => {
  afterAll(async () => {
    const tf = await import('@tensorflow/tfjs');
    await tf.setBackend('wasm');
    if (tf.findBackendFactory('tensorflow') !== null) tf.removeBackend('tensorflow');
    for (const kernel of tf.getKernelsForBackend('tensorflow')) tf.unregisterKernel(kernel.kernelName, 'tensorflow');
  });

  it('tries tfjs-node-gpu, tfjs-node, wasm, cpu in that order', () => {
    expect(TFJS_BACKEND_ORDER).toEqual(['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']);
  });

  it('initialises the wasm backend here (no tfjs-node installed), logs and memoises the choice', async () => {
    const messages: unknown[] = [];
    const logger = { info: (fields: unknown, msg: string) => messages.push({ fields, msg }) } as unknown as Logger;
    const selection = await selectTfjsBackend({ logger });
    expect(selection.backend).toBe('wasm');
    expect(selection.tf.getBackend()).toBe('wasm');
    expect(selection.tried).toEqual([
      { name: 'tfjs-node-gpu', ok: false, reason: 'not installed' },
      { name: 'tfjs-node', ok: false, reason: 'not installed' },
      { name: 'wasm', ok: true },
    ]);
    expect(messages).toEqual([{ fields: { backend: 'wasm', tried: selection.tried }, msg: 'tfjs backend: wasm' }]);
    expect(await selectTfjsBackend()).toBe(selection);
    expect(selection.tf.tidy(() => Array.from(selection.tf.matMul([[1, 2]], [[3], [4]]).dataSync()))).toEqual([11]);
  });

  it('uses tfjs-node when only it is importable (injected importer registering a stand-in backend)', async () => {
    const tf = await import('@tensorflow/tfjs');
    const importer = async (specifier: string): Promise<unknown> => {
      if (specifier !== '@tensorflow/tfjs-node')
        return specifier === '@tensorflow/tfjs-backend-wasm' ? import(specifier) : notInstalled(specifier);
      // What importing tfjs-node does: register a 'tensorflow' backend with its kernels (here the cpu ones).
      tf.registerBackend('tensorflow', tf.findBackendFactory('cpu')!, 0);
      for (const kernel of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...kernel, backendName: 'tensorflow' });
      return {};
    };
    const selection = await selectTfjsBackend({ importer });
    expect(selection.backend).toBe('tensorflow');
    expect(selection.tried).toEqual([
      { name: 'tfjs-node-gpu', ok: false, reason: 'not installed' },
      { name: 'tfjs-node', ok: true },
    ]);
  });

  it('falls through with the reason when a package loads but registers no backend, and honours prefer', async () => {
    const importer = async (specifier: string): Promise<unknown> => (specifier.includes('tfjs-node') ? {} : import(specifier));
    const tf = await import('@tensorflow/tfjs');
    tf.removeBackend('tensorflow');
    const selection = await selectTfjsBackend({ importer, prefer: ['tensorflow', 'cpu'] });
    expect(selection.backend).toBe('cpu');
    expect(selection.tried.map((t) => [t.name, t.ok])).toEqual([
      ['tfjs-node-gpu', false],
      ['tfjs-node', false],
      ['cpu', true],
    ]);
    expect(selection.tried[0]!.reason).toMatch(/registered no 'tensorflow' backend/);
  });

  it('TRIBAR_TFJS_BACKEND forces one backend and fails loudly when it cannot be had', async () => {
    const forced = await selectTfjsBackend({ importer: notInstalled, override: 'cpu' });
    expect(forced.tried).toEqual([{ name: 'cpu', ok: true }]);
    await expect(selectTfjsBackend({ importer: notInstalled, override: 'tensorflow' })).rejects.toThrow(
      /no tfjs backend could be initialised \(tfjs-node-gpu: not installed; tfjs-node: not installed\)[\s\S]*hint: Unset TRIBAR_TFJS_BACKEND/,
    );
    await expect(selectTfjsBackend({ importer: notInstalled, override: 'gpu' })).rejects.toBeInstanceOf(UsageError);
  });
});
