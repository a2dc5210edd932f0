import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A child process of the benchmark (a Sundial server, a peer) and how to stop it. */
export interface Child {
  pid: number;
  /** What the child printed when ready (Sundial: its URL). */
  ready: string;
  stop(): Promise<void>;
}

/**
 * Spawns `node <script> <args>` and waits until a line of its output
 * matches `readyPattern` (first capture group = `ready`).
 *
 * @example
 * const server = await spawnNode('bin/sundial.js', ['server', '--port', '0'], /listening on (\S+)/, 'stderr');
 * console.log(server.ready); // http://127.0.0.1:41234
 */
export async function spawnNode(
  script: string,
  args: string[],
  readyPattern: RegExp,
  stream: 'stdout' | 'stderr',
  env: NodeJS.ProcessEnv = process.env,
): Promise<Child> {
  const child = spawn(process.execPath, [script, ...args], {
    env,
    stdio: ['ignore', stream === 'stdout' ? 'pipe' : 'ignore', stream === 'stderr' ? 'pipe' : 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<string>((resolve, reject) => {
    const tail: string[] = [];
    const lines = createInterface({ input: (stream === 'stdout' ? child.stdout : child.stderr)! });
    lines.on('line', (line) => {
      tail.push(line);
      const m = readyPattern.exec(line);
      if (m) resolve(m[1] ?? line);
    });
    child.once('exit', (code) =>
      reject(new Error(`${script} exited (${code}) before ready: ${tail.join('\n')}`)),
    );
  });
  return { pid: child.pid!, ready, stop: () => stopChild(child, exited) };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * `node bin/sundial.js server` on a free port against the given store.
 *
 * @example
 * const server = await spawnSundialServer(['--database-url', url]);
 */
export function spawnSundialServer(storeArgs: string[]): Promise<Child> {
  return spawnNode(
    'bin/sundial.js',
    ['server', '--port', '0', ...storeArgs],
    /Sundial listening on (\S+)/,
    'stderr',
    { ...process.env, LOG_LEVEL: 'warn' },
  );
}
