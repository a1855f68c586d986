import type { FailureDescription, ProgressReporter } from '@tribar/core';
import type { RunStatus, StageRecord } from './state.js';

export type PipelineEvent =
  | { type: 'run-start'; runId: string; runDir: string; stages: string[] }
  | { type: 'stage-start'; stage: string; index: number; count: number }
  | { type: 'stage-progress'; stage: string; current: number; total: number; unit?: string; label?: string }
  | { type: 'stage-skip'; stage: string; reason: string }
  /** `error` (a failed stage only): the one-line `message`, `hint`, `code`, `name` and the `stack` (for debug output). */
  | { type: 'stage-end'; stage: string; record: StageRecord; error?: FailureDescription }
  /** `error`: a failure outside any stage's own code (the run is `failed` and `runPipeline` rethrows it). */
  | { type: 'run-end'; runId: string; status: RunStatus; durationMs: number; error?: FailureDescription };

export type PipelineEventListener = (event: PipelineEvent) => void;

/** Progress events are throttled so a tight loop calling `advance()` costs next to nothing. */
const PROGRESS_INTERVAL_MS = 100;

export function progressEmitter(stage: string, emit: PipelineEventListener): ProgressReporter {
  let current = 0;
  let total = 0;
  let unit: string | undefined;
  let label: string | undefined;
  let lastEmit = 0;
  const send = (force: boolean) => {
    const now = Date.now();
    if (!force && now - lastEmit < PROGRESS_INTERVAL_MS) return;
    lastEmit = now;
    emit({ type: 'stage-progress', stage, current, total, ...(unit ? { unit } : {}), ...(label ? { label } : {}) });
  };
  return {
    start(newTotal, options = {}) {
      total = newTotal;
      current = 0;
      unit = options.unit;
      label = options.label;
      send(true);
    },
    advance(by = 1) {
      current += by;
      send(current >= total);
    },
    update(value) {
      current = value;
      send(current >= total);
    },
    done() {
      current = total;
      send(true);
    },
  };
}
