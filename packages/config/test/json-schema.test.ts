import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../src/index.js';

type Node = { type?: string; properties?: Record<string, Node>; default?: unknown; additionalProperties?: unknown };

describe('configJsonSchema', () => {
  const schema = configJsonSchema();

  it('matches the committed schema/run-config.schema.json (regenerate with `vitest run -u`)', async () => {
    await expect(JSON.stringify(schema, null, 2) + '\n').toMatchFileSnapshot('../schema/run-config.schema.json');
  });

  it('is a draft 2020-12 object schema with a title, rejecting unknown fields', () => {
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema['title']).toBe('Tribar run configuration');
    expect(schema['type']).toBe('object');
    expect(schema['additionalProperties']).toBe(false);
  });

  it('describes the input side: every field optional, defaults shown for editors', () => {
    const root = schema as Node & { required?: string[] };
    expect(root.required ?? []).toEqual([]);
    const splits = root.properties?.['splits'];
    expect(splits?.properties?.['purgeBars']).toMatchObject({ type: 'integer', default: 60 });
    expect(splits?.properties?.['embargoBars']?.default).toBe(1440);
    expect(root.properties?.['seed']).toMatchObject({ type: 'integer', default: 42 });
    expect(Object.keys(root.properties ?? {})).toContain('$schema');
  });

  it('is what the package exports as ./schema.json', () => {
    const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
      files: string[];
    };
    expect(manifest.exports['./schema.json']).toBe('./schema/run-config.schema.json');
    expect(manifest.files).toContain('schema');
  });
});
