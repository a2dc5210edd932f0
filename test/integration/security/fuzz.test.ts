import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, shellTask } from '../../helpers/harness.js';
import { backend } from '../../helpers/test-database.js';
import { bodyFuzzer, bodyText, prng } from './fuzz-bodies.js';

// 10,000 distinct bodies per suite run: half on each backend, each from its own seed
// (the validation is the same code; what a refusal may leave behind is the backend's part).
const BODIES = Number(process.env.SUNDIAL_FUZZ_BODIES ?? 5_000);
const SEED = Number(process.env.SUNDIAL_FUZZ_SEED ?? 20261130) + (backend === 'postgres' ? 1 : 0);
const NAME = 'fuzzed';
const MISSING = '00000000-0000-4000-8000-000000000000';

/** Everything a request could change (the audit log records refusals on purpose, so it is left out). */
const FINGERPRINT = `select concat_ws('|',
  (select md5(coalesce(string_agg(name || definition::text || paused, ',' order by name), '')) from process_definitions),
  (select count(*) from trigger_requests), (select count(*) from processes),
  (select md5(coalesce(string_agg(id::text || status || coalesce(reported_status, ''), ',' order by id), '')) from tasks),
  (select count(*) from task_log_entries), (select count(*) from task_metadata_entries),
  (select count(*) from api_tokens)) as fp`;

describe(`fuzz: ${BODIES} hostile bodies from the OpenAPI schemas against PUT definitions and every POST`, () => {
  let h: Harness;
  let taskId = '';
  beforeAll(async () => {
    h = await Harness.start({ aws: false });
    await h.put({ process_definition_name: NAME, task_definitions: [shellTask('a', 'true')] });
    taskId = (await h.triggerAndWait(NAME)).task[0]!.task_id;
  });
  afterAll(async () => h?.close());

  it('never answers 5xx, stays alive, and a refused request changes no row', async () => {
    const random = prng(SEED);
    const posts = h.sundial.api.routeAccess.filter((r) => r.method === 'POST').map((r) => r.url);
    // Real targets where a body matters; for actions that ignore bodies, targets that do not exist.
    const targets: { url: string; method: 'PUT' | 'POST'; model: string }[] = [
      { method: 'PUT', url: `/api/process_definitions/${NAME}`, model: 'process_definition' },
      ...posts.map((url) => ({
        method: 'POST' as const,
        url: url
          .replace(':name', 'no-such-definition')
          .replace(/\/api\/processes\/:id/, `/api/processes/${MISSING}`)
          .replace(/\/api\/tasks\/:id\/(succeed|fail)/, `/api/tasks/${MISSING}/$1`)
          .replace(':id', taskId),
        model: url.endsWith('/log_entries')
          ? 'log_entry[]'
          : url.endsWith('/metadata')
            ? 'metadata_entry[]'
            : 'process_definition',
      })),
    ];
    const fuzzers = new Map(targets.map((t) => [t.model, bodyFuzzer(t.model, random)]));
    const fingerprint = async () => (await h.sundial.db.query<{ fp: string }>(FINGERPRINT))[0]!.fp;

    const statuses = new Map<number, number>();
    const fiveHundreds: string[] = [];
    let checked = 0;
    let batchStart = await fingerprint();
    let batchAccepted = false;
    let batchSize = 0;
    for (let i = 0; i < BODIES; i++) {
      const target = targets[i % targets.length]!;
      const payload = bodyText(fuzzers.get(target.model)!());
      const res = await h.sundial.api.inject({
        method: target.method,
        url: target.url,
        payload,
        headers: { 'content-type': 'application/json' },
      });
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode >= 500)
        fiveHundreds.push(`${target.method} ${target.url} ${payload.slice(0, 300)} -> ${res.body}`);
      else if (res.statusCode < 400) batchAccepted = true;
      batchSize++;
      // Fingerprints every 20 requests: a batch of refusals only must leave every row as it was.
      if (batchSize === 20 || i === BODIES - 1) {
        const now = await fingerprint();
        if (!batchAccepted) {
          expect(now, `rows changed by refused requests before #${i}`).toBe(batchStart);
          checked += batchSize;
        }
        batchStart = now;
        batchAccepted = false;
        batchSize = 0;
      }
    }
    expect(fiveHundreds.slice(0, 5)).toEqual([]);
    expect((await h.request('GET', '/_internal_/healthcheck')).status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Most batches hold refusals only; say how many were checked, and how the server answered.
    console.info(
      `fuzz seed ${SEED}: statuses ${JSON.stringify(Object.fromEntries(statuses))}; ${checked} refusals checked row by row`,
    );
    expect(checked).toBeGreaterThan(BODIES / 5);
  }, 300_000);
});
