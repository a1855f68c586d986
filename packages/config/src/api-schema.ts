import { z } from 'zod';

// The `api:` section: how `apps/api` listens and whom it lets in. Tokens are stored only as SHA-256 hashes
// (`echo -n <token> | sha256sum`); a plain token may also come from the environment (TRIBAR_API_TOKEN), which the
// server hashes when it starts.

const API_SCOPES = ['read', 'write'] as const;

const apiTokenSchema = z
  .object({
    name: z.string().min(1).describe('Who holds the token (shown in logs, never the token itself).'),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'a token is stored as its SHA-256 hash: 64 lower-case hex digits')
      .describe('SHA-256 of the bearer token, hex.'),
    scopes: z.array(z.enum(API_SCOPES)).min(1).describe('read: list, get, download, predict; write: start, cancel, resume runs.'),
  })
  .strict();

export const apiSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1').describe('Address to listen on; a non-loopback one needs a token.'),
    port: z.number().int().min(0).max(65535).default(8787).describe('TCP port (0 = any free port).'),
    tokens: z
      .array(apiTokenSchema)
      .default([])
      .describe('Bearer tokens as SHA-256 hashes with their scopes; empty = no auth (loopback only).'),
    rateLimit: z
      .object({
        predictPerMinute: z.number().int().positive().default(6000).describe('Predict requests per client per minute.'),
      })
      .strict()
      .prefault({}),
    cors: z
      .object({
        origins: z.array(z.string().min(1)).default([]).describe('Origins allowed cross-origin requests; empty = CORS off.'),
      })
      .strict()
      .prefault({}),
    bodyLimitBytes: z
      .number()
      .int()
      .positive()
      .default(8 * 1024 * 1024)
      .describe('Largest request body accepted (bars for predict included).'),
    maxConcurrentRuns: z.number().int().positive().default(1).describe('Pipeline runs executed at once; further starts wait in the queue.'),
  })
  .strict()
  .prefault({});

export type ApiConfig = z.output<typeof apiSchema>;
