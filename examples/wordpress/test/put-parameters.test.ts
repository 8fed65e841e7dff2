// scripts/put-parameters.sh against moto: a stand-in data stack (the outputs cfn/data.yaml has),
// an RDS-style managed secret and a KMS key; the script runs with the testbed's AWS CLI.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aws, type TestbedInfo } from '@kubeship/testbed';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Finished, run } from './_run.ts';

const example = fileURLToPath(new URL('..', import.meta.url));
const script = join(example, 'scripts', 'put-parameters.sh');
const ensureVenv = join(example, '..', '..', 'packages', 'testbed', 'scripts', 'ensure-venv.sh');

interface Parameter {
  Name: string;
  Type: string;
  Value: string;
  Version: number;
}

describe('scripts/put-parameters.sh', () => {
  const info: TestbedInfo = inject('testbed');
  const suffix = randomBytes(3).toString('hex');
  const stack = `wordpress-test-data-${suffix}`;
  const prefix = `/wordpress-${suffix}/test`;
  const secretName = `rds!db-${suffix}`;
  const passwords = [
    `Rds-${randomBytes(12).toString('base64url')}`,
    `Rds-${randomBytes(12).toString('base64url')}`,
  ];
  const awsJson = (args: string[]) =>
    aws([...args, '--region', info.region], info.aws.credentials, info.aws.endpointUrl);
  let keyArn = '';
  let env: NodeJS.ProcessEnv = {};

  beforeAll(() => {
    const venv = execFileSync('bash', [ensureVenv], { stdio: ['ignore', 'pipe', 'inherit'] })
      .toString()
      .trim();
    const { AWS_PROFILE: _, ...inherited } = process.env;
    env = {
      ...inherited,
      PATH: `${join(venv, 'bin')}:${process.env.PATH}`,
      AWS_ACCESS_KEY_ID: info.aws.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: info.aws.credentials.secretAccessKey,
      AWS_ENDPOINT_URL: info.aws.endpointUrl,
      AWS_REGION: info.region,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    };
    keyArn = (
      awsJson(['kms', 'create-key', '--description', `parameters ${suffix}`]) as {
        KeyMetadata: { Arn: string };
      }
    ).KeyMetadata.Arn;
    const secret = awsJson([
      'secretsmanager',
      'create-secret',
      '--name',
      secretName,
      '--secret-string',
      JSON.stringify({ username: 'wordpress', password: passwords[0] }),
    ]) as { ARN: string };
    const template = {
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: {
        Marker: { Type: 'AWS::CloudFormation::WaitConditionHandle' },
      },
      Outputs: {
        DatabaseEndpoint: { Value: 'wordpress-test.c1abcdefghij.us-east-1.rds.amazonaws.com' },
        DatabaseUser: { Value: 'wordpress' },
        DatabaseSecretArn: { Value: secret.ARN },
        MemcachedEndpoint: { Value: 'wordpress-test.abc123.cfg.use1.cache.amazonaws.com:11211' },
        ParametersKeyArn: { Value: keyArn },
      },
    };
    awsJson([
      'cloudformation',
      'create-stack',
      '--stack-name',
      stack,
      '--template-body',
      JSON.stringify(template),
    ]);
  });

  afterAll(() => {
    awsJson(['cloudformation', 'delete-stack', '--stack-name', stack]);
    awsJson([
      'secretsmanager',
      'delete-secret',
      '--secret-id',
      secretName,
      '--force-delete-without-recovery',
    ]);
    awsJson([
      'ssm',
      'delete-parameters',
      '--names',
      ...['DB_HOST', 'DB_USER', 'DB_PASSWORD', 'MEMCACHED_ENDPOINT'].map((n) => `${prefix}/${n}`),
    ]);
  });

  const putParameters = (...args: string[]) =>
    run('bash', [script, 'test', '--stack', stack, '--prefix', prefix, ...args], { env, cwd: example });
  const parameters = () => {
    const { Parameters } = awsJson([
      'ssm',
      'get-parameters-by-path',
      '--path',
      prefix,
      '--with-decryption',
    ]) as {
      Parameters: Parameter[];
    };
    return Object.fromEntries(Parameters.map((p) => [p.Name.slice(prefix.length + 1), p]));
  };
  const expectNoPassword = (result: Finished) => {
    for (const password of passwords) expect(`${result.stdout}${result.stderr}`).not.toContain(password);
  };

  it('writes the four parameters, the password as a SecureString with the stack’s key', async () => {
    const result = await putParameters();
    expect(result.status, result.stderr).toBe(0);
    expectNoPassword(result);
    const written = parameters();
    expect(written).toMatchObject({
      DB_HOST: {
        Type: 'String',
        Value: 'wordpress-test.c1abcdefghij.us-east-1.rds.amazonaws.com',
        Version: 1,
      },
      DB_USER: { Type: 'String', Value: 'wordpress', Version: 1 },
      DB_PASSWORD: { Type: 'SecureString', Value: passwords[0], Version: 1 },
      MEMCACHED_ENDPOINT: {
        Type: 'String',
        Value: 'wordpress-test.abc123.cfg.use1.cache.amazonaws.com:11211',
      },
    });
    const { Parameters } = awsJson([
      'ssm',
      'describe-parameters',
      '--parameter-filters',
      `Key=Name,Values=${prefix}/DB_PASSWORD`,
    ]) as { Parameters: Array<{ KeyId?: string }> };
    expect(keyArn).toContain(Parameters[0]?.KeyId ?? 'no key id');
  });

  it('is idempotent, and rewrites only the password after a rotation', async () => {
    const again = await putParameters();
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr.match(/unchanged/g)).toHaveLength(4);
    expect(Object.values(parameters()).map((p) => p.Version)).toEqual([1, 1, 1, 1]);

    awsJson([
      'secretsmanager',
      'put-secret-value',
      '--secret-id',
      secretName,
      '--secret-string',
      JSON.stringify({ username: 'wordpress', password: passwords[1] }),
    ]);
    const rotated = await putParameters();
    expect(rotated.status, rotated.stderr).toBe(0);
    expect(rotated.stderr).toContain(`wrote ${prefix}/DB_PASSWORD (SecureString)`);
    expect(rotated.stderr.match(/unchanged/g)).toHaveLength(3);
    expectNoPassword(rotated);
    expect(parameters().DB_PASSWORD).toMatchObject({ Value: passwords[1], Version: 2 });
  });

  it('refuses a wrong environment or stack with a message, writing nothing', async () => {
    const wrongEnv = await run('bash', [script, 'staging'], { env });
    expect(wrongEnv.status).toBe(1);
    expect(wrongEnv.stderr).toContain('the first argument must be test or prod');
    const noStack = await putParameters('--stack', `no-such-stack-${suffix}`);
    expect(noStack.status).toBe(1);
    expect(noStack.stderr).toContain(`cannot read the outputs of stack no-such-stack-${suffix}`);
  });
});
