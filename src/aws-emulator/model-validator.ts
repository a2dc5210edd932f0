import { resolveShape, type ShapeRef } from './api-models.js';
import type { JsonValue, ServiceName } from './types.js';

/**
 * Validates a request body against the operation's input shape from the official model: required
 * members, unknown members, JSON types, and the enums Sundial relies on. The minified models drop
 * enum and length traits, so the few enums worth checking are listed below by member name.
 */

export interface ValidationProblems {
  /** Constraint violations (missing member, bad enum value, unknown member): AWS's ValidationException. */
  constraint: string[];
  /** JSON value of the wrong kind: AWS answers SerializationException for those. */
  type: string[];
}

const ENUMS: Partial<Record<ServiceName, Record<string, string[]>>> = {
  emr: {
    ActionOnFailure: ['TERMINATE_JOB_FLOW', 'TERMINATE_CLUSTER', 'CANCEL_AND_WAIT', 'CONTINUE'],
    StepCancellationOption: ['SEND_INTERRUPT', 'TERMINATE_PROCESS'],
    InstanceRole: ['MASTER', 'CORE', 'TASK'],
    InstanceFleetType: ['MASTER', 'CORE', 'TASK'],
    Market: ['ON_DEMAND', 'SPOT'],
    TimeoutAction: ['SWITCH_TO_ON_DEMAND', 'TERMINATE_CLUSTER'],
    // Spot and on-demand specifications share the member name; the union of both value sets.
    AllocationStrategy: [
      'capacity-optimized',
      'price-capacity-optimized',
      'lowest-price',
      'diversified',
      'capacity-optimized-prioritized',
      'prioritized',
    ],
    StepStates: ['PENDING', 'CANCEL_PENDING', 'RUNNING', 'COMPLETED', 'CANCELLED', 'FAILED', 'INTERRUPTED'],
    ClusterStates: [
      'STARTING',
      'BOOTSTRAPPING',
      'RUNNING',
      'WAITING',
      'TERMINATING',
      'TERMINATED',
      'TERMINATED_WITH_ERRORS',
    ],
  },
  batch: {
    jobStatus: ['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED', 'FAILED'],
    status: ['ACTIVE', 'INACTIVE'],
  },
  ecs: {
    desiredStatus: ['RUNNING', 'PENDING', 'STOPPED'],
    launchType: ['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'],
  },
  logs: { orderBy: ['LogStreamName', 'LastEventTime'] },
};

/** Coral reports member paths in camelCase (`steps.1.member.hadoopJarStep`). */
function coralPath(path: string[]): string {
  return path.map((p) => p.charAt(0).toLowerCase() + p.slice(1)).join('.');
}

function jsonKind(value: JsonValue): string {
  if (Array.isArray(value)) return 'START_ARRAY';
  if (value === null) return 'VALUE_NULL';
  if (typeof value === 'object') return 'START_OBJECT';
  if (typeof value === 'number') return 'VALUE_NUMBER';
  if (typeof value === 'boolean') return 'VALUE_BOOLEAN';
  return 'VALUE_STRING';
}

function typeMatches(type: string, value: JsonValue): boolean {
  switch (type) {
    case 'structure':
    case 'map':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'list':
      return Array.isArray(value);
    case 'integer':
    case 'long':
      return typeof value === 'number' && Number.isInteger(value);
    case 'float':
    case 'double':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'timestamp':
      return typeof value === 'number' || typeof value === 'string';
    default:
      return typeof value === 'string';
  }
}

/**
 * Checks `body` against the input shape `ref`. Members bound to the URI, query string or headers
 * are skipped: they are not in the body.
 */
export function validateInput(
  service: ServiceName,
  ref: ShapeRef | undefined,
  body: JsonValue,
): ValidationProblems {
  const problems: ValidationProblems = { constraint: [], type: [] };
  if (ref) visit(service, resolveShape(service, ref), body, [], undefined, problems);
  return problems;
}

function visit(
  service: ServiceName,
  shape: ShapeRef,
  value: JsonValue,
  path: string[],
  memberName: string | undefined,
  problems: ValidationProblems,
): void {
  const type = shape.type ?? 'string';
  const where = path.length ? coralPath(path) : 'input';
  if (!typeMatches(type, value)) {
    problems.type.push(`Expected ${type} at '${where}' but found ${jsonKind(value)}`);
    return;
  }
  const allowed = memberName ? ENUMS[service]?.[memberName] : undefined;
  if (allowed && typeof value === 'string' && !allowed.includes(value)) {
    problems.constraint.push(
      `Value '${value}' at '${where}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
    );
  }
  if (type === 'structure' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const members = shape.members ?? {};
    for (const req of shape.required ?? []) {
      const memberShape = members[req];
      if (memberShape?.location && memberShape.location !== 'body') continue;
      if (value[req] === undefined || value[req] === null) {
        problems.constraint.push(
          `Value null at '${coralPath([...path, req])}' failed to satisfy constraint: Member must not be null`,
        );
      }
    }
    for (const [key, child] of Object.entries(value)) {
      const memberRef = members[key];
      if (!memberRef) {
        problems.constraint.push(`Unknown member '${key}' at '${where}': it is not part of the API model`);
        continue;
      }
      if (child === null) continue;
      visit(service, resolveShape(service, memberRef), child, [...path, key], key, problems);
    }
  } else if (type === 'list' && Array.isArray(value) && shape.member) {
    const memberShape = resolveShape(service, shape.member);
    value.forEach((item, i) => {
      visit(service, memberShape, item, [...path, String(i + 1), 'member'], memberName, problems);
    });
  } else if (type === 'map' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const valueShape = shape.value ? resolveShape(service, shape.value) : { type: 'string' };
    for (const [key, child] of Object.entries(value)) {
      visit(service, valueShape, child, [...path, key], undefined, problems);
    }
  }
}

/** The AWS-style summary line: "2 validation errors detected: a; b". */
export function describeProblems(messages: string[]): string {
  const n = messages.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${messages.join('; ')}`;
}
