import { describeError } from '@tribar/core';
import type { ExitCode } from './exit-codes.js';
import type { CliIO } from './io.js';
import { earlyStopWatcher, labelOf, type ProgressDisplay } from './progress.js';

/**
 * `--json`: one JSON object per line on standard output for every event (the shapes are listed in the README),
 * numbers as computed (never rounded), no progress bar; log lines stay on standard error.
 */
export interface JsonEvents extends ProgressDisplay {
  /** Writes one event line. */
  emit(event: string, fields: Record<string, unknown>): void;
  /** The last line of every `--json` command: what ran and how it ended. */
  summary(fields: { runId: string | null; status: string; exitCode: ExitCode; error?: unknown } & Record<string, unknown>): void;
}

export function jsonEvents(io: CliIO): JsonEvents {
  const watcher = earlyStopWatcher();
  const emit = (event: string, fields: Record<string, unknown>) =>
    void io.out.write(JSON.stringify({ event, time: new Date().toISOString(), ...fields }) + '\n');
  return {
    sink: { write: (text) => void io.err.write(text) },
    emit,
    summary({ error, ...fields }) {
      emit('summary', { ...fields, ...(error === undefined ? {} : { error: describeError(error) }) });
    },
    onEvent(event) {
      const stopped = watcher.watch(event);
      if (stopped) emit('early-stop', { ...stopped, label: stopped.label ?? null });
      switch (event.type) {
        case 'run-start':
          return emit('run-start', { runId: event.runId, runDir: event.runDir, stages: event.stages });
        case 'stage-start':
          return emit('stage-start', { stage: event.stage, index: event.index, count: event.count });
        case 'stage-progress': {
          const label = labelOf(event) ?? null;
          if (event.unit === 'epochs') return emit('epoch', { stage: event.stage, label, epoch: event.current, maxEpochs: event.total });
          return emit('stage-progress', {
            stage: event.stage,
            label,
            current: event.current,
            total: event.total,
            unit: event.unit ?? null,
          });
        }
        case 'stage-skip':
          return emit('stage-skipped', { stage: event.stage, reason: event.reason });
        case 'stage-end': {
          const { record } = event;
          const base = { stage: event.stage, status: record.status, durationMs: record.durationMs ?? null };
          if (record.status === 'completed') return emit('stage-done', { ...base, metrics: record.metrics ?? {} });
          if (record.status === 'failed') return emit('stage-failed', { ...base, error: record.error ?? null });
          if (record.status === 'blocked') return emit('stage-blocked', { ...base, reason: record.reason ?? null });
          return emit(`stage-${record.status}`, base);
        }
        case 'run-end':
          return emit('run-end', { runId: event.runId, status: event.status, durationMs: event.durationMs });
      }
    },
    stop() {
      const stopped = watcher.flush();
      if (stopped) emit('early-stop', { ...stopped, label: stopped.label ?? null });
    },
  };
}
