// Thin owners of XGBoost handles: a DMatrix and a Booster, each freed exactly once.
import { check, copyNative, decodeStrings, decodeUint64, type XGBoostApi } from './library.js';

export interface MatrixData {
  x: Float32Array;
  rows: number;
  cols: number;
  labels?: Float32Array;
  weights?: Float32Array;
}

export class NativeMatrix {
  readonly api: XGBoostApi;
  handle: unknown;

  /** NaN cells are XGBoost's missing values. */
  constructor(api: XGBoostApi, data: MatrixData, threads: number) {
    this.api = api;
    const out: [unknown] = [null];
    check(api, api.XGDMatrixCreateFromMat_omp(data.x, data.rows, data.cols, Number.NaN, out, threads), 'XGDMatrixCreateFromMat');
    this.handle = out[0];
    if (data.labels !== undefined) this.#setFloat('label', data.labels);
    if (data.weights !== undefined) this.#setFloat('weight', data.weights);
  }

  #setFloat(field: string, values: Float32Array): void {
    check(this.api, this.api.XGDMatrixSetFloatInfo(this.handle, field, values, values.length), `XGDMatrixSetFloatInfo(${field})`);
  }

  free(): void {
    if (this.handle !== null) this.api.XGDMatrixFree(this.handle);
    this.handle = null;
  }
}

export class NativeBooster {
  readonly api: XGBoostApi;
  handle: unknown;

  private constructor(api: XGBoostApi, handle: unknown) {
    this.api = api;
    this.handle = handle;
  }

  /** A booster to be trained on `cache` (the matrices whose predictions it caches between rounds). */
  static create(api: XGBoostApi, cache: NativeMatrix[], params: readonly (readonly [string, string])[]): NativeBooster {
    const out: [unknown] = [null];
    check(
      api,
      api.XGBoosterCreate(
        cache.map((m) => m.handle),
        cache.length,
        out,
      ),
      'XGBoosterCreate',
    );
    const booster = new NativeBooster(api, out[0]);
    for (const [name, value] of params) {
      check(api, api.XGBoosterSetParam(booster.handle, name, value), `XGBoosterSetParam(${name}=${value})`);
    }
    return booster;
  }

  /** A booster read from XGBoost's own model format (JSON or UBJSON bytes). */
  static fromBuffer(api: XGBoostApi, bytes: Uint8Array): NativeBooster {
    const out: [unknown] = [null];
    check(api, api.XGBoosterCreate([], 0, out), 'XGBoosterCreate');
    const booster = new NativeBooster(api, out[0]);
    try {
      check(api, api.XGBoosterLoadModelFromBuffer(booster.handle, bytes, bytes.length), 'XGBoosterLoadModelFromBuffer');
    } catch (error) {
      booster.free();
      throw error;
    }
    return booster;
  }

  updateOneIter(iteration: number, train: NativeMatrix): void {
    check(this.api, this.api.XGBoosterUpdateOneIter(this.handle, iteration, train.handle), 'XGBoosterUpdateOneIter');
  }

  /** Metrics after `iteration`, e.g. `{ 'train-mlogloss': 0.93, 'val-merror': 0.41 }`. */
  evalOneIter(iteration: number, matrices: NativeMatrix[], names: string[]): Record<string, number> {
    const out: [string] = [''];
    check(
      this.api,
      this.api.XGBoosterEvalOneIter(
        this.handle,
        iteration,
        matrices.map((m) => m.handle),
        names,
        matrices.length,
        out,
      ),
      'XGBoosterEvalOneIter',
    );
    return parseEval(out[0]);
  }

  /** Class probabilities `rows × classes` (softprob), from trees of rounds [0, rounds) (0 = all). */
  predict(matrix: NativeMatrix, rounds = 0): Float32Array {
    const shape: [unknown] = [null];
    const dim: [number] = [0];
    const result: [unknown] = [null];
    const config = JSON.stringify({ type: 0, training: false, iteration_begin: 0, iteration_end: rounds, strict_shape: false });
    check(
      this.api,
      this.api.XGBoosterPredictFromDMatrix(this.handle, matrix.handle, config, shape, dim, result),
      'XGBoosterPredictFromDMatrix',
    );
    const size = decodeUint64(shape[0], dim[0]).reduce((a, b) => a * b, 1);
    return new Float32Array(copyNative(result[0], size * 4));
  }

  /** The model in XGBoost's JSON format (loadable by `xgboost.Booster(model_file=...)`). */
  toJson(): Uint8Array {
    const len: [number] = [0];
    const data: [unknown] = [null];
    check(this.api, this.api.XGBoosterSaveModelToBuffer(this.handle, '{"format":"json"}', len, data), 'XGBoosterSaveModelToBuffer');
    return new Uint8Array(copyNative(data[0], len[0]));
  }

  /** A new booster holding rounds [begin, end). */
  slice(begin: number, end: number): NativeBooster {
    const out: [unknown] = [null];
    check(this.api, this.api.XGBoosterSlice(this.handle, begin, end, 1, out), 'XGBoosterSlice');
    return new NativeBooster(this.api, out[0]);
  }

  boostedRounds(): number {
    const out: [number] = [0];
    check(this.api, this.api.XGBoosterBoostedRounds(this.handle, out), 'XGBoosterBoostedRounds');
    return out[0];
  }

  setAttr(key: string, value: string): void {
    check(this.api, this.api.XGBoosterSetAttr(this.handle, key, value), `XGBoosterSetAttr(${key})`);
  }

  setFeatureNames(names: readonly string[]): void {
    check(
      this.api,
      this.api.XGBoosterSetStrFeatureInfo(this.handle, 'feature_name', [...names], names.length),
      'XGBoosterSetStrFeatureInfo',
    );
  }

  /** Importance per feature that appears in a split (`gain` = mean gain of its splits, as Python's get_score). */
  featureScore(importanceType: 'gain' | 'total_gain' | 'weight'): Map<string, number> {
    const n: [number] = [0];
    const features: [unknown] = [null];
    const dim: [number] = [0];
    const shape: [unknown] = [null];
    const scores: [unknown] = [null];
    const config = JSON.stringify({ importance_type: importanceType });
    check(this.api, this.api.XGBoosterFeatureScore(this.handle, config, n, features, dim, shape, scores), 'XGBoosterFeatureScore');
    const names = decodeStrings(features[0], n[0]);
    const values = new Float32Array(copyNative(scores[0], n[0] * 4));
    return new Map(names.map((name, i) => [name, values[i] as number]));
  }

  free(): void {
    if (this.handle !== null) this.api.XGBoosterFree(this.handle);
    this.handle = null;
  }
}

/** Parse `[3]\ttrain-mlogloss:0.52\tval-mlogloss:0.61`. */
export function parseEval(text: string): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const part of text.split('\t').slice(1)) {
    const colon = part.lastIndexOf(':');
    if (colon > 0) metrics[part.slice(0, colon)] = Number(part.slice(colon + 1));
  }
  return metrics;
}
