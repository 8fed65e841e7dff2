import { describe, expect, it } from 'vitest';
import { isSsmReference, ManifestError, ssm } from './index.ts';

describe('ssm', () => {
  it.each([
    '/wordpress/test/DB_PASSWORD',
    'plain-name_1.x',
    '/aws/reference/secretsmanager/prod/db+creds@v=1',
    '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
  ])('accepts %s', (name) => {
    expect(ssm(name)).toEqual({ ssm: name });
    expect(Object.isFrozen(ssm(name))).toBe(true);
  });

  it.each([
    ['', /empty/],
    ['/a//b', /hierarchical/],
    ['/a/b c', /hierarchical/],
    ['no/leading-slash', /starts with '\/'/],
    ['/aws/my-param', /reserved/],
    ['ssm-param', /reserved/],
    [`/${'a/'.repeat(15)}b`, /15 levels/],
    [`/${'a'.repeat(2048)}`, /2048/],
  ])('rejects %j with INVALID_SSM_NAME', (name, rule) => {
    expect(() => ssm(name)).toThrow(ManifestError);
    try {
      ssm(name);
    } catch (error) {
      expect((error as ManifestError).code).toBe('INVALID_SSM_NAME');
      expect((error as ManifestError).issues[0]?.message).toMatch(rule);
    }
  });

  it('recognizes references by shape only', () => {
    expect(isSsmReference({ ssm: '/a' })).toBe(true);
    expect(isSsmReference(JSON.parse('{"ssm":"/a"}'))).toBe(true);
    for (const value of [null, '/a', { ssm: 1 }, { ssm: '/a', extra: 1 }, [{ ssm: '/a' }], {}]) {
      expect(isSsmReference(value)).toBe(false);
    }
  });
});
