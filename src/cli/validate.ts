import type { Command } from 'commander';
import { ValidationError } from '../domain/validation-error.js';
import { collectFiles } from './cli-options.js';

interface ValidateOptions {
  file: string[];
  next?: string;
  from?: string;
}

/**
 * `sundial validate -f FILE… [--next N [--from ISO]]`: checks definitions
 * without a server; with `--next`, prints for each cron schedule its name and
 * then its next N firings as ISO-8601 UTC times, one per line.
 *
 * @example
 * registerValidateCommand(program);
 * // sundial validate -f nightly.json --next 3
 */
export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check process definition files without a server')
    .requiredOption('-f, --file <file>', 'definition JSON (repeatable; - reads standard input)', collectFiles)
    .option('--next <n>', 'print the next N firings of each cron schedule')
    .option('--from <iso-8601>', 'count --next firings from this time instead of now')
    .action(async (o: ValidateOptions) => {
      const count = o.next === undefined ? 0 : Number(o.next);
      if (o.next !== undefined && !(Number.isInteger(count) && count >= 1)) {
        usage('--next', `expects a whole number of at least 1 (got '${o.next}')`);
      }
      const from = o.from === undefined ? new Date() : new Date(o.from);
      if (Number.isNaN(from.getTime())) usage('--from', `expects an ISO-8601 time (got '${o.from}')`);
      // Imported here: the definition checks and croner are only this command's (and `apply`'s), not `server`'s start.
      const [{ nextFireTimes }, { readDefinitionFiles, validDefinition, warnAboutBatchQueue }] =
        await Promise.all([import('../domain/schedule.js'), import('./definition-files.js')]);
      const defs = readDefinitionFiles(o.file).map((read) => {
        const def = validDefinition(read, from);
        warnAboutBatchQueue(def);
        const { file } = read;
        // With --next the firings are the output; the verdict goes to stderr.
        (count ? console.error : console.log)(
          `${file}: valid (${def.process_definition_name}, ${def.task_definitions.length} tasks)`,
        );
        return def;
      });
      for (const def of count ? defs : []) {
        if (!def.schedule || !('cron_schedule' in def.schedule)) continue;
        console.log(def.process_definition_name);
        for (const at of nextFireTimes(def.schedule.cron_schedule, from, count))
          console.log(at.toISOString());
      }
    });
}

function usage(flag: string, problem: string): never {
  throw new ValidationError([{ field: flag, problem }]);
}
