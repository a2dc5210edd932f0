import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Sundial's version from its package.json, found from this file upwards
 * (the same from `src/` under tsx and from the built `dist/src/`).
 *
 * @example
 * sundialVersion() // '0.1.0'
 */
export function sundialVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'sundial' && pkg.version) return pkg.version;
    } catch {
      // not here: look further up
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}
