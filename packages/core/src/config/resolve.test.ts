import { GetParametersByPathCommand, GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { awsError, expectNoValues, rejection } from './_test-fixtures.ts';
import { resolveConfig } from './index.ts';

const ssmClient = new SSMClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
});
const ssm = mockClient(ssmClient);
beforeEach(() => ssm.reset());

const SECRETS = ['s3cr3t-db-pass', 'sm-rotating-token', 'info-level'];
const base = { app: 'shop', namespace: 'prod', region: 'eu-west-1', ssmClient };

describe('resolveConfig', () => {
  it('reads paths and names and builds objects, bindings and checksum without leaking values', async () => {
    ssm.on(GetParametersByPathCommand).resolvesOnce({
      Parameters: [
        { Name: '/shop/prod/log-level', Type: 'String', Value: 'info-level', Version: 2 },
        { Name: '/shop/prod/db/pass', Type: 'SecureString', Value: 's3cr3t-db-pass', Version: 9 },
      ],
    });
    ssm.on(GetParametersCommand).resolves({
      Parameters: [
        {
          Name: '/aws/reference/secretsmanager/shop/token',
          Type: 'SecureString',
          Value: 'sm-rotating-token',
          Version: 0,
          SourceResult: JSON.stringify({ VersionId: 'v-42', SecretString: 'sm-rotating-token' }),
        },
      ],
      InvalidParameters: [],
    });

    const config = await resolveConfig({
      ...base,
      paths: ['/shop/prod/'],
      names: ['/aws/reference/secretsmanager/shop/token'],
    });

    expect(config.configMap?.data).toEqual({ LOG_LEVEL: 'info-level' });
    expect(config.secret?.data).toEqual({
      DB_PASS: Buffer.from('s3cr3t-db-pass').toString('base64'),
      'ssm.aws.reference.secretsmanager.shop.token': Buffer.from('sm-rotating-token').toString('base64'),
    });
    expect(config.bindingFor('/aws/reference/secretsmanager/shop/token')).toEqual({
      kind: 'Secret',
      name: 'shop-secrets',
      key: 'ssm.aws.reference.secretsmanager.shop.token',
    });
    expect(config.env.map((e) => e.name)).toEqual(['DB_PASS', 'LOG_LEVEL']);

    const { configMap: _c, secret: _s, objects: _o, ...rest } = config;
    expectNoValues(rest, SECRETS);
    expectNoValues(config.parameters, SECRETS);
    expectNoValues(config.env, SECRETS);
    expectNoValues(config.podTemplateAnnotations, SECRETS);
    expectNoValues(config.bindingFor('/shop/prod/db/pass'), SECRETS);
  });

  it('reports a missing name and an empty path together, and builds nothing', async () => {
    ssm.on(GetParametersByPathCommand).resolves({ Parameters: [] });
    ssm.on(GetParametersCommand).resolves({
      Parameters: [{ Name: '/shop/present', Type: 'SecureString', Value: 's3cr3t-db-pass', Version: 1 }],
      InvalidParameters: ['/shop/absent'],
    });
    const error = await rejection(
      resolveConfig({ ...base, paths: ['/shop/nothing-here'], names: ['/shop/present', '/shop/absent'] }),
    );
    expect(error.code).toBe('SSM_PARAMETERS_MISSING');
    expect(error.details.problems).toEqual([
      { name: '/shop/absent', kind: 'parameter', reason: 'not-found' },
      { name: '/shop/nothing-here', kind: 'path', reason: 'empty-path' },
    ]);
    expectNoValues(error, SECRETS);
  });

  it('rejects bad input before sending any request', async () => {
    const error = await rejection(
      resolveConfig({ ...base, app: 'Not A Label', paths: ['/aws/reference/secretsmanager/x'] }),
    );
    expect(error.code).toBe('INVALID_INPUT');
    expect(ssm.calls()).toHaveLength(0);
  });

  it('sends nothing when there is nothing to read', async () => {
    const config = await resolveConfig(base);
    expect(config.objects).toEqual([]);
    expect(ssm.calls()).toHaveLength(0);
  });

  it('turns an all-denied read into AWS_CREDENTIALS naming the parameters', async () => {
    ssm
      .on(GetParametersCommand)
      .rejects(awsError('AccessDeniedException', 'not authorized to perform kms:Decrypt'));
    const error = await rejection(resolveConfig({ ...base, names: ['/shop/a', '/shop/b'] }));
    expect(error.code).toBe('AWS_CREDENTIALS');
    expect(error.message).toContain('/shop/a');
    expect(error.message).toContain('/shop/b');
    expect(error.message).toContain('kms:Decrypt');
  });
});
