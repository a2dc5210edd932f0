import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const ROOT = '/usr/lib/postgresql';

/** The bin directory of the newest PostgreSQL server installed, if any (initdb and pg_ctl live there). */
export function postgresBin(): string | undefined {
  const versions = existsSync(ROOT) ? readdirSync(ROOT) : [];
  return versions
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(ROOT, v, 'bin'))
    .find((bin) => existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl')));
}

/**
 * A PostgreSQL cluster of a test's own (initdb in a temporary directory, its own port, trust
 * auth), for what must not be done to the shared server: stopping and restarting it. As root
 * (CI), the cluster runs as the `postgres` user, since PostgreSQL refuses to run as root.
 *
 * @example
 * const pg = await PrivatePostgres.start(postgresBin()!);
 * const url = pg.url();
 * await pg.stop(); await pg.start(); // a restart, with the gap under the test's control
 * await pg.destroy();
 */
export class PrivatePostgres {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
  ) {}

  static async start(bin: string): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'sundial-pg-'));
    if (process.getuid?.() === 0) chownSync(dir, ...postgresIds());
    const pg = new PrivatePostgres(bin, dir, await freePort());
    await pg.ctl('initdb', ['-D', pg.data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    await pg.start();
    return pg;
  }

  /** The URL of one of its databases (default `postgres`, which initdb makes). */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Creates a database and returns its URL. */
  async createDatabase(name: string): Promise<string> {
    const admin = new pg.Client({ connectionString: this.url() });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    return this.url(name);
  }

  /** Starts the cluster and waits until it accepts connections. */
  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    await this.ctl('pg_ctl', ['-D', this.data, '-l', join(this.dir, 'log'), '-w', '-o', options, 'start']);
  }

  /** `pg_ctl stop -m fast`: every session is terminated, as in a restart or a failover. */
  async stop(): Promise<void> {
    await this.ctl('pg_ctl', ['-D', this.data, '-m', 'fast', '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    await this.ctl('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
    rmSync(this.dir, { recursive: true, force: true });
  }

  private get data(): string {
    return join(this.dir, 'data');
  }

  private async ctl(program: string, args: string[]): Promise<void> {
    const path = join(this.bin, program);
    if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', path, ...args]);
    else await run(path, args);
  }
}

/** The uid and gid of the `postgres` user, which every distribution's PostgreSQL package creates. */
function postgresIds(): [number, number] {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return [id('-u'), id('-g')];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
