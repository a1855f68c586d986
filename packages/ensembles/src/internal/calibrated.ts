import { UsageError } from '@tribar/core';
import {
  argmaxClass,
  type BaseModel,
  type FitOptions,
  type FitResult,
  type LabeledInput,
  type ModelCard,
  type ModelDescription,
  type ModelInput,
  type ModelRegistry,
  type Probabilities,
} from '@tribar/models';
import { applyCalibrator, fitCalibrator, type CalibrationMethod, type Calibrator } from './calibration.js';
import { readEnsembleDir, writeEnsembleDir } from './model-dir.js';

export const CALIBRATED_CARD: ModelCard = {
  name: 'calibrated',
  family: 'classical',
  inputKind: 'tabular',
  description: 'A model whose probabilities are recalibrated (temperature, per-class Platt or isotonic) on the validation split',
  handlesMissing: true,
  hyperparameters: {},
};

/**
 * A model and a calibrator fitted on validation rows only: `fit(train, { validation })` fits the
 * inner model on train, then the calibrator on the inner model's validation probabilities. Test
 * rows never reach it, and neither do train rows (whose in-sample probabilities are overconfident).
 */
export class CalibratedModel implements BaseModel {
  readonly name = CALIBRATED_CARD.name;
  readonly card: ModelCard;
  readonly inner: BaseModel;
  readonly method: CalibrationMethod;
  calibrator: Calibrator | null;

  constructor(inner: BaseModel, method: CalibrationMethod, calibrator: Calibrator | null = null) {
    this.inner = inner;
    this.method = method;
    this.calibrator = calibrator;
    this.card = { ...CALIBRATED_CARD, inputKind: inner.card.inputKind, family: inner.card.family };
  }

  async fit(train: LabeledInput, options: FitOptions = {}): Promise<FitResult> {
    if (options.validation === undefined)
      throw new UsageError('calibrated: fit needs validation rows (the calibrator is fitted on them only)');
    const fit = await this.inner.fit(train, options);
    await this.calibrate(options.validation);
    return fit;
  }

  /** Fits (or refits) the calibrator alone on an already fitted inner model's probabilities of `validation`. */
  async calibrate(validation: LabeledInput): Promise<Calibrator> {
    this.calibrator = fitCalibrator(this.method, (await this.inner.predictProba(validation)).p, validation.y);
    return this.calibrator;
  }

  async predictProba(input: ModelInput): Promise<Probabilities> {
    const raw = await this.inner.predictProba(input);
    if (this.calibrator === null) throw new UsageError('calibrated: predict before fit (no calibrator yet)');
    return { rows: raw.rows, p: applyCalibrator(this.calibrator, raw.p) };
  }

  async predict(input: ModelInput): Promise<Uint8Array> {
    const { p, rows } = await this.predictProba(input);
    return Uint8Array.from({ length: rows }, (_, r) => argmaxClass(p, r));
  }

  async save(dir: string): Promise<void> {
    await writeEnsembleDir(
      dir,
      { name: this.name, hyperparameters: { method: this.method }, extra: { members: 1, calibrator: this.calibrator } },
      [this.inner],
    );
  }

  static async load(dir: string, registry: ModelRegistry): Promise<CalibratedModel> {
    const { header, members } = await readEnsembleDir(dir, CALIBRATED_CARD.name, registry);
    return new CalibratedModel(
      members[0]!,
      header.hyperparameters['method'] as CalibrationMethod,
      (header.extra['calibrator'] as Calibrator | null) ?? null,
    );
  }

  describe(): ModelDescription {
    const inner = this.inner.describe();
    return {
      ...inner,
      name: this.name,
      hyperparameters: { method: this.method, calibrator: this.calibrator, inner: { name: inner.name, ...inner.hyperparameters } },
      fitted: inner.fitted && this.calibrator !== null,
    };
  }

  dispose(): void {
    this.inner.dispose();
  }
}
