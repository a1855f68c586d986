import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/index.js';

function configError(input: unknown): ConfigError {
  try {
    parseConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected parseConfig to throw a ConfigError');
}

describe('data.timezone', () => {
  it('rejects a zone that does not exist, naming the field and the value (it used to fail inside ingest)', () => {
    const error = configError({ data: { timezone: 'Mars/Phobos' } });
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.path).toBe('data.timezone');
    expect(error.issues[0]?.message).toBe('unknown time zone "Mars/Phobos": use an IANA name such as America/Chicago or UTC');
    expect(error.message).toContain('data.timezone: unknown time zone "Mars/Phobos"');
    expect(error.hint).toBeTruthy();
    expect(configError({ data: { timezone: '' } }).issues.map((issue) => issue.path)).toEqual(['data.timezone']);
    expect(configError({ data: { timezone: 'America/Chicag' } }).issues.map((issue) => issue.path)).toEqual(['data.timezone']);
  });

  it('accepts IANA zones, the UTC spellings and the US abbreviations ingest maps to DST-observing zones', () => {
    for (const zone of [
      'America/Chicago',
      'Europe/London',
      'Asia/Tokyo',
      'UTC',
      'utc',
      'Etc/UTC',
      'GMT',
      'Z',
      'CST',
      'CDT',
      'EST',
      'PDT',
    ]) {
      expect(parseConfig({ data: { timezone: zone } }).data.timezone).toBe(zone);
    }
    expect(parseConfig({}).data.timezone).toBe('UTC');
  });
});
