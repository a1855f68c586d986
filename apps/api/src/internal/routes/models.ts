import { z } from 'zod';
import type { ModelsService } from '../models-service.js';
import type { RawBars } from '../predictor.js';
import {
  errorResponses,
  modelListBody,
  predictBody,
  predictResponse,
  trackedCompareBody,
  trackedListBody,
  trackedRunBody,
} from '../schemas.js';
import type { TrackedService } from '../tracked-service.js';
import type { TypedApp } from './types.js';

const trackedId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[0-9a-f]+$/, 'a tracked run id is lower-case hex (or a unique prefix of one)');
const modelIdParam = z
  .string()
  .min(3)
  .max(300)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*~[a-z0-9._-]+-[A-Z][A-Z0-9._-]*-h[1-9]\d*$/,
    'a model id is <run id>~<model>-<symbol>-h<horizon>, as GET /models lists it',
  );

/** A finite number or a numeric string: what a price cell of JSON bars must be. */
const PRICE_FIELDS = ['open', 'high', 'low', 'close'];

/**
 * JSON bars are checked here for the one thing their schema cannot say: a price that is not a finite number (NaN,
 * Infinity, a word) is refused naming the row and field, before the model sees it.
 */
function checkJsonPrices(rows: Array<Record<string, unknown>>, at: string): { field: string; message: string } | undefined {
  for (const [index, row] of rows.entries()) {
    for (const [key, value] of Object.entries(row)) {
      if (!PRICE_FIELDS.includes(key.toLowerCase())) continue;
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isFinite(number)) {
        return {
          field: `${at}.${index}.${key}`,
          message: `price must be a finite number, got ${JSON.stringify(value) ?? String(value)}`,
        };
      }
    }
  }
  return undefined;
}

type BarsBody = { csv?: string | undefined; json?: Array<Record<string, unknown>> | undefined; arrowBase64?: string | undefined };
type Fault = { field: string; message: string };

/** A body's bars as the predictor takes them (the schema let exactly one form through), or the JSON price at fault. */
function rawBars(body: BarsBody, at: string): RawBars | Fault {
  if (body.json !== undefined) return checkJsonPrices(body.json, `${at}.json`) ?? { json: body.json };
  if (body.csv !== undefined) return { csv: body.csv };
  return { arrow: new Uint8Array(Buffer.from(body.arrowBase64 ?? '', 'base64')) };
}

const isFault = (x: RawBars | Fault): x is Fault => 'field' in x;

export function modelRoutes(app: TypedApp, services: { models: ModelsService; tracked: TrackedService; predictPerMinute: number }): void {
  const { models, tracked } = services;
  const read = { access: 'read' as const };

  app.get(
    '/models',
    {
      config: read,
      schema: {
        tags: ['models'],
        summary: 'Saved models of every run, with their cards and test metrics',
        response: { 200: modelListBody, ...errorResponses },
      },
    },
    async () => models.list(),
  );

  app.post(
    '/models/:id/predict',
    {
      config: { ...read, rateLimit: { max: services.predictPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['models'],
        summary: 'Class probabilities (short, neutral, long) per predictable bar of recent raw 1-minute bars',
        params: z.object({ id: modelIdParam }).strict(),
        body: predictBody,
        response: { 200: predictResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { partners: partnerBodies, ...body } = request.body;
      const refuse = (bad: Fault) =>
        reply
          .status(400)
          .send({ statusCode: 400, error: 'Bad Request', code: 'VALIDATION', message: `${bad.field}: ${bad.message}`, fields: [bad] });
      const bars = rawBars(body, 'body');
      if (isFault(bars)) return refuse(bars);
      const partners: Record<string, RawBars> = {};
      for (const [symbol, partner] of Object.entries(partnerBodies ?? {})) {
        const converted = rawBars(partner, `body.partners.${symbol}`);
        if (isFault(converted)) return refuse(converted);
        partners[symbol] = converted;
      }
      return models.predict(request.params.id, bars, partners);
    },
  );

  app.get(
    '/tracked',
    {
      config: read,
      schema: {
        tags: ['tracked'],
        summary: 'Tracked training runs, newest first, with their latest metrics',
        querystring: z.object({ experiment: z.string().min(1).max(200).optional() }).strict(),
        response: { 200: trackedListBody, ...errorResponses },
      },
    },
    async (request) => tracked.list(request.query.experiment),
  );

  app.get(
    '/tracked/compare',
    {
      config: read,
      schema: {
        tags: ['tracked'],
        summary: 'Several tracked runs side by side: metrics and test equity curves',
        querystring: z.object({ ids: z.string().min(1).max(2000) }).strict(),
        response: { 200: trackedCompareBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const ids = request.query.ids.split(',').map((id) => id.trim());
      const bad = ids.findIndex((id) => !trackedId.safeParse(id).success);
      if (bad >= 0 || ids.length < 2) {
        const field = bad >= 0 ? `query.ids.${bad}` : 'query.ids';
        const message =
          bad >= 0 ? `'${ids[bad]?.slice(0, 80)}' is not a tracked run id (hex)` : 'compare needs at least two comma-separated ids';
        return reply.status(400).send({
          statusCode: 400,
          error: 'Bad Request',
          code: 'VALIDATION',
          message: `${field}: ${message}`,
          fields: [{ field, message }],
        });
      }
      return tracked.compare(ids);
    },
  );

  app.get(
    '/tracked/:runId',
    {
      config: read,
      schema: {
        tags: ['tracked'],
        summary: "One tracked run's params, metrics and tags (an id or a unique prefix)",
        params: z.object({ runId: trackedId }).strict(),
        response: { 200: trackedRunBody, ...errorResponses },
      },
    },
    async (request) => tracked.get(request.params.runId),
  );
}
