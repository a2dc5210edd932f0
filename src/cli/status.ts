import { callApi } from './http-client.js';

interface WireTask {
  task_definition_name: string;
  status: string;
  previous_attempt_count: number;
  failure_reason?: string;
}
interface WireProcess {
  process_id: string;
  process_definition_name: string;
  start_time: string;
  status: string;
  task: WireTask[];
}

/** Prints recent runs with each task's latest attempt. */
export async function printStatus(url: string, name: string | undefined, limit: number): Promise<void> {
  const query = new URLSearchParams({ max_records: String(limit) });
  if (name) query.set('process_definition_name', name);
  const processes = (await callApi(url, 'GET', `/api/processes?${query}`)) as WireProcess[];
  if (processes.length === 0) console.log(name ? `no runs of ${name} yet` : 'no runs yet');
  for (const p of processes) {
    console.log(`${p.start_time}  ${p.status.padEnd(9)}  ${p.process_definition_name}  ${p.process_id}`);
    const latest = new Map<string, WireTask>();
    for (const t of p.task) {
      const seen = latest.get(t.task_definition_name);
      if (!seen || seen.previous_attempt_count < t.previous_attempt_count)
        latest.set(t.task_definition_name, t);
    }
    for (const t of latest.values()) {
      const attempt = t.previous_attempt_count > 0 ? ` (attempt ${t.previous_attempt_count + 1})` : '';
      const reason = t.failure_reason ? `: ${t.failure_reason}` : '';
      console.log(`    ${t.status.padEnd(9)}  ${t.task_definition_name}${attempt}${reason}`);
    }
  }
}
