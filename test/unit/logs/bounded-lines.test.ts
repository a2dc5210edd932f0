import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBoundedLines } from '../../../src/logs/bounded-lines.js';

/** Feeds `chunks` through a stream and collects the lines. */
async function linesOf(chunks: (string | Buffer)[], maxChars = 1000): Promise<string[]> {
  const stream = new PassThrough();
  const lines: string[] = [];
  readBoundedLines(stream, maxChars, (l) => lines.push(l));
  const ended = new Promise((r) => stream.on('end', r));
  for (const c of chunks) stream.write(typeof c === 'string' ? Buffer.from(c) : c);
  stream.end();
  await ended;
  return lines;
}

describe('readBoundedLines', () => {
  it('splits on LF, CRLF and a lone CR, across chunk boundaries, and keeps the unterminated tail', async () => {
    expect(await linesOf(['a\nb', '\r', '\nc\rd\n\ne'])).toEqual(['a', 'b', 'c', 'd', '', 'e']);
  });

  it('decodes UTF-8 split between chunks', async () => {
    const bytes = Buffer.from('héllo wörld\n');
    expect(await linesOf([bytes.subarray(0, 2), bytes.subarray(2, 9), bytes.subarray(9)])).toEqual([
      'héllo wörld',
    ]);
  });

  it('hands a line longer than the bound over in pieces, never holding more', async () => {
    const long = 'x'.repeat(2500);
    expect(await linesOf([long.slice(0, 1200), long.slice(1200), '\nnext\n'])).toEqual([
      'x'.repeat(1000),
      'x'.repeat(1000),
      'x'.repeat(500),
      'next',
    ]);
  });
});
