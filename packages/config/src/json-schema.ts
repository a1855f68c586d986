import { z } from 'zod';
import { runConfigSchema } from './schema.js';

/** JSON Schema of a config file (the input side: every field optional), for editor completion. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(runConfigSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }),
    title: 'Tribar run configuration',
  };
}
