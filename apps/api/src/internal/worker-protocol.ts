import type { PipelineEvent } from '@tribar/pipeline';

/** What the server sends the pipeline child: one job to run, then at most a cancel. */
export type WorkerRequest =
  | {
      type: 'run';
      runId: string;
      runsDir: string;
      /** The resolved run config (for a resume: the run's own `config.json`). */
      config: Record<string, unknown>;
      logLevel: string;
    }
  | { type: 'cancel' };

/** What the pipeline child sends back: every pipeline event, then how the run ended. */
export type WorkerMessage =
  | { type: 'event'; event: PipelineEvent }
  | { type: 'done'; status: string }
  | { type: 'error'; error: { name: string; code?: string; message: string; hint?: string } };
