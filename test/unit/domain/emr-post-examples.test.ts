import { describe, expect, it } from 'vitest';
import type { ProcessDefinition } from '../../../src/domain/types.js';
import { validateDefinition } from '../../../src/domain/validate-definition.js';
import { emrPostExamples } from './fixtures/emr-post-examples.js';

/** A fragment such as ` "key": {...},` read as `{ key: value }`. */
function fragment(text: string): Record<string, unknown> {
  return JSON.parse(`{${text.trim().replace(/,$/, '')}}`) as Record<string, unknown>;
}

/** A full definition around one EMR executable. */
function definitionWith(executable: unknown): ProcessDefinition {
  return validateDefinition({
    process_definition_name: 'emr-post',
    task_definitions: [
      {
        task_definition_name: 'spark-job',
        dependencies: [],
        executable,
        max_attempts: 1,
        backoff_base_seconds: 1,
      },
    ],
  });
}

const existing = fragment(emrPostExamples.existingCluster).executable as {
  emr_command: Record<string, unknown>;
};
const newCluster = fragment(emrPostExamples.newCluster).emr_cluster as {
  new_emr_cluster: Record<string, unknown>;
};

describe('every JSON example of the EMR post validates unchanged', () => {
  it('a job on an existing cluster (the executable as published)', () => {
    const def = definitionWith(existing);
    expect(def.task_definitions[0]!.executable).toEqual(existing);
  });

  it('a job on a new cluster (the emr_cluster as published)', () => {
    expect(() =>
      definitionWith({ emr_command: { ...existing.emr_command, ...fragment(emrPostExamples.newCluster) } }),
    ).not.toThrow();
  });

  it('the master_instance example', () => {
    const cluster = {
      new_emr_cluster: { ...newCluster.new_emr_cluster, ...fragment(emrPostExamples.masterInstance) },
    };
    expect(() =>
      definitionWith({ emr_command: { ...existing.emr_command, emr_cluster: cluster } }),
    ).not.toThrow();
  });

  it('the spot aws_market example, as master and core market', () => {
    const spot = fragment(emrPostExamples.spotMarket);
    const group = { emr_instance_type: 'm4.large', instance_count: 1, ...spot };
    const cluster = {
      new_emr_cluster: { ...newCluster.new_emr_cluster, master_instance: group, core_instance: group },
    };
    expect(() =>
      definitionWith({ emr_command: { ...existing.emr_command, emr_cluster: cluster } }),
    ).not.toThrow();
  });
});
