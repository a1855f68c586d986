import cliProgress from 'cli-progress';
import type { PipelineEvent } from '@tribar/pipeline';
import { print, type CliIO } from './io.js';
import type { ConsoleSink } from './logging.js';

export interface ProgressDisplay {
  sink: ConsoleSink;
  onEvent(event: PipelineEvent): void;
  stop(): void;
}

/** A bar per long stage on a terminal; plain progress lines (every 10 %) otherwise. */
export function createProgressDisplay(io: CliIO): ProgressDisplay {
  return io.err.isTTY ? terminalDisplay(io) : plainDisplay(io);
}

function terminalDisplay(io: CliIO): ProgressDisplay {
  // One MultiBar per running stage: created on the stage's first progress event and stopped
  // (its lines cleared) when the stage ends, so finished stages leave only their log lines.
  let active: { stage: string; multibar: cliProgress.MultiBar; bar: cliProgress.SingleBar } | undefined;
  const finish = () => {
    if (!active) return;
    active.multibar.update(); // flush log lines buffered while the bar was drawn
    active.multibar.stop();
    active = undefined;
  };
  return {
    sink: {
      write: (text) => (active ? active.multibar.log(text.endsWith('\n') ? text : text + '\n') : void io.err.write(text)),
    },
    onEvent(event) {
      if (event.type === 'stage-progress') {
        const payload = { stage: event.stage, unit: event.unit ?? '', label: event.label ?? '' };
        if (active?.stage !== event.stage) {
          finish();
          const multibar = new cliProgress.MultiBar(
            {
              stream: io.err as NodeJS.WriteStream,
              format: ' {stage} |{bar}| {percentage}% {value}/{total} {unit} {label} eta {eta_formatted}',
              hideCursor: true,
              clearOnComplete: true,
              gracefulExit: false,
            },
            cliProgress.Presets.shades_classic,
          );
          active = { stage: event.stage, multibar, bar: multibar.create(event.total, event.current, payload) };
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
  return {
    sink: { write: (text) => void io.err.write(text) },
    onEvent(event) {
      if (event.type !== 'stage-progress' || event.total <= 0) return;
      const decile = Math.floor((10 * event.current) / event.total);
      if (decile <= (lastDecile.get(event.stage) ?? -1)) return;
      lastDecile.set(event.stage, decile);
      const unit = event.unit ? ` ${event.unit}` : '';
      const label = event.label ? ` ${event.label}` : '';
      print(io.err, `${event.stage}: ${decile * 10}% (${event.current}/${event.total}${unit})${label}`);
    },
    stop() {},
  };
}
