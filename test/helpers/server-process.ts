import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { waitFor } from './harness.js';

const main = resolve(import.meta.dirname, '../../src/cli/main.ts');

/** One pino line of a server's log. */
export interface LogRecord {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/**
 * A `sundial server` in a process of its own (run from source with tsx),
 * in its own process group so a test can freeze (SIGSTOP) or kill it with
 * the shell jobs it started, as an operator or a VM pause would.
 *
 * @example
 * const server = await ServerProcess.start(['--database-url', url]);
 * await server.waitForLog((r) => r.msg === 'became scheduler leader');
 * await server.stop();
 */
export class ServerProcess {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    /** Every line the server logged, parsed (still growing). */
    readonly logs: LogRecord[],
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  static async start(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', main, 'server', '--port', '0', ...args], {
      env: { ...process.env, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const logs: LogRecord[] = [];
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        logs.push(JSON.parse(line) as LogRecord);
      } catch {
        logs.push({ level: 30, msg: line });
      }
    });
    const stderr: string[] = [];
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stderr! }).on('line', (line) => {
        stderr.push(line);
        logs.push({ level: 60, msg: `stderr: ${line}` }); // a crash's stack trace, for the test's message
        const m = /Sundial listening on (\S+)/.exec(line);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) =>
        reject(new Error(`server exited (${code}) before ready: ${stderr.join('\n')}`)),
      );
    });
    return new ServerProcess(child, url, logs);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits for a log line matching `match` (counting those logged already) and returns it. */
  waitForLog(match: (r: LogRecord) => boolean, timeoutMs = 30_000, nth = 1): Promise<LogRecord> {
    return waitFor(async () => {
      if (!this.alive) throw new Error(`the server exited: ${JSON.stringify(this.logs.slice(-5))}`);
      return this.logs.filter(match)[nth - 1];
    }, timeoutMs);
  }

  /** Sends `signal` to the server's whole process group (it and the shell jobs it started). */
  signalGroup(signal: NodeJS.Signals): void {
    process.kill(-this.pid, signal);
  }

  async api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      ...(body !== undefined && {
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** SIGTERM, then SIGKILL of the group if it has not exited within 15 s. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }
}
