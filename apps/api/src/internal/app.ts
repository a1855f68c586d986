import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { ApiConfig } from '@tribar/config';
import { TribarError, type Logger } from '@tribar/core';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { authorize, tokensFrom, type RouteAccess } from './auth.js';
import { HttpError, STATUS_OF_CODE } from './http-errors.js';
import { JobQueue } from './jobs.js';
import { ModelsService } from './models-service.js';
import type { LoadPredictor } from './predictor.js';
import { modelRoutes } from './routes/models.js';
import { runRoutes } from './routes/runs.js';
import { siteRoutes } from './routes/site.js';
import { studyRoutes } from './routes/studies.js';
import { RunsService } from './runs-service.js';
import { StudiesService } from './studies-service.js';
import { TrackedService } from './tracked-service.js';
import { VERSION } from './version.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a route needs (`public`: none). Every route states it; a route without one is refused. */
    access?: RouteAccess;
  }
}

export interface BuildAppOptions {
  api: ApiConfig;
  /** Absolute runs folder. */
  runsDir: string;
  /** Absolute tracker root (train.tracking.dir). */
  trackingDir: string;
  /** Absolute folder of the tuning studies (tune.dir). */
  studiesDir: string;
  /** The server's settings as written (defaults left out); a start request's `config` goes on top. */
  baseConfig?: Record<string, unknown>;
  /** `@tribar/inference`'s `loadPredictor` (tests pass a fake); without it predict answers 503. */
  loadPredictor?: LoadPredictor;
  logger: Logger;
  /** Environment the tokens may come from (default: none). */
  env?: Record<string, string | undefined>;
  /** Console level of the pipeline child processes' run logs (default info). */
  runLogLevel?: string;
}

export interface TribarApi {
  app: FastifyInstance;
  queue: JobQueue;
}

/** Every request field at fault, as `body.config.seed`, from zod's issues. */
function validationFields(
  error: FastifyError & { validation: Array<{ instancePath: string; message?: string; params: Record<string, unknown> }> },
) {
  const context = error.validationContext ?? 'request';
  return error.validation.flatMap((issue) => {
    const path = issue.instancePath.split('/').filter(Boolean);
    const keys = Array.isArray(issue.params['keys']) ? (issue.params['keys'] as string[]) : [];
    const base = [context, ...path].join('.');
    if (keys.length) return keys.map((key) => ({ field: `${base}.${key}`, message: `unknown field '${key}'` }));
    return [{ field: base, message: issue.message ?? 'invalid' }];
  });
}

const statusText: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The HTTP API: routes, auth, limits and the OpenAPI document, without listening (tests use `inject` or listen). */
export async function buildApp(options: BuildAppOptions): Promise<TribarApi> {
  const { api, logger } = options;
  const app: FastifyInstance = Fastify({
    // Per-request lines stay out of the log (a dashboard polls); refusals at 5xx and the server's own events stay in.
    loggerInstance: logger.child({ component: 'api' }, { level: 'warn' }) as FastifyBaseLogger,
    bodyLimit: api.bodyLimitBytes,
    // Long ids reach the schema, which names the field, instead of the router's bare 414.
    routerOptions: { maxParamLength: 1000 },
  });
  // Bodies are JSON only: a text body is refused as 415 instead of reaching a schema as a string.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const tokens = tokensFrom(api, options.env ?? {});

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const fields = validationFields(error as never);
      return reply.status(400).send({
        statusCode: 400,
        error: statusText[400],
        code: 'VALIDATION',
        message: fields.map((f) => `${f.field}: ${f.message}`).join('; '),
        fields,
        hint: 'GET /openapi.json describes every route.',
      });
    }
    if (error instanceof TribarError) {
      const status = error instanceof HttpError ? error.statusCode : (STATUS_OF_CODE[error.code] ?? 500);
      if (status >= 500) request.log.error({ err: error }, 'request failed');
      return reply.status(status).send({
        statusCode: status,
        error: statusText[status] ?? 'Error',
        code: error.code,
        message: error.message.split('\n  hint: ')[0] as string,
        ...(error.hint ? { hint: error.hint } : {}),
        ...(error instanceof HttpError && error.fields ? { fields: error.fields } : {}),
      });
    }
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    // Fastify's own refusals (bad JSON, too large, wrong content type) name the body; nothing else leaks.
    const field = status === 413 || status === 415 || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'body' : undefined;
    return reply.status(status).send({
      statusCode: status,
      error: statusText[status] ?? 'Error',
      code: error.code ?? 'INTERNAL',
      message: status >= 500 ? 'internal error (logged on the server)' : `${field ? 'body: ' : ''}${error.message}`,
      ...(field ? { fields: [{ field, message: error.message }] } : {}),
    });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      statusCode: 404,
      error: 'Not Found',
      code: 'ROUTE_NOT_FOUND',
      message: `no route ${request.method} ${request.url.split('?')[0]?.slice(0, 200)}`,
      fields: [{ field: 'url', message: 'no such route' }],
      hint: 'GET /openapi.json lists the routes.',
    }),
  );

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    // A request that matched no route is answered by the not-found handler.
    if (request.routeOptions.url === undefined) return;
    authorize(tokens, access ?? 'write', request.headers.authorization);
  });

  if (api.cors.origins.length > 0) await app.register(cors, { origin: api.cors.origins });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: 'Too Many Requests',
      code: 'RATE_LIMITED',
      message: `more than ${context.max} requests a minute to this route from this client; retry in ${context.after}`,
    }),
  });
  // The API document and its docs page are public, like /openapi.json.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...(route.config as object), access: 'public' };
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Tribar API', description: 'Run, watch, compare and predict over HTTP.', version: VERSION },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: tokens.length ? [{ bearer: [] }] : [],
    },
    transform: jsonSchemaTransform,
    // Collects the schemas registered with an id (`Error`) into components.schemas, where the routes' $refs point.
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: false } });

  const queue = new JobQueue({
    runsDir: options.runsDir,
    maxConcurrent: api.maxConcurrentRuns,
    logger: logger.child({ component: 'api.jobs' }),
    logLevel: options.runLogLevel ?? 'info',
  });
  const runs = new RunsService({ runsDir: options.runsDir, baseInput: options.baseConfig ?? {}, trackingDir: options.trackingDir, queue });
  const models = new ModelsService(options.runsDir, options.loadPredictor, logger.child({ component: 'api.models' }));
  const tracked = new TrackedService(options.trackingDir, options.runsDir, logger.child({ component: 'api.tracked' }));

  const studies = new StudiesService(options.studiesDir, logger.child({ component: 'api.studies' }));

  const typed = app.withTypeProvider<ZodTypeProvider>();
  siteRoutes(typed, queue);
  runRoutes(typed, runs, queue);
  modelRoutes(typed, { models, tracked, predictPerMinute: api.rateLimit.predictPerMinute });
  studyRoutes(typed, studies);
  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());

  app.addHook('onClose', async () => {
    models.dispose();
    await queue.close();
  });
  await app.ready();
  return { app, queue };
}
