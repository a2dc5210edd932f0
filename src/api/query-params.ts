import { ValidationError } from '../domain/validation-error.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id that must be a UUID; a clear 400 otherwise. */
export function uuidParam(value: string, field: string): string {
  if (!UUID.test(value)) throw new ValidationError([{ field, problem: `must be a UUID (got '${value}')` }]);
  return value.toLowerCase();
}

/** Repeated (`?s=a&s=b`) or comma-separated (`?s=a,b`) values, each checked against `allowed`. */
export function listParam<T extends string>(
  value: string | string[] | undefined,
  field: string,
  allowed: readonly T[],
): T[] | undefined {
  if (value === undefined) return undefined;
  const values = (Array.isArray(value) ? value : [value])
    .flatMap((v) => v.split(','))
    .filter((v) => v !== '');
  const bad = values.find((v) => !allowed.includes(v as T));
  if (bad !== undefined) {
    throw new ValidationError([{ field, problem: `must be one of ${allowed.join(', ')} (got '${bad}')` }]);
  }
  return values as T[];
}

export function dateParam(value: string | undefined, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) {
    throw new ValidationError([{ field, problem: `must be an ISO 8601 date-time (got '${value}')` }]);
  }
  return d;
}

export function intParam(
  value: string | undefined,
  field: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ValidationError([
      { field, problem: `must be an integer from ${min} to ${max} (got '${value}')` },
    ]);
  }
  return n;
}
