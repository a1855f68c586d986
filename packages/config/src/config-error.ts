import { TribarError } from '@tribar/core';

export interface ConfigIssue {
  /** Dotted path into the config, e.g. `splits.purgeBars`; empty for the root. */
  path: string;
  message: string;
}

/** Every problem found in a config, reported together so one edit can fix them all. */
export class ConfigError extends TribarError {
  readonly issues: readonly ConfigIssue[];
  readonly source: string | undefined;

  constructor(issues: readonly ConfigIssue[], source?: string) {
    const where = source ? ` (${source})` : '';
    const lines = issues.map((issue) => `  - ${issue.path || '<root>'}: ${issue.message}`);
    super('CONFIG_INVALID', `Invalid config${where}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n${lines.join('\n')}`, {
      hint: 'Fix the fields listed above; `tribar config print` shows the values in effect.',
    });
    this.issues = issues;
    this.source = source;
  }
}
