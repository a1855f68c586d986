import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

/** The values `@tribar/models` exports; anything else stays in `src/internal/`. */
const VALUES = [
  'CLASS_NAMES',
  'LOGISTIC_CARD',
  'MODEL_HEADER_FILE',
  'MLP_CARD',
  'ModelRegistry',
  'NUM_CLASSES',
  'TFJS_BACKEND_ORDER',
  'XGBOOST_CARD',
  'XGBoostLibraryError',
  'XGBoostModel',
  'argmaxClass',
  'createDefaultRegistry',
  'hasXGBoost',
  'locateXGBoost',
  'logisticFactory',
  'mlpFactory',
  'resolveHyperparameters',
  'selectTfjsBackend',
  'xgboostFactory',
];

const packageDir = join(import.meta.dirname, '..');

/** Every name `src/index.ts` exports, types included. */
function exportedNames(): string[] {
  const index = readFileSync(join(packageDir, 'src/index.ts'), 'utf8');
  return [...index.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)].flatMap((match) =>
    (match[1] ?? '')
      .split(',')
      .map(
        (name) =>
          name
            .trim()
            .replace(/^type\s+/, '')
            .split(/\s+as\s+/)
            .at(-1) ?? '',
      )
      .filter((name) => name !== ''),
  );
}

describe('the public face of @tribar/models', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual([...VALUES].sort());
  });

  it("is what the README's API section lists, types included", () => {
    const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
    const start = readme.indexOf('## API');
    expect(start).toBeGreaterThan(-1);
    const end = readme.indexOf('\n## ', start + 1);
    const section = readme.slice(start, end === -1 ? undefined : end);
    const names = exportedNames();
    expect(names.length).toBeGreaterThanOrEqual(VALUES.length);
    expect(names.filter((name) => !new RegExp(`\`${name}\\b`).test(section))).toEqual([]);
  });
});
