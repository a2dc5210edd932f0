import { randomBytes, randomUUID } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Upper-case alphanumerics, as in EMR ids (`j-1K48XXXXXXHCB`, `s-2M7XXXXXXB5FY`). */
export function emrId(prefix: 'j' | 's' | 'ig' | 'if'): string {
  const bytes = randomBytes(13);
  let out = '';
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return `${prefix}-${out}`;
}

/** 32 hex digits, as in ECS task ids. */
export function hexId(): string {
  return randomBytes(16).toString('hex');
}

export function uuid(): string {
  return randomUUID();
}

/** Seconds since the epoch with millisecond precision: how JSON 1.1 encodes timestamps. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}
