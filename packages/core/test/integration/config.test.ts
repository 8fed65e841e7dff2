import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import * as k8s from '@kubernetes/client-node';
import { aws } from '@kubeship/testbed';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testNamespace } from '../../../testbed/test/helpers.ts';
import { type ResolveConfigOptions, resolveConfig } from '../../src/config/index.ts';
import { isKubeshipError, type KubeshipError } from '../../src/errors.ts';

const info = inject('testbed');
const run = (args: string[]) =>
  aws([...args, '--region', info.region], info.aws.credentials, info.aws.endpointUrl);

const id = randomBytes(4).toString('hex');
const root = `/kubeship/it-config-${id}`;
const paths = { app: `${root}/app`, empty: `${root}/nothing-here` };
const names = {
  logLevel: `${paths.app}/log-level`,
  dbPassword: `${paths.app}/db/password`,
  hosts: `${paths.app}/allowed-hosts`,
  apiToken: `${root}/shared/api-token`,
  missing: `${root}/shared/does-not-exist`,
};
const secretName = `kubeship-it-${id}/token`;
const reference = `/aws/reference/secretsmanager/${secretName}`;

// Every value a test puts into SSM or Secrets Manager; none may leave the objects' data.
const values = {
  logLevel: `debug-${id}-plain`,
  dbPassword: `db-pass-${id}-s3cr3t`,
  hosts: `a-${id}.example,b-${id}.example`,
  apiToken: `api-token-${id}-s3cr3t`,
  smToken: `sm-token-${id}-s3cr3t`,
};
const allValues = () => Object.values(values);

let ssm: SSMClient;
let keyId: string;
let savedEnv: NodeJS.ProcessEnv;

const options = (extra: Partial<ResolveConfigOptions> = {}): ResolveConfigOptions => ({
  app: 'shop',
  namespace: 'default',
  region: info.region,
  paths: [paths.app],
  names: [names.apiToken, reference, names.dbPassword],
  ...extra,
});

async function put(name: string, value: string, type: 'String' | 'StringList' | 'SecureString') {
  await ssm.send(
    new PutParameterCommand({
      Name: name,
      Value: value,
      Type: type,
      Overwrite: true,
      ...(type === 'SecureString' ? { KeyId: keyId } : {}),
    }),
  );
}

/** No value in any rendering of `thing` (JSON, util.inspect, String, error text). */
function expectNoValues(thing: unknown): void {
  const renderings = [
    JSON.stringify(thing) ?? '',
    inspect(thing, { depth: Number.POSITIVE_INFINITY }),
    String(thing),
    thing instanceof Error ? `${thing.message}\n${thing.stack ?? ''}` : '',
  ].join('\n');
  for (const value of allValues()) {
    expect(renderings).not.toContain(value);
    expect(renderings).not.toContain(Buffer.from(value).toString('base64'));
  }
}

beforeAll(async () => {
  savedEnv = { ...process.env };
  // As in CodeBuild: credentials in env vars, the endpoint from AWS_ENDPOINT_URL (the SDK reads it).
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: info.aws.endpointUrl,
    AWS_ACCESS_KEY_ID: info.aws.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: info.aws.credentials.secretAccessKey,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  });
  ssm = new SSMClient({ region: info.region });
  const key = run(['kms', 'create-key', '--description', `kubeship config test ${id}`]) as {
    KeyMetadata: { KeyId: string };
  };
  keyId = key.KeyMetadata.KeyId;
  await put(names.logLevel, values.logLevel, 'String');
  await put(names.hosts, values.hosts, 'StringList');
  await put(names.dbPassword, values.dbPassword, 'SecureString');
  await put(names.apiToken, values.apiToken, 'SecureString');
  run(['secretsmanager', 'create-secret', '--name', secretName, '--secret-string', values.smToken]);
});

afterAll(() => {
  ssm?.destroy();
  process.env = savedEnv;
});

describe('SSM configuration on the testbed', () => {
  it('reads String, StringList, SecureString (KMS) and a Secrets Manager reference into a ConfigMap and a Secret', async () => {
    const config = await resolveConfig(options());

    expect(config.configMap?.metadata.name).toBe('shop-config');
    expect(config.configMap?.data).toEqual({ ALLOWED_HOSTS: values.hosts, LOG_LEVEL: values.logLevel });
    const decoded = Object.fromEntries(
      Object.entries(config.secret?.data ?? {}).map(([key, data]) => [
        key,
        Buffer.from(data, 'base64').toString(),
      ]),
    );
    expect(decoded).toEqual({
      DB_PASSWORD: values.dbPassword,
      [`ssm.kubeship.it-config-${id}.shared.api-token`]: values.apiToken,
      [`ssm.aws.reference.secretsmanager.kubeship-it-${id}.token`]: values.smToken,
    });
    expect(config.bindingFor(names.dbPassword)).toEqual({
      kind: 'Secret',
      name: 'shop-secrets',
      key: 'DB_PASSWORD',
    });
    expect(config.bindingFor(reference)).toEqual({
      kind: 'Secret',
      name: 'shop-secrets',
      key: `ssm.aws.reference.secretsmanager.kubeship-it-${id}.token`,
    });
    expect(config.env.map((e) => e.name)).toEqual(['ALLOWED_HOSTS', 'DB_PASSWORD', 'LOG_LEVEL']);
    expect(config.parameters.map((p) => [p.name, p.type])).toEqual([
      [reference, 'SecureString'],
      [names.hosts, 'StringList'],
      [names.dbPassword, 'SecureString'],
      [names.logLevel, 'String'],
      [names.apiToken, 'SecureString'],
    ]);

    const { configMap: _c, secret: _s, objects: _o, ...rest } = config;
    expectNoValues(rest);
    expectNoValues(config.parameters);
    expectNoValues(config.env);
    // util.inspect of the whole result redacts the objects' data too
    const shown = inspect(config, { depth: Number.POSITIVE_INFINITY });
    for (const value of allValues()) expect(shown).not.toContain(value);
  });

  it('keeps the checksum for unchanged config and changes it when a parameter or the secret changes', async () => {
    const first = (await resolveConfig(options())).checksum;
    expect((await resolveConfig(options())).checksum).toBe(first);

    await put(names.logLevel, `${values.logLevel}-2`, 'String');
    values.logLevel = `${values.logLevel}-2`;
    const second = (await resolveConfig(options())).checksum;
    expect(second).not.toBe(first);
    expect((await resolveConfig(options())).checksum).toBe(second);

    // the same value again is still a new version: pods roll, as an operator who re-put it expects
    await put(names.apiToken, values.apiToken, 'SecureString');
    const third = (await resolveConfig(options())).checksum;
    expect(third).not.toBe(second);

    values.smToken = `${values.smToken}-rotated`;
    run(['secretsmanager', 'put-secret-value', '--secret-id', secretName, '--secret-string', values.smToken]);
    const rotated = await resolveConfig(options());
    expect(rotated.checksum).not.toBe(third);
    const key = `ssm.aws.reference.secretsmanager.kubeship-it-${id}.token`;
    expect(Buffer.from(rotated.secret?.data[key] ?? '', 'base64').toString()).toBe(values.smToken);
  });

  it('reports a missing name and an empty path together in one error, without values', async () => {
    let error: KubeshipError | undefined;
    try {
      await resolveConfig(
        options({ paths: [paths.app, paths.empty], names: [names.apiToken, names.missing, reference] }),
      );
    } catch (caught) {
      if (!isKubeshipError(caught)) throw caught;
      error = caught;
    }
    expect(error?.code).toBe('SSM_PARAMETERS_MISSING');
    expect(error?.details.problems).toEqual([
      { name: names.missing, kind: 'parameter', reason: 'not-found' },
      { name: paths.empty, kind: 'path', reason: 'empty-path' },
    ]);
    expect(error?.message).toContain(names.missing);
    expect(error?.message).toContain(paths.empty);
    expectNoValues(error);
  });

  it('builds a ConfigMap and a Secret the apiserver accepts (server-side dry-run)', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(info.adminKubeconfig);
    const namespace = await testNamespace(kc, 'config');
    try {
      const config = await resolveConfig(options({ namespace: namespace.name }));
      const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
      for (const object of config.objects) {
        const accepted = await objects.create(object, undefined, 'All');
        expect(accepted.metadata?.name).toBe(object.metadata.name);
        expect(accepted.metadata?.namespace).toBe(namespace.name);
        expect(accepted.metadata?.labels).toEqual(object.metadata.labels);
      }
      expect(config.objects.map((o) => o.kind)).toEqual(['ConfigMap', 'Secret']);
      // dry-run: nothing was stored
      const core = kc.makeApiClient(k8s.CoreV1Api);
      const secrets = await core.listNamespacedSecret({ namespace: namespace.name });
      const configMaps = await core.listNamespacedConfigMap({ namespace: namespace.name });
      expect(secrets.items.map((s) => s.metadata?.name)).not.toContain('shop-secrets');
      expect(configMaps.items.map((c) => c.metadata?.name)).not.toContain('shop-config');
    } finally {
      await namespace.remove();
    }
  });
});
