const LF = 0x0a;
const CR = 0x0d;

/**
 * Calls `onLine` for each line of a byte stream, like `readline` (LF, CRLF
 * and a lone CR end a line), but never holds more than `maxBytes` of one
 * line: a longer line (a job printing 100 MB without a newline) is handed
 * over in pieces of about that size, cut between characters, so memory
 * stays flat whatever the output. Works on the bytes and decodes each line
 * once, to keep the garbage a flood of output makes small. Lines are
 * emitted synchronously as data arrives, all before the stream's `end`
 * listeners registered after this call.
 *
 * @example
 * readBoundedLines(child.stdout, 64 * 1024, (line) => host.log(taskId, 'stdout', line));
 */
export function readBoundedLines(
  stream: NodeJS.ReadableStream,
  maxBytes: number,
  onLine: (line: string) => void,
): void {
  let parts: Buffer[] = [];
  let size = 0;
  /** The last chunk ended with CR: an LF starting the next one belongs to it. */
  let pendingCr = false;

  const lineOf = (tail: Buffer): string => {
    if (size === 0) return tail.toString('utf8');
    const line = Buffer.concat([...parts, tail], size + tail.length).toString('utf8');
    parts = [];
    size = 0;
    return line;
  };

  const keep = (piece: Buffer) => {
    if (piece.length === 0) return;
    parts.push(piece);
    size += piece.length;
    while (size > maxBytes) {
      const all = Buffer.concat(parts, size);
      let cut = maxBytes;
      while (cut > 0 && (all[cut]! & 0xc0) === 0x80) cut--; // not inside a UTF-8 character
      onLine(all.toString('utf8', 0, cut));
      parts = [all.subarray(cut)];
      size = all.length - cut;
    }
  };

  stream.on('data', (data: Buffer | string) => {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    let start = 0;
    if (pendingCr && chunk[0] === LF) start = 1;
    pendingCr = false;
    let nextCr = chunk.indexOf(CR, start);
    for (;;) {
      const nextLf = chunk.indexOf(LF, start);
      if (nextCr >= 0 && nextCr < start) nextCr = chunk.indexOf(CR, start);
      const end = nextLf < 0 ? nextCr : nextCr < 0 ? nextLf : Math.min(nextLf, nextCr);
      if (end < 0) break;
      onLine(lineOf(chunk.subarray(start, end)));
      start = end + 1;
      if (chunk[end] === CR) {
        if (start === chunk.length) pendingCr = true;
        else if (chunk[start] === LF) start += 1;
      }
    }
    // Copied: a slice would keep the whole chunk alive for a few bytes of an unfinished line.
    if (start < chunk.length) keep(Buffer.from(chunk.subarray(start)));
  });
  stream.on('end', () => {
    if (size > 0) onLine(lineOf(Buffer.alloc(0)));
  });
}
