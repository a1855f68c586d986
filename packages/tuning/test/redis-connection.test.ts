import { describe, expect, it } from 'vitest';
import { UsageError } from '@tribar/core';
import { parseRedisUrl, pruneKey, queueName, STUDIES_KEY } from '../src/internal/redis/connection.js';

describe('--redis URLs and queue names', () => {
  it('reads host, port, credentials, database and TLS from the URL', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6380')).toEqual({ host: '127.0.0.1', port: 6380, maxRetriesPerRequest: null });
    expect(parseRedisUrl('rediss://user:p%40ss@cache.local/3')).toEqual({
      host: 'cache.local',
      port: 6379,
      username: 'user',
      password: 'p@ss',
      db: 3,
      tls: {},
      maxRetriesPerRequest: null,
    });
  });

  it('refuses what is not a redis URL with a UsageError that shows one', () => {
    expect(() => parseRedisUrl('localhost:6379')).toThrow(UsageError);
    expect(() => parseRedisUrl('http://localhost:6379')).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => parseRedisUrl('redis://localhost/x')).toThrow(/'x' is not a database number/);
  });

  it("names a study's queue after it, refusing BullMQ's key separator, and keeps Tribar's keys apart", () => {
    expect(queueName('xgboost-MES-h20')).toBe('xgboost-MES-h20');
    expect(() => queueName('a:b')).toThrow(UsageError);
    expect(STUDIES_KEY).toBe('tribar-tune:studies');
    expect(pruneKey('xgboost-MES-h20', 7)).toBe('tribar-tune:xgboost-MES-h20:prune:7');
  });
});
