import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { GetObjectCommandInput, GetObjectCommandOutput } from '@aws-sdk/client-s3';
import type { LogStreamRef } from '../log-stream-ref.js';
import type { LogLine } from '../task-log-writer.js';
import type { ReadOptions } from './aws-log-clients.js';
import type { RemoteLog } from './remote-log.js';

type S3Ref = Extract<LogStreamRef, { kind: 's3' }>;

/** Stored read position: complete lines already stored, and the version (ETag) they came from. */
interface S3Cursor {
  lines: number;
  etag?: string;
}

const PAGE = 1000;
/** A line longer than this (in UTF-16 units) is split at exactly this length, so memory stays bounded and counts stay stable. */
const LONGEST_LINE = 256 * 1024;

/**
 * An EMR step log (`…/steps/<step-id>/stdout.gz`): EMR re-uploads the whole
 * file every few minutes and once at the end, so each read fetches it again
 * (only when its ETag changed), streams it through gunzip and emits the
 * lines past the stored line count. A last line without its newline may
 * still grow, so it waits for the final read.
 *
 * @example
 * const log = s3StepLog((input, options) => clients.getObject(ref.region, input, options), ref);
 */
export function s3StepLog(
  getObject: (input: GetObjectCommandInput, options: ReadOptions) => Promise<GetObjectCommandOutput>,
  ref: S3Ref,
): RemoteLog {
  return {
    async *read(cursor, final, signal) {
      const from = (cursor as S3Cursor | null) ?? { lines: 0 };
      let out: GetObjectCommandOutput;
      try {
        out = await getObject(
          {
            Bucket: ref.bucket,
            Key: ref.key,
            // The final read fetches regardless: it also takes the trailing partial line.
            ...(!final && from.etag && { IfNoneMatch: from.etag }),
          },
          { abortSignal: signal },
        );
      } catch (e) {
        if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 304) return;
        throw e;
      }
      const body = out.Body as Readable;
      let input: Readable = body;
      if (ref.key.endsWith('.gz')) {
        const gunzip = createGunzip();
        body.on('error', (e) => gunzip.destroy(e));
        input = body.pipe(gunzip);
      }
      let count = 0;
      let batch: LogLine[] = [];
      for await (const message of splitLines(input, final)) {
        count += 1;
        if (count <= from.lines) continue;
        batch.push({ at: new Date(), source: ref.source, message });
        if (batch.length >= PAGE) {
          // Not the new ETag yet: stopping here must not make the rest look already read.
          yield { lines: batch, cursor: { lines: count, ...(from.etag && { etag: from.etag }) } };
          batch = [];
        }
      }
      if (batch.length > 0 || out.ETag !== from.etag)
        yield {
          lines: batch,
          cursor: { lines: Math.max(count, from.lines), ...(out.ETag && { etag: out.ETag }) },
        };
    },
  };
}

/** Lines of a byte stream, without buffering more than one line; the unterminated tail only when `withTail`. */
async function* splitLines(input: Readable, withTail: boolean): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of input) {
    const text = rest + decoder.write(chunk as Buffer);
    const parts = text.split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) yield* pieces(p.endsWith('\r') ? p.slice(0, -1) : p);
    while (rest.length > LONGEST_LINE) {
      yield rest.slice(0, LONGEST_LINE);
      rest = rest.slice(LONGEST_LINE);
    }
  }
  rest += decoder.end();
  if (withTail && rest !== '') yield* pieces(rest);
}

function* pieces(line: string): Generator<string> {
  if (line.length <= LONGEST_LINE) {
    yield line;
    return;
  }
  for (let i = 0; i < line.length; i += LONGEST_LINE) yield line.slice(i, i + LONGEST_LINE);
}
