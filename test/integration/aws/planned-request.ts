import { taskToken } from '../../../src/api/auth/task-token.js';
import { planAwsRequests } from '../../../src/cli/plan.js';
import type { ProcessDefinition } from '../../../src/domain/types.js';
import { serverSecret } from '../../../src/storage/stores/server-secrets-store.js';
import type { Harness, WireProcess } from '../../helpers/harness.js';

/**
 * The input of the request `sundial plan` shows for the definition's first AWS task, with its
 * placeholders replaced by the run's ids and its first task's token: what the executor should
 * have sent for that run.
 */
export async function plannedInputOfRun(h: Harness, def: ProcessDefinition, run: WireProcess) {
  const task = run.task[0]!;
  const [planned] = planAwsRequests(def, { publicUrl: h.url });
  const token = taskToken(await serverSecret(h.sundial.db, 'task-token-key'), task.task_id);
  return JSON.parse(
    JSON.stringify(planned!.input)
      .replaceAll('<task-id>', task.task_id)
      .replaceAll('<process-id>', run.process_id)
      .replaceAll('<task-token>', token),
  );
}
