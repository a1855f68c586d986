import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, loadConfig, readConfigFile } from '../src/index.js';

const configsDir = join(import.meta.dirname, '..', '..', '..', 'configs');
const defaultFile = join(configsDir, 'default.yaml');

describe('configs/default.yaml', () => {
  it('loads to exactly the built-in defaults', async () => {
    const { config } = await loadConfig({ file: defaultFile });
    expect(config).toEqual(defaultConfig());
  });

  it('spells out every field itself: the file alone equals the defaults (no field left to the schema)', async () => {
    expect(await readConfigFile(defaultFile)).toEqual(defaultConfig());
  });

  it('points editors at the committed JSON Schema on its first line', () => {
    const firstLine = readFileSync(defaultFile, 'utf8').split('\n')[0];
    expect(firstLine).toBe('# yaml-language-server: $schema=../packages/config/schema/run-config.schema.json');
  });
});

describe('configs/test-purge-too-small.yaml', () => {
  it('fails with one problem at splits.purgeBars naming 20 and 60', async () => {
    const file = join(configsDir, 'test-purge-too-small.yaml');
    const error = await loadConfig({ file }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConfigError);
    const { issues, source } = error as ConfigError;
    expect(source).toBe(file);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('splits.purgeBars');
    expect(issues[0]?.message).toContain('purge of 20 bars');
    expect(issues[0]?.message).toContain('60 bars (barriers.bySymbol.MES.20.maxBars)');
  });
});
