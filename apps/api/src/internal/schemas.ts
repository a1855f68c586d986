import { runStateSchema } from '@tribar/artifacts';
import { z } from 'zod';

// The zod schemas of every request and response: fastify validates with them and the OpenAPI document is
// generated from them, so the document cannot drift from what the server does.

const errorBody = z
  .object({
    statusCode: z.number().int(),
    error: z.string(),
    code: z.string(),
    message: z.string(),
    hint: z.string().optional(),
    /** Each request field at fault, as `body.config.seed`, `params.runId`, `headers.authorization`. */
    fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Error' });

export const errorResponses = {
  400: errorBody,
  401: errorBody,
  403: errorBody,
  404: errorBody,
  409: errorBody,
  413: errorBody,
  415: errorBody,
  422: errorBody,
  429: errorBody,
  500: errorBody,
  503: errorBody,
} as const;

/** The same rule as the pipeline's `isValidRunId`, so a bad id is refused before anything touches the disk. */
export const runIdParam = z
  .string()
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "a run id uses letters, digits, '.', '_' and '-' and does not start with '.', '_' or '-'");

export const healthBody = z.object({
  status: z.literal('ok'),
  version: z.string(),
  queue: z.object({ running: z.number().int(), queued: z.number().int() }),
});

const jobBody = z.object({
  status: z.enum(['queued', 'running', 'finished', 'cancelled']),
  position: z.number().int().optional(),
  outcome: z.string().optional(),
  error: z.object({ name: z.string(), code: z.string().optional(), message: z.string(), hint: z.string().optional() }).optional(),
});

const progressBody = z.object({
  stage: z.string(),
  current: z.number(),
  total: z.number(),
  unit: z.string().optional(),
  label: z.string().optional(),
});

const runListItem = z.object({
  runId: z.string(),
  /** The run's own status; `interrupted` also for a `running` run whose writer is gone; `queued` before it starts. */
  status: z.string(),
  createdAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
  stagesDone: z.number().int(),
  stagesTotal: z.number().int(),
  live: z.boolean(),
});

export const runListBody = z.object({ runs: z.array(runListItem) });

export const runBody = runListItem.extend({
  state: runStateSchema.nullable(),
  damaged: z.string().optional(),
  job: jobBody.nullable(),
  progress: z.array(progressBody),
  report: z.boolean(),
});

export const startRunBody = z
  .object({
    /** Settings on top of the server's config (the same shape as a config file); `paths` is the server's. */
    config: z.record(z.string(), z.unknown()).optional(),
    /** Run folder name; omitted means a new time-stamped id. An existing run id is refused (use resume). */
    runId: runIdParam.optional(),
  })
  .strict();

export const startRunResponse = z.object({ runId: z.string(), status: z.enum(['queued', 'running']), position: z.number().int() });

export const cancelResponse = z.object({ runId: z.string(), status: z.enum(['cancelled', 'interrupting']) });

export const artifactListBody = z.object({
  runId: z.string(),
  artifacts: z.array(z.object({ path: z.string(), stage: z.string(), bytes: z.number().int(), sha256: z.string() })),
});

export const trackedRunBody = z.object({
  runId: z.string(),
  experimentName: z.string(),
  runName: z.string(),
  status: z.string(),
  startTimeMs: z.number(),
  endTimeMs: z.number().nullable(),
  params: z.record(z.string(), z.string()),
  metrics: z.record(z.string(), z.number()),
  tags: z.record(z.string(), z.string()),
});

export const trackedListBody = z.object({ runs: z.array(trackedRunBody) });

const equityPoint = z.object({ step: z.number(), value: z.number() });

export const trackedCompareBody = z.object({
  runs: z.array(trackedRunBody),
  /** Metric keys any of the runs logged, sorted. */
  metrics: z.array(z.string()),
  /** Per run id: the history of its equity metric (`equity_curve` steps), for plotting side by side. */
  equity: z.record(z.string(), z.array(equityPoint)),
});

const modelBody = z.object({
  /** `<run id>~<model>-<symbol>-h<horizon>`, the id `POST /models/{id}/predict` takes. */
  id: z.string(),
  runId: z.string(),
  model: z.string(),
  symbol: z.string(),
  horizon: z.number().int(),
  card: z.record(z.string(), z.unknown()).nullable(),
  test: z.record(z.string(), z.unknown()),
  backtest: z.record(z.string(), z.unknown()),
});

export const modelListBody = z.object({ models: z.array(modelBody) });

/** Bars in exactly one of three forms: CSV text, JSON rows, or an Arrow IPC file in base64. */
const barsFields = {
  csv: z.string().min(1).optional(),
  json: z.array(z.record(z.string(), z.unknown())).min(1).optional(),
  arrowBase64: z.string().min(1).optional(),
};
const oneForm = (bars: { csv?: unknown; json?: unknown; arrowBase64?: unknown }) =>
  [bars.csv, bars.json, bars.arrowBase64].filter((form) => form !== undefined).length === 1;
const ONE_FORM = { message: 'send the bars in exactly one of csv, json or arrowBase64' };

const partnerBars = z.object(barsFields).strict().refine(oneForm, ONE_FORM);

export const predictBody = z
  .object({
    ...barsFields,
    /**
     * Raw one-minute bars of the other symbols the model's cross-asset features read, by symbol (a model of a
     * two-symbol run needs its partner's bars over the same time).
     */
    partners: z.record(z.string().regex(/^[A-Z][A-Z0-9._-]{0,31}$/, 'a symbol is upper-case, as the run names it'), partnerBars).optional(),
  })
  .strict()
  .refine(oneForm, ONE_FORM);

export const predictResponse = z.object({
  model: z.string(),
  rows: z.number().int(),
  classes: z.array(z.string()),
  predictions: z.array(
    z.object({
      timestampMs: z.number(),
      proba: z.array(z.number()),
      betSize: z.number().optional(),
    }),
  ),
});

const paramValues = z.record(z.string(), z.union([z.number(), z.string(), z.boolean()]));
const trialState = z.enum(['running', 'complete', 'pruned', 'fail']);

/** A study name as `tribar tune --study` writes it: one file name under tune.dir, never a path. */
export const studyNameParam = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "a study name uses letters, digits, '.', '_' and '-' (no '/', no '..', not a path)")
  .refine((name) => !name.includes('..'), "a study name has no '..'");

/** The summary's test report: the best trial refitted once and scored on the test split. */
const studyTestReport = z.object({
  params: z.record(z.string(), z.unknown()),
  test: z.object({ logLoss: z.number().nullable(), macroF1: z.number().nullable(), accuracy: z.number().nullable() }),
  backtest: z.record(z.string(), z.unknown()),
  /** Trials the deflation corrects for. */
  trials: z.number().int(),
  deflatedSharpe: z.number().nullable(),
});

const studyListItem = z.object({
  name: z.string(),
  runId: z.string().nullable(),
  model: z.string().nullable(),
  symbol: z.string().nullable(),
  horizon: z.number().int().nullable(),
  metric: z.string().nullable(),
  direction: z.enum(['minimize', 'maximize']).nullable(),
  sampler: z.string().nullable(),
  pruner: z.string().nullable(),
  /**
   * `finished`: its summary covers every trial; `running`: a trial is in flight (or the process died during one:
   * `tribar tune --resume` goes on); `stopped`: between trials without a summary; `damaged`: the journal cannot be read.
   */
  status: z.enum(['finished', 'running', 'stopped', 'damaged']),
  /** Complete plus pruned trials (what `tune.trials` counts). */
  trialsDone: z.number().int(),
  /** The trials the study was asked for, when its journal records them (`meta.trials`); else null. */
  trialsTotal: z.number().int().nullable(),
  counts: z.record(trialState, z.number().int()),
  best: z.object({ number: z.number().int(), value: z.number(), params: paramValues }).nullable(),
  damaged: z.string().optional(),
});

export const studyListBody = z.object({ dir: z.string(), studies: z.array(studyListItem) });

export const studyBody = studyListItem.omit({ damaged: true }).extend({
  seed: z.number(),
  /** The searched parameters, in the order of the space. */
  space: z.array(z.string()),
  trials: z.array(
    z.object({
      number: z.number().int(),
      state: trialState,
      value: z.number().nullable(),
      bestSoFar: z.number().nullable(),
      params: paramValues,
      /** Intermediate values reported (epochs the pruner saw). */
      steps: z.number().int(),
      startedAt: z.string(),
      finishedAt: z.string().nullable(),
      durationMs: z.number().nullable(),
    }),
  ),
  test: studyTestReport.nullable(),
});
