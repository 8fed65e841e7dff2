import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { httpsRequest } from '../../src/_https.ts';
import { aws, awscliToken, CLUSTER_ADMIN_GROUP, testbedAdmin } from '../../src/index.ts';
import { adminClients, testNamespace } from '../helpers.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function asToken(token: string, method: string, path: string, body?: object) {
  const { info } = await adminClients();
  return httpsRequest(
    `${info.endpoint}${path}`,
    { ca: info.caPem },
    {
      method,
      headers: { authorization: `Bearer ${token}` },
      ...(body ? { body: JSON.stringify(body) } : {}),
    },
  );
}

const whoAmI = (token: string) =>
  asToken(token, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'SelfSubjectReview',
  });

function editTokenUrl(token: string, edit: (url: URL) => void): string {
  const url = new URL(Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString());
  edit(url);
  return `k8s-aws-v1.${Buffer.from(url.toString()).toString('base64url')}`;
}

describe('EKS authentication on the testbed', () => {
  it('accepts the token of `aws eks get-token` and maps the principal through its access entry', async () => {
    const { info } = await adminClients();
    const credential = aws(
      ['eks', 'get-token', '--cluster-name', info.clusterName, '--region', info.region],
      info.aws.credentials,
    ) as {
      status: { token: string };
    };
    const review = await whoAmI(credential.status.token);
    expect(review.status).toBe(201);
    const user = JSON.parse(review.body).status.userInfo;
    expect(user.username).toBe('kubeship-testbed-admin');
    expect(user.groups).toEqual(expect.arrayContaining([CLUSTER_ADMIN_GROUP, 'system:authenticated']));
    expect(user.extra.arn).toEqual([info.aws.principalArn]);
  });

  it('rejects with 401 a changed byte, an expired token, another cluster and a token without the signed header', async () => {
    const { info } = await adminClients();
    const valid = awscliToken(info.clusterName, info.region, info.aws.credentials);
    const candidates = {
      changedByte: editTokenUrl(valid, (url) => {
        const signature = url.searchParams.get('X-Amz-Signature') ?? '';
        url.searchParams.set(
          'X-Amz-Signature',
          signature.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')),
        );
      }),
      expired: awscliToken(
        info.clusterName,
        info.region,
        info.aws.credentials,
        new Date(Date.now() - 16 * 60_000),
      ),
      otherCluster: awscliToken('another-cluster', info.region, info.aws.credentials),
      noSignedHeader: editTokenUrl(valid, (url) => url.searchParams.set('X-Amz-SignedHeaders', 'host')),
    };
    const statuses = Object.fromEntries(
      await Promise.all(
        Object.entries(candidates).map(async ([name, token]) => [name, (await whoAmI(token)).status]),
      ),
    );
    expect(statuses).toEqual({ changedByte: 401, expired: 401, otherCluster: 401, noSignedHeader: 401 });
    expect((await whoAmI(valid)).status).toBe(201);
  });

  it('lets RBAC decide for a role session mapped to a namespace-scoped group', async () => {
    const { info, kc, rbac } = await adminClients();
    const [own, other] = await Promise.all([testNamespace(kc, 'team-a'), testNamespace(kc, 'team-b')]);
    cleanups.push(own.remove, other.remove);
    const role = `deployer-${randomBytes(3).toString('hex')}`;
    const session = {
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64url'),
      sessionToken: randomBytes(40).toString('base64'),
      arn: `arn:aws:sts::${info.accountId}:assumed-role/${role}/build-7`,
    };
    const admin = testbedAdmin(info);
    await admin.registerCredentials(session);
    await admin.putAccessEntry(`arn:aws:iam::${info.accountId}:role/${role}`, {
      username: `${role}:{{SessionName}}`,
      groups: [`${role}-group`],
    });
    await rbac.createNamespacedRoleBinding({
      namespace: own.name,
      body: {
        metadata: { name: 'deployers' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: `${role}-group` }],
      },
    });

    const token = awscliToken(info.clusterName, info.region, session);
    expect((await asToken(token, 'GET', `/api/v1/namespaces/${own.name}/pods`)).status).toBe(200);
    const denied = await asToken(token, 'GET', `/api/v1/namespaces/${other.name}/pods`);
    expect(denied.status).toBe(403);
    expect(JSON.parse(denied.body).message).toBe(
      `pods is forbidden: User "${role}:build-7" cannot list resource "pods" in API group "" in the namespace "${other.name}"`,
    );
  });
});

describe('the AWS emulator', () => {
  it('stores a SecureString under a KMS key and reads it back decrypted', async () => {
    const { info } = await adminClients();
    const run = (args: string[]) =>
      aws([...args, '--region', info.region], info.aws.credentials, info.aws.endpointUrl);
    const key = run(['kms', 'create-key', '--description', 'kubeship test']) as {
      KeyMetadata: { KeyId: string };
    };
    const name = `/kubeship/test-${randomBytes(3).toString('hex')}/DB_PASSWORD`;
    run([
      'ssm',
      'put-parameter',
      '--name',
      name,
      '--type',
      'SecureString',
      '--key-id',
      key.KeyMetadata.KeyId,
      '--value',
      's3cr3t-value',
    ]);
    const encrypted = run(['ssm', 'get-parameter', '--name', name]) as {
      Parameter: { Value: string; Type: string };
    };
    expect(encrypted.Parameter.Type).toBe('SecureString');
    expect(encrypted.Parameter.Value).not.toBe('s3cr3t-value');
    const decrypted = run(['ssm', 'get-parameter', '--name', name, '--with-decryption']) as {
      Parameter: { Value: string };
    };
    expect(decrypted.Parameter.Value).toBe('s3cr3t-value');
  });

  it('describes the EKS cluster with the testbed apiserver endpoint and CA', async () => {
    const { info } = await adminClients();
    const described = aws(
      ['eks', 'describe-cluster', '--name', info.clusterName, '--region', info.region],
      info.aws.credentials,
      info.aws.endpointUrl,
    ) as { cluster: { endpoint: string; status: string; certificateAuthority: { data: string } } };
    expect(described.cluster.endpoint).toBe(info.endpoint);
    expect(described.cluster.status).toBe('ACTIVE');
    expect(Buffer.from(described.cluster.certificateAuthority.data, 'base64').toString()).toBe(info.caPem);
  });
});
