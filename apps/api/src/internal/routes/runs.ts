import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { reportHtml } from '@tribar/artifacts';
import { z } from 'zod';
import type { JobEvent, JobQueue } from '../jobs.js';
import { resolveRunFile } from '../run-files.js';
import type { RunsService } from '../runs-service.js';
import {
  artifactListBody,
  cancelResponse,
  errorResponses,
  runBody,
  runIdParam,
  runListBody,
  startRunBody,
  startRunResponse,
} from '../schemas.js';
import type { TypedApp } from './types.js';

const params = z.object({ runId: runIdParam }).strict();
const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.html': 'text/html; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.csv': 'text/csv',
};
/** Between SSE heartbeats, so proxies keep an idle stream open. */
const HEARTBEAT_MS = 15_000;

export function runRoutes(app: TypedApp, runs: RunsService, queue: JobQueue): void {
  const read = { access: 'read' as const };
  const write = { access: 'write' as const };

  app.get(
    '/runs',
    {
      config: read,
      schema: {
        tags: ['runs'],
        summary: 'Pipeline runs, newest first (queued ones first)',
        response: { 200: runListBody, ...errorResponses },
      },
    },
    async () => runs.list(),
  );

  app.post(
    '/runs',
    {
      config: write,
      schema: {
        tags: ['runs'],
        summary: "Queue a pipeline run with the server's settings and `config` on top",
        body: startRunBody,
        response: { 202: startRunResponse, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(202).send(await runs.start(request.body)),
  );

  app.get(
    '/runs/:runId',
    {
      config: read,
      schema: {
        tags: ['runs'],
        summary: 'A run: status, stage states and metrics, live progress',
        params,
        response: { 200: runBody, ...errorResponses },
      },
    },
    async (request) => runs.get(request.params.runId),
  );

  app.post(
    '/runs/:runId/cancel',
    {
      config: write,
      schema: {
        tags: ['runs'],
        summary: 'Cancel a queued run or interrupt a running one (recorded `interrupted`)',
        params,
        response: { 202: cancelResponse, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(202).send(runs.cancel(request.params.runId)),
  );

  app.post(
    '/runs/:runId/resume',
    {
      config: write,
      schema: {
        tags: ['runs'],
        summary: 'Queue an existing run again with its own config.json (up-to-date stages are skipped)',
        params,
        response: { 202: startRunResponse, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(202).send(await runs.resume(request.params.runId)),
  );

  app.get(
    '/runs/:runId/artifacts',
    {
      config: read,
      schema: {
        tags: ['runs'],
        summary: "A run's artifacts as its manifest lists them",
        params,
        response: { 200: artifactListBody, ...errorResponses },
      },
    },
    async (request) => runs.artifacts(request.params.runId),
  );

  app.get(
    '/runs/:runId/artifacts/*',
    {
      config: read,
      schema: {
        tags: ['runs'],
        summary: 'Download one file of a run by its run-relative path (absolute paths and `..` are refused)',
        params: z.object({ runId: runIdParam, '*': z.string() }).strict(),
        response: { 200: z.any().describe('the file'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const file = await resolveRunFile(await runs.runDir(request.params.runId), request.params['*']);
      const info = await stat(file);
      reply.header('content-length', info.size);
      reply.type(CONTENT_TYPES[extname(file)] ?? 'application/octet-stream');
      return reply.send(createReadStream(file));
    },
  );

  app.get(
    '/runs/:runId/report',
    {
      config: read,
      schema: {
        tags: ['runs'],
        summary: "The run's HTML report",
        params,
        response: { 200: z.any().describe('text/html'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const runDir = await runs.runDir(request.params.runId);
      const file = await resolveRunFile(runDir, reportHtml.path);
      reply.type('text/html; charset=utf-8');
      return reply.send(createReadStream(file));
    },
  );

  app.get(
    '/runs/:runId/events',
    {
      config: read,
      schema: {
        tags: ['runs'],
        summary: 'Live progress as server-sent events: `state`, then pipeline events, then `state` again at the end',
        params,
        response: { 200: z.any().describe('text/event-stream'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { runId } = request.params;
      const first = await runs.get(runId);
      reply.hijack();
      const out = reply.raw;
      out.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      const send = (event: string, data: unknown) => out.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      send('state', first);
      const job = queue.active(runId);
      if (!job) {
        out.end();
        return;
      }
      const heartbeat = setInterval(() => out.write(': alive\n\n'), HEARTBEAT_MS);
      const stop = () => {
        clearInterval(heartbeat);
        job.events.off('event', onEvent);
      };
      const onEvent = (event: JobEvent) => {
        send(event.type, event);
        if (event.type !== 'job-end') return;
        stop();
        void runs
          .get(runId)
          .then((state) => send('state', state))
          .catch(() => {})
          .finally(() => out.end());
      };
      job.events.on('event', onEvent);
      request.raw.on('close', stop);
    },
  );
}
