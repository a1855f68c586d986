import { UsageError } from '@tribar/core';
import { readModelHeader } from './model-dir.js';
import type { BaseModel, HyperparameterSpec, ModelCard, ModelFactory, ModelFamily } from './types.js';

interface Entry {
  card: ModelCard;
  factory: ModelFactory;
}

/** A model name that is not registered (or a duplicate registration). */
class ModelRegistryError extends UsageError {}

/** A hyperparameter that is unknown, of the wrong type or outside its card's range. */
export class HyperparameterError extends UsageError {}

/**
 * Families by name (and alias), case-insensitive. A registry is plain state: the package exports
 * `defaultRegistry` with the built-in families; tests and users can build their own.
 */
export class ModelRegistry {
  readonly #entries = new Map<string, Entry>();
  readonly #aliases = new Map<string, string>();

  register(name: string, factory: ModelFactory, card: ModelCard): this {
    const key = name.toLowerCase();
    if (card.name.toLowerCase() !== key) throw new ModelRegistryError(`card name '${card.name}' does not match '${name}'`);
    for (const alias of [key, ...(card.aliases ?? []).map((a) => a.toLowerCase())]) {
      if (this.#entries.has(alias) || this.#aliases.has(alias)) {
        throw new ModelRegistryError(`model '${alias}' is already registered`, { hint: 'Pick another name or alias.' });
      }
    }
    this.#entries.set(key, { card, factory });
    for (const alias of card.aliases ?? []) this.#aliases.set(alias.toLowerCase(), key);
    return this;
  }

  has(name: string): boolean {
    const key = name.toLowerCase();
    return this.#entries.has(key) || this.#aliases.has(key);
  }

  card(name: string): ModelCard {
    return this.#entry(name).card;
  }

  /** Cards of every registered family, optionally of one family, sorted by name. */
  list(family?: ModelFamily): ModelCard[] {
    return [...this.#entries.values()]
      .map((e) => e.card)
      .filter((c) => family === undefined || c.family === family)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A new unfitted model; hyperparameters are checked against the card and completed by its defaults. */
  create(name: string, hyperparameters: Record<string, unknown> = {}): BaseModel {
    const { card, factory } = this.#entry(name);
    return factory.create(resolveHyperparameters(card, hyperparameters));
  }

  /** Load a model directory written by `save`, whatever its family. */
  async load(dir: string): Promise<BaseModel> {
    const header = await readModelHeader(dir);
    return this.#entry(header.name).factory.load(dir);
  }

  #entry(name: string): Entry {
    const key = name.toLowerCase();
    const entry = this.#entries.get(this.#aliases.get(key) ?? key);
    if (entry === undefined) {
      const known = [...this.#entries.keys()].sort().join(', ');
      throw new ModelRegistryError(`unknown model '${name}'`, { hint: `Registered models: ${known || '(none)'}.` });
    }
    return entry;
  }
}

/** The card's defaults overlaid with `given`; every problem is reported in one error. */
export function resolveHyperparameters(card: ModelCard, given: Record<string, unknown>): Record<string, unknown> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(given)) {
    if (!(key in card.hyperparameters)) problems.push(`'${key}' is not a hyperparameter of ${card.name}`);
  }
  for (const [key, spec] of Object.entries(card.hyperparameters)) {
    const value = given[key];
    if (value === undefined) {
      out[key] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
      continue;
    }
    const problem = checkValue(spec, value);
    if (problem !== null) problems.push(`${card.name}.${key} = ${JSON.stringify(value)}: ${problem}`);
    out[key] = value;
  }
  if (problems.length > 0) {
    throw new HyperparameterError(problems.join('; '), { hint: `See the '${card.name}' card (tribar models) for types and ranges.` });
  }
  return out;
}

function checkValue(spec: HyperparameterSpec, value: unknown): string | null {
  switch (spec.kind) {
    case 'int':
    case 'float': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'expected a number';
      if (spec.kind === 'int' && !Number.isInteger(value)) return 'expected a whole number';
      const [low, high] = spec.range;
      return value < low || value > high ? `outside [${low}, ${high}]` : null;
    }
    case 'enum':
      return typeof value === 'string' && spec.values.includes(value) ? null : `expected one of ${spec.values.join(', ')}`;
    case 'bool':
      return typeof value === 'boolean' ? null : 'expected true or false';
    case 'int-list':
      return Array.isArray(value) && value.length > 0 && value.every((v) => Number.isInteger(v) && v > 0)
        ? null
        : 'expected a non-empty list of positive whole numbers';
  }
}
