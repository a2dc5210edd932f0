import { describe, expect, it } from 'vitest';
import { awsValueFrom, parseSecretReference } from '../../../src/domain/secret-reference.js';

describe('secret references', () => {
  it('reads each source, bare names and ARNs included', () => {
    const smArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf';
    const ssmArn = 'arn:aws:ssm:eu-west-1:123456789012:parameter/prod/db';
    expect(parseSecretReference('prod/db')).toEqual({ source: 'secretsmanager', id: 'prod/db' });
    expect(parseSecretReference('secretsmanager:prod/db')).toEqual({
      source: 'secretsmanager',
      id: 'prod/db',
    });
    expect(parseSecretReference(smArn)).toEqual({ source: 'secretsmanager', id: smArn });
    expect(parseSecretReference('ssm:/prod/db')).toEqual({ source: 'ssm', id: '/prod/db' });
    expect(parseSecretReference(ssmArn)).toEqual({ source: 'ssm', id: ssmArn });
    expect(parseSecretReference('env:DB_PW')).toEqual({ source: 'env', id: 'DB_PW' });
    expect(parseSecretReference('file:/run/secrets/db')).toEqual({ source: 'file', id: '/run/secrets/db' });
  });

  it('says what is wrong with a bad one', () => {
    expect(parseSecretReference('arn:aws:s3:::bucket')).toMatch(/ARN of neither/);
    expect(parseSecretReference('vault:x')).toMatch(/unknown source 'vault:'/);
    expect(parseSecretReference('env:1X')).toMatch(/env: takes a variable name/);
    expect(parseSecretReference('file:relative')).toMatch(/absolute path/);
    expect(parseSecretReference('file:/run/../etc/shadow')).toMatch(/without "\.\."/);
    expect(parseSecretReference('has space')).toMatch(/Secrets Manager name/);
  });

  it('gives AWS only what AWS can read itself', () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf';
    expect(awsValueFrom({ source: 'secretsmanager', id: arn })).toBe(arn);
    expect(awsValueFrom({ source: 'ssm', id: '/prod/db' })).toBe('/prod/db');
    expect(awsValueFrom({ source: 'secretsmanager', id: 'prod/db' })).toBeUndefined();
    expect(awsValueFrom({ source: 'env', id: 'X' })).toBeUndefined();
  });
});
