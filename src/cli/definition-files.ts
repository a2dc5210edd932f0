import { readFileSync } from 'node:fs';
import type { ProcessDefinition } from '../domain/types.js';
import { validateDefinition } from '../domain/validate-definition.js';
import { ValidationError } from '../domain/validation-error.js';

/** One `-f` argument read as JSON: its name as given (`-` is standard input) and its body. */
export interface DefinitionFile {
  file: string;
  body: unknown;
}

/** Collects repeated `-f` options, for commander. */
export const collectFiles = (file: string, files: string[] = []): string[] => [...files, file];

/**
 * Reads every `-f` file as JSON, `-` from standard input.
 *
 * @example
 * readDefinitionFiles(['etl.json', '-']) // [{ file: 'etl.json', body: {...} }, { file: '-', body: {...} }]
 */
export function readDefinitionFiles(files: readonly string[]): DefinitionFile[] {
  return files.map((file) => {
    let body: unknown;
    try {
      body = JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8'));
    } catch (e) {
      const what = file === '-' ? 'standard input' : file;
      throw new ValidationError([{ field: 'file', problem: `${what}: ${(e as Error).message}` }]);
    }
    return { file, body };
  });
}

/** The file's definition, checked as the server would; problems say which file they are in. */
export function validDefinition({ file, body }: DefinitionFile, now = new Date()): ProcessDefinition {
  try {
    return validateDefinition(body, { now });
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    const where = file === '-' ? 'stdin' : file;
    throw new ValidationError(e.problems.map((p) => ({ field: `${where}: ${p.field}`, problem: p.problem })));
  }
}
