import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');
const built = join(root, 'dist/web-ui/index.html');

function newestSource(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((e) =>
      e.isDirectory() ? newestSource(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
    ),
  );
}

/**
 * Vitest global setup of the browser tests: the UI they drive is the one in
 * web/, so it is built again when a source is newer than the last build
 * (`npm install` built it already in a fresh checkout).
 */
export default function setup(): void {
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource(join(root, 'web'))) return;
  // Vitest sets NODE_ENV=test, which would bundle React's development build: test what users get.
  execFileSync('npx', ['vite', 'build', 'web', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}
