import cliProgress from 'cli-progress';
import type { PipelineEvent } from '@tribar/pipeline';
import { formatDuration, print, type CliIO } from './io.js';
import type { ConsoleSink } from './logging.js';

export interface ProgressDisplay {
  sink: ConsoleSink;
  onEvent(event: PipelineEvent): void;
  stop(): void;
}

/** A bar per long stage on a terminal; plain lines (stage start/end, every 10 %) otherwise. */
export function createProgressDisplay(io: CliIO): ProgressDisplay {
  return io.err.isTTY ? terminalDisplay(io) : plainDisplay(io);
}

function terminalDisplay(io: CliIO): ProgressDisplay {
  const multibar = new cliProgress.MultiBar(
    {
      stream: io.err as NodeJS.WriteStream,
      format: ' {stage} |{bar}| {percentage}% {value}/{total} {unit} {label} eta {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    sink: { write: (text) => multibar.log(text.endsWith('\n') ? text : text + '\n') },
    onEvent(event) {
      if (event.type === 'stage-progress') {
        const payload = { stage: event.stage.padEnd(14), unit: event.unit ?? '', label: event.label ?? '' };
        const bar = bars.get(event.stage);
        if (!bar) bars.set(event.stage, multibar.create(event.total, event.current, payload));
        else {
          bar.setTotal(event.total);
          bar.update(event.current, payload);
        }
      } else if (event.type === 'stage-end') {
        bars.get(event.stage)?.stop();
      }
    },
    stop: () => multibar.stop(),
  };
}

function plainDisplay(io: CliIO): ProgressDisplay {
  const lastDecile = new Map<string, number>();
  return {
    sink: { write: (text) => void io.err.write(text) },
    onEvent(event) {
      if (event.type === 'stage-start') print(io.err, `[${event.index + 1}/${event.count}] ${event.stage}: started`);
      if (event.type === 'stage-skip') print(io.err, `${event.stage}: skipped (${event.reason})`);
      if (event.type === 'stage-end') {
        const { record } = event;
        const detail = record.status === 'failed' ? `: ${record.error?.message ?? ''}` : record.reason ? ` (${record.reason})` : '';
        print(io.err, `${event.stage}: ${record.status} ${formatDuration(record.durationMs)}${detail}`.trimEnd());
      }
      if (event.type === 'stage-progress' && event.total > 0) {
        const decile = Math.floor((10 * event.current) / event.total);
        if (decile > (lastDecile.get(event.stage) ?? -1)) {
          lastDecile.set(event.stage, decile);
          const label = event.label ? ` ${event.label}` : '';
          print(io.err, `${event.stage}: ${decile * 10}% (${event.current}/${event.total}${event.unit ? ` ${event.unit}` : ''})${label}`);
        }
      }
    },
    stop() {},
  };
}
