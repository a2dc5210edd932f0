import { describe, expect, it } from 'vitest';
import {
  compileMaskPatterns,
  declaredVariables,
  resolvedSecretsMasker,
  secretMasker,
} from '../../../src/logs/secret-masker.js';

describe('secretMasker', () => {
  const vars = (pairs: Record<string, string>) =>
    Object.entries(pairs).map(([variable_name, value]) => ({ variable_name, value }));

  it('masks values of variables whose names look secret, and leaves the others', () => {
    const mask = secretMasker(
      vars({
        DB_PASSWORD: 'hunter22',
        API_TOKEN: 'tok-123',
        aws_secret_access_key: 'abcd/efgh',
        REGION: 'eu-west-1',
      }),
      {},
      [],
    );
    expect(mask('pw=hunter22 token=tok-123 key=abcd/efgh in eu-west-1')).toBe(
      'pw=**** token=**** key=**** in eu-west-1',
    );
  });

  it('masks inherited environment values too, but not values too short to be secrets', () => {
    const mask = secretMasker([], { GITHUB_TOKEN: 'ghp_abcdef', SHORT_KEY: 'abc', HOME: '/root' }, []);
    expect(mask('ghp_abcdef abc /root')).toBe('**** abc /root');
  });

  it('masks a secret containing another one whole, and regex characters literally', () => {
    const mask = secretMasker(vars({ A_SECRET: 'p4ss', B_SECRET: 'p4ss.word+(1)' }), {}, []);
    expect(mask('p4ss.word+(1) and p4ss and p4ssXword+(1)')).toBe('**** and **** and ****Xword+(1)');
  });

  it('applies configured patterns', () => {
    const mask = secretMasker([], {}, compileMaskPatterns(['AKIA[0-9A-Z]{16}', 'Bearer \\S+']));
    expect(mask('id AKIAABCDEFGHIJKLMNOP, header Bearer xyz.abc')).toBe('id ****, header ****');
  });

  it('is the identity when there is nothing to mask', () => {
    const mask = secretMasker(vars({ REGION: 'eu-west-1' }), {}, []);
    const line = 'nothing secret here';
    expect(mask(line)).toBe(line);
  });

  it('names a bad pattern', () => {
    expect(() => compileMaskPatterns(['ok', '(unclosed'])).toThrow(
      /"\(unclosed" is not a valid regular expression/,
    );
  });
});

describe('declaredVariables', () => {
  const env = [{ variable_name: 'X_TOKEN', value: 'v' }];
  it('reads environment_variables of every executable kind that has them', () => {
    expect(
      declaredVariables({ shell_script_command: { script: 'true', environment_variables: env } }),
    ).toEqual(env);
    expect(
      declaredVariables({
        batch_image_command: { image: 'i', command: [], memory: 1, environment_variables: env },
      }),
    ).toEqual(env);
    expect(
      declaredVariables({
        docker_image_command: { image: 'i', tag: 't', command: [], environment_variables: env },
      }),
    ).toEqual(env);
    expect(declaredVariables({ noop_command: {} })).toEqual([]);
  });
});

describe('resolvedSecretsMasker', () => {
  it('masks resolved values whatever their length, and each line of a multi-line one', () => {
    const mask = resolvedSecretsMasker(['ab', '-----BEGIN KEY-----\nc2VjcmV0\n-----END KEY-----\n']);
    expect(mask('token ab and c2VjcmV0')).toBe('token **** and ****');
    expect(mask('-----END KEY-----')).toBe('****');
    expect(resolvedSecretsMasker([])('unchanged')).toBe('unchanged');
  });
});
