// Child process for the fan-out scenario: not a peer but the floor both sides stand on. A bare Node
// loop spawning `bash -c true` exactly as graphile-worker's task does (stdin /dev/null, output
// piped), `concurrency` at a time, with no database and no bookkeeping: no scheduler that spawns
// the same command from Node can run it faster on this machine.
// Args: <jobs> <concurrency>. Prints its result as one JSON line: { perSecond }.
import { trivialWork } from '../lib/definitions.js';

const [jobs, concurrency] = process.argv.slice(2).map(Number) as [number, number];
let next = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < jobs) {
      next += 1;
      await trivialWork('shell');
    }
  }),
);
console.log(JSON.stringify({ perSecond: jobs / ((performance.now() - t0) / 1000) }));
