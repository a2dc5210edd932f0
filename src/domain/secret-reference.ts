/**
 * Where an environment variable's secret value lives. The `secret` of
 * `{ "variable_name": "DB_PASSWORD", "secret": "…" }` is one of:
 *
 * - `prod/db`, `secretsmanager:prod/db` or `arn:aws:secretsmanager:…:secret:prod/db-AbCdEf`:
 *   AWS Secrets Manager (the secret's string value);
 * - `ssm:/prod/db/password` or `arn:aws:ssm:…:parameter/prod/db/password`: SSM Parameter Store
 *   (a SecureString is decrypted);
 * - `env:DB_PASSWORD`: a variable of the Sundial server's own environment;
 * - `file:/run/secrets/db`: a file on the Sundial server (one trailing newline dropped).
 *
 * Only the reference is stored; the value is read when the task is dispatched.
 */
export type SecretReference =
  | { source: 'secretsmanager'; id: string }
  | { source: 'ssm'; id: string }
  | { source: 'env'; id: string }
  | { source: 'file'; id: string };

const SECRETS_MANAGER_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const SSM_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/[A-Za-z0-9/_.-]+$/;
/** Secrets Manager names: letters, digits and /_+=.@- (AWS's own rule), at most 512 characters. */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
/** SSM parameter names: letters, digits and _.-/, at most 2048 characters (AWS's own rule). */
const PARAMETER_NAME = /^[A-Za-z0-9/_.-]{1,2048}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;

/**
 * Parses a reference, or says what is wrong with it.
 *
 * @example
 * parseSecretReference('ssm:/prod/db'); // { source: 'ssm', id: '/prod/db' }
 * parseSecretReference('env:1X');       // 'env: takes a variable name (letters, digits, _; not starting with a digit)'
 */
export function parseSecretReference(ref: string): SecretReference | string {
  if (ref.startsWith('arn:')) {
    if (SECRETS_MANAGER_ARN.test(ref)) return { source: 'secretsmanager', id: ref };
    if (SSM_ARN.test(ref)) return { source: 'ssm', id: ref };
    return 'is an ARN of neither a Secrets Manager secret (arn:aws:secretsmanager:<region>:<account>:secret:<name>) nor an SSM parameter (arn:aws:ssm:<region>:<account>:parameter/<name>)';
  }
  const colon = ref.indexOf(':');
  const scheme = colon < 0 ? '' : ref.slice(0, colon);
  const id = colon < 0 ? ref : ref.slice(colon + 1);
  switch (scheme) {
    case '':
    case 'secretsmanager':
      return SECRET_NAME.test(id)
        ? { source: 'secretsmanager', id }
        : 'a Secrets Manager name has 1 to 512 letters, digits or /_+=.@- (or use ssm:, env:, file:, or an ARN)';
    case 'ssm':
      return PARAMETER_NAME.test(id)
        ? { source: 'ssm', id }
        : 'ssm: takes a parameter name of letters, digits or _.-/';
    case 'env':
      return ENV_NAME.test(id)
        ? { source: 'env', id }
        : 'env: takes a variable name (letters, digits, _; not starting with a digit)';
    case 'file':
      return id.startsWith('/') && !id.split('/').includes('..')
        ? { source: 'file', id }
        : 'file: takes an absolute path without ".." (e.g. file:/run/secrets/db)';
    default:
      return `unknown source '${scheme}:' (use a Secrets Manager name or ARN, ssm:, env: or file:)`;
  }
}

/**
 * The reference as AWS Batch and ECS take it in a container's `secrets` (`valueFrom`), so the
 * value never passes through Sundial: a Secrets Manager ARN, or an SSM parameter's name or ARN.
 * Undefined for what only Sundial can read (server env and files, secrets named without ARN).
 *
 * @example
 * awsValueFrom({ source: 'ssm', id: '/prod/db' }); // '/prod/db'
 */
export function awsValueFrom(ref: SecretReference): string | undefined {
  if (ref.source === 'ssm') return ref.id;
  if (ref.source === 'secretsmanager' && ref.id.startsWith('arn:')) return ref.id;
  return undefined;
}
