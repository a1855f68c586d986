import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiConfig } from '@tribar/config';
import { UsageError } from '@tribar/core';
import { HttpError } from './http-errors.js';

type Scope = 'read' | 'write';
/** What a route needs: a scope, or nothing (`public`: health, the dashboard's static files, the API document). */
export type RouteAccess = Scope | 'public';

interface StoredToken {
  name: string;
  hash: Buffer;
  scopes: readonly Scope[];
}

export const sha256Hex = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * The tokens the server accepts: `api.tokens` (stored as SHA-256 hashes) plus `TRIBAR_API_TOKEN` (read and write)
 * and `TRIBAR_API_READ_TOKEN` (read only) from the environment, hashed here and never kept in plain text.
 */
export function tokensFrom(config: ApiConfig, env: Record<string, string | undefined>): StoredToken[] {
  const tokens: StoredToken[] = config.tokens.map((token) => ({
    name: token.name,
    hash: Buffer.from(token.sha256, 'hex'),
    scopes: token.scopes,
  }));
  const write = env['TRIBAR_API_TOKEN'];
  const read = env['TRIBAR_API_READ_TOKEN'];
  if (write) tokens.push({ name: 'env:TRIBAR_API_TOKEN', hash: Buffer.from(sha256Hex(write), 'hex'), scopes: ['read', 'write'] });
  if (read) tokens.push({ name: 'env:TRIBAR_API_READ_TOKEN', hash: Buffer.from(sha256Hex(read), 'hex'), scopes: ['read'] });
  return tokens;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|\[::1\])$/i;

/** Refuses to serve a non-loopback address without a token: anyone on the network could start runs otherwise. */
export function checkExposure(host: string, tokens: readonly StoredToken[]): void {
  if (tokens.length > 0 || LOOPBACK.test(host)) return;
  throw new UsageError(`refusing to listen on ${host} without a token: anyone who can reach it could start and read runs`, {
    hint: 'Set TRIBAR_API_TOKEN (or api.tokens with a sha256 and scopes), or listen on 127.0.0.1.',
  });
}

/** The caller's token checked against the route's scope: 401 without a valid token, 403 with too few scopes. */
export function authorize(tokens: readonly StoredToken[], access: RouteAccess, header: string | undefined): void {
  if (access === 'public' || tokens.length === 0) return;
  const match = /^Bearer ([\x21-\x7e]+)$/.exec(header ?? '');
  if (!match) {
    throw new HttpError(401, 'UNAUTHORIZED', header ? 'the Authorization header is not "Bearer <token>"' : 'a bearer token is required', {
      field: 'headers.authorization',
      hint: 'Send Authorization: Bearer <token> (a token configured in api.tokens or TRIBAR_API_TOKEN).',
    });
  }
  const hash = createHash('sha256')
    .update(match[1] as string, 'utf8')
    .digest();
  const token = tokens.find((candidate) => timingSafeEqual(candidate.hash, hash));
  if (!token) {
    throw new HttpError(401, 'UNAUTHORIZED', 'the bearer token is not valid', {
      field: 'headers.authorization',
      hint: 'Check the token; the server keeps only hashes, so a lost token must be replaced.',
    });
  }
  if (!token.scopes.includes(access)) {
    throw new HttpError(403, 'FORBIDDEN', `token '${token.name}' lacks the '${access}' scope this route needs`, {
      field: 'headers.authorization',
      hint: `Use a token with scopes [${access}] (write: start, cancel, resume runs).`,
    });
  }
}
