import { readFileSync } from 'node:fs';

/** PGlite's compiled PostgreSQL and its file-system bundle, read ahead of `PGlite.create`. */
export interface PgliteArtifacts {
  pgliteWasmModule: Promise<WebAssembly.Module>;
  fsBundle: Blob;
}

/**
 * Starts compiling PGlite's WebAssembly now, on V8's background threads, and reads its
 * file-system bundle. PGlite would read both itself, but asynchronously: while the main thread
 * is busy loading the server's modules, its read callback (and so the compile) would wait for
 * them. Undefined when the files are not where this PGlite keeps them; PGlite then loads its own.
 *
 * @example
 * const artifacts = compilePgliteAhead();
 * // …load other modules meanwhile…
 * const pglite = await openPglite(dir, undefined, artifacts);
 */
export function compilePgliteAhead(): PgliteArtifacts | undefined {
  try {
    const dist = new URL('.', import.meta.resolve('@electric-sql/pglite'));
    const wasm = readFileSync(new URL('pglite.wasm', dist));
    const fsBundle = new Blob([readFileSync(new URL('pglite.data', dist))]);
    const pgliteWasmModule = WebAssembly.compile(wasm);
    pgliteWasmModule.catch(() => {}); // a failure surfaces where it is awaited
    return { pgliteWasmModule, fsBundle };
  } catch {
    return undefined;
  }
}
