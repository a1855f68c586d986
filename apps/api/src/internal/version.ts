import { createRequire } from 'node:module';

/** This package's version (`../../package.json` from both `src/internal/` and `dist/internal/`). */
export const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
