import { describe, expect, it } from 'vitest';
import { createOnce } from '../../../src/executors/aws/create-once.js';

const lostResponse = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', $metadata: {} });
const throttled = () =>
  Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $metadata: { httpStatusCode: 400 },
  });
const badRequest = () =>
  Object.assign(new Error('Job Queue nope does not exist'), {
    name: 'ClientException',
    $metadata: { httpStatusCode: 400 },
  });

/** A fake AWS: `create` takes effect, then fails as told; `find` sees what was created. */
function fakeAws(failures: (() => Error)[]) {
  const created: string[] = [];
  return {
    created,
    finds: 0,
    find: async function (this: { finds: number }) {
      this.finds++;
      return created[0];
    },
    create: async () => {
      const failure = failures.shift();
      if (failure?.().name !== 'ThrottlingException' && failure?.().name !== 'ClientException') {
        created.push(`job-${created.length + 1}`);
      }
      if (failure) throw failure();
      return created.at(-1)!;
    },
  };
}

const run = (aws: ReturnType<typeof fakeAws>, lookFirst = false) =>
  createOnce({
    lookFirst,
    stopped: () => false,
    baseDelayMs: 1,
    find: () => aws.find.call(aws),
    create: aws.create,
  });

describe('createOnce', () => {
  it('finds what a lost response created instead of creating it again', async () => {
    const aws = fakeAws([lostResponse]);
    expect(await run(aws)).toBe('job-1');
    expect(aws.created).toEqual(['job-1']);
  });

  it('retries throttled attempts without looking (they did not happen)', async () => {
    const aws = fakeAws([throttled, throttled]);
    expect(await run(aws)).toBe('job-1');
    expect(aws.finds).toBe(0);
  });

  it('looks first on a replay and adopts what it finds', async () => {
    const aws = fakeAws([]);
    aws.created.push('job-from-before-the-crash');
    expect(await run(aws, true)).toBe('job-from-before-the-crash');
    expect(aws.created).toHaveLength(1);
  });

  it('gives up at once on a client error', async () => {
    const aws = fakeAws([badRequest]);
    await expect(run(aws)).rejects.toThrow('does not exist');
    expect(aws.finds).toBe(0);
  });
});
