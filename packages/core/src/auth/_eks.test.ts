import { inspect } from 'node:util';
import { DescribeClusterCommand, EKSClient, ResourceNotFoundException } from '@aws-sdk/client-eks';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { HttpMethod, RequestContext } from '@kubernetes/client-node';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClusterConnection } from './_connection.ts';
import { clusterAccessFrom, connectToEks, describeAwsError } from './_eks.ts';

const eks = mockClient(EKSClient);
const sts = mockClient(STSClient);
const MINUTE = 60_000;
const T0 = Date.parse('2026-11-22T12:00:00Z');
const caData = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString(
  'base64',
);
const baseCredentials = { accessKeyId: 'AKIABASEKEY000000001', secretAccessKey: 'base-secret-do-not-print' };
const activeCluster = {
  cluster: {
    name: 'prod',
    status: 'ACTIVE' as const,
    endpoint: 'https://ABC.gr7.us-east-1.eks.amazonaws.com',
    certificateAuthority: { data: caData },
  },
};

function awsError(name: string, message: string, status = 400) {
  return new STSServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: status } });
}

/** The token client-node would put on its next request, decoded. */
async function nextTokenUrl(connection: ClusterConnection): Promise<URL> {
  const context = new RequestContext(`${connection.server}/api`, HttpMethod.GET);
  await connection.kubeConfig.applySecurityAuthentication(context);
  const header = context.getHeaders().Authorization ?? '';
  expect(header).toMatch(/^Bearer k8s-aws-v1\./);
  return new URL(Buffer.from(header.slice('Bearer k8s-aws-v1.'.length), 'base64url').toString());
}

beforeEach(() => {
  eks.reset();
  sts.reset();
  vi.stubEnv('CODEBUILD_BUILD_ID', undefined);
  sts
    .on(GetCallerIdentityCommand)
    .resolves({ Arn: 'arn:aws:iam::111122223333:user/ci', Account: '111122223333' });
  eks.on(DescribeClusterCommand).resolves(activeCluster);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('connectToEks', () => {
  it('reads endpoint and CA from DescribeCluster into an in-memory KubeConfig', async () => {
    const connection = await connectToEks({
      clusterName: 'prod',
      region: 'us-east-1',
      credentials: async () => baseCredentials,
    });
    expect(eks.commandCalls(DescribeClusterCommand)[0]?.args[0].input).toEqual({ name: 'prod' });
    expect(connection.server).toBe(activeCluster.cluster.endpoint);
    expect(connection.principal).toBe('arn:aws:iam::111122223333:user/ci');
    expect(connection.description).toBe('EKS cluster prod (us-east-1) as arn:aws:iam::111122223333:user/ci');
    const cluster = connection.kubeConfig.getCurrentCluster();
    expect(cluster).toMatchObject({ server: activeCluster.cluster.endpoint, caData, skipTLSVerify: false });
    expect(connection.kubeConfig.getCurrentUser()).not.toHaveProperty('token');
  });

  it('signs tokens with the injected clock and re-mints them after 14 minutes', async () => {
    let clock = T0;
    const connection = await connectToEks({
      clusterName: 'prod',
      region: 'us-east-1',
      credentials: async () => baseCredentials,
      now: () => clock,
    });
    const first = await nextTokenUrl(connection);
    expect(first.host).toBe('sts.us-east-1.amazonaws.com');
    expect(first.searchParams.get('X-Amz-Date')).toBe('20261122T120000Z');
    clock = T0 + 13 * MINUTE;
    expect((await nextTokenUrl(connection)).searchParams.get('X-Amz-Date')).toBe('20261122T120000Z');
    clock = T0 + 14 * MINUTE;
    expect((await nextTokenUrl(connection)).searchParams.get('X-Amz-Date')).toBe('20261122T121400Z');
    clock = T0 + 40 * MINUTE;
    expect((await nextTokenUrl(connection)).searchParams.get('X-Amz-Date')).toBe('20261122T124000Z');
  });

  it('assumes the role with a session name from CODEBUILD_BUILD_ID and signs with its credentials', async () => {
    vi.stubEnv('CODEBUILD_BUILD_ID', 'web-deploy:9f0c2a4e-1b2d-4c3e-8f9a-0b1c2d3e4f5a');
    let clock = T0;
    sts.on(AssumeRoleCommand).callsFake(async () => ({
      Credentials: {
        AccessKeyId: `ASIAASSUMED${sts.commandCalls(AssumeRoleCommand).length}`,
        SecretAccessKey: 'assumed-secret-do-not-print',
        SessionToken: 'assumed-session-token-do-not-print',
        Expiration: new Date(clock + 60 * MINUTE),
      },
      AssumedRoleUser: {
        Arn: 'arn:aws:sts::444455556666:assumed-role/deployer/kubeship-web-deploy-9f0c2a4e-1b2d-4c3e-8f9a-0b1c2d3e4f5a',
        AssumedRoleId: 'AROA:x',
      },
    }));
    const connection = await connectToEks({
      clusterName: 'prod',
      region: 'eu-west-1',
      roleArn: 'arn:aws:iam::444455556666:role/deployer',
      externalId: 'shared-ext-id',
      credentials: async () => baseCredentials,
      now: () => clock,
    });
    expect(sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input)).toEqual([
      {
        RoleArn: 'arn:aws:iam::444455556666:role/deployer',
        RoleSessionName: 'kubeship-web-deploy-9f0c2a4e-1b2d-4c3e-8f9a-0b1c2d3e4f5a',
        ExternalId: 'shared-ext-id',
      },
    ]);
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
    expect(connection.description).toBe(
      'EKS cluster prod (eu-west-1) as arn:aws:sts::444455556666:assumed-role/deployer/kubeship-web-deploy-9f0c2a4e-1b2d-4c3e-8f9a-0b1c2d3e4f5a',
    );
    const token = await nextTokenUrl(connection);
    expect(token.searchParams.get('X-Amz-Credential')).toMatch(
      /^ASIAASSUMED1\/20261122\/eu-west-1\/sts\/aws4_request$/,
    );
    expect(token.searchParams.get('X-Amz-Security-Token')).toBe('assumed-session-token-do-not-print');

    // 56 minutes later the assumed credentials are within 5 minutes of expiry: the role is assumed again.
    clock = T0 + 56 * MINUTE;
    expect((await nextTokenUrl(connection)).searchParams.get('X-Amz-Credential')).toMatch(/^ASIAASSUMED2\//);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);

    const printed = [
      inspect(connection, { depth: Infinity }),
      inspect(connection.kubeConfig, { depth: Infinity }),
      JSON.stringify(connection),
      connection.kubeConfig.exportConfig(),
    ].join('\n');
    for (const secret of ['do-not-print', 'k8s-aws-v1.']) expect(printed).not.toContain(secret);
  });

  it('derives a pid-and-time session name outside CodeBuild and accepts an explicit one', async () => {
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIA1',
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: new Date(T0 + 3_600_000),
      },
      AssumedRoleUser: { Arn: 'arn:aws:sts::444455556666:assumed-role/deployer/x', AssumedRoleId: 'AROA:x' },
    });
    const options = {
      clusterName: 'prod',
      region: 'us-east-1',
      roleArn: 'arn:aws:iam::444455556666:role/deployer',
      credentials: async () => baseCredentials,
      now: () => T0,
    };
    await connectToEks(options);
    await connectToEks({ ...options, roleSessionName: 'release-42' });
    expect(sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleSessionName)).toEqual([
      `kubeship-${process.pid}-${T0}`,
      'release-42',
    ]);
  });

  it.each([
    [
      'ResourceNotFoundException',
      () => new ResourceNotFoundException({ message: 'No cluster found for name: prod.', $metadata: {} }),
      'CLUSTER_NOT_FOUND',
    ],
    [
      'AccessDeniedException',
      () =>
        awsError(
          'AccessDeniedException',
          'User: arn:aws:iam::1:user/ci is not authorized to perform: eks:DescribeCluster',
          403,
        ),
      'AWS_CREDENTIALS',
    ],
    [
      'UnrecognizedClientException',
      () => awsError('UnrecognizedClientException', 'The security token included in the request is invalid.'),
      'AWS_CREDENTIALS',
    ],
    ['ThrottlingException', () => awsError('ThrottlingException', 'Rate exceeded'), 'API_ERROR'],
    [
      'a refused connection',
      () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      'AWS_UNREACHABLE',
    ],
  ])('maps DescribeCluster %s', async (_, error, code) => {
    eks.on(DescribeClusterCommand).rejects(error());
    const rejection = connectToEks({
      clusterName: 'prod',
      region: 'us-east-1',
      credentials: async () => baseCredentials,
    });
    await expect(rejection).rejects.toMatchObject({ name: 'KubeshipError', code });
  });

  it('says CLUSTER_NOT_ACTIVE for a cluster that is being created', async () => {
    eks.on(DescribeClusterCommand).resolves({ cluster: { name: 'prod', status: 'CREATING' } });
    await expect(
      connectToEks({ clusterName: 'prod', region: 'us-east-1', credentials: async () => baseCredentials }),
    ).rejects.toMatchObject({
      code: 'CLUSTER_NOT_ACTIVE',
      message: 'EKS cluster prod (us-east-1) is CREATING, not ACTIVE; deploy once it is ACTIVE',
    });
  });

  it('says AWS_CREDENTIALS when there are no credentials or the role cannot be assumed', async () => {
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    await expect(
      connectToEks({
        clusterName: 'prod',
        region: 'us-east-1',
        credentials: async () => Promise.reject(noCredentials),
      }),
    ).rejects.toMatchObject({
      code: 'AWS_CREDENTIALS',
      message: expect.stringContaining('no AWS credentials were found'),
    });

    sts
      .on(AssumeRoleCommand)
      .rejects(
        awsError(
          'AccessDenied',
          'User: arn:aws:iam::1:user/ci is not authorized to perform: sts:AssumeRole',
          403,
        ),
      );
    await expect(
      connectToEks({
        clusterName: 'prod',
        region: 'us-east-1',
        roleArn: 'arn:aws:iam::444455556666:role/deployer',
        credentials: async () => baseCredentials,
      }),
    ).rejects.toMatchObject({
      code: 'AWS_CREDENTIALS',
      message: expect.stringContaining(
        'AWS refused STS AssumeRole of arn:aws:iam::444455556666:role/deployer',
      ),
    });
    expect(eks.commandCalls(DescribeClusterCommand)).toHaveLength(0);
  });

  it('still connects when STS cannot be reached to name the principal', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejects(Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError' }));
    const connection = await connectToEks({
      clusterName: 'prod',
      region: 'us-east-1',
      credentials: async () => baseCredentials,
    });
    expect(connection.description).toBe('EKS cluster prod (us-east-1) as an unidentified AWS principal');
  });

  it.each([
    [{ clusterName: 'prod cluster' }, 'clusterName'],
    [{ region: 'moon-1' }, 'region'],
    [{ roleArn: 'deployer' }, 'roleArn'],
    [{ roleArn: 'arn:aws:iam::444455556666:role/deployer', roleSessionName: 'a b' }, 'roleSessionName'],
    [{ externalId: 'x' }, 'externalId'],
    [{ refreshBeforeExpiryMs: 15 * MINUTE }, 'refreshBeforeExpiryMs'],
  ])('rejects bad input %j before calling AWS', async (override, field) => {
    await expect(
      connectToEks({
        clusterName: 'prod',
        region: 'us-east-1',
        credentials: async () => baseCredentials,
        ...override,
      }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { field } });
    expect(eks.calls()).toHaveLength(0);
    expect(sts.calls()).toHaveLength(0);
  });
});

describe('clusterAccessFrom', () => {
  const where = { clusterName: 'prod', region: 'us-east-1' };
  it.each(['CREATING', 'UPDATING', 'DELETING', 'FAILED', 'PENDING'])('refuses a %s cluster', (status) => {
    expect(() =>
      clusterAccessFrom({ status, endpoint: 'https://x', certificateAuthority: { data: caData } }, where),
    ).toThrow(
      expect.objectContaining({
        code: 'CLUSTER_NOT_ACTIVE',
        details: { clusterName: 'prod', region: 'us-east-1', status },
      }),
    );
  });
  it('needs an https endpoint and CA data', () => {
    expect(() =>
      clusterAccessFrom({ status: 'ACTIVE', certificateAuthority: { data: caData } }, where),
    ).toThrow(expect.objectContaining({ code: 'API_ERROR' }));
    expect(() => clusterAccessFrom({ status: 'ACTIVE', endpoint: 'https://x' }, where)).toThrow(
      expect.objectContaining({ code: 'API_ERROR' }),
    );
    expect(() => clusterAccessFrom(undefined, where)).toThrow(
      expect.objectContaining({ code: 'CLUSTER_NOT_FOUND' }),
    );
    expect(
      clusterAccessFrom(
        { status: 'ACTIVE', endpoint: 'https://x', certificateAuthority: { data: caData } },
        where,
      ),
    ).toEqual({
      endpoint: 'https://x',
      caData,
    });
  });
});

describe('describeAwsError', () => {
  it('keeps the AWS error name and first line, and never the request', () => {
    const error = describeAwsError(
      awsError('ExpiredTokenException', 'The security token included in the request is expired'),
      {
        action: 'EKS DescribeCluster',
        clusterName: 'prod',
        region: 'us-east-1',
      },
    );
    expect(error.code).toBe('AWS_CREDENTIALS');
    expect(error.message).toBe(
      'AWS refused EKS DescribeCluster: ExpiredTokenException: The security token included in the request is expired',
    );
    expect(error.details).toEqual({
      action: 'EKS DescribeCluster',
      clusterName: 'prod',
      region: 'us-east-1',
      awsError: 'ExpiredTokenException',
    });
  });
});
