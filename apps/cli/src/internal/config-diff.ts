/** One setting that differs between two configs, by its dotted path. */
export interface ConfigChange {
  path: string;
  before: unknown;
  after: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every leaf path whose value differs (arrays compare as one value), in the order of `before` then new keys. */
export function diffConfigs(before: unknown, after: unknown, prefix = ''): ConfigChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => diffConfigs(before[key], after[key], prefix ? `${prefix}.${key}` : key));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path: prefix || '(root)', before, after }];
}

const show = (value: unknown) => (value === undefined ? '(unset)' : JSON.stringify(value));

export function formatConfigChanges(changes: readonly ConfigChange[]): string {
  return changes.map((change) => `  ${change.path}: ${show(change.before)} → ${show(change.after)}`).join('\n');
}
