import { AwsError } from '../aws-error.js';

/**
 * GetLogEvents tokens. AWS tokens look like `f/<56 digits>` (forward) and `b/<56 digits>`
 * (backward); here the digits are a position in the stream's (filtered) event list. Handing back
 * the same forward token when nothing new arrived is what lets tailers poll, like on AWS.
 */
export interface LogToken {
  direction: 'f' | 'b';
  position: number;
}

export function formatToken(direction: 'f' | 'b', position: number): string {
  return `${direction}/${String(position).padStart(56, '0')}`;
}

export function parseToken(token: string): LogToken {
  const match = /^([fb])\/(\d{1,56})$/.exec(token);
  if (!match) throw new AwsError('InvalidParameterException', 'The specified nextToken is invalid.');
  return { direction: match[1] === 'f' ? 'f' : 'b', position: Number(match[2]) };
}

/** Opaque offset tokens for FilterLogEvents / DescribeLogStreams / list operations. */
export function offsetToken(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64');
}

export function parseOffsetToken(token: string | undefined, code = 'InvalidParameterException'): number {
  if (token === undefined) return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
  if (!match) throw new AwsError(code, 'The specified nextToken is invalid.');
  return Number(match[1]);
}

/**
 * A tiny subset of the CloudWatch filter pattern syntax: space-separated terms (quoted phrases
 * allowed) that must all appear, `?term` of which one must appear, `-term` that must not.
 * JSON and space-delimited patterns (`{...}`, `[...]`) match everything.
 */
export function matchesFilterPattern(pattern: string | undefined, message: string): boolean {
  const trimmed = pattern?.trim() ?? '';
  if (!trimmed || trimmed.startsWith('{') || trimmed.startsWith('[')) return true;
  const terms = trimmed.match(/[?-]?"[^"]*"|\S+/g) ?? [];
  const anyOf: string[] = [];
  for (const raw of terms) {
    const prefix = raw[0] === '?' || raw[0] === '-' ? raw[0] : '';
    const term = raw.slice(prefix.length).replace(/^"|"$/g, '');
    if (prefix === '?') anyOf.push(term);
    else if (prefix === '-' && message.includes(term)) return false;
    else if (!prefix && !message.includes(term)) return false;
  }
  return anyOf.length === 0 || anyOf.some((t) => message.includes(t));
}
