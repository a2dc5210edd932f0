import type { Database } from '../storage/database.js';
import { runningProcessIds } from '../storage/stores/processes-store.js';
import { getTriggerRequest } from '../storage/stores/triggers-store.js';

/** Response headers of a trigger; the 204 without a body stays as the original API had it. */
export const PROCESS_ID_HEADER = 'sundial-process-id';
export const TRIGGER_REQUEST_HEADER = 'sundial-trigger-request-id';

/** How long a trigger waits for the scheduler to start its run (it takes milliseconds when it can). */
const WAIT_MS = 3000;
const LOOK_EVERY_MS = 20;

/**
 * The id of the run a trigger request became, for the `sundial-process-id`
 * header: the scheduler turns requests into runs, usually within
 * milliseconds. Undefined when a run of the definition is in progress (the
 * request waits for it, per overlap_action) or the scheduler was slower.
 *
 * @example
 * const processId = await triggeredProcess(db, 'nightly', requestId);
 */
export async function triggeredProcess(
  db: Database,
  definitionName: string,
  requestId: string,
): Promise<string | undefined> {
  if ((await runningProcessIds(db, definitionName)).length > 0) return undefined;
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const request = await getTriggerRequest(db, requestId);
    // Gone: its definition was deleted before the run started.
    if (!request) return undefined;
    if (request.process_id) return request.process_id;
    await new Promise((resolve) => setTimeout(resolve, LOOK_EVERY_MS));
  }
  return undefined;
}
