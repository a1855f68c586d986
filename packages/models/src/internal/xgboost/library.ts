// Finding and binding libxgboost.so through koffi. Each thread binds its own copy (the
// training worker and the main thread both call in), cached per library path.
import { existsSync } from 'node:fs';
import type Koffi from 'koffi';
import { requireOptional, TribarError } from '@tribar/core';

// koffi (the FFI, ≈ 28 MB of prebuilt binaries) is an optional peer dependency: only the xgboost
// family needs it, so it is loaded on first use and a missing one is a MissingPackageError.
let koffiModule: typeof Koffi | undefined;
function koffi(): typeof Koffi {
  koffiModule ??= requireOptional<typeof Koffi>('koffi', 'The xgboost model family (FFI to libxgboost)');
  return koffiModule;
}

/** libxgboost.so cannot be found or loaded, or one of its calls failed. */
export class XGBoostLibraryError extends TribarError {
  constructor(message: string, details: { hint?: string; cause?: unknown } = {}) {
    super('XGBOOST', message, details);
  }
}

const INSTALL_HINT =
  'Install it with `sudo apt-get install libxgboost-dev` (or run `bash tools/scripts/setup-system.sh`), ' +
  'or set TRIBAR_XGBOOST_LIB to the path of libxgboost.so.';

/** Places tried in order when TRIBAR_XGBOOST_LIB is not set. Bare names go through the dynamic loader's search path. */
const STANDARD_LOCATIONS = [
  '/usr/lib/x86_64-linux-gnu/libxgboost.so',
  '/usr/lib/aarch64-linux-gnu/libxgboost.so',
  '/usr/local/lib/libxgboost.so',
  '/usr/lib/libxgboost.so',
  'libxgboost.so',
  'libxgboost.so.0',
];

/**
 * The path (or loader name) of libxgboost: `TRIBAR_XGBOOST_LIB` when set (and then it must
 * exist: a wrong explicit setting is an error, not a reason to pick another copy), else the
 * first standard location that exists or that the dynamic loader can open.
 */
export function locateXGBoost(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.TRIBAR_XGBOOST_LIB;
  if (explicit !== undefined && explicit !== '') {
    if (!existsSync(explicit)) {
      throw new XGBoostLibraryError(`TRIBAR_XGBOOST_LIB points to ${explicit}, which does not exist`, { hint: INSTALL_HINT });
    }
    return explicit;
  }
  for (const candidate of STANDARD_LOCATIONS) {
    if (candidate.startsWith('/')) {
      if (existsSync(candidate)) return candidate;
    } else if (loadable(candidate)) {
      return candidate;
    }
  }
  throw new XGBoostLibraryError(`libxgboost.so not found (tried ${STANDARD_LOCATIONS.join(', ')})`, { hint: INSTALL_HINT });
}

/** Whether `locateXGBoost` finds the library: for choosing models, or skipping what needs it. */
export function hasXGBoost(env: NodeJS.ProcessEnv = process.env): boolean {
  try {
    locateXGBoost(env);
    return true;
  } catch {
    return false;
  }
}

function loadable(name: string): boolean {
  const ffi = koffi();
  try {
    ffi.load(name);
    return true;
  } catch {
    return false;
  }
}

type Handle = unknown;
type Out<T> = [T];

/** The C API functions the model uses (xgboost ≥ 1.7), typed loosely: koffi checks the C side. */
export interface XGBoostApi {
  path: string;
  version: string;
  lastError(): string;
  XGDMatrixCreateFromMat_omp(data: Float32Array, nrow: number, ncol: number, missing: number, out: Out<Handle>, nthread: number): number;
  XGDMatrixSetFloatInfo(handle: Handle, field: string, array: Float32Array, len: number): number;
  XGDMatrixFree(handle: Handle): number;
  XGBoosterCreate(dmats: Handle[], len: number, out: Out<Handle>): number;
  XGBoosterFree(handle: Handle): number;
  XGBoosterSetParam(handle: Handle, name: string, value: string): number;
  XGBoosterUpdateOneIter(handle: Handle, iter: number, dtrain: Handle): number;
  XGBoosterEvalOneIter(handle: Handle, iter: number, dmats: Handle[], names: string[], len: number, out: Out<string>): number;
  XGBoosterPredictFromDMatrix(
    handle: Handle,
    dmat: Handle,
    config: string,
    shape: Out<Handle>,
    dim: Out<number>,
    result: Out<Handle>,
  ): number;
  XGBoosterSaveModelToBuffer(handle: Handle, config: string, len: Out<number>, data: Out<Handle>): number;
  XGBoosterLoadModelFromBuffer(handle: Handle, data: Uint8Array, len: number): number;
  XGBoosterSlice(handle: Handle, begin: number, end: number, step: number, out: Out<Handle>): number;
  XGBoosterBoostedRounds(handle: Handle, out: Out<number>): number;
  XGBoosterSetAttr(handle: Handle, key: string, value: string): number;
  XGBoosterSetStrFeatureInfo(handle: Handle, field: string, features: string[], len: number): number;
  XGBoosterFeatureScore(
    handle: Handle,
    config: string,
    nFeatures: Out<number>,
    features: Out<Handle>,
    dim: Out<number>,
    shape: Out<Handle>,
    scores: Out<Handle>,
  ): number;
}

const bound = new Map<string, XGBoostApi>();

/** Bind the C API of the library at `path` (default: `locateXGBoost()`), once per thread. */
export function xgboostApi(path: string = locateXGBoost()): XGBoostApi {
  const cached = bound.get(path);
  if (cached !== undefined) return cached;
  let lib: Koffi.IKoffiLib;
  try {
    lib = koffi().load(path);
  } catch (error) {
    throw new XGBoostLibraryError(`cannot load ${path}: ${(error as Error).message}`, { cause: error, hint: INSTALL_HINT });
  }
  const fn = (signature: string) => {
    try {
      return lib.func(signature);
    } catch (error) {
      throw new XGBoostLibraryError(`${path} lacks a function this model needs (${signature})`, {
        cause: error,
        hint: 'Use xgboost ≥ 1.7 (Debian 12: libxgboost-dev 1.7.4).',
      });
    }
  };
  const lastError = fn('const char *XGBGetLastError()');
  const versionOf = fn('void XGBoostVersion(_Out_ int *major, _Out_ int *minor, _Out_ int *patch)');
  const major: Out<number> = [0];
  const minor: Out<number> = [0];
  const patch: Out<number> = [0];
  versionOf(major, minor, patch);
  const api: XGBoostApi = {
    path,
    version: `${major[0]}.${minor[0]}.${patch[0]}`,
    lastError: () => String(lastError() ?? ''),
    XGDMatrixCreateFromMat_omp: fn(
      'int XGDMatrixCreateFromMat_omp(const float *data, uint64_t nrow, uint64_t ncol, float missing, _Out_ void **out, int nthread)',
    ),
    XGDMatrixSetFloatInfo: fn('int XGDMatrixSetFloatInfo(void *handle, const char *field, const float *array, uint64_t len)'),
    XGDMatrixFree: fn('int XGDMatrixFree(void *handle)'),
    XGBoosterCreate: fn('int XGBoosterCreate(void **dmats, uint64_t len, _Out_ void **out)'),
    XGBoosterFree: fn('int XGBoosterFree(void *handle)'),
    XGBoosterSetParam: fn('int XGBoosterSetParam(void *handle, const char *name, const char *value)'),
    XGBoosterUpdateOneIter: fn('int XGBoosterUpdateOneIter(void *handle, int iter, void *dtrain)'),
    XGBoosterEvalOneIter: fn(
      'int XGBoosterEvalOneIter(void *handle, int iter, void **dmats, const char **evnames, uint64_t len, _Out_ const char **out)',
    ),
    XGBoosterPredictFromDMatrix: fn(
      'int XGBoosterPredictFromDMatrix(void *handle, void *dmat, const char *config, _Out_ void **out_shape, _Out_ uint64_t *out_dim, _Out_ void **out_result)',
    ),
    XGBoosterSaveModelToBuffer: fn(
      'int XGBoosterSaveModelToBuffer(void *handle, const char *config, _Out_ uint64_t *out_len, _Out_ void **out_dptr)',
    ),
    XGBoosterLoadModelFromBuffer: fn('int XGBoosterLoadModelFromBuffer(void *handle, const void *buf, uint64_t len)'),
    XGBoosterSlice: fn('int XGBoosterSlice(void *handle, int begin_layer, int end_layer, int step, _Out_ void **out)'),
    XGBoosterBoostedRounds: fn('int XGBoosterBoostedRounds(void *handle, _Out_ int *out)'),
    XGBoosterSetAttr: fn('int XGBoosterSetAttr(void *handle, const char *key, const char *value)'),
    XGBoosterSetStrFeatureInfo: fn('int XGBoosterSetStrFeatureInfo(void *handle, const char *field, const char **features, uint64_t size)'),
    XGBoosterFeatureScore: fn(
      'int XGBoosterFeatureScore(void *handle, const char *config, _Out_ uint64_t *out_n_features, _Out_ void **out_features, _Out_ uint64_t *out_dim, _Out_ void **out_shape, _Out_ void **out_scores)',
    ),
  };
  bound.set(path, api);
  return api;
}

/** Throw the library's own message for a non-zero return code. */
export function check(api: XGBoostApi, rc: number, call: string): void {
  if (rc !== 0) {
    const detail = api.lastError().trim();
    throw new XGBoostLibraryError(`${call} failed: ${detail || `return code ${rc}`}`);
  }
}

/** Copy `bytes` bytes of native memory owned by the library (valid until its next call on that handle). */
export function copyNative(pointer: unknown, bytes: number): ArrayBuffer {
  return koffi().view(pointer, bytes).slice(0);
}

export function decodeStrings(pointer: unknown, count: number): string[] {
  return count === 0 ? [] : (koffi().decode(pointer, koffi().array('const char *', count)) as string[]);
}

export function decodeUint64(pointer: unknown, count: number): number[] {
  return count === 0 ? [] : (koffi().decode(pointer, koffi().array('uint64_t', count)) as number[]);
}
