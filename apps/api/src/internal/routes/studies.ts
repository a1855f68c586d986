import { z } from 'zod';
import { HttpError } from '../http-errors.js';
import { errorResponses, studyBody, studyListBody, studyNameParam } from '../schemas.js';
import type { StudiesService } from '../studies-service.js';
import type { TypedApp } from './types.js';

export function studyRoutes(app: TypedApp, studies: StudiesService): void {
  const read = { access: 'read' as const };

  app.get(
    '/studies',
    {
      config: read,
      schema: {
        tags: ['studies'],
        summary: 'Tuning studies of tune.dir: model, symbol, horizon, sampler, trials done, best value and params, status',
        response: { 200: studyListBody, ...errorResponses },
      },
    },
    async () => studies.list(),
  );

  app.get(
    '/studies/:name',
    {
      config: read,
      schema: {
        tags: ['studies'],
        summary: "One study's trials (state, value, params, duration), its best trial and the test report of its summary",
        params: z.object({ name: studyNameParam }).strict(),
        response: { 200: studyBody, ...errorResponses },
      },
    },
    async (request) => studies.get(request.params.name),
  );

  // A name with a '/' (a path: `a/b`, `../x`, `/etc/passwd` as written) misses `:name`; it is the same refusal, not a
  // missing route. Hidden: it only refuses, and the document's `/studies/{name}` already says what a name is.
  app.get('/studies/*', { config: read, schema: { hide: true } }, async () => {
    const message = "a study name is one file name under tune.dir: no '/', no '..', not a path";
    throw new HttpError(400, 'VALIDATION', `params.name: ${message}`, { field: 'params.name', hint: 'GET /studies lists the names.' });
  });
}
