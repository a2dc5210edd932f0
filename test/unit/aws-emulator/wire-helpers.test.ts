import { describe, expect, it } from 'vitest';
import { findOperation } from '../../../src/aws-emulator/api-models.js';
import { decodeAwsChunked } from '../../../src/aws-emulator/http-body.js';
import { formatToken, matchesFilterPattern, parseToken } from '../../../src/aws-emulator/logs/log-tokens.js';
import { describeProblems, validateInput } from '../../../src/aws-emulator/model-validator.js';

describe('aws-emulator wire helpers', () => {
  it('strips aws-chunked framing, signed or not, with trailers', () => {
    const framed = Buffer.from(
      '5;chunk-signature=abc\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:AAAA\r\n\r\n',
    );
    expect(decodeAwsChunked(framed).toString()).toBe('hello world');
  });

  it('round-trips GetLogEvents tokens and rejects garbage', () => {
    expect(parseToken(formatToken('f', 42))).toEqual({ direction: 'f', position: 42 });
    expect(formatToken('b', 3)).toMatch(/^b\/0{55}3$/);
    expect(() => parseToken('nonsense')).toThrow('The specified nextToken is invalid.');
  });

  it('matches the supported filter-pattern subset', () => {
    expect(matchesFilterPattern('ERROR', 'an ERROR here')).toBe(true);
    expect(matchesFilterPattern('ERROR -disk', 'ERROR disk full')).toBe(false);
    expect(matchesFilterPattern('?WARN ?ERROR', 'WARN x')).toBe(true);
    expect(matchesFilterPattern('"disk full"', 'ERROR disk full')).toBe(true);
    expect(matchesFilterPattern('{ $.level = "x" }', 'anything')).toBe(true);
  });

  it('validates against the model: nested required members, types, unknown members', () => {
    const input = findOperation('emr', 'AddJobFlowSteps')?.input;
    const problems = validateInput('emr', input, {
      JobFlowId: 'j-1',
      Steps: [{ Name: 's', HadoopJarStep: { Args: 'not-a-list' }, Colour: 'red' }],
    });
    expect(problems.type).toEqual([
      "Expected list at 'steps.1.member.hadoopJarStep.args' but found VALUE_STRING",
    ]);
    expect(describeProblems(problems.constraint)).toBe(
      "2 validation errors detected: Value null at 'steps.1.member.hadoopJarStep.jar' failed to satisfy constraint: Member must not be null; Unknown member 'Colour' at 'steps.1.member': it is not part of the API model",
    );
  });
});
