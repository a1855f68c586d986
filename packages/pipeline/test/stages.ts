import { appendFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { defineStage, writeFileAtomic, type StageDefinition } from '@tribar/core';

/** The config shape the test stages read. */
export interface TestConfig {
  seed: number;
  scale: number;
  offset: number;
  /** File the stages append their name to when they run, to count invocations across processes. */
  callLog?: string;
  /** Absolute path of an external input file for `source`. */
  sourceFile?: string;
  /** Stage that waits for this file to appear before finishing (lets a test kill it mid-stage). */
  pause?: { stage: string; startedMarker: string; releaseFile: string };
  /** Stage that throws. */
  failIn?: string;
}

async function noteCall(config: TestConfig, stage: string): Promise<void> {
  if (config.callLog) appendFileSync(config.callLog, `${stage}\n`);
  if (config.pause?.stage === stage) {
    await mkdir(dirname(config.pause.startedMarker), { recursive: true });
    await writeFile(config.pause.startedMarker, 'started');
    const { existsSync } = await import('node:fs');
    while (!existsSync(config.pause.releaseFile)) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (config.failIn === stage) throw new Error(`planted failure in ${stage}`);
}

/**
 * Four stages in a diamond: source → (scaled, shifted) → combined. Outputs are pure functions of
 * the config and inputs, and draws from the stage's seeded rng, so runs are comparable byte for byte.
 */
export function testStages(): StageDefinition<TestConfig>[] {
  return [
    defineStage<TestConfig>({
      name: 'source',
      description: 'numbers from the external file (or the seed) plus seeded noise',
      dependsOn: [],
      version: 1,
      configKeys: ['sourceFile'],
      inputs: () => [],
      externalInputs: (config) => (config.sourceFile ? [config.sourceFile] : []),
      outputs: () => ['source/values.json'],
      async run(context) {
        await noteCall(context.config, 'source');
        const base = context.config.sourceFile ? (JSON.parse(await readFile(context.config.sourceFile, 'utf8')) as number[]) : [1, 2, 3];
        context.progress.start(base.length, { unit: 'values' });
        const values = base.map((value) => {
          context.progress.advance();
          return value + Math.round(context.rng.next() * 1000) / 1000;
        });
        await writeFileAtomic(context.path('source/values.json'), JSON.stringify(values));
        return { metrics: { values: values.length } };
      },
    }),
    defineStage<TestConfig>({
      name: 'scaled',
      description: 'values × scale',
      dependsOn: ['source'],
      version: 1,
      configKeys: ['scale'],
      inputs: () => ['source/values.json'],
      outputs: () => ['scaled/values.json'],
      async run(context) {
        await noteCall(context.config, 'scaled');
        const values = JSON.parse(await readFile(context.path('source/values.json'), 'utf8')) as number[];
        await writeFileAtomic(context.path('scaled/values.json'), JSON.stringify(values.map((v) => v * context.config.scale)));
      },
    }),
    defineStage<TestConfig>({
      name: 'shifted',
      description: 'values + offset',
      dependsOn: ['source'],
      version: 1,
      configKeys: ['offset'],
      inputs: () => ['source/values.json'],
      outputs: () => ['shifted/values.json'],
      async run(context) {
        await noteCall(context.config, 'shifted');
        const values = JSON.parse(await readFile(context.path('source/values.json'), 'utf8')) as number[];
        await writeFileAtomic(context.path('shifted/values.json'), JSON.stringify(values.map((v) => v + context.config.offset)));
      },
    }),
    defineStage<TestConfig>({
      name: 'combined',
      description: 'scaled and shifted side by side',
      dependsOn: ['scaled', 'shifted'],
      version: 1,
      configKeys: [],
      inputs: () => ['scaled/values.json', 'shifted/values.json'],
      outputs: () => ['combined/values.json'],
      async run(context) {
        await noteCall(context.config, 'combined');
        const scaled = JSON.parse(await readFile(context.path('scaled/values.json'), 'utf8')) as number[];
        const shifted = JSON.parse(await readFile(context.path('shifted/values.json'), 'utf8')) as number[];
        await writeFileAtomic(context.path('combined/values.json'), JSON.stringify({ scaled, shifted }));
      },
    }),
  ];
}

export function readCalls(callLog: string): Promise<string[]> {
  return readFile(callLog, 'utf8').then(
    (text) => text.split('\n').filter(Boolean),
    () => [],
  );
}
