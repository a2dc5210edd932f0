import type { Queryable } from '../../src/storage/database.js';

export const HISTORY_DEFINITIONS = 100;
export const TASKS_PER_PROCESS = 5;

const definitionName = (g: string) => `'hist-' || lpad((${g} % ${HISTORY_DEFINITIONS})::text, 3, '0')`;

const snapshot = JSON.stringify(
  Array.from({ length: TASKS_PER_PROCESS }, (_, i) => ({
    task_definition_name: `t${i + 1}`,
    dependencies: i === 0 ? [] : [{ task_definition_name: `t${i}`, success_required: true }],
    executable: { shell_script_command: { script: 'run-step' } },
    max_attempts: 1,
    backoff_base_seconds: 0,
  })),
);

/**
 * Writes `processes` finished runs of 5 tasks each straight into the tables
 * (one every 30 s going back in time, 1 in 50 failed), with sparse log lines
 * (3 for 1 task in 20) and metadata (1 entry for 1 task in 100).
 *
 * @example
 * await seedHistory(db, 200_000); // 1,000,000 tasks
 */
export async function seedHistory(db: Queryable, processes: number): Promise<void> {
  const at = (g: string, k = '0') => `now() - ${g} * interval '30 seconds' + (${k}) * interval '1 minute'`;
  await db.query(
    `insert into processes (id, definition_name, status, started_at, ended_at, task_definitions, started_by)
     select md5('p' || g)::uuid, ${definitionName('g')},
       case when g % 50 = 0 then 'failed' else 'succeeded' end,
       ${at('g')}, ${at('g', '6')}, $1::jsonb, 'schedule'
     from generate_series(1, $2) g`,
    [snapshot, processes],
  );
  await db.query(
    `insert into tasks (id, process_id, definition_name, task_definition_name, attempt, status, executor,
       executable, started_at, ended_at, failure_reason, execution_state)
     select md5('t' || g || '-' || k)::uuid, md5('p' || g)::uuid, ${definitionName('g')}, 't' || k, 0,
       case when g % 50 = 0 and k = ${TASKS_PER_PROCESS} then 'failed' else 'succeeded' end, 'shell',
       '{"shell_script_command":{"script":"run-step"}}'::jsonb, ${at('g', 'k')}, ${at('g', 'k + 0.8')},
       case when g % 50 = 0 and k = ${TASKS_PER_PROCESS} then 'the shell job exited with code 1' end,
       jsonb_build_object('pid', 1000 + g, 'host', 'bench')
     from generate_series(1, $1) g cross join generate_series(1, ${TASKS_PER_PROCESS}) k`,
    [processes],
  );
  await db.query(
    `insert into task_log_entries (id, task_id, at, source, message)
     select md5('l' || g || '-' || k || '-' || l)::uuid, md5('t' || g || '-' || k)::uuid, ${at('g', 'k')},
       'stdout', 'step ' || k || ' line ' || l
     from generate_series(4, $1, 4) g cross join generate_series(1, ${TASKS_PER_PROCESS}, 5) k
       cross join generate_series(1, 3) l`,
    [processes],
  );
  await db.query(
    `insert into task_metadata_entries (id, task_id, at, key, value)
     select md5('m' || g)::uuid, md5('t' || g || '-1')::uuid, ${at('g', '1')}, 'rows', (g * 7)::text
     from generate_series(20, $1, 20) g`,
    [processes],
  );
  await db.query('analyze');
}
