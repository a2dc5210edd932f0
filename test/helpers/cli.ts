import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/sundial.js');
const BUILT = join(ROOT, 'dist/src/cli/main.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `bin/sundial.js` as a user would (after `npm ci`, whose
 * `prepare` builds `dist/`), with `input` on standard input.
 *
 * @example
 * const res = await sundial(['status', '--url', h.url]);
 */
export function sundial(
  args: readonly string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  assertBuilt();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, SUNDIAL_URL: '', NO_COLOR: '1', ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
  });
  child.stdin.end(options.input ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

let checked = false;

/** Refuses to test a `dist/` older than the sources: a stale build would test old code. */
function assertBuilt(): void {
  if (checked) return;
  const built = statSync(BUILT, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const newest = newestMtime(join(ROOT, 'src'));
  if (built < newest) throw new Error('dist/ is older than src/: run `npm run build` before the CLI tests');
  checked = true;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** A `sundial server` child process, started through the built bin. */
export interface ServerProcess {
  pid: number;
  url: string;
  output: () => string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

/**
 * Starts `sundial server ARGS` and resolves once it prints its start line
 * (or rejects with its output if it exits first).
 *
 * @example
 * const server = await startServer(['--data-dir', dir, '--port', '0']);
 */
export function startServer(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  assertBuilt();
  const child = spawn(process.execPath, [BIN, 'server', ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d;
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url)
        resolve({
          pid: child.pid!,
          url,
          output: () => output,
          exited,
          kill: (signal) => child.kill(signal),
        });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`server exited (${code}) before starting:\n${output}`)));
  });
}
