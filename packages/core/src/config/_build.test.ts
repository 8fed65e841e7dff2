import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SecretValue } from '../_secret-value.ts';
import { isKubeshipError, type KubeshipError } from '../errors.ts';
import { buildConfig } from './_build.ts';
import { CONFIG_CHECKSUM_ANNOTATION } from './_checksum.ts';
import type { ReadResult } from './_read.ts';
import { expectNoValues } from './_test-fixtures.ts';
import type { SsmParameterType, SsmParameterValue } from './_types.ts';

const value = (name: string, type: SsmParameterType, plaintext: string, version = 1): SsmParameterValue => ({
  name,
  type,
  version,
  revision: String(version),
  value: new SecretValue(plaintext),
});

const target = { app: 'shop', namespace: 'prod' };
const SECRETS = ['hunter2-db-password', 'tok-3f9a-api-token', 'plain-config-value', 'a,b,c'];

const read: ReadResult = {
  byPath: [
    {
      path: '/shop/prod',
      parameters: [
        value('/shop/prod/log-level', 'String', 'plain-config-value', 3),
        value('/shop/prod/db/password', 'SecureString', 'hunter2-db-password', 7),
        value('/shop/prod/allowed.hosts', 'StringList', 'a,b,c', 2),
      ],
    },
  ],
  byName: [
    value('/shared/api-token', 'SecureString', 'tok-3f9a-api-token', 5),
    value('/shop/prod/db/password', 'SecureString', 'hunter2-db-password', 7),
  ],
};

function thrown(run: () => unknown): KubeshipError {
  try {
    run();
  } catch (error) {
    if (isKubeshipError(error)) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('buildConfig', () => {
  const config = buildConfig(read, target);

  it('puts String/StringList in <app>-config and SecureString base64 in <app>-secrets', () => {
    const labels = { 'app.kubernetes.io/managed-by': 'kubeship', 'app.kubernetes.io/name': 'shop' };
    expect(config.configMap).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'shop-config', namespace: 'prod', labels },
      data: { ALLOWED_HOSTS: 'a,b,c', LOG_LEVEL: 'plain-config-value' },
    });
    expect(config.secret).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'shop-secrets', namespace: 'prod', labels },
      type: 'Opaque',
      data: {
        DB_PASSWORD: Buffer.from('hunter2-db-password').toString('base64'),
        'ssm.shared.api-token': Buffer.from('tok-3f9a-api-token').toString('base64'),
      },
    });
    expect(Object.keys(config.configMap?.data ?? {})).toEqual(['ALLOWED_HOSTS', 'LOG_LEVEL']);
    expect(config.objects).toEqual([config.configMap, config.secret]);
  });

  it('lists env entries for parameters read by path only', () => {
    expect(config.env).toEqual([
      {
        name: 'ALLOWED_HOSTS',
        valueFrom: { configMapKeyRef: { name: 'shop-config', key: 'ALLOWED_HOSTS' } },
      },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'shop-secrets', key: 'DB_PASSWORD' } } },
      { name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'shop-config', key: 'LOG_LEVEL' } } },
    ]);
  });

  it('binds explicit names to their own keys and names also read by path to the path key', () => {
    expect(config.bindingFor('/shared/api-token')).toEqual({
      kind: 'Secret',
      name: 'shop-secrets',
      key: 'ssm.shared.api-token',
    });
    expect(config.bindingFor('/shop/prod/db/password')).toEqual({
      kind: 'Secret',
      name: 'shop-secrets',
      key: 'DB_PASSWORD',
    });
    expect(config.bindingFor('/shop/prod/log-level')).toEqual({
      kind: 'ConfigMap',
      name: 'shop-config',
      key: 'LOG_LEVEL',
    });
    const unknown = thrown(() => config.bindingFor('/not/read'));
    expect(unknown.code).toBe('INVALID_INPUT');
    expect(unknown.message).toContain('/not/read');
  });

  it('summarises parameters without values, and carries the checksum annotation', () => {
    expect(config.parameters.map((p) => [p.name, p.type, p.version, p.envName])).toEqual([
      ['/shared/api-token', 'SecureString', 5, undefined],
      ['/shop/prod/allowed.hosts', 'StringList', 2, 'ALLOWED_HOSTS'],
      ['/shop/prod/db/password', 'SecureString', 7, 'DB_PASSWORD'],
      ['/shop/prod/log-level', 'String', 3, 'LOG_LEVEL'],
    ]);
    expect(config.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(config.podTemplateAnnotations).toEqual({ [CONFIG_CHECKSUM_ANNOTATION]: config.checksum });
  });

  it('gives the same checksum for the same config read in another order, another for a new version', () => {
    const reordered: ReadResult = {
      byPath: [{ path: '/shop/prod', parameters: [...(read.byPath[0]?.parameters ?? [])].reverse() }],
      byName: [...read.byName].reverse(),
    };
    expect(buildConfig(reordered, target).checksum).toBe(config.checksum);
    const bumped: ReadResult = {
      byPath: read.byPath,
      byName: [value('/shared/api-token', 'SecureString', 'tok-3f9a-api-token', 6)],
    };
    expect(buildConfig(bumped, target).checksum).not.toBe(config.checksum);
    const changedValueOnly: ReadResult = {
      byPath: read.byPath,
      byName: [value('/shared/api-token', 'SecureString', 'another-value', 5), ...read.byName.slice(1)],
    };
    expect(buildConfig(changedValueOnly, target).checksum).toBe(config.checksum);
  });

  it('never shows a value outside the objects data: JSON, inspect, String', () => {
    const { configMap: _c, secret: _s, objects: _o, ...rest } = config;
    expectNoValues(rest, SECRETS);
    // util.inspect of the whole result (objects included) redacts data values but keeps the keys.
    const shown = inspect(config, { depth: Number.POSITIVE_INFINITY });
    for (const secret of SECRETS) {
      expect(shown).not.toContain(secret);
      expect(shown).not.toContain(Buffer.from(secret).toString('base64'));
    }
    expect(shown).toContain('DB_PASSWORD');
    expect(inspect(config.secret)).toContain('[redacted]');
    // what the API receives is untouched
    expect(JSON.parse(JSON.stringify(config.secret)).data.DB_PASSWORD).toBe(
      Buffer.from('hunter2-db-password').toString('base64'),
    );
  });

  it('builds nothing for an empty configuration', () => {
    const empty = buildConfig({ byPath: [], byName: [] }, target);
    expect(empty.configMap).toBeUndefined();
    expect(empty.secret).toBeUndefined();
    expect(empty.objects).toEqual([]);
    expect(empty.env).toEqual([]);
    expect(empty.checksum).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('buildConfig collisions and invalid names', () => {
  it('reports two parameters mapping to one env name as CONFIG_COLLISION naming both', () => {
    const error = thrown(() =>
      buildConfig(
        {
          byPath: [
            {
              path: '/shop',
              parameters: [
                value('/shop/db-host', 'String', 'x'),
                value('/shop/db/host', 'SecureString', 'secret-y'),
                value('/shop/db.host', 'String', 'z'),
                value('/shop/PORT', 'String', '1'),
              ],
            },
            { path: '/common', parameters: [value('/common/port', 'String', '2')] },
          ],
          byName: [],
        },
        target,
      ),
    );
    expect(error.code).toBe('CONFIG_COLLISION');
    expect(error.details.collisions).toEqual([
      { key: 'DB_HOST', parameters: ['/shop/db-host', '/shop/db.host', '/shop/db/host'] },
      { key: 'PORT', parameters: ['/shop/PORT', '/common/port'] },
    ]);
    for (const name of ['/shop/db-host', '/shop/db/host', '/shop/db.host', '/shop/PORT', '/common/port']) {
      expect(error.message).toContain(name);
    }
    expectNoValues(error, ['secret-y']);
  });

  it('reports explicit names whose keys coincide', () => {
    const error = thrown(() =>
      buildConfig(
        { byPath: [], byName: [value('/a/b.c', 'String', 'x'), value('/a.b/c', 'String', 'y')] },
        target,
      ),
    );
    expect(error.code).toBe('CONFIG_COLLISION');
    expect(error.details.collisions).toEqual([{ key: 'ssm.a.b.c', parameters: ['/a.b/c', '/a/b.c'] }]);
  });

  it('reports every name that gives no valid env var in one INVALID_INPUT', () => {
    const error = thrown(() =>
      buildConfig(
        {
          byPath: [
            {
              path: '/shop',
              parameters: [
                value('/shop/1st', 'String', 'x'),
                value('/shop/2nd', 'String', 'y'),
                value('/shop/OK', 'String', 'z'),
              ],
            },
          ],
          byName: [],
        },
        target,
      ),
    );
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('/shop/1st');
    expect(error.message).toContain('/shop/2nd');
    expect(error.message).not.toContain('/shop/OK');
  });
});
