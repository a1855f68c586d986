import type { StageDefinition } from '@tribar/core';
import { PipelineDefinitionError } from './errors.js';

/**
 * Order stages so each comes after everything it depends on; among stages free to go,
 * registration order decides, so the same stage list always runs in the same order.
 */
export function orderStages<C>(stages: readonly StageDefinition<C>[]): StageDefinition<C>[] {
  const byName = new Map<string, StageDefinition<C>>();
  for (const stage of stages) {
    if (byName.has(stage.name)) throw new PipelineDefinitionError(`stage '${stage.name}' is registered twice`);
    byName.set(stage.name, stage);
  }
  for (const stage of stages) {
    for (const dependency of stage.dependsOn) {
      if (!byName.has(dependency)) {
        throw new PipelineDefinitionError(`stage '${stage.name}' depends on unknown stage '${dependency}'`);
      }
    }
  }
  const ordered: StageDefinition<C>[] = [];
  const placed = new Set<string>();
  while (ordered.length < stages.length) {
    const next = stages.find((stage) => !placed.has(stage.name) && stage.dependsOn.every((d) => placed.has(d)));
    if (!next) {
      const stuck = stages.filter((stage) => !placed.has(stage.name)).map((stage) => stage.name);
      throw new PipelineDefinitionError(`stages form a dependency cycle: ${stuck.join(', ')}`);
    }
    ordered.push(next);
    placed.add(next.name);
  }
  return ordered;
}

/** Every stage that `name` depends on, directly or through others. */
export function ancestorsOf<C>(stages: readonly StageDefinition<C>[], name: string): Set<string> {
  const byName = new Map(stages.map((stage) => [stage.name, stage]));
  const found = new Set<string>();
  const visit = (current: string) => {
    for (const dependency of byName.get(current)?.dependsOn ?? []) {
      if (!found.has(dependency)) {
        found.add(dependency);
        visit(dependency);
      }
    }
  };
  visit(name);
  return found;
}

/** Every stage that depends on `name`, directly or through others. */
export function descendantsOf<C>(stages: readonly StageDefinition<C>[], name: string): Set<string> {
  const found = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const stage of stages) {
      if (found.has(stage.name)) continue;
      if (stage.dependsOn.some((dependency) => dependency === name || found.has(dependency))) {
        found.add(stage.name);
        grew = true;
      }
    }
  }
  return found;
}

/** Check that each stage reads only artifacts written by a stage it depends on. */
export function checkInputs<C>(stages: readonly StageDefinition<C>[], config: C): void {
  const producer = new Map<string, string>();
  for (const stage of stages) {
    for (const output of stage.outputs(config)) {
      const other = producer.get(output);
      if (other) throw new PipelineDefinitionError(`artifact '${output}' is written by both '${other}' and '${stage.name}'`);
      producer.set(output, stage.name);
    }
  }
  for (const stage of stages) {
    const upstream = ancestorsOf(stages, stage.name);
    for (const input of stage.inputs(config)) {
      const writer = producer.get(input);
      if (!writer || !upstream.has(writer)) {
        throw new PipelineDefinitionError(
          `stage '${stage.name}' reads '${input}', which ${writer ? `'${writer}' writes but '${stage.name}' does not depend on` : 'no stage writes'}`,
        );
      }
    }
  }
}

export interface Selection {
  /** Run this stage and everything downstream of it, even if up to date. */
  from?: string;
  /** Run exactly these stages, even if up to date. */
  only?: readonly string[];
}

/**
 * Which stages to consider and which of them must run regardless of recorded results.
 * Stages outside the selection are not run; their recorded outputs must already exist.
 */
export function selectStages<C>(
  ordered: readonly StageDefinition<C>[],
  selection: Selection,
): { selected: StageDefinition<C>[]; forced: Set<string> } {
  const known = new Set(ordered.map((stage) => stage.name));
  const requireKnown = (name: string, flag: string) => {
    if (!known.has(name)) {
      throw new PipelineDefinitionError(
        `${flag} names unknown stage '${name}'`,
        `Stages: ${[...known].join(', ') || '(none registered)'}.`,
      );
    }
  };
  if (selection.from && selection.only?.length) throw new PipelineDefinitionError('use --from or --only, not both');
  if (selection.from) {
    requireKnown(selection.from, '--from');
    const forced = new Set([selection.from, ...descendantsOf(ordered, selection.from)]);
    return { selected: ordered.filter((stage) => forced.has(stage.name)), forced };
  }
  if (selection.only?.length) {
    selection.only.forEach((name) => requireKnown(name, '--only'));
    const forced = new Set(selection.only);
    return { selected: ordered.filter((stage) => forced.has(stage.name)), forced };
  }
  return { selected: [...ordered], forced: new Set() };
}
