import { TribarError } from '@tribar/core';

/** A refusal with its HTTP status, the field at fault and a hint: the error handler turns it into the body. */
export class HttpError extends TribarError {
  readonly statusCode: number;
  readonly fields: { field: string; message: string }[] | undefined;

  constructor(
    statusCode: number,
    code: string,
    message: string,
    details: { hint?: string; field?: string; fields?: { field: string; message: string }[] } = {},
  ) {
    super(code, message, details.hint ? { hint: details.hint } : {});
    this.statusCode = statusCode;
    this.fields = details.fields ?? (details.field ? [{ field: details.field, message }] : undefined);
  }
}

/** HTTP status of the packages' typed errors, by code. */
export const STATUS_OF_CODE: Record<string, number> = {
  RUN_NOT_FOUND: 404,
  RUN_LOCKED: 409,
  RUN_INTEGRITY: 409,
  CONFIG_INVALID: 400,
  USAGE: 400,
  DATA_INVALID: 422,
  INSUFFICIENT_HISTORY: 422,
  ARTIFACT_INVALID: 404,
};
