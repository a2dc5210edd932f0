// Child process for the idle-cost scenario: graphile-worker with a crontab
// of far-future entries, doing nothing else. Args: <postgres url> <entries>.
import { run } from 'graphile-worker';
import { peerPool, silentLogger } from './graphile.js';

const [url, count] = process.argv.slice(2);
// "At 00:00 on 1 January", one entry per definition, each with its own identifier.
const crontab = Array.from({ length: Number(count) }, (_, i) => `0 0 1 1 * idle ?id=idle_${i}`).join('\n');
const runner = await run({
  pgPool: peerPool(url!),
  noHandleSignals: true,
  logger: silentLogger,
  crontab,
  taskList: { idle: async () => {} },
});
console.log('ready');
process.once('SIGTERM', () => void runner.stop().then(() => process.exit(0)));
