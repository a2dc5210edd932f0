import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { delimiter } from 'node:path';
import type { EmulatorConfig } from './types.js';

/**
 * Runs the "work" of a step, job or task as a real local process. Each child leads its own
 * process group (`detached`) so that stopping it also stops whatever it spawned, like a container
 * or a YARN application going away.
 */

export interface ProcessExit {
  /** Exit code; 128 + signal number when killed by a signal; 127 when the command was not found. */
  code: number;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started. */
  error?: string;
}

export interface RunningProcess {
  readonly pid: number | undefined;
  readonly done: Promise<ProcessExit>;
  /** Sends `signal` (default SIGTERM) to the process group, then SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals): void;
}

export interface RunRequest {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  /** Raw output chunks (EMR keeps whole files). */
  onData?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
  /** Complete lines (CloudWatch Logs gets one event per line). */
  onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
}

/** The environment of every child: ours, plus the emulator endpoint and dummy credentials. */
export function childEnv(config: EmulatorConfig, extra: Record<string, string> = {}): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) base[k] = v;
  const path = [...config.extraPath, base.PATH ?? ''].filter(Boolean).join(delimiter);
  return {
    ...base,
    AWS_ENDPOINT_URL: config.url,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: config.region,
    AWS_DEFAULT_REGION: config.region,
    ...config.env,
    ...extra,
    PATH: path,
  };
}

function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer): void; end(): void } {
  let rest = '';
  return {
    push(chunk) {
      const text = rest + chunk.toString('utf8');
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) onLine(line.replace(/\r$/, ''));
    },
    end() {
      if (rest) onLine(rest);
      rest = '';
    },
  };
}

export function runProcess(req: RunRequest, graceMs: number): RunningProcess {
  const child = spawn(req.command, req.args, {
    env: req.env,
    cwd: req.cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let exited = false;
  const done = new Promise<ProcessExit>((resolve) => {
    const splitters = {
      stdout: lineSplitter((l) => req.onLine?.('stdout', l)),
      stderr: lineSplitter((l) => req.onLine?.('stderr', l)),
    };
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream].on('data', (chunk: Buffer) => {
        req.onData?.(stream, chunk);
        splitters[stream].push(chunk);
      });
    }
    child.on('error', (err) => {
      if (exited) return;
      exited = true;
      const message = `${req.command}: ${err.message}`;
      req.onData?.('stderr', Buffer.from(`${message}\n`));
      req.onLine?.('stderr', message);
      resolve({ code: 127, signal: null, error: message });
    });
    // 'close' (not 'exit') so that all output has been read before the outcome is decided.
    child.on('close', (code, signal) => {
      if (exited) return;
      exited = true;
      splitters.stdout.end();
      splitters.stderr.end();
      const bySignal = signal ? 128 + (constants.signals[signal] ?? 15) : 1;
      resolve({ code: code ?? bySignal, signal });
    });
  });
  const killGroup = (signal: NodeJS.Signals) => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      child.kill(signal);
    }
  };
  return {
    pid: child.pid,
    done,
    stop(signal = 'SIGTERM') {
      killGroup(signal);
      const t = setTimeout(() => killGroup('SIGKILL'), graceMs);
      t.unref();
    },
  };
}
