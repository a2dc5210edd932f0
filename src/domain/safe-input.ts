import type { FieldProblem } from './validation-error.js';
import { joinPath } from './validation-error.js';

/** Deeper than any real definition (EMR configurations nest a few levels); deeper JSON is hostile. */
export const MAX_JSON_DEPTH = 32;

/** Most tasks one process definition may hold (planning and the run API are built for this many). */
export const MAX_TASKS = 10_000;

/** Most log or metadata entries one request may post. */
export const MAX_ENTRIES = 10_000;

/** Longest process or task definition name (they end up in URLs, AWS names, e-mails, the UI). */
export const MAX_NAME_LENGTH = 200;

// A letter or digit first, then letters, digits, '.', '-', '_' and spaces, not ending in a space:
// nothing a shell, an HTML page, a URL path or a log line would read as syntax, and never `.`/`..`.
const SAFE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._ -]*[A-Za-z0-9._-])?$/;

// PostgreSQL stores neither NUL nor a UTF-16 half without its other half (they are not valid text).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a string cannot be stored as text, or undefined when it can. */
export function unstorableText(s: string): string | undefined {
  if (s.includes('\u0000')) return 'must not contain a NUL character (\\u0000)';
  if (LONE_SURROGATE.test(s)) return 'must not contain a lone UTF-16 surrogate (invalid Unicode)';
  return undefined;
}

/**
 * Every string (and key) of a parsed JSON value that cannot be stored, and
 * nesting deeper than {@link MAX_JSON_DEPTH}, as field problems. Iterative,
 * so hostile nesting cannot overflow the stack.
 *
 * @example
 * textProblems({ script: 'a\u0000b' }); // [{ field: 'script', problem: 'must not contain a NUL character (\\u0000)' }]
 */
export function textProblems(value: unknown, base = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const pending: { value: unknown; path: string; depth: number }[] = [{ value, path: base, depth: 0 }];
  while (pending.length > 0 && problems.length < 20) {
    const { value: v, path, depth } = pending.pop()!;
    if (typeof v === 'string') {
      const why = unstorableText(v);
      if (why) problems.push({ field: path, problem: why });
    } else if (v !== null && typeof v === 'object') {
      if (depth >= MAX_JSON_DEPTH) {
        problems.push({ field: path, problem: `is nested deeper than ${MAX_JSON_DEPTH} levels` });
        continue;
      }
      if (Array.isArray(v)) {
        for (const [i, item] of v.entries())
          pending.push({ value: item, path: `${path}[${i}]`, depth: depth + 1 });
      } else {
        for (const [key, item] of Object.entries(v)) {
          const keyWhy = unstorableText(key);
          if (keyWhy) problems.push({ field: path, problem: `a key ${keyWhy}` });
          else pending.push({ value: item, path: joinPath(path, key), depth: depth + 1 });
        }
      }
    }
  }
  return problems;
}

/**
 * Why a new process or task definition name is refused, or undefined when it
 * is safe. Names stored before this rule keep working; only new writes are checked.
 *
 * @example
 * nameProblem('<script>x</script>'); // 'may only contain letters, digits, ...'
 */
export function nameProblem(name: string): string | undefined {
  if (name.length > MAX_NAME_LENGTH)
    return `must be at most ${MAX_NAME_LENGTH} characters (got ${name.length})`;
  if (!SAFE_NAME.test(name)) {
    return `may only contain letters, digits, '.', '-', '_' and spaces, start with a letter or digit and not end with a space (got ${JSON.stringify(name)})`;
  }
  return undefined;
}
