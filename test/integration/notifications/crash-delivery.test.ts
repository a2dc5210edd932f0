import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellTask, type WireProcess, waitFor } from '../../helpers/harness.js';
import { MailRelay } from '../../helpers/mail-relay.js';
import { ServerProcess } from '../../helpers/server-process.js';
import { backend, freshDatabase } from '../../helpers/test-database.js';
import type { WireDelivery } from './deliveries.js';

type RunWithDeliveries = WireProcess & { notification_deliveries?: WireDelivery[] };

async function runOf(server: ServerProcess, id: string): Promise<RunWithDeliveries> {
  return (await server.api<RunWithDeliveries>('GET', `/api/processes/${id}`)).body;
}

// Several servers on one store, and a store that outlives kill -9, are PostgreSQL's.
describe.skipIf(backend !== 'postgres')(
  "a server killed between a run's end and the delivery of its e-mail",
  () => {
    let db: Awaited<ReturnType<typeof freshDatabase>>;
    let relay: MailRelay;
    const servers: ServerProcess[] = [];
    // A short lease, so a message a dead server held is taken over within seconds.
    const start = () =>
      ServerProcess.start(['--database-url', db.options.databaseUrl!, '--smtp-url', relay.url], {
        SUNDIAL_NOTIFY_LEASE_MS: '3000',
        SUNDIAL_NOTIFY_POLL_MS: '200',
        SUNDIAL_NOTIFY_RETRY_BASE_MS: '50',
      }).then((s) => {
        servers.push(s);
        return s;
      });

    beforeAll(async () => {
      db = await freshDatabase();
      relay = await MailRelay.start();
    });
    afterAll(async () => {
      for (const s of servers) await s.stop();
      await relay?.stop();
      await db?.drop();
    });

    it('delivers it exactly once after the restart, by one of two replicas, and shows the interrupted attempt', async () => {
      const first = await start();
      await first.waitForLog((r) => r.msg === 'became scheduler leader');
      relay.hold(); // the relay takes the connection and stalls at MAIL FROM: the e-mail is on its way, not delivered
      await first.api('PUT', '/api/process_definitions/crashy', {
        process_definition_name: 'crashy',
        task_definitions: [shellTask('nope', 'exit 1')],
        notifications: [{ email: { name: 'Ops', email: 'ops@example.com', notify_when: 'on_failure' } }],
      });
      await first.api('POST', '/api/process_definitions/crashy/trigger');
      const runId = await waitFor(async () => {
        const runs = (await first.api<WireProcess[]>('GET', '/api/processes?process_definition_name=crashy'))
          .body;
        return runs[0]?.status === 'failed' ? runs[0].process_id : undefined;
      });
      await waitFor(async () => (relay.mailFromCount >= 1 ? true : undefined));
      const sending = await runOf(first, runId);
      expect(sending.notification_deliveries).toMatchObject([
        { status: 'pending', attempts: [{ attempt: 1, result: 'sending' }] },
      ]);

      first.signalGroup('SIGKILL');
      await first.exited;
      relay.release(); // the dead server's session goes nowhere: its socket is gone

      const [a, b] = await Promise.all([start(), start()]);
      const delivered = await waitFor(async () => {
        const d = (await runOf(a, runId)).notification_deliveries?.[0];
        return d?.status === 'sent' ? d : undefined;
      }, 30_000);
      expect(delivered.attempts.map((x) => x.result)).toEqual(['interrupted', 'sent']);
      expect(delivered.attempts[0]!.detail).toBe(
        'the sender stopped before it recorded a result; sending again',
      );
      // sent is final: neither replica sends it again
      expect(relay.mails.map((m) => [m.to, m.subject])).toEqual([
        [['ops@example.com'], '[Sundial] crashy failed'],
      ]);
      expect((await runOf(b, runId)).status).toBe('failed');
    });
  },
);
