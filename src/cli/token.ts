import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { newApiToken } from '../api/auth/api-tokens.js';
import { checkTokenRequest, tokenToWire } from '../api/tokens-routes.js';
import type { Database, Queryable } from '../storage/database.js';
import { openDatabase } from '../storage/open-database.js';
import { insertAudit } from '../storage/stores/audit-store.js';
import { insertToken, listTokens, revokeToken } from '../storage/stores/tokens-store.js';
import { ApiError, callApi } from './http-client.js';

type Where = { url?: string; dataDir: string; databaseUrl?: string };
type WireToken = ReturnType<typeof tokenToWire> & { token?: string };

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
      const wanted = checkTokenRequest({ name: o.name, role: o.role });
      const created = o.url
        ? ((await callApi(o.url, 'POST', '/api/tokens', wanted)) as WireToken)
        : await inDatabase(o, (db) => createInDatabase(db, wanted));
      console.error(`created ${created.role} token '${created.name}' (${created.token_id}); store it now:`);
      console.log(created.token);
    });

  where(token.command('list').description('list tokens (never the tokens themselves)')).action(
    async (o: Where) => {
      const rows = o.url
        ? ((await callApi(o.url, 'GET', '/api/tokens')) as WireToken[])
        : await inDatabase(o, async (db) => (await listTokens(db)).map(tokenToWire));
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
        // The revocation and its audit entry commit together, or neither does.
        const done = await inDatabase(o, (db) =>
          db.transaction(async (tx) => {
            const revoked = await revokeToken(tx, idOrName, new Date());
            if (revoked) await audit(tx, 'token revoke', { id: idOrName });
            return revoked;
          }),
        );
        if (!done) throw new ApiError(404, `no active token '${idOrName}'`);
      }
      console.log(`revoked ${idOrName}`);
    },
  );
}

async function createInDatabase(
  db: Database,
  wanted: ReturnType<typeof checkTokenRequest>,
): Promise<WireToken> {
  const { token, hash, prefix } = newApiToken();
  const row = await db.transaction(async (tx) => {
    const inserted = await insertToken(tx, {
      id: randomUUID(),
      ...wanted,
      hash,
      prefix,
      createdBy: cliActor(),
    });
    if (!inserted) throw new ApiError(409, `an active token is already named '${wanted.name}'`);
    await audit(tx, 'token create', { name: wanted.name, role: wanted.role });
    return inserted;
  });
  return { ...tokenToWire(row), token };
}

const cliActor = () => `cli:${userInfo().username}`;

function audit(db: Queryable, action: string, target: Record<string, unknown>) {
  return insertAudit(db, {
    actor: cliActor(),
    role: null,
    action,
    target,
    status: null,
    remote_address: 'local',
  });
}

async function inDatabase<T>(o: Where, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(o.databaseUrl ? { databaseUrl: o.databaseUrl } : { dataDir: o.dataDir });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
