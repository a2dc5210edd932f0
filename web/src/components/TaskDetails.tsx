import { Fragment } from 'react';
import type { TaskDefinition } from '../api/types.js';

/** The fields of an executable an operator looks for first, by kind. */
function executableFacts(t: TaskDefinition): [string, string][] {
  const e = t.executable;
  if ('shell_script_command' in e) return [['Script', e.shell_script_command.script]];
  if ('noop_command' in e) return [];
  if ('batch_image_command' in e) {
    const b = e.batch_image_command;
    return [
      ['Image', `${b.image}${b.tag ? `:${b.tag}` : ''}`],
      ['Command', b.command.join(' ')],
      ['Memory', `${b.memory} MiB`],
      ...(b.vCpus !== undefined ? [['vCPUs', String(b.vCpus)] as [string, string]] : []),
      ...(b.job_queue ? [['Job queue', b.job_queue] as [string, string]] : []),
    ];
  }
  if ('docker_image_command' in e) {
    const d = e.docker_image_command;
    return [
      ['Image', `${d.image}:${d.tag}`],
      ['Command', d.command.join(' ')],
    ];
  }
  if ('emr_serverless_command' in e) {
    const s = e.emr_serverless_command;
    return [
      ['Application', s.application_id],
      ['Entry point', s.entry_point],
      ['Arguments', (s.entry_point_arguments ?? []).join(' ')],
    ];
  }
  const m = e.emr_command;
  const cluster =
    'existing_emr_cluster' in m.emr_cluster
      ? `existing ${m.emr_cluster.existing_emr_cluster.cluster_id}`
      : `new "${m.emr_cluster.new_emr_cluster.name}"`;
  return [
    ['Cluster', cluster],
    ['Class', m.class],
    ['Jar', m.s3_jar_path],
    ['Arguments', m.args.join(' ')],
  ];
}

const KINDS: Record<string, string> = {
  shell_script_command: 'shell',
  noop_command: 'no-op',
  batch_image_command: 'AWS Batch',
  docker_image_command: 'Amazon ECS',
  emr_command: 'Spark on EMR',
  emr_serverless_command: 'Spark on EMR Serverless',
};

/** A task definition: its kind and key fields, retries and limits. */
export function TaskDetails({ task }: { task: TaskDefinition }) {
  const kind = KINDS[Object.keys(task.executable)[0] ?? ''] ?? 'unknown';
  return (
    <dl className="facts task-facts">
      <dt>Task</dt>
      <dd>{task.task_definition_name}</dd>
      <dt>Kind</dt>
      <dd>{kind}</dd>
      {executableFacts(task).map(([k, v]) => (
        <Fragment key={k}>
          <dt>{k}</dt>
          <dd>
            <code>{v}</code>
          </dd>
        </Fragment>
      ))}
      <dt>Attempts</dt>
      <dd>
        up to {task.max_attempts}
        {task.max_attempts > 1 &&
          `, backoff base ${task.backoff_base_seconds} s, exponent ${task.backoff_exponent ?? 1}`}
      </dd>
      {task.max_runtime_seconds !== undefined && (
        <>
          <dt>Max runtime</dt>
          <dd>{task.max_runtime_seconds} s</dd>
        </>
      )}
      <dt>Depends on</dt>
      <dd>
        {task.dependencies.length === 0
          ? 'nothing'
          : task.dependencies
              .map((d) => `${d.task_definition_name}${d.success_required === false ? ' (any outcome)' : ''}`)
              .join(', ')}
      </dd>
    </dl>
  );
}
