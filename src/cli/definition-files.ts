import { readFileSync } from 'node:fs';
import type { ProcessDefinition } from '../domain/types.js';
import { validateDefinition } from '../domain/validate-definition.js';
import { ValidationError } from '../domain/validation-error.js';

/** One `-f` argument read as JSON: its name as given (`-` is standard input) and its body. */
export interface DefinitionFile {
  file: string;
  body: unknown;
}

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

/** A Batch job needs a queue: its own `job_queue`, or the server's SUNDIAL_BATCH_JOB_QUEUE. */
export function warnAboutBatchQueue(def: ProcessDefinition): void {
  if (process.env.SUNDIAL_BATCH_JOB_QUEUE) return;
  def.task_definitions.forEach((t, i) => {
    if (!('batch_image_command' in t.executable) || t.executable.batch_image_command.job_queue) return;
    console.error(
      `warning: ${def.process_definition_name}: task_definitions[${i}] (${t.task_definition_name}) names no ` +
        'batch_image_command.job_queue and SUNDIAL_BATCH_JOB_QUEUE is not set here: the server needs ' +
        'SUNDIAL_BATCH_JOB_QUEUE (or --batch-job-queue) for this job to run',
    );
  });
}
