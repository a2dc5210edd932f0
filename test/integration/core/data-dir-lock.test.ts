import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../../helpers/cli.js';
import { backend } from '../../helpers/test-database.js';

// Only the embedded store has a data directory to share.
describe.skipIf(backend !== 'pglite')('one server per embedded data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sundial-lock-'));
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const s of servers) s.kill('SIGKILL');
    await Promise.all(servers.map((s) => s.exited));
    rmSync(dir, { recursive: true, force: true });
  });
  const start = async () => {
    const server = await startServer(['--data-dir', dir, '--port', '0']);
    servers.push(server);
    return server;
  };

  it('a second server on a directory in use refuses to start and names the holder', async () => {
    const first = await start();
    const second = startServer(['--data-dir', dir, '--port', '0']);
    await expect(second).rejects.toThrow(
      new RegExp(`exited \\(1\\)[^]*data directory ${dir} is in use by process ${first.pid}`),
    );
    // The first one is unharmed.
    expect((await fetch(`${first.url}/_internal_/healthcheck`)).status).toBe(200);
  });

  it('a lock left by a process that died is taken over', async () => {
    const first = servers[0]!;
    first.kill('SIGKILL');
    await first.exited;
    const next = await start();
    expect((await fetch(`${next.url}/api/process_definitions`)).status).toBe(200);
  });
});
