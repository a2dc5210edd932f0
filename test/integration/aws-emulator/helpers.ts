import { fileURLToPath } from 'node:url';
import {
  type AwsEmulator,
  type AwsEmulatorOptions,
  startAwsEmulator,
} from '../../../src/aws-emulator/index.js';

/** Stand-in commands (spark-submit, emit-lines...) that the emulator finds on PATH. */
export const FIXTURE_BIN = fileURLToPath(new URL('../../fixtures/aws-emulator/bin', import.meta.url));

export function startTestEmulator(options: AwsEmulatorOptions = {}): Promise<AwsEmulator> {
  return startAwsEmulator({
    extraPath: [FIXTURE_BIN],
    timings: { transitionMs: 30, logUploadMs: 200, killGraceMs: 500, ...options.timings },
    ...options,
  });
}

/** The configuration every test client uses: only the endpoint differs from real AWS. */
export function clientConfig(emulator: AwsEmulator) {
  return {
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
}

/** Polls `read` until `done` accepts its result; fails with the last value after the deadline. */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 15000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`waitFor timed out; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
    last = await read();
  }
  return last;
}
