import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sundial } from '../../helpers/cli.js';
import { Harness, waitFor } from '../../helpers/harness.js';
import { backend } from '../../helpers/test-database.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

// The README's AWS walk-through, followed literally through the built bin (one backend suffices).
describe.skipIf(backend !== 'postgres')('the README walk-through', () => {
  it('`sundial aws-emulator` with its own stand-ins runs examples/aws-walkthrough.json to success', async () => {
    const emulator = spawn(process.execPath, ['bin/sundial.js', 'aws-emulator', '--port', '0'], {
      cwd: ROOT,
    });
    let out = '';
    emulator.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    let h: Harness | undefined;
    try {
      const endpoint = await waitFor(async () => /listening on (http:\/\/\S+)/.exec(out)?.[1]);
      h = await Harness.start({
        aws: {
          client: {
            endpoint,
            region: 'us-east-1',
            credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
          },
          batchJobQueue: 'default', // SUNDIAL_BATCH_JOB_QUEUE=default in the README
          poll: { fastMs: 100, slowMs: 300 },
        },
        liveLogs: { graceMs: 300, s3GraceMs: 300 },
      });
      const applied = await sundial(['apply', '-f', 'examples/aws-walkthrough.json', '--url', h.url]);
      expect(applied.code).toBe(0);
      const run = await sundial(['trigger', 'aws-walkthrough', '--wait', '--url', h.url]);
      expect(run.stderr).toContain('process succeeded');
      expect(run.stdout).toContain('spark-submit stand-in: jar s3://walkthrough-jars/job.jar');
      expect(run.code).toBe(0);
    } finally {
      await h?.close();
      emulator.kill('SIGTERM');
      await once(emulator, 'exit');
    }
  });
});
