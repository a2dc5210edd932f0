// Child process for the fan-out scenario: graphile-worker's fan-out in a process of its own, as a
// deployment runs it. In the bench's process it would fork every shell job from a process that by
// then holds Sundial and PGlite too, and fork's cost grows with the forking process's memory.
// Args: <postgres url> <jobs> <concurrency> <noop|shell>. Prints its result as one JSON line.
import type { TrivialKind } from '../lib/definitions.js';
import { graphileFanOut } from './graphile.js';

const [url, n, concurrency, kind] = process.argv.slice(2);
const result = await graphileFanOut(url!, Number(n), Number(concurrency), kind as TrivialKind);
console.log(JSON.stringify(result));
