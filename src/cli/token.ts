import type { Command } from 'commander';
import { ApiError, callApi } from './http-client.js';
import type { Where, WireToken } from './token-database.js';

// The database side (and the token checks it shares with the API) is imported in the actions:
// registering the command must not load the storage layer for every other command.
const inDatabase = () => import('./token-database.js');

/**
 * `sundial token create|list|revoke`: API tokens, straight in the database
 * (how the first admin token is made; with embedded PGlite, while the server
 * is stopped) or, with `--url`, through a running server's API (an admin token
 * in `--token`/SUNDIAL_TOKEN).
 */
export function registerTokenCommand(program: Command): void {
  const token = program.command('token').description('API tokens: create (shown once), list, revoke');
  const where = (c: Command) =>
    c
      .option(
        '--url <url>',
        'manage tokens through this server (needs an admin token) instead of the database',
      )
      .option(
        '--data-dir <dir>',
        'embedded PGlite directory',
        process.env.SUNDIAL_DATA_DIR ?? '.sundial/data',
      )
      .option('--database-url <url>', 'PostgreSQL URL (wins over --data-dir)', process.env.DATABASE_URL);

  where(token.command('create').description('create a token and print it (it is never shown again)'))
    .requiredOption('--name <name>', 'what the token is for, e.g. ci')
    .requiredOption('--role <role>', 'viewer (read), operator (trigger, kill, retry, pause, resume) or admin')
    .action(async (o: Where & { name: string; role: string }) => {
      const tokens = await inDatabase();
      const wanted = tokens.checkTokenRequest({ name: o.name, role: o.role });
      const created = o.url
        ? ((await callApi(o.url, 'POST', '/api/tokens', wanted)) as WireToken)
        : await tokens.createToken(o, wanted);
      console.error(`created ${created.role} token '${created.name}' (${created.token_id}); store it now:`);
      console.log(created.token);
    });

  where(token.command('list').description('list tokens (never the tokens themselves)')).action(
    async (o: Where) => {
      const rows = o.url
        ? ((await callApi(o.url, 'GET', '/api/tokens')) as WireToken[])
        : await (await inDatabase()).listTokens(o);
      for (const t of rows) {
        const state = t.revoked_at ? `revoked ${t.revoked_at}` : 'active';
        console.log(
          `${t.token_id}  ${t.prefix}…  ${t.role.padEnd(8)}  ${t.name}  (${state}, created ${t.created_at})`,
        );
      }
    },
  );

  where(token.command('revoke <id-or-name>').description('revoke a token; it stops working at once')).action(
    async (idOrName: string, o: Where) => {
      if (o.url) await callApi(o.url, 'DELETE', `/api/tokens/${encodeURIComponent(idOrName)}`);
      else {
        const done = await (await inDatabase()).revokeToken(o, idOrName);
        if (!done) throw new ApiError(404, `no active token '${idOrName}'`);
      }
      console.log(`revoked ${idOrName}`);
    },
  );
}
