import { describe, expect, it } from 'vitest';
import { parseShellLine } from '../../../src/executors/shell/line-protocol.js';

describe('shell line protocol', () => {
  it('reads status lines', () => {
    expect(parseShellLine('**status=success')).toEqual({ kind: 'status', status: 'succeeded' });
    expect(parseShellLine('**status=failure')).toEqual({ kind: 'status', status: 'failed' });
    expect(parseShellLine('**status=success  \r')).toEqual({ kind: 'status', status: 'succeeded' });
  });

  it('reads metadata lines; the value keeps everything after the first =', () => {
    expect(parseShellLine('**metadata:rows=42')).toEqual({ kind: 'metadata', key: 'rows', value: '42' });
    expect(parseShellLine('**metadata: url =a=b c')).toEqual({
      kind: 'metadata',
      key: 'url',
      value: 'a=b c',
    });
    expect(parseShellLine('**metadata:empty=')).toEqual({ kind: 'metadata', key: 'empty', value: '' });
  });

  it('treats anything else, including near misses, as a log line', () => {
    for (const line of [
      'hello',
      '',
      '**status=succeeded',
      'echo **status=success',
      ' **status=success',
      '**metadata:=no-key',
      '**metadata:   =blank-key',
      '**metadata:no-equals',
    ]) {
      expect(parseShellLine(line)).toEqual({ kind: 'log', message: line });
    }
  });
});
