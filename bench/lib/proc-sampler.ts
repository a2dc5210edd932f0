import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { sleep } from './stats.js';

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** User + system CPU time of a process so far, in seconds (Linux /proc). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after "(comm)": state is field 3, so utime (14) and stime (15) are at 11 and 12.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** CPU use and memory of one process over a window. */
export interface ProcessUsage {
  /** Percent of one core, averaged over the window. */
  cpuPercent: number;
  rssMeanMiB: number;
  rssMaxMiB: number;
}

/**
 * Samples a process every second for `seconds`.
 *
 * @example
 * const usage = await sampleProcess(server.pid, 60); // { cpuPercent: 0.4, rssMeanMiB: 95, … }
 */
export async function sampleProcess(pid: number, seconds: number): Promise<ProcessUsage> {
  const rss: number[] = [];
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  for (let i = 0; i < seconds; i++) {
    await sleep(1000);
    rss.push(rssMiB(pid));
  }
  const elapsed = (performance.now() - t0) / 1000;
  return {
    cpuPercent: ((cpuSeconds(pid) - cpu0) / elapsed) * 100,
    rssMeanMiB: rss.reduce((a, b) => a + b, 0) / rss.length,
    rssMaxMiB: Math.max(...rss),
  };
}

/** The pids of a process's children (Linux /proc; empty when it has none or is gone). */
function childrenOf(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return text ? text.split(' ').map(Number) : [];
  } catch {
    return [];
  }
}

/**
 * Samples every 100 ms, until `stop`, the RSS of `pid` plus its `node` children (Sundial's shell
 * spawner is part of its footprint; the jobs, `bash`, are not): `stop` gives the highest sum seen.
 *
 * @example
 * const peak = watchPeakRss(process.pid);
 * await runFanOut();
 * console.log(peak.stop()); // MiB
 */
export function watchPeakRss(pid: number): { stop(): number } {
  let peak = 0;
  const sample = () => {
    let sum: number;
    try {
      sum = rssMiB(pid);
    } catch {
      return; // it has exited: its peak was sampled before
    }
    for (const child of childrenOf(pid)) {
      try {
        if (readFileSync(`/proc/${child}/comm`, 'utf8').trim() === 'node') sum += rssMiB(child);
      } catch {
        // gone meanwhile
      }
    }
    if (sum > peak) peak = sum;
  };
  sample();
  const timer = setInterval(sample, 100);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}
