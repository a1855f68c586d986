import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The URL to start a worker thread from, for a worker module that is `.js` in a build and `.ts`
 * when a package runs from source (tests, tsx). Node 20 does not carry the parent's tsx loader
 * into a worker, so from source the worker starts from a small ES module that registers tsx
 * (with `tsconfig`, whose paths map `@tribar/*` to source) and then imports the TypeScript worker.
 */
export function workerEntryUrl(worker: URL, tsconfig: URL): URL {
  if (!worker.pathname.endsWith('.ts')) return worker;
  const require = createRequire(worker);
  const tsxApi = pathToFileURL(require.resolve('tsx/package.json').replace(/package\.json$/, 'dist/esm/api/index.mjs')).href;
  const tsconfigPath = fileURLToPath(tsconfig);
  const options = existsSync(tsconfigPath) ? { tsconfig: tsconfigPath } : {};
  const code = [
    `const { register } = await import(${JSON.stringify(tsxApi)});`,
    `register(${JSON.stringify(options)});`,
    `await import(${JSON.stringify(worker.href)});`,
  ].join('\n');
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}
