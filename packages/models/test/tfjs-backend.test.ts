import type { Logger } from '@tribar/core';
import { UsageError } from '@tribar/core';
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { wasmThreadCount } from '../src/internal/tfjs/wasm-threads.js';
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

  it('tries tfjs-node-gpu, webgpu, tfjs-node, wasm, cpu in that order', () => {
    expect(TFJS_BACKEND_ORDER).toEqual(['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu']);
  });

  it('initialises the wasm backend here (no tfjs-node; webgpu installed, no GPU device), logs and memoises the choice', async () => {
    const messages: unknown[] = [];
    const logger = { info: (fields: unknown, msg: string) => messages.push({ fields, msg }) } as unknown as Logger;
    const selection = await selectTfjsBackend({ logger });
    expect(selection.backend).toBe('wasm');
    expect(selection.tf.getBackend()).toBe('wasm');
    expect(selection.tried).toEqual([
      { name: 'tfjs-node-gpu', ok: false, reason: 'not installed' },
      { name: 'webgpu', ok: false, reason: 'no GPU device' },
      { name: 'tfjs-node', ok: false, reason: 'not installed' },
      { name: 'wasm', ok: true },
    ]);
    // the absent GPU left no trace: tfjs-backend-webgpu was never imported, navigator.gpu never installed
    expect(selection.tf.findBackendFactory('webgpu')).toBeNull();
    expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeUndefined();
    // the threaded SIMD binary on every core (wasm-threads.test.ts checks it in child processes)
    const threads = wasmThreadCount();
    expect(selection.threads).toBe(threads);
    expect(messages).toEqual([
      {
        fields: { backend: 'wasm', threads, tried: selection.tried },
        msg: `tfjs backend: wasm (${threads} thread${threads === 1 ? '' : 's'})`,
      },
    ]);
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
    const selection = await selectTfjsBackend({ importer, gpuDevicePresent: () => true });
    expect(selection.backend).toBe('tensorflow');
    expect(selection.tried).toEqual([
      { name: 'tfjs-node-gpu', ok: false, reason: 'not installed' },
      { name: 'webgpu', ok: false, reason: 'not installed' },
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

  it('uses webgpu only once Dawn reports an adapter, installing navigator.gpu before importing the backend', async () => {
    const tf = await import('@tensorflow/tfjs');
    const imported: string[] = [];
    const fakeGpu = { requestAdapter: async () => ({ name: 'fake adapter' }) };
    const importer = async (specifier: string): Promise<unknown> => {
      imported.push(specifier);
      if (specifier === 'webgpu') return { create: () => fakeGpu, globals: { GPUBufferUsage: { MAP_READ: 1 } } };
      if (specifier !== '@tensorflow/tfjs-backend-webgpu') return notInstalled(specifier);
      // what importing tfjs-backend-webgpu does when navigator.gpu exists: register a 'webgpu' backend (here the cpu kernels)
      expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBe(fakeGpu);
      tf.registerBackend('webgpu', tf.findBackendFactory('cpu')!, 0);
      for (const kernel of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...kernel, backendName: 'webgpu' });
      return {};
    };
    const had = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    try {
      const selection = await selectTfjsBackend({ importer, gpuDevicePresent: () => true });
      expect(selection.backend).toBe('webgpu');
      expect(selection.tried).toEqual([
        { name: 'tfjs-node-gpu', ok: false, reason: 'not installed' },
        { name: 'webgpu', ok: true },
      ]);
      expect(imported).toEqual(['@tensorflow/tfjs-node-gpu', 'webgpu', '@tensorflow/tfjs-backend-webgpu']);
      expect((globalThis as { GPUBufferUsage?: unknown }).GPUBufferUsage).toEqual({ MAP_READ: 1 });
    } finally {
      if (had === undefined) delete (globalThis as { navigator?: unknown }).navigator;
      else delete (globalThis as unknown as { navigator: { gpu?: unknown } }).navigator.gpu;
      delete (globalThis as { GPUBufferUsage?: unknown }).GPUBufferUsage;
      await tf.setBackend('wasm');
      tf.removeBackend('webgpu');
      for (const kernel of tf.getKernelsForBackend('webgpu')) tf.unregisterKernel(kernel.kernelName, 'webgpu');
    }
  });

  it('falls back cleanly when Dawn finds no adapter: nothing global installed, the backend package never imported', async () => {
    const imported: string[] = [];
    const importer = async (specifier: string): Promise<unknown> => {
      imported.push(specifier);
      if (specifier === 'webgpu') return { create: () => ({ requestAdapter: async () => null }), globals: { GPUBufferUsage: {} } };
      return specifier === '@tensorflow/tfjs-backend-wasm' ? import(specifier) : notInstalled(specifier);
    };
    const selection = await selectTfjsBackend({ importer, prefer: ['webgpu', 'wasm'], gpuDevicePresent: () => true });
    expect(selection.backend).toBe('wasm');
    expect(selection.tried).toEqual([
      { name: 'webgpu', ok: false, reason: 'no GPU adapter' },
      { name: 'wasm', ok: true },
    ]);
    expect(imported).toEqual(['webgpu', '@tensorflow/tfjs-backend-wasm']);
    expect((globalThis as { GPUBufferUsage?: unknown }).GPUBufferUsage).toBeUndefined();
    await expect(selectTfjsBackend({ importer, override: 'webgpu', gpuDevicePresent: () => true })).rejects.toThrow(
      /webgpu: no GPU adapter/,
    );
    // no device node: Dawn is not even loaded
    imported.length = 0;
    const skipped = await selectTfjsBackend({ importer, prefer: ['webgpu', 'wasm'], gpuDevicePresent: () => false });
    expect(skipped.tried[0]).toEqual({ name: 'webgpu', ok: false, reason: 'no GPU device' });
    expect(imported).toEqual(['@tensorflow/tfjs-backend-wasm']);
  });

  it.skipIf(existsSync('/dev/nvidia0') || existsSync('/dev/dri'))(
    'loads the real Dawn (the webgpu package) and, with no GPU here, falls through on its null adapter',
    async () => {
      const selection = await selectTfjsBackend({ importer: (s) => import(s), prefer: ['webgpu', 'cpu'], gpuDevicePresent: () => true });
      expect(selection.tried).toEqual([
        { name: 'webgpu', ok: false, reason: 'no GPU adapter' },
        { name: 'cpu', ok: true },
      ]);
      expect(selection.tf.findBackendFactory('webgpu')).toBeNull();
      await selection.tf.setBackend('wasm');
    },
  );

  it('refuses a software adapter (SwiftShader, llvmpipe): the wasm backend is faster', async () => {
    const importer = async (specifier: string): Promise<unknown> => {
      if (specifier === 'webgpu') {
        const adapter = { info: { vendor: 'google', device: 'SwiftShader Device (Subzero)', description: '' } };
        return { create: () => ({ requestAdapter: async () => adapter }), globals: {} };
      }
      return import(specifier);
    };
    const selection = await selectTfjsBackend({ importer, prefer: ['webgpu', 'cpu'], gpuDevicePresent: () => true });
    expect(selection.tried).toEqual([
      { name: 'webgpu', ok: false, reason: 'only a software adapter (google SwiftShader Device (Subzero))' },
      { name: 'cpu', ok: true },
    ]);
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
