import type { ProcessDefinition } from './domain/types.js';

const shell = (script: string) => ({ shell_script_command: { script } });

/** Loaded into an empty embedded store on first start, so a newcomer sees a run at once. */
export const sampleProcess: ProcessDefinition = {
  process_definition_name: 'hello-sundial',
  process_description: 'A sample DAG: extract, two transforms in parallel, then a report. Safe to delete.',
  schedule: {
    cron_schedule: { minutes: '*/15', hours: '*', day_of_month: '*', month: '*', day_of_week: '?' },
  },
  overlap_action: 'wait',
  task_definitions: [
    {
      task_definition_name: 'extract',
      dependencies: [],
      executable: shell('echo "extracting as task $SUNDIAL_TASK_ID"; sleep 1; echo "**metadata:rows=42"'),
      max_attempts: 2,
      backoff_base_seconds: 5,
      backoff_exponent: 2,
    },
    ...['clean', 'enrich'].map((name) => ({
      task_definition_name: name,
      dependencies: [{ task_definition_name: 'extract', success_required: true }],
      executable: shell(`echo "${name}ing"; sleep 1`),
      max_attempts: 1,
      backoff_base_seconds: 0,
    })),
    {
      task_definition_name: 'report',
      dependencies: [
        { task_definition_name: 'clean', success_required: true },
        { task_definition_name: 'enrich', success_required: true },
      ],
      executable: shell('echo "report ready" >&2'),
      max_attempts: 1,
      backoff_base_seconds: 0,
    },
  ],
};
