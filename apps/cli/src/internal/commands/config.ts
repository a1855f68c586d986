import { resolve } from 'node:path';
import { configJsonSchema, loadConfig } from '@tribar/config';
import YAML from 'yaml';
import type { CliContext, ConfigOptions } from '../context.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { print } from '../io.js';

/** The config of --config, the environment and --set; on top of a run's resolved config when `runConfig` names one. */
export async function loadCliConfig(context: CliContext, options: ConfigOptions, runConfig?: string) {
  return loadConfig({
    ...(runConfig ? { runConfig } : {}),
    ...(options.config ? { file: resolve(context.io.cwd, options.config) } : {}),
    env: context.io.env,
    overrides: options.set ?? [],
  });
}

export async function configValidate(context: CliContext, options: ConfigOptions): Promise<ExitCode> {
  const { config, layers } = await loadCliConfig(context, options);
  const sources = layers.map((layer) => layer.source).join(' < ');
  print(context.io.out, `config ok (${sources}): ${config.symbols.length} symbols, horizons [${config.horizons.join(', ')}]`);
  return EXIT.ok;
}

export async function configPrint(context: CliContext, options: ConfigOptions & { json?: boolean }): Promise<ExitCode> {
  const { config } = await loadCliConfig(context, options);
  context.io.out.write(options.json ? JSON.stringify(config, null, 2) + '\n' : YAML.stringify(config));
  return EXIT.ok;
}

export async function configSchema(context: CliContext): Promise<ExitCode> {
  context.io.out.write(JSON.stringify(configJsonSchema(), null, 2) + '\n');
  return EXIT.ok;
}
