import { describe, expect, it } from 'vitest';
import { defineStage, type StageDefinition } from '@tribar/core';
import { ancestorsOf, checkInputs, descendantsOf, orderStages, selectStages } from '../src/internal/dag.js';
import { PipelineDefinitionError } from '../src/internal/errors.js';
import { testStages, type TestConfig } from './stages.js';

const stub = (name: string, dependsOn: string[], io: { inputs?: string[]; outputs?: string[] } = {}) =>
  defineStage<object>({
    name,
    description: name,
    dependsOn,
    version: 1,
    configKeys: [],
    inputs: () => io.inputs ?? [],
    outputs: () => io.outputs ?? [],
    run: async () => {},
  });

const names = (stages: readonly { name: string }[]) => stages.map((stage) => stage.name);

describe('orderStages', () => {
  it('puts every stage after its dependencies, keeping registration order among free stages', () => {
    const ordered = orderStages([stub('d', ['b', 'c']), stub('b', ['a']), stub('c', ['a']), stub('a', [])]);
    expect(names(ordered)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('rejects cycles, unknown dependencies and duplicate names', () => {
    expect(() => orderStages([stub('a', ['b']), stub('b', ['a'])])).toThrow(/cycle: a, b/);
    expect(() => orderStages([stub('a', ['ghost'])])).toThrow(/depends on unknown stage 'ghost'/);
    expect(() => orderStages([stub('a', []), stub('a', [])])).toThrow(/registered twice/);
  });
});

describe('graph queries', () => {
  const stages = testStages();
  it('finds ancestors and descendants through the diamond', () => {
    expect([...ancestorsOf(stages, 'combined')].sort()).toEqual(['scaled', 'shifted', 'source']);
    expect([...descendantsOf(stages, 'source')].sort()).toEqual(['combined', 'scaled', 'shifted']);
    expect([...descendantsOf(stages, 'scaled')]).toEqual(['combined']);
    expect(ancestorsOf(stages, 'source').size).toBe(0);
  });
});

describe('checkInputs', () => {
  it('accepts inputs written by an upstream stage, also transitively', () => {
    const config = { seed: 1, scale: 2, offset: 3 } satisfies TestConfig;
    expect(() => checkInputs(testStages(), config)).not.toThrow();
    const chain = [
      stub('a', [], { outputs: ['a.bin'] }),
      stub('b', ['a'], { outputs: ['b.bin'] }),
      stub('c', ['b'], { inputs: ['a.bin'] }),
    ];
    expect(() => checkInputs(chain, {})).not.toThrow();
  });

  it('rejects an input no stage writes, one from a stage not depended on, and an output written twice', () => {
    expect(() => checkInputs([stub('a', [], { inputs: ['x.bin'] })], {})).toThrow(PipelineDefinitionError);
    expect(() => checkInputs([stub('a', [], { outputs: ['x.bin'] }), stub('b', [], { inputs: ['x.bin'] })], {})).toThrow(
      /'a' writes but 'b' does not depend on/,
    );
    expect(() => checkInputs([stub('a', [], { outputs: ['x.bin'] }), stub('b', [], { outputs: ['x.bin'] })], {})).toThrow(
      /written by both 'a' and 'b'/,
    );
  });
});

describe('selectStages', () => {
  const ordered: StageDefinition<TestConfig>[] = orderStages(testStages());
  it('selects everything, forcing nothing, by default', () => {
    const { selected, forced } = selectStages(ordered, {});
    expect(names(selected)).toEqual(['source', 'scaled', 'shifted', 'combined']);
    expect(forced.size).toBe(0);
  });

  it('--from forces the stage and everything downstream of it', () => {
    const { selected, forced } = selectStages(ordered, { from: 'scaled' });
    expect(names(selected)).toEqual(['scaled', 'combined']);
    expect([...forced].sort()).toEqual(['combined', 'scaled']);
  });

  it('--only forces exactly the named stages, in execution order', () => {
    expect(names(selectStages(ordered, { only: ['combined', 'shifted'] }).selected)).toEqual(['shifted', 'combined']);
  });

  it('rejects unknown names and the two flags together', () => {
    expect(() => selectStages(ordered, { from: 'nope' })).toThrow(/--from names unknown stage 'nope'/);
    expect(() => selectStages(ordered, { only: ['source', 'nope'] })).toThrow(/--only names unknown stage 'nope'/);
    expect(() => selectStages(ordered, { from: 'source', only: ['scaled'] })).toThrow(/not both/);
  });
});
