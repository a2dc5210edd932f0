/** What a line of shell output means to Sundial. */
export type ShellLine =
  | { kind: 'status'; status: 'succeeded' | 'failed' }
  | { kind: 'metadata'; key: string; value: string }
  | { kind: 'log'; message: string };

/**
 * Parses Sundial's in-band shell protocol: `**status=success|failure` and
 * `**metadata:KEY=VALUE`; everything else is a log line.
 *
 * @example
 * parseShellLine('**metadata:rows=42') // { kind: 'metadata', key: 'rows', value: '42' }
 */
export function parseShellLine(line: string): ShellLine {
  const status = /^\*\*status=(success|failure)\s*$/.exec(line);
  if (status) return { kind: 'status', status: status[1] === 'success' ? 'succeeded' : 'failed' };
  // The key must have a visible character: metadata entries need a non-empty key.
  const meta = /^\*\*metadata:\s*([^=\s][^=]*?)\s*=(.*)$/.exec(line);
  if (meta) return { kind: 'metadata', key: meta[1]!, value: meta[2]! };
  return { kind: 'log', message: line };
}
