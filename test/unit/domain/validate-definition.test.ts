import { describe, expect, it } from 'vitest';
import type { ProcessDefinition } from '../../../src/domain/types.js';
import { validateDefinition } from '../../../src/domain/validate-definition.js';
import { type FieldProblem, ValidationError } from '../../../src/domain/validation-error.js';

function valid(): ProcessDefinition {
  return {
    process_definition_name: 'nightly',
    overlap_action: 'wait',
    schedule: {
      cron_schedule: { minutes: '0', hours: '22', day_of_month: '*', month: '*', day_of_week: '?' },
    },
    task_definitions: [
      {
        task_definition_name: 'extract',
        dependencies: [],
        executable: { shell_script_command: { script: 'echo hi' } },
        max_attempts: 3,
        backoff_base_seconds: 1,
        backoff_exponent: 2,
      },
    ],
  };
}

/** Problems of a definition changed by `edit`; fails if it was accepted. */
function problemsOf(edit: (def: Record<string, unknown>) => void, urlName?: string): FieldProblem[] {
  const def = structuredClone(valid()) as unknown as Record<string, unknown>;
  edit(def);
  try {
    validateDefinition(def, urlName === undefined ? {} : { urlName });
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).problems;
  }
  throw new Error('the definition was accepted');
}

const firstTask = (def: Record<string, unknown>) =>
  (def.task_definitions as Record<string, unknown>[])[0] as Record<string, unknown>;

describe('validateDefinition', () => {
  it('accepts a valid definition and returns it unchanged', () => {
    expect(validateDefinition(valid(), { urlName: 'nightly' })).toEqual(valid());
  });

  it.each<[string, (d: Record<string, unknown>) => void, string, RegExp]>([
    [
      'missing field',
      (d) => delete firstTask(d).max_attempts,
      'task_definitions[0].max_attempts',
      /is required/,
    ],
    [
      'unknown field',
      (d) => {
        firstTask(d).max_attempt = 3;
      },
      'task_definitions[0].max_attempt',
      /unknown field \(expected one of: .*max_attempts/,
    ],
    [
      'wrong enum value',
      (d) => {
        d.overlap_action = 'kill';
      },
      'overlap_action',
      /must be one of wait, terminate \(got "kill"\)/,
    ],
    [
      'wrong type',
      (d) => {
        firstTask(d).max_attempts = '3';
      },
      'task_definitions[0].max_attempts',
      /must be an integer/,
    ],
    [
      'out of range',
      (d) => {
        firstTask(d).max_attempts = 0;
      },
      'task_definitions[0].max_attempts',
      /must be >= 1/,
    ],
    [
      'unknown executable type',
      (d) => {
        firstTask(d).executable = { python_command: { script: 'x' } };
      },
      'task_definitions[0].executable.python_command',
      /unknown type \(expected one of: shell_script_command/,
    ],
    [
      'two union members',
      (d) => {
        d.schedule = { continuous_schedule: {}, cron_schedule: {} };
      },
      'schedule',
      /must contain exactly one of: cron_schedule, continuous_schedule/,
    ],
    [
      'empty task list',
      (d) => {
        d.task_definitions = [];
      },
      'task_definitions',
      /must NOT have fewer than 1 items/,
    ],
  ])('%s: names the field and the problem', (_, edit, field, problem) => {
    const problems = problemsOf(edit);
    expect(problems.map((p) => p.field)).toContain(field);
    expect(problems.find((p) => p.field === field)?.problem).toMatch(problem);
  });

  it('reports the URL name when it differs from the body name', () => {
    expect(problemsOf(() => {}, 'other')).toEqual([
      {
        field: 'process_definition_name',
        problem: "'nightly' does not match the name in the URL ('other')",
      },
    ]);
  });

  it('reports DAG and cron problems with their fields', () => {
    const problems = problemsOf((d) => {
      firstTask(d).dependencies = [{ task_definition_name: 'extract' }];
      (d.schedule as { cron_schedule: Record<string, string> }).cron_schedule.hours = '25';
    });
    expect(problems).toEqual([
      { field: 'task_definitions', problem: 'dependency cycle: extract -> extract' },
      { field: 'schedule.cron_schedule.hours', problem: "invalid value '25' (allowed: 0-23)" },
    ]);
  });

  it('formats every problem into the error message', () => {
    expect(() => validateDefinition({ process_definition_name: 'x' })).toThrow(
      'task_definitions: is required',
    );
    expect(() => validateDefinition('not an object')).toThrow(/must be an object/);
  });
});
