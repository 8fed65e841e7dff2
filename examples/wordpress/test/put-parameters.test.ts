// scripts/put-parameters.sh against moto: a stand-in data stack (the outputs cfn/data.yaml has) and
// a KMS key; the script runs with the testbed's AWS CLI.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestbedInfo } from '@kubeship/testbed';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { motoCli, motoEnv } from './_aws.ts';
import { type Finished, run } from './_run.ts';

const example = fileURLToPath(new URL('..', import.meta.url));
const script = join(example, 'scripts', 'put-parameters.sh');

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
  const NAMES = ['DB_HOST', 'DB_USER', 'DB_PASSWORD', 'MEMCACHED_ENDPOINT', 'INSTALL_KEY'];
  const awsJson = motoCli(info);
  let keyArn = '';
  let env: NodeJS.ProcessEnv = {};

  beforeAll(() => {
    env = motoEnv(info);
    keyArn = (
      awsJson(['kms', 'create-key', '--description', `parameters ${suffix}`]) as {
        KeyMetadata: { Arn: string };
      }
    ).KeyMetadata.Arn;
    const template = {
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: {
        Marker: { Type: 'AWS::CloudFormation::WaitConditionHandle' },
      },
      Outputs: {
        DatabaseEndpoint: { Value: 'wordpress-test.c1abcdefghij.us-east-1.rds.amazonaws.com' },
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
    awsJson(['ssm', 'delete-parameters', '--names', ...NAMES.map((n) => `${prefix}/${n}`)]);
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
  /** Neither secret appears in what the script printed. */
  const expectNoSecrets = (result: Finished) => {
    const written = parameters();
    for (const name of ['DB_PASSWORD', 'INSTALL_KEY']) {
      const value = written[name]?.Value ?? 'none';
      expect(`${result.stdout}${result.stderr}`).not.toContain(value);
    }
  };

  it('writes the five parameters: WordPress’s own user, generated secrets as SecureStrings with the stack’s key', async () => {
    const result = await putParameters();
    expect(result.status, result.stderr).toBe(0);
    expectNoSecrets(result);
    const written = parameters();
    expect(written).toMatchObject({
      DB_HOST: {
        Type: 'String',
        Value: 'wordpress-test.c1abcdefghij.us-east-1.rds.amazonaws.com',
        Version: 1,
      },
      DB_USER: { Type: 'String', Value: 'wordpress_app', Version: 1 },
      DB_PASSWORD: { Type: 'SecureString', Version: 1 },
      MEMCACHED_ENDPOINT: {
        Type: 'String',
        Value: 'wordpress-test.abc123.cfg.use1.cache.amazonaws.com:11211',
      },
      INSTALL_KEY: { Type: 'SecureString', Version: 1 },
    });
    // 32 random bytes each, in the alphabet scripts/db-user.sh accepts
    expect(written.DB_PASSWORD?.Value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(written.INSTALL_KEY?.Value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(written.INSTALL_KEY?.Value).not.toBe(written.DB_PASSWORD?.Value);
    for (const name of ['DB_PASSWORD', 'INSTALL_KEY']) {
      const { Parameters } = awsJson([
        'ssm',
        'describe-parameters',
        '--parameter-filters',
        `Key=Name,Values=${prefix}/${name}`,
      ]) as { Parameters: Array<{ KeyId?: string }> };
      expect(keyArn).toContain(Parameters[0]?.KeyId ?? 'no key id');
    }
  });

  it('is idempotent: the generated secrets are kept, nothing gets a new version', async () => {
    const before = parameters();
    const again = await putParameters();
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr.match(/unchanged/g)).toHaveLength(5);
    expect(Object.values(parameters()).map((p) => p.Version)).toEqual([1, 1, 1, 1, 1]);
    expect(parameters()).toEqual(before);
  });

  it('rewrites only the password with --rotate-password', async () => {
    const before = parameters();
    const rotated = await putParameters('--rotate-password');
    expect(rotated.status, rotated.stderr).toBe(0);
    expect(rotated.stderr).toContain(`wrote ${prefix}/DB_PASSWORD (SecureString)`);
    expect(rotated.stderr.match(/unchanged/g)).toHaveLength(4);
    expectNoSecrets(rotated);
    const after = parameters();
    expect(after.DB_PASSWORD).toMatchObject({ Version: 2 });
    expect(after.DB_PASSWORD?.Value).not.toBe(before.DB_PASSWORD?.Value);
    expect(after.INSTALL_KEY).toEqual(before.INSTALL_KEY);
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
