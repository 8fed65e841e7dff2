import { describe, expect, it } from 'vitest';
import { sandboxExports, sandboxHealth, sandboxReport, sandboxVariables } from './sandbox.ts';
import type { TestbedInfo } from './testbed.ts';

const info = {
  clusterName: 'kubeship-testbed',
  region: 'eu-west-1',
  accountId: '123456789012',
  endpoint: 'https://127.0.0.1:41234',
  caPem: '',
  adminKubeconfig: '',
  adminKubeconfigPath: '/tmp/tb/admin.kubeconfig',
  aws: {
    endpointUrl: 'http://127.0.0.1:40321',
    credentials: { accessKeyId: 'AKIATESTBED', secretAccessKey: "s3cr'et" },
    principalArn: 'arn:aws:iam::123456789012:user/admin',
  },
  webhook: { url: '', adminToken: '' },
  dataDir: '/tmp/tb',
  pids: {},
} satisfies TestbedInfo;

describe('the testbed as a sandbox', () => {
  it('names every variable the EKS path needs: the access key the webhook accepts, both region variables, moto', () => {
    expect(Object.fromEntries(sandboxVariables(info))).toEqual({
      AWS_ENDPOINT_URL: 'http://127.0.0.1:40321',
      AWS_ACCESS_KEY_ID: 'AKIATESTBED',
      AWS_SECRET_ACCESS_KEY: "s3cr'et",
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      KUBECONFIG: '/tmp/tb/admin.kubeconfig',
    });
  });

  it('prints them as export lines a shell takes as they are, with the awscli it ships', () => {
    expect(sandboxExports(info)).toContain(`export AWS_SECRET_ACCESS_KEY='s3cr'\\''et'`);
    const report = sandboxReport(info, { seconds: 4.25, awscli: '/cache/venv/bin/aws' });
    expect(report).toContain('testbed up in 4.3 s');
    expect(report).toContain('  awscli       /cache/venv/bin/aws (or ./dev aws ARGS');
    expect(report).toContain('  export AWS_DEFAULT_REGION=eu-west-1');
  });

  it('is down, with the reason, when no testbed was started or its process is gone', async () => {
    expect(await sandboxHealth(undefined)).toEqual({
      up: false,
      reason: 'no testbed was started (./dev testbed up)',
    });
    expect(await sandboxHealth({ pid: 2 ** 22 + 12_345, info })).toEqual({
      up: false,
      reason: `the process that started it (pid ${2 ** 22 + 12_345}) is gone`,
    });
  });
});
