import { TribarError } from '@tribar/core';

/** No run matches an id or id prefix under a tracking root. */
export class RunNotFoundError extends TribarError {
  readonly root: string;
  readonly query: string;

  constructor(query: string, root: string) {
    super('RUN_NOT_FOUND', `No run with id or id prefix '${query}' under ${root}`, {
      hint: 'list runs with listRuns(), or check that this is the tracking root the run was written to',
    });
    this.root = root;
    this.query = query;
  }
}
