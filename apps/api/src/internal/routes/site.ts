import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { JobQueue } from '../jobs.js';
import { healthBody } from '../schemas.js';
import { VERSION } from '../version.js';
import type { TypedApp } from './types.js';

/** The dashboard's static files sit in the package (`dashboard/`), beside both `src/` and `dist/`. */
const DASHBOARD_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../dashboard');
const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

export function siteRoutes(app: TypedApp, queue: JobQueue): void {
  const open = { access: 'public' as const };
  app.get(
    '/health',
    { config: open, schema: { tags: ['system'], summary: 'Liveness and the job queue', response: { 200: healthBody } } },
    async () => ({
      status: 'ok' as const,
      version: VERSION,
      queue: { running: queue.runningCount(), queued: queue.queued().length },
    }),
  );
  app.get('/', { config: open, schema: { hide: true } }, async (_request, reply) => reply.redirect('/dashboard/'));
  app.get('/dashboard/*', { config: open, schema: { hide: true, params: z.object({ '*': z.string() }) } }, async (request, reply) => {
    const name = request.params['*'] || 'index.html';
    const type = FILES[name];
    if (!type)
      return reply
        .status(404)
        .send({ statusCode: 404, error: 'Not Found', code: 'ROUTE_NOT_FOUND', message: `no dashboard file '${name.slice(0, 100)}'` });
    reply.type(type);
    return reply.send(await readFile(join(DASHBOARD_DIR, name)));
  });
}
