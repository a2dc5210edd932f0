import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { sampleProcess } from './proc-sampler.js';
import { sleep } from './stats.js';

/** One start of a child, from spawn to ready, and what it held once idle. */
export interface StartMeasure {
  readyMs: number;
  /** CPU the child used to get ready (user + system): steadier than wall time on a shared machine. */
  cpuMs: number;
  /** RSS just after the start: mean over 2–5 s after ready. */
  startRssMiB: number;
  /**
   * RSS once idle: mean over the 3 s before `idleAfterMs` after ready. By then V8 has shrunk the
   * young generation that the start-up's allocations grew (its memory reducer acts about 8 s
   * after the last full collection when little is allocated): 15–30 MiB less.
   */
  idleRssMiB: number;
}

const ticksPerSecond = 100;

function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/** A TCP port nothing listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves when `url` answers 200 (polled every 10 ms). */
export async function answers200(url: string): Promise<void> {
  for (;;) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(10);
  }
}

/** Resolves at the first line of the child's stdout matching `pattern`. */
function printed(stdout: NodeJS.ReadableStream, pattern: RegExp): Promise<void> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: stdout });
    lines.on('line', (line) => {
      if (pattern.test(line)) resolve();
    });
  });
}

/**
 * Spawns `node <args>`, times it until `ready` resolves (given the child's
 * stdout), samples its RSS just after and once idle, then stops it (SIGTERM).
 *
 * @example
 * const m = await measureStart(['bin/sundial.js', 'server', '--port', '8123'], () => answers200(health));
 */
export async function measureStart(
  args: string[],
  ready: { url: string } | { line: RegExp },
  idleAfterMs = 30_000,
): Promise<StartMeasure> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const isReady = 'url' in ready ? answers200(ready.url) : printed(child.stdout!, ready.line);
    child.stdout!.resume();
    const first = await Promise.race([isReady.then(() => 'ready'), exited.then(() => 'exited')]);
    if (first === 'exited') throw new Error(`node ${args.join(' ')} exited before ready`);
    const readyMs = performance.now() - t0;
    const cpuMs = cpuMsOf(child.pid!);
    await sleep(2000);
    const start = await sampleProcess(child.pid!, 3);
    await sleep(Math.max(0, idleAfterMs - 8000));
    const idle = await sampleProcess(child.pid!, 3);
    return { readyMs, cpuMs, startRssMiB: start.rssMeanMiB, idleRssMiB: idle.rssMeanMiB };
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
