import { importOptional, UsageError } from '@tribar/core';
import type * as BullMQ from 'bullmq';

type BullModule = typeof BullMQ;

/** Every key Tribar keeps on Redis starts with this (BullMQ's own `bull` prefix is left to other users). */
export const REDIS_PREFIX = 'tribar';
// Tribar's own keys sit beside BullMQ's (`tribar:<queue>:…`) under `tribar-tune:`, so no study name collides with them.
/** The hash (study → start time) of studies whose coordinator is running: workers watch it to find queues to take trials from. */
export const STUDIES_KEY = `${REDIS_PREFIX}-tune:studies`;

/** The Redis key a coordinator sets when the pruner wants trial `n` of `study` stopped. */
export function pruneKey(study: string, n: number): string {
  return `${REDIS_PREFIX}-tune:${study}:prune:${n}`;
}

/** bullmq is an optional peer: users who never tune over Redis don't download it. */
export function loadBullMq(): Promise<BullModule> {
  return importOptional<BullModule>('bullmq', 'Tuning over Redis workers (--redis)');
}

export interface RedisConnection {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: Record<string, never>;
  /** BullMQ's workers block on Redis: ioredis must retry forever rather than fail a blocked call. */
  maxRetriesPerRequest: null;
}

/** `redis://[user:password@]host[:port][/db]` (or `rediss://` for TLS) as ioredis options. */
export function parseRedisUrl(url: string): RedisConnection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--redis expects a URL like redis://127.0.0.1:6379, got '${url}'`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new UsageError(`--redis expects a redis:// or rediss:// URL, got '${url}'`, { hint: 'e.g. --redis redis://127.0.0.1:6379' });
  }
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : undefined;
  if (db !== undefined && (!Number.isInteger(db) || db < 0))
    throw new UsageError(`--redis: '${parsed.pathname.slice(1)}' is not a database number`);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db !== undefined ? { db } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/** BullMQ queue names may not hold ':' (its key separator). */
export function queueName(study: string): string {
  if (study.includes(':'))
    throw new UsageError(`study name '${study}' holds ':', which a BullMQ queue name cannot`, {
      hint: 'Pick a study name without a colon (--study).',
    });
  return study;
}
