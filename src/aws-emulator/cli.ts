import { parseArgs } from 'node:util';
import { startAwsEmulator } from './emulator.js';

/**
 * Entry point for `sundial aws-emulator`: starts the emulator, prints its URL, stops on
 * SIGINT/SIGTERM. Returns the running emulator so callers may also stop it themselves.
 *
 * @example
 * await runAwsEmulatorCli(['--port', '4566', '--transition-ms', '500', '--extra-path', './bin']);
 */
export async function runAwsEmulatorCli(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '4566' },
      host: { type: 'string', default: '127.0.0.1' },
      'transition-ms': { type: 'string' },
      'log-upload-ms': { type: 'string' },
      'extra-path': { type: 'string', multiple: true },
      verbose: { type: 'boolean', default: false },
    },
  });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const timings = {
    ...(values['transition-ms'] ? { transitionMs: num(values['transition-ms']) } : {}),
    ...(values['log-upload-ms'] ? { logUploadMs: num(values['log-upload-ms']) } : {}),
  };
  const emulator = await startAwsEmulator({
    port: Number(values.port),
    host: values.host,
    timings,
    extraPath: values['extra-path'] ?? [],
    log: values.verbose ? (line) => console.log(`[aws-emulator] ${line}`) : undefined,
  });
  console.log(`AWS emulator listening on ${emulator.url} (export AWS_ENDPOINT_URL=${emulator.url})`);
  const shutdown = () => {
    emulator.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  return emulator;
}
