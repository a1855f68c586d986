import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, deepMerge, ENV_PREFIX, envLayer, loadConfig, overridesLayer, readConfigFile } from '../src/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tribar-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** The ConfigError a promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('config files', () => {
  it('loads YAML, merging it over the defaults', async () => {
    const path = await file('run.yaml', 'seed: 7\nsplits:\n  purgeBars: 80 # longer than needed\nsymbols: [MES]\n');
    const { config, layers } = await loadConfig({ file: path });
    expect(config.seed).toBe(7);
    expect(config.splits).toEqual({ ...defaultConfig().splits, purgeBars: 80 });
    expect(config.symbols).toEqual(['MES']);
    expect(layers.map((layer) => layer.source)).toEqual(['defaults', path]);
    expect(layers[1]?.values).toEqual({ seed: 7, splits: { purgeBars: 80 }, symbols: ['MES'] });
  });

  it('loads JSON, and .yml', async () => {
    const json = await file('run.json', JSON.stringify({ seed: 8, ga: { generations: 10 } }));
    expect((await loadConfig({ file: json })).config.ga.generations).toBe(10);
    const yml = await file('run.yml', 'ga:\n  enabled: false\n');
    expect((await loadConfig({ file: yml })).config.ga.enabled).toBe(false);
  });

  it('treats an empty file as no settings', async () => {
    expect((await loadConfig({ file: await file('empty.yaml', '# nothing yet\n') })).config).toEqual(defaultConfig());
  });

  it('names the line of a YAML syntax error', async () => {
    const path = await file('bad.yaml', 'seed: 42\nsplits:\n  purgeBars: 60\nsymbols: [MES, MGC\nhorizons: [5]\n');
    const error = await rejection(loadConfig({ file: path }));
    expect(error.source).toBe(path);
    expect(error.issues[0]?.message).toMatch(/^YAML syntax at line 5: /);
    const duplicate = await rejection(loadConfig({ file: await file('dup.yaml', 'seed: 1\nsymbols: [MES]\nseed: 2\n') }));
    expect(duplicate.issues).toHaveLength(1);
    expect(duplicate.issues[0]?.message).toMatch(/^YAML syntax at line 3: Map keys must be unique/);
  });

  it('names the problem in a JSON syntax error', async () => {
    const error = await rejection(loadConfig({ file: await file('bad.json', '{ "seed": 1, }') }));
    expect(error.issues[0]?.message).toMatch(/^not valid JSON: /);
  });

  it('rejects an unsupported extension and a missing file', async () => {
    const toml = await file('run.toml', 'seed = 1\n');
    expect((await rejection(loadConfig({ file: toml }))).issues).toEqual([
      { path: '', message: "unsupported config extension '.toml' (use .yaml, .yml or .json)" },
    ]);
    const missing = join(dir, 'missing.yaml');
    const error = await rejection(loadConfig({ file: missing }));
    expect(error.issues).toEqual([{ path: '', message: `config file not found: ${missing}` }]);
    expect(error.message).toContain(`Invalid config (${missing})`);
  });

  it('rejects a file that is not a mapping', async () => {
    expect((await rejection(readConfigFile(await file('list.yaml', '- 1\n- 2\n')))).issues[0]?.message).toBe(
      'the file must hold a mapping of fields',
    );
  });

  it('reports schema and cross-field problems of a file with the file as source', async () => {
    const path = await file('run.yaml', 'splits:\n  purgeBars: 20\n');
    const error = await rejection(loadConfig({ file: path }));
    expect(error.source).toBe(path);
    expect(error.issues.map((issue) => issue.path)).toEqual(['splits.purgeBars']);
  });
});

describe('precedence: defaults < file < env < overrides', () => {
  const cases: { name: string; file: boolean; env: boolean; override: boolean; seed: number; sources: string[] }[] = [
    { name: 'defaults alone', file: false, env: false, override: false, seed: 42, sources: ['defaults'] },
    { name: 'file over defaults', file: true, env: false, override: false, seed: 1, sources: ['defaults', 'FILE'] },
    { name: 'env over file', file: true, env: true, override: false, seed: 2, sources: ['defaults', 'FILE', 'environment'] },
    {
      name: 'override over env',
      file: true,
      env: true,
      override: true,
      seed: 3,
      sources: ['defaults', 'FILE', 'environment', 'command line'],
    },
    { name: 'override over file', file: true, env: false, override: true, seed: 3, sources: ['defaults', 'FILE', 'command line'] },
    { name: 'env over defaults', file: false, env: true, override: false, seed: 2, sources: ['defaults', 'environment'] },
  ];

  for (const c of cases) {
    it(`${c.name}: seed ${c.seed}`, async () => {
      const path = await file('run.yaml', 'seed: 1\nsplits:\n  embargoBars: 100\n');
      const { config, layers } = await loadConfig({
        ...(c.file ? { file: path } : {}),
        env: c.env ? { TRIBAR__SEED: '2', TRIBAR__SPLITS__EMBARGO_BARS: '200' } : {},
        overrides: c.override ? ['seed=3', 'splits.embargoBars=300'] : [],
      });
      expect(config.seed).toBe(c.seed);
      expect(config.splits.embargoBars).toBe({ 42: 1440, 1: 100, 2: 200, 3: 300 }[c.seed]);
      expect(layers.map((layer) => (layer.source === path ? 'FILE' : layer.source))).toEqual(c.sources);
    });
  }

  it('each layer only replaces the keys it sets', async () => {
    const path = await file('run.yaml', 'splits:\n  purgeBars: 70\n  embargoBars: 100\n');
    const { config } = await loadConfig({
      file: path,
      env: { TRIBAR__SPLITS__EMBARGO_BARS: '200' },
      overrides: ['splits.train=0.6', 'splits.val=0.2', 'splits.test=0.2'],
    });
    expect(config.splits).toEqual({ train: 0.6, val: 0.2, test: 0.2, purgeBars: 70, embargoBars: 200, minSymbolShare: 0.2 });
  });
});

describe("a run's resolved config as the base", () => {
  it('comes back exactly, though a defaults-plus-file load of the same JSON would merge the shipped tables back in', async () => {
    const { config: original } = await loadConfig({ overrides: ['horizons=[20]', 'seed=7', 'train.tracking.experiment=x'] });
    const path = await file('config.json', JSON.stringify(original));
    const { config, layers } = await loadConfig({ runConfig: path });
    expect(config).toEqual(original);
    expect(layers.map((l) => l.source)).toEqual([path]);
    // As a plain file it sits on the defaults, and its complete barrier table (horizon 5 included) counts as the user's.
    const error = await rejection(loadConfig({ file: path }));
    expect(error.message).toContain('barriers.bySymbol.MES.5: unknown horizon 5; configured horizons are [20]');
  });

  it('takes a file, env and overrides on top, and checks what they set', async () => {
    const { config: original } = await loadConfig({ overrides: ['horizons=[20]', 'seed=7'] });
    const path = await file('config.json', JSON.stringify(original));
    const { config } = await loadConfig({ runConfig: path, env: { TRIBAR__SEED: '8' }, overrides: ['train.models=["logistic"]'] });
    expect(config).toEqual({ ...original, seed: 8, train: { ...original.train, models: ['logistic'] } });
    const error = await rejection(loadConfig({ runConfig: path, overrides: ['barriers.bySymbol.MES.60.kUp=1'] }));
    expect(error.message).toContain('barriers.bySymbol.MES.60');
  });

  it('fills fields a newer schema added with their defaults', async () => {
    const { config: original } = await loadConfig({});
    const { train: _dropped, ...older } = original;
    const path = await file('config.json', JSON.stringify(older));
    expect((await loadConfig({ runConfig: path })).config.train).toEqual(original.train);
  });
});

describe('environment variables', () => {
  it(`${ENV_PREFIX}SPLITS__PURGE_BARS=70 sets splits.purgeBars to the number 70`, async () => {
    const { config } = await loadConfig({ env: { TRIBAR__SPLITS__PURGE_BARS: '70' } });
    expect(config.splits.purgeBars).toBe(70);
    expect(typeof config.splits.purgeBars).toBe('number');
  });

  it('parses values as YAML scalars: numbers, booleans, lists, dates stay strings', async () => {
    const { config } = await loadConfig({
      env: {
        TRIBAR__GA__ENABLED: 'false',
        TRIBAR__HORIZONS: '[5, 20, 60]',
        TRIBAR__SPLITS__PURGE_BARS: '180',
        TRIBAR__DATA__SYNTHETIC__START_DATE: '2025-03-02',
        TRIBAR__DESCRIPTION: 'nightly run',
        TRIBAR__LOGGING__LEVEL: 'debug',
      },
    });
    expect(config.ga.enabled).toBe(false);
    expect(config.horizons).toEqual([5, 20, 60]);
    expect(config.data.synthetic.startDate).toBe('2025-03-02');
    expect(config.description).toBe('nightly run');
    expect(config.logging.level).toBe('debug');
  });

  it('finds nested keys through records: barriers.bySymbol.MES.20.maxBars', async () => {
    const { config } = await loadConfig({
      env: { TRIBAR__BARRIERS__BY_SYMBOL__MES__20__MAX_BARS: '55', TRIBAR__GA__ENABLED: 'false' },
    });
    expect(config.barriers.bySymbol['MES']?.['20']).toEqual({ kUp: 3.0, kDown: 2.1, maxBars: 55 });
  });

  it('adds a new symbol’s contract (TRIBAR__CONTRACTS__ES__TICK_SIZE style) when all four fields are given', async () => {
    const env = {
      TRIBAR__CONTRACTS__ES__TICK_SIZE: '0.25',
      TRIBAR__CONTRACTS__ES__TICK_VALUE: '12.5',
      TRIBAR__CONTRACTS__ES__COMMISSION_TICKS: '0.2',
      TRIBAR__CONTRACTS__ES__SLIPPAGE_TICKS: '0.5',
    };
    const { config } = await loadConfig({ env });
    expect(config.contracts['ES']).toEqual({ tickSize: 0.25, tickValue: 12.5, commissionTicks: 0.2, slippageTicks: 0.5 });
    expect(Object.keys(config.contracts)).toEqual(['MES', 'MGC', 'ES']);
    const { TRIBAR__CONTRACTS__ES__SLIPPAGE_TICKS: _dropped, ...partial } = env;
    const error = await rejection(loadConfig({ env: partial }));
    expect(error.source).toBe('environment');
    expect(error.issues.map((issue) => issue.path)).toEqual(['contracts.ES.slippageTicks']);
  });

  it('ignores variables without the double-underscore prefix, and unset ones', async () => {
    const { config, layers } = await loadConfig({
      env: { TRIBAR_XGBOOST_LIB: '/opt/xgb.so', TRIBAR_SEED: '5', PATH: '/usr/bin', TRIBAR__SEED: undefined, TRIBAR__: '1' },
    });
    expect(config).toEqual(defaultConfig());
    expect(layers.map((layer) => layer.source)).toEqual(['defaults']);
    expect(envLayer({ XTRIBAR__SEED: '1', tribar__seed: '2' }, defaultConfig())).toEqual({});
  });

  it('an unknown section is reported as an unknown field', async () => {
    const error = await rejection(loadConfig({ env: { TRIBAR__SPLIT__PURGE_BARS: '70' } }));
    expect(error.issues).toEqual([{ path: '', message: "unknown field 'SPLIT'" }]);
  });
});

describe('command-line overrides', () => {
  it('parse path=value with YAML values, trimming the path', () => {
    expect(overridesLayer(['splits.purgeBars=70', ' seed =7', 'symbols=[MES]', 'description=a=b'])).toEqual({
      splits: { purgeBars: 70 },
      seed: 7,
      symbols: ['MES'],
      description: 'a=b',
    });
  });

  it('reject an override without "=" or without a path', async () => {
    const error = await rejection(loadConfig({ overrides: ['foo'] }));
    expect(error.issues).toEqual([{ path: '', message: "override 'foo' is not of the form path=value" }]);
    expect(error.source).toBe('command line');
    expect(() => overridesLayer(['=5'])).toThrow(ConfigError);
  });

  it('report a bad value at its path', async () => {
    const error = await rejection(loadConfig({ overrides: ['splits.purgeBars=lots'] }));
    expect(error.issues.map((issue) => issue.path)).toEqual(['splits.purgeBars']);
  });
});

describe('merging', () => {
  it('replaces arrays rather than merging them, at every layer', async () => {
    const path = await file('run.yaml', 'symbols: [MGC]\nfeatures:\n  sma: [20]\nga:\n  bounds:\n    kUp: [1.0, 2.0]\n');
    const { config } = await loadConfig({ file: path, env: { TRIBAR__HORIZONS: '[20]' }, overrides: ['features.returns=[1, 2]'] });
    expect(config.symbols).toEqual(['MGC']);
    expect(config.horizons).toEqual([20]);
    expect(config.features.sma).toEqual([20]);
    expect(config.features.returns).toEqual([1, 2]);
    expect(config.ga.bounds).toEqual({ kUp: [1.0, 2.0], kDown: [0.8, 4.0], maxBarsPerHorizonBar: [2.0, 3.0] });
  });

  it('deepMerge merges objects key by key and replaces everything else', () => {
    const base = { a: { b: 1, c: [1, 2] }, d: 'x', e: { f: 1 } };
    expect(deepMerge(base, { a: { c: [3] }, d: null, e: 5 })).toEqual({ a: { b: 1, c: [3] }, d: null, e: 5 });
    expect(base).toEqual({ a: { b: 1, c: [1, 2] }, d: 'x', e: { f: 1 } });
  });

  it('merges record entries from a file over the default tables', async () => {
    const path = await file('run.yaml', 'barriers:\n  bySymbol:\n    MGC:\n      "5": { kUp: 1.4, kDown: 1.4, maxBars: 12 }\n');
    const { config } = await loadConfig({ file: path });
    expect(config.barriers.bySymbol['MGC']).toEqual({
      '5': { kUp: 1.4, kDown: 1.4, maxBars: 12 },
      '20': { kUp: 2.5, kDown: 2.5, maxBars: 50 },
    });
    expect(config.barriers.bySymbol['MES']?.['5']).toEqual({ kUp: 1.5, kDown: 1.0, maxBars: 12 });
  });
});
