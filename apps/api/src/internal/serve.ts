import { resolve } from 'node:path';
import { loadConfig, type RunConfig } from '@tribar/config';
import type { Logger } from '@tribar/core';
import { buildApp, type TribarApi } from './app.js';
import { checkExposure, tokensFrom } from './auth.js';
import type { LoadPredictor } from './predictor.js';

export interface ServeOptions {
  /** A YAML or JSON config file (its `api:` section and the settings runs start from). */
  configFile?: string;
  /** `path=value` overrides, as `tribar --set` takes them (e.g. `api.port=0`). */
  overrides?: readonly string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
  logger: Logger;
  loadPredictor?: LoadPredictor;
}

export interface RunningServer extends TribarApi {
  /** `http://host:port` the server listens on. */
  url: string;
  config: RunConfig;
}

/**
 * Load the config (defaults < file < TRIBAR__* environment < overrides), refuse an exposed address without a token,
 * build the app and listen. Runs folder and tracker root are resolved against `cwd`, as the CLI resolves them.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const loaded = await loadConfig({
    ...(options.configFile ? { file: resolve(cwd, options.configFile) } : {}),
    env,
    overrides: options.overrides ?? [],
  });
  const { config } = loaded;
  checkExposure(config.api.host, tokensFrom(config.api, env));
  // What the user wrote (file, environment, overrides), so a start request's settings merge with exactly that.
  const baseConfig = loaded.layers
    .slice(1)
    .reduce<Record<string, unknown>>((merged, layer) => ({ ...merged, ...deep(merged, layer.values) }), {});
  const { app, queue } = await buildApp({
    api: config.api,
    runsDir: resolve(cwd, config.paths.runsDir),
    trackingDir: resolve(cwd, config.train.tracking.dir),
    studiesDir: resolve(cwd, config.tune.dir),
    baseConfig,
    env,
    logger: options.logger,
    runLogLevel: config.logging.level,
    ...(options.loadPredictor ? { loadPredictor: options.loadPredictor } : {}),
  });
  const url = await app.listen({ host: config.api.host, port: config.api.port });
  options.logger.info({ url, runsDir: resolve(cwd, config.paths.runsDir) }, `Tribar API listening on ${url} (dashboard ${url}/dashboard/)`);
  return { app, queue, url, config };
}

function deep(base: Record<string, unknown>, top: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(top)) {
    const under = out[key];
    const plain = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
    out[key] = plain(under) && plain(value) ? deep(under, value) : value;
  }
  return out;
}
