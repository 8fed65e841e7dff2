import { describe, expect, it } from 'vitest';
import { isKubeshipError } from '../errors.ts';
import { envNameFor, explicitKeyFor, normalizePath, splitSelector, validateRequest } from './_names.ts';

describe('envNameFor', () => {
  it.each([
    ['/app/prod/DB_HOST', '/app/prod', 'DB_HOST'],
    ['/app/prod/db-host', '/app/prod', 'DB_HOST'],
    ['/app/prod/log.level', '/app/prod', 'LOG_LEVEL'],
    ['/app/prod/featureFlag', '/app/prod/', 'FEATUREFLAG'],
    ['/app/prod/db/host', '/app/prod', 'DB_HOST'],
    ['/app/prod/db/read-replica/port', '/app/prod', 'DB_READ_REPLICA_PORT'],
    ['/app/prod/_private', '/app/prod', '_PRIVATE'],
    ['/app/prod/v2', '/app/prod', 'V2'],
    ['/TOP', '/', 'TOP'],
    ['/a/b', '/', 'A_B'],
  ])('%s under %s is %s', (name, base, expected) => {
    expect(envNameFor(name, base)).toBe(expected);
  });

  it.each([
    ['/app/prod/2fa-secret', '/app/prod'],
    ['/app/prod/9lives', '/app/prod'],
    ['/app/prod/x y', '/app/prod'],
    ['/other/X', '/app/prod'],
    ['/app/prodX/Y', '/app/prod'],
  ])('rejects %s under %s naming the parameter', (name, base) => {
    let thrown: unknown;
    try {
      envNameFor(name, base);
    } catch (error) {
      thrown = error;
    }
    expect(isKubeshipError(thrown, 'INVALID_INPUT')).toBe(true);
    expect((thrown as Error).message).toContain(name);
  });
});

describe('explicitKeyFor', () => {
  it.each([
    ['/app/prod/db-password', 'ssm.app.prod.db-password'],
    ['/aws/reference/secretsmanager/prod/db', 'ssm.aws.reference.secretsmanager.prod.db'],
    [
      '/aws/reference/secretsmanager/key+with=odd@chars',
      'ssm.aws.reference.secretsmanager.key_with_odd_chars',
    ],
    ['/app/db:3', 'ssm.app.db_3'],
    ['PlainName', 'ssm.PlainName'],
    [
      'arn:aws:ssm:eu-west-1:123456789012:parameter/shared/x',
      'ssm.arn_aws_ssm_eu-west-1_123456789012_parameter.shared.x',
    ],
  ])('%s -> %s', (name, key) => {
    expect(explicitKeyFor(name)).toBe(key);
  });

  it('refuses keys longer than 253 characters', () => {
    expect(explicitKeyFor(`/${'a'.repeat(300)}`)).toEqual({ problem: expect.stringContaining('too long') });
  });
});

describe('splitSelector and normalizePath', () => {
  it('splits version and label selectors, also after ARNs', () => {
    expect(splitSelector('/a/b')).toEqual({ base: '/a/b', selector: undefined });
    expect(splitSelector('/a/b:3')).toEqual({ base: '/a/b', selector: ':3' });
    expect(splitSelector('/a/b:prod')).toEqual({ base: '/a/b', selector: ':prod' });
    expect(splitSelector('arn:aws:ssm:r:1:parameter/a')).toEqual({
      base: 'arn:aws:ssm:r:1:parameter/a',
      selector: undefined,
    });
    expect(splitSelector('arn:aws:ssm:r:1:parameter/a:2')).toEqual({
      base: 'arn:aws:ssm:r:1:parameter/a',
      selector: ':2',
    });
  });

  it('drops trailing slashes but keeps the root', () => {
    expect(normalizePath('/a/b/')).toBe('/a/b');
    expect(normalizePath('/')).toBe('/');
  });
});

describe('validateRequest', () => {
  const valid = { paths: ['/app/prod/'], names: ['/x', '/x'], app: 'shop', namespace: 'prod' };

  it('normalizes paths and removes duplicate names', () => {
    expect(validateRequest(valid)).toEqual({ paths: ['/app/prod'], names: ['/x'] });
  });

  it('reports every problem in one INVALID_INPUT error', () => {
    let thrown: unknown;
    try {
      validateRequest({
        paths: ['relative', '/aws/reference/secretsmanager/prod', '/app', '/app/prod'],
        names: [' /padded'],
        app: 'Shop_App',
        namespace: 'Prod',
      });
    } catch (error) {
      thrown = error;
    }
    expect(isKubeshipError(thrown, 'INVALID_INPUT')).toBe(true);
    const problems = (thrown as { details: { problems: string[] } }).details.problems;
    expect(problems).toHaveLength(6); // app, namespace, relative path, secretsmanager path, overlap, name
    expect(problems.join('\n')).toMatch(
      /Shop_App[\s\S]*Prod[\s\S]*relative[\s\S]*secretsmanager[\s\S]*overlap/,
    );
  });
});
