import { existsSync } from 'node:fs';
import { artifactPath, readJsonArtifact, trainResultName, trainSummary, type TrainResultEntry } from '@tribar/artifacts';
import type { Logger } from '@tribar/core';
import { registerEnsembles } from '@tribar/ensembles';
import { CLASS_NAMES, createDefaultRegistry } from '@tribar/models';
import { listRuns } from '@tribar/pipeline';
import { HttpError } from './http-errors.js';
import type { LoadPredictor, PredictorLike, RawBars } from './predictor.js';

const SEPARATOR = '~';

const modelId = (runId: string, entry: Pick<TrainResultEntry, 'model' | 'symbol' | 'horizon'>) =>
  `${runId}${SEPARATOR}${trainResultName(entry.model, entry.symbol, entry.horizon)}`;

/** Saved models (every fit of every run's `train/summary.json`) and predictions with them. */
export class ModelsService {
  readonly #predictors = new Map<string, Promise<PredictorLike>>();
  readonly #cards = new Map(
    registerEnsembles(createDefaultRegistry())
      .list()
      .map((card) => [card.name, card]),
  );

  constructor(
    private readonly runsDir: string,
    private readonly loadPredictor: LoadPredictor | undefined,
    private readonly logger: Logger,
  ) {}

  async list() {
    const models = [];
    for (const run of await listRuns(this.runsDir)) {
      if (!existsSync(artifactPath(run.runDir, trainSummary))) continue;
      const summary = await readJsonArtifact(run.runDir, trainSummary).catch(() => undefined);
      for (const entry of summary?.results ?? []) {
        models.push({
          id: modelId(run.runId, entry),
          runId: run.runId,
          model: entry.model,
          symbol: entry.symbol,
          horizon: entry.horizon,
          card: (this.#cards.get(entry.model) as Record<string, unknown> | undefined) ?? null,
          test: entry.test as unknown as Record<string, unknown>,
          backtest: entry.backtest as unknown as Record<string, unknown>,
        });
      }
    }
    return { models };
  }

  async predict(id: string, bars: RawBars, partners: Readonly<Record<string, RawBars>> = {}) {
    const predictor = await this.#predictor(id);
    const result = await predictor.predict(bars, Object.keys(partners).length ? { partners } : {});
    const classes = result.rows > 0 ? result.proba.length / result.rows : CLASS_NAMES.length;
    const predictions = Array.from({ length: result.rows }, (_, row) => ({
      timestampMs: result.timestampMs[row] as number,
      proba: Array.from(result.proba.subarray(row * classes, (row + 1) * classes)),
      ...(result.betSize ? { betSize: result.betSize[row] as number } : {}),
    }));
    return { model: id, rows: result.rows, classes: [...CLASS_NAMES], predictions };
  }

  dispose(): void {
    for (const predictor of this.#predictors.values()) void predictor.then((p) => p.dispose()).catch(() => {});
    this.#predictors.clear();
  }

  #predictor(id: string): Promise<PredictorLike> {
    const cached = this.#predictors.get(id);
    if (cached) return cached;
    const loading = this.#load(id);
    this.#predictors.set(id, loading);
    loading.catch(() => this.#predictors.delete(id));
    return loading;
  }

  async #load(id: string): Promise<PredictorLike> {
    const { models } = await this.list();
    const found = models.find((model) => model.id === id);
    if (!found) {
      throw new HttpError(404, 'MODEL_NOT_FOUND', `no saved model '${id}'`, {
        field: 'params.id',
        hint: 'GET /models lists the saved models and their ids (<run id>~<model>-<symbol>-h<horizon>).',
      });
    }
    if (!this.loadPredictor) {
      throw new HttpError(503, 'PREDICT_UNAVAILABLE', 'this server was started without an inference path', {
        hint: 'Start it with `npx nx run api:serve` (which wires @tribar/inference).',
      });
    }
    const runDir = (await listRuns(this.runsDir)).find((run) => run.runId === found.runId)?.runDir as string;
    return this.loadPredictor({ runDir, model: found.model, symbol: found.symbol, horizon: found.horizon, logger: this.logger });
  }
}
