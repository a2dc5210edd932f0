import { existsSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../../src/storage/migrations/index.js';
import { openDatabase } from '../../../src/storage/open-database.js';
import { buildPgliteTemplate, seedFromTemplate } from '../../../src/storage/pglite-template.js';

// Each case starts PGlite: seconds on a busy machine.
describe('a new embedded store seeded from the migrated template', { timeout: 60_000 }, () => {
  let root: string;
  let template: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'sundial-template-'));
    template = join(root, 'template.tar.gz');
    writeFileSync(template, Buffer.from(await (await buildPgliteTemplate()).arrayBuffer()));
  }, 60_000); // initdb
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function openedMigrations(dir: string): Promise<{ ids: number[]; sharedBuffers: string }> {
    const db = await openDatabase({ dataDir: dir });
    try {
      const rows = await db.query<{ id: number }>('select id from sundial_migrations order by id');
      const [setting] = await db.query<{ shared_buffers: string }>('show shared_buffers');
      return { ids: rows.map((r) => r.id), sharedBuffers: setting!.shared_buffers };
    } finally {
      await db.close();
    }
  }

  it('opens as an existing store with every migration applied and the small buffer pool', async () => {
    const dir = join(root, 'fresh');
    expect(await seedFromTemplate(dir, template)).toBe(true);
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(dir, 'PG_VERSION.partial'))).toBe(false);
    const opened = await openedMigrations(dir);
    expect(opened.ids).toEqual(migrations.map((m) => m.id).sort((a, b) => a - b));
    expect(opened.sharedBuffers).toBe('16MB');
  });

  it('unpacks again over a directory an interrupted unpack left without PG_VERSION', async () => {
    const dir = join(root, 'interrupted');
    await seedFromTemplate(dir, template);
    rmSync(join(dir, 'PG_VERSION'));
    truncateSync(join(dir, 'global', 'pg_control'), 10);
    expect(await seedFromTemplate(dir, template)).toBe(true);
    expect((await openedMigrations(dir)).ids.length).toBe(migrations.length);
  });

  it('says so when there is no template (running from source)', async () => {
    expect(await seedFromTemplate(join(root, 'none'), join(root, 'missing.tar.gz'))).toBe(false);
  });
});
