import { existsSync } from 'node:fs';
import { EQUITY_COLUMN, artifactPath, readArrowArtifact, trainEquity } from '@tribar/artifacts';
import type { Logger } from '@tribar/core';
import { isValidRunId, runDirFor } from '@tribar/pipeline';
import { Tracker, type RunRecord } from '@tribar/tracker';
import { HttpError } from './http-errors.js';

/** Points per equity curve sent to a browser: enough to draw, small enough to compare many runs. */
const EQUITY_POINTS = 200;

function view(record: RunRecord) {
  return {
    runId: record.runId,
    experimentName: record.experimentName,
    runName: record.runName,
    status: record.status,
    startTimeMs: record.startTimeMs,
    endTimeMs: record.endTimeMs,
    params: record.params,
    metrics: Object.fromEntries(Object.entries(record.metrics).map(([key, point]) => [key, point.value])),
    tags: record.tags,
  };
}

/** Tracked training runs (the tracker's MLflow file layout): what `/tracked` calls. */
export class TrackedService {
  constructor(
    private readonly trackingDir: string,
    private readonly runsDir: string,
    private readonly logger: Logger,
  ) {}

  async list(experiment?: string) {
    if (!existsSync(this.trackingDir)) return { runs: [] };
    const tracker = await this.#tracker();
    return { runs: (await tracker.listRuns(experiment)).map(view) };
  }

  async get(runId: string) {
    return view(await this.#record(await this.#tracker(), runId, 'params.runId'));
  }

  /** Several runs side by side: their metrics and the equity curves of their test backtests. */
  async compare(ids: readonly string[]) {
    const tracker = await this.#tracker();
    const records = [];
    for (const [index, id] of ids.entries()) records.push(await this.#record(tracker, id, `query.ids.${index}`));
    const metrics = [...new Set(records.flatMap((record) => Object.keys(record.metrics)))].sort();
    const equity: Record<string, { step: number; value: number }[]> = {};
    for (const record of records) equity[record.runId] = await this.#equity(record);
    return { runs: records.map(view), metrics, equity };
  }

  async #tracker(): Promise<Tracker> {
    if (!existsSync(this.trackingDir)) {
      throw new HttpError(404, 'TRACKED_RUN_NOT_FOUND', 'no tracked runs yet', {
        hint: 'Tracked runs appear once a run trains models (train.models in its config).',
      });
    }
    return Tracker.open(this.trackingDir, { logger: this.logger });
  }

  async #record(tracker: Tracker, id: string, field: string): Promise<RunRecord> {
    try {
      return await tracker.getRun(id);
    } catch (error) {
      // An unknown id is a 404; an ambiguous prefix or a damaged run folder keeps the tracker's message (a 400).
      const code = (error as { code?: string }).code;
      if (code !== undefined && code !== 'RUN_NOT_FOUND') {
        throw new HttpError(400, code, (error as Error).message.split('\n')[0] as string, { field });
      }
      throw new HttpError(404, 'TRACKED_RUN_NOT_FOUND', `no tracked run '${id.slice(0, 80)}'`, {
        field,
        hint: 'GET /tracked lists the tracked runs (an id or a unique prefix of one).',
      });
    }
  }

  /** The test backtest's equity, read from the pipeline run the fit belongs to (tags `tribar.*`), thinned evenly. */
  async #equity(record: RunRecord): Promise<{ step: number; value: number }[]> {
    const { tags } = record;
    const pipelineRun = tags['tribar.pipelineRun'];
    const model = tags['tribar.model'];
    const symbol = tags['tribar.symbol'];
    const horizon = Number(tags['tribar.horizon']);
    if (!pipelineRun || !model || !symbol || !Number.isInteger(horizon) || !isValidRunId(pipelineRun)) return [];
    const runDir = runDirFor(this.runsDir, pipelineRun);
    const artifact = trainEquity(model, symbol, horizon);
    if (!existsSync(artifactPath(runDir, artifact))) return [];
    const table = await readArrowArtifact(runDir, artifact);
    const column = table.getChild(EQUITY_COLUMN.equityUsd);
    const length = column?.length ?? 0;
    const stride = Math.max(1, Math.ceil(length / EQUITY_POINTS));
    const points = [];
    for (let step = 0; step < length; step += stride) points.push({ step, value: Number(column?.get(step)) });
    if (length > 0 && (length - 1) % stride !== 0) points.push({ step: length - 1, value: Number(column?.get(length - 1)) });
    return points;
  }
}
