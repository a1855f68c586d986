import { readFileSync, writeFileSync } from 'node:fs';

/** What one stage cost the process: CPU (user + system, every thread) and its peak resident set. */
export interface StageResources {
  cpuMs: number;
  peakRssMiB: number;
}

const MIB = 1024 * 1024;

/**
 * Linux keeps the process's resident high-water mark in `/proc/self/status` (VmHWM); writing `5` to
 * `/proc/self/clear_refs` resets it (Linux ≥ 4.0, see proc(5)), so each stage's peak is its own, not the
 * run's so far. Where that is not possible (another OS, a locked-down /proc) the peak is
 * `process.resourceUsage().maxRSS`: the process's peak since it started, an upper bound of the stage's.
 */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function peakRssBytes(resettable: boolean): number {
  if (resettable) {
    try {
      const match = /VmHWM:\s+(\d+)\s*kB/.exec(readFileSync('/proc/self/status', 'utf8'));
      if (match) return Number(match[1]) * 1024;
    } catch {
      // fall through to the process-wide peak
    }
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** Start measuring a stage; the returned function gives what it used so far. */
export function startResourceMeter(): () => StageResources {
  const resettable = resetPeakRss();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return {
      cpuMs: Math.round((used.user + used.system) / 1000),
      peakRssMiB: Math.round(peakRssBytes(resettable) / MIB),
    };
  };
}
