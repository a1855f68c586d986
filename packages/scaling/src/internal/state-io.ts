import { jsonArtifact, parseJsonArtifact, scalerState, STAGE, symbolScalerSchema, type ScalerStateFile } from '@tribar/artifacts';
import { ArtifactError } from '@tribar/core';
import type { ScalerState } from './scaler.js';

/** `scale/scaler.json`: one state per symbol, plus the cut it was fitted before (the contract's shape). */
export type ScalerFile = ScalerStateFile;

/** One symbol's state, checked by the contract's schema of a `scale/scaler.json` entry. */
const oneState = jsonArtifact(scalerState.path, STAGE.scale, symbolScalerSchema);

/** JSON text of a state (plain numbers and strings only: no pickles, no NaN). */
export function serializeState(state: ScalerState): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}

export function serializeScalerFile(file: ScalerFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ArtifactError(`not JSON (${(error as Error).message})`, where, {
      cause: error,
      hint: `Re-run stage '${STAGE.scale}' with this version of @tribar/scaling.`,
    });
  }
}

/**
 * Parse and validate a state written by `serializeState` (or the object parsed from it) by the
 * contract's schema: version 1, every field with its type; an `ArtifactError` names the field.
 */
export function parseState(input: string | unknown, where = 'scaler state'): ScalerState {
  return parseJsonArtifact(oneState, typeof input === 'string' ? parseJson(input, where) : input, where);
}

/** Parse and validate `scale/scaler.json` by the contract's schema. */
export function parseScalerFile(input: string | unknown, where: string = scalerState.path): ScalerFile {
  return parseJsonArtifact(scalerState, typeof input === 'string' ? parseJson(input, where) : input, where);
}
