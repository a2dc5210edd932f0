import { Command, CommanderError } from 'commander';
import { ValidationError } from '../domain/validation-error.js';
import { sundialVersion } from '../version.js';
import { registerAwsEmulatorCommand } from './aws-emulator-command.js';
import { registerDefinitionCommands } from './definition-commands.js';
import { EXIT } from './exit-codes.js';
import { UnreachableError, useApiToken } from './http-client.js';
import { registerLogsCommand } from './logs.js';
import { registerPlanCommand } from './plan-command.js';
import { registerRunCommands } from './run-commands.js';
import { registerServerCommand } from './server-command.js';
import { registerStatusCommand } from './status.js';
import { registerTokenCommand } from './token.js';
import { registerValidateCommand } from './validate.js';

const program = new Command('sundial')
  .description('Batch-job scheduler: shell, AWS Batch, ECS and EMR jobs as DAGs')
  .version(sundialVersion(), '-V, --version')
  // Usage errors (unknown flag, missing argument) exit as invalid input; commands inherit this.
  .exitOverride((err) => {
    throw err;
  })
  .option('--token <token>', 'API token the client commands send (default: SUNDIAL_TOKEN)')
  .hook('preAction', () => useApiToken(program.opts<{ token?: string }>().token));

registerServerCommand(program);
registerValidateCommand(program);
registerDefinitionCommands(program);
registerRunCommands(program);
registerStatusCommand(program);
registerLogsCommand(program);
registerPlanCommand(program);
registerTokenCommand(program);
registerAwsEmulatorCommand(program);

program.parseAsync().catch((e: Error) => {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? EXIT.OK : EXIT.INVALID);
  console.error(`error: ${e.message}`);
  process.exit(
    e instanceof ValidationError
      ? EXIT.INVALID
      : e instanceof UnreachableError
        ? EXIT.UNREACHABLE
        : EXIT.FAILED,
  );
});
