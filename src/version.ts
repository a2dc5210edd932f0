import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Sundial's version from its package.json (found from `src/` under tsx and
 * from the built `dist/src/` alike).
 *
 * @example
 * sundialVersion() // '0.1.0'
 */
export function sundialVersion(): string {
  const root = packageRoot();
  return (root && readPackage(root)?.version) || 'unknown';
}

/**
 * The directory of Sundial's package.json (the repository, or the installed
 * package), where files shipped beside the code live.
 *
 * @example
 * join(packageRoot()!, 'aws-stand-ins')
 */
export function packageRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (readPackage(dir)?.name === 'sundial') return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function readPackage(dir: string): { name?: string; version?: string } | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
  } catch {
    return undefined;
  }
}
