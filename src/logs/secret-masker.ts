import type { EnvironmentVariable, TaskExecutable } from '../domain/types.js';

/** What masked text is replaced with. */
export const MASK = '****';

/** Names of variables whose values are treated as secrets. */
const SECRET_NAME =
  /PASS(WORD|WD|PHRASE)?|SECRET|TOKEN|KEY|CREDENTIAL|PRIVATE|AUTH|SIGNATURE|COOKIE|SESSION/i;

/** Sundial's own credentials (API tokens `sda_…`, task tokens `sdt_…`), masked whatever variable holds them. */
const SUNDIAL_TOKEN = /sd[at]_[A-Za-z0-9_-]{16,}(?:\.[A-Za-z0-9_-]+)?/;

/** Shorter values are not masked: masking "1" or "yes" everywhere would garble logs and hide nothing. */
const MIN_SECRET_LENGTH = 4;

/** Replaces secrets in a log line with `****`. */
export type Masker = (line: string) => string;

/**
 * Builds the masker of one task: values of its environment variables (and of
 * the environment a job inherits) whose names look secret, plus the
 * configured patterns.
 *
 * @example
 * const mask = secretMasker([{ variable_name: 'DB_PASSWORD', value: 'hunter22' }], {}, []);
 * mask('connecting with hunter22'); // 'connecting with ****'
 */
export function secretMasker(
  variables: readonly EnvironmentVariable[],
  inherited: NodeJS.ProcessEnv,
  patterns: readonly RegExp[],
): Masker {
  const values = new Set<string>();
  const consider = (name: string, value: string | undefined) => {
    if (value && value.length >= MIN_SECRET_LENGTH && SECRET_NAME.test(name)) values.add(value);
  };
  for (const [name, value] of Object.entries(inherited)) consider(name, value);
  for (const v of variables) consider(v.variable_name, v.value);
  // Longest first, so a secret containing another one is masked whole.
  const literal = [...values].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const sources = [...literal, ...[SUNDIAL_TOKEN, ...patterns].map((p) => `(?:${p.source})`)];
  const all = new RegExp(sources.join('|'), 'g');
  return (line) => line.replace(all, MASK);
}

/**
 * Masks exactly these values: the secrets a task's references resolved to. Unlike
 * {@link secretMasker} it masks short values too (a secret is one whatever its length), and each
 * line of a multi-line secret (a key file) on its own, as logs arrive line by line.
 *
 * @example
 * const mask = resolvedSecretsMasker(['s3cr3t']);
 * mask('password is s3cr3t'); // 'password is ****'
 */
export function resolvedSecretsMasker(values: Iterable<string>): Masker {
  const parts = new Set<string>();
  for (const value of values) {
    for (const line of value.split(/\r?\n/)) if (line.trim()) parts.add(line);
  }
  if (parts.size === 0) return (line) => line;
  const all = new RegExp(
    [...parts]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|'),
    'g',
  );
  return (line) => line.replace(all, MASK);
}

/**
 * Compiles the configured mask patterns once, with a message naming the bad one.
 *
 * @example
 * compileMaskPatterns(['AKIA[0-9A-Z]{16}']);
 */
export function compileMaskPatterns(patterns: readonly string[]): RegExp[] {
  return patterns.map((p) => {
    try {
      return new RegExp(p);
    } catch (e) {
      throw new Error(
        `log mask pattern ${JSON.stringify(p)} is not a valid regular expression: ${(e as Error).message}`,
      );
    }
  });
}

/** The environment variables an executable declares, whatever its kind. */
export function declaredVariables(executable: TaskExecutable): EnvironmentVariable[] {
  const command: unknown = Object.values(executable)[0];
  if (typeof command !== 'object' || command === null) return [];
  const vars = (command as { environment_variables?: unknown }).environment_variables;
  return Array.isArray(vars) ? (vars as EnvironmentVariable[]) : [];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
