import cliProgress from 'cli-progress';
import type { PipelineEvent } from '@tribar/pipeline';
import { print, type CliIO } from './io.js';
import type { ConsoleSink } from './logging.js';

export interface ProgressDisplay {
  sink: ConsoleSink;
  onEvent(event: PipelineEvent): void;
  stop(): void;
}

type ProgressEvent = Extract<PipelineEvent, { type: 'stage-progress' }>;

/** A bar per long stage on a terminal; plain progress lines (every 10 %) otherwise. */
export function createProgressDisplay(io: CliIO): ProgressDisplay {
  return io.err.isTTY ? terminalDisplay(io) : plainDisplay(io);
}

/** The progress label, unless it only repeats the stage's name (stages label their bar with it). */
export const labelOf = (event: ProgressEvent): string | undefined => (event.label && event.label !== event.stage ? event.label : undefined);

/** What early stopping ended: the last epoch reported before the bar jumped to its maximum. */
export interface EarlyStop {
  stage: string;
  label: string | undefined;
  lastEpoch: number;
  maxEpochs: number;
}

/**
 * Watches epoch progress for early stopping. A fit reports epochs against its maximum and, when it ends, jumps to
 * that maximum. A fit that ran every epoch reports the maximum twice (its last epoch, then its end), so a jump from
 * a reported epoch short of it that is not followed by the maximum again means early stopping ended the fit; the
 * watcher says so on the event after the jump (or on `flush`).
 */
export function earlyStopWatcher(): { watch(event: PipelineEvent): EarlyStop | undefined; flush(): EarlyStop | undefined } {
  const last = new Map<string, { current: number; total: number }>();
  let pending: (EarlyStop & { key: string }) | undefined;
  const keyOf = (event: ProgressEvent) => `${event.stage}\u0000${event.label ?? ''}`;
  const flush = () => {
    if (!pending) return undefined;
    const { key: _key, ...stop } = pending;
    pending = undefined;
    return stop;
  };
  return {
    flush,
    watch(event) {
      const epochs = event.type === 'stage-progress' && event.unit === 'epochs' ? event : undefined;
      if (pending && epochs && keyOf(epochs) === pending.key && epochs.current === epochs.total) {
        pending = undefined; // the fit's end after its last epoch: it ran them all
        return undefined;
      }
      const stopped = flush();
      if (epochs) {
        const key = keyOf(epochs);
        const previous = last.get(key);
        last.set(key, { current: epochs.current, total: epochs.total });
        if (
          previous &&
          previous.total === epochs.total &&
          epochs.current === epochs.total &&
          previous.current > 0 &&
          previous.current < epochs.total
        ) {
          pending = { key, stage: epochs.stage, label: labelOf(epochs), lastEpoch: previous.current, maxEpochs: epochs.total };
        }
      }
      return stopped;
    },
  };
}

function describeEarlyStop(stop: EarlyStop): string {
  const who = stop.label ? `${stop.stage} ${stop.label}` : stop.stage;
  return `${who}: early stopping ended the fit before its maximum of ${stop.maxEpochs} epochs (last reported epoch ${stop.lastEpoch})`;
}

/** `83` → `1m23s`; unknown or endless → `…`. */
function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '…';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

interface BarPayload {
  stage: string;
  unit: string;
  label: string;
}

const BAR_WIDTH = 24;

/**
 * One bar line, never wider than the terminal (a wider line would wrap and break the redraw). Under epochs the
 * remaining time assumes every epoch up to the maximum runs, so it is shown as an upper bound with the time per
 * epoch: early stopping usually ends a fit sooner.
 */
function formatBar(
  params: { progress: number; eta: number; startTime: number | null; value: number; total: number; maxWidth: number },
  payload: BarPayload,
  now = Date.now(),
): string {
  const filled = Math.max(0, Math.min(BAR_WIDTH, Math.round(params.progress * BAR_WIDTH)));
  const bar = '\u2588'.repeat(filled) + '\u2591'.repeat(BAR_WIDTH - filled);
  const percent = Math.floor(Math.max(0, Math.min(1, params.progress)) * 100);
  const label = payload.label ? ` ${payload.label}` : '';
  let time = ` eta ${formatSeconds(params.eta)}`;
  if (payload.unit === 'epochs') {
    const elapsed = params.startTime === null ? NaN : (now - params.startTime) / 1000;
    const perEpoch = params.value > 0 ? elapsed / params.value : NaN;
    time = ` ${Number.isFinite(perEpoch) ? `${perEpoch < 10 ? perEpoch.toFixed(2) : Math.round(perEpoch)}s/epoch, ` : ''}eta ≤ ${formatSeconds(params.eta)}`;
  }
  const line = ` ${payload.stage} |${bar}| ${percent}% ${params.value}/${params.total} ${payload.unit}${label}${time}`;
  return line.length < params.maxWidth ? line : line.slice(0, Math.max(0, params.maxWidth - 1));
}

function terminalDisplay(io: CliIO): ProgressDisplay {
  // One MultiBar per running stage (and label: one per fit while training): created on its first progress event
  // and stopped (its lines cleared) when it ends, so finished stages leave only their log lines.
  let active: { key: string; multibar: cliProgress.MultiBar; bar: cliProgress.SingleBar } | undefined;
  const watcher = earlyStopWatcher();
  const finish = () => {
    const stopped = watcher.flush();
    if (stopped) sink.write(describeEarlyStop(stopped) + '\n');
    if (!active) return;
    active.multibar.update(); // flush log lines buffered while the bar was drawn
    active.multibar.stop();
    active = undefined;
  };
  const sink: ConsoleSink = {
    write: (text) => (active ? active.multibar.log(text.endsWith('\n') ? text : text + '\n') : void io.err.write(text)),
  };
  return {
    sink,
    onEvent(event) {
      const stopped = watcher.watch(event);
      if (stopped) sink.write(describeEarlyStop(stopped) + '\n');
      if (event.type === 'stage-progress') {
        const payload: BarPayload = { stage: event.stage, unit: event.unit ?? '', label: labelOf(event) ?? '' };
        const key = `${event.stage}\u0000${payload.label}`;
        if (active?.key !== key) {
          finish();
          const multibar = new cliProgress.MultiBar({
            stream: io.err as NodeJS.WriteStream,
            format: (_options, params, barPayload) => formatBar(params, barPayload as BarPayload),
            hideCursor: true,
            clearOnComplete: true,
            gracefulExit: false,
            // The library's default turns the terminal's line wrap off while a bar is drawn, which cuts every log
            // line printed above the bar at the terminal's width. Log lines wrap; the bar line is kept narrower.
            linewrap: true,
          });
          active = { key, multibar, bar: multibar.create(event.total, event.current, payload) };
        } else {
          active.bar.setTotal(event.total);
          active.bar.update(event.current, payload);
        }
      } else if (event.type === 'stage-end' || event.type === 'run-end') {
        finish();
      }
    },
    stop: finish,
  };
}

function plainDisplay(io: CliIO): ProgressDisplay {
  // Stage start, end and skip are already log lines; add progress every 10 %.
  const lastDecile = new Map<string, number>();
  const watcher = earlyStopWatcher();
  const report = (stopped: EarlyStop | undefined) => stopped && print(io.err, describeEarlyStop(stopped));
  return {
    sink: { write: (text) => void io.err.write(text) },
    onEvent(event) {
      report(watcher.watch(event));
      if (event.type !== 'stage-progress' || event.total <= 0) return;
      const label = labelOf(event);
      const key = `${event.stage}\u0000${label ?? ''}`;
      const decile = Math.floor((10 * event.current) / event.total);
      if (decile <= (lastDecile.get(key) ?? -1)) return;
      lastDecile.set(key, decile);
      const unit = event.unit ? ` ${event.unit}` : '';
      print(io.err, `${event.stage}: ${decile * 10}% (${event.current}/${event.total}${unit})${label ? ` ${label}` : ''}`);
    },
    stop: () => report(watcher.flush()),
  };
}
