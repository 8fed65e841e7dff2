import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { removeTempDirs, runMain, tempDir, writeFiles } from '../../test/harness.ts';
import { EXIT } from '../exit-codes.ts';

afterAll(removeTempDirs);

// The AWS SDK's default chain reads the process environment; fixed credentials keep the token
// offline (signing is local: nothing is sent to STS without --role-arn).
const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
beforeEach(() => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', ACCESS_KEY_ID);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  vi.stubEnv('AWS_SESSION_TOKEN', undefined);
  vi.stubEnv('AWS_PROFILE', undefined);
  vi.stubEnv('AWS_CONFIG_FILE', '/dev/null');
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/dev/null');
  // Any AWS call would go nowhere: the test fails rather than reaching the network.
  vi.stubEnv('AWS_ENDPOINT_URL', 'http://127.0.0.1:9');
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

interface ExecCredential {
  kind: string;
  apiVersion: string;
  spec: Record<string, unknown>;
  status: { expirationTimestamp: string; token: string };
}

async function token(argv: string[], env: Record<string, string> = {}) {
  const run = await runMain(['token', ...argv], { env });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(EXIT.ok);
  expect(run.stdout.endsWith('\n')).toBe(true);
  return JSON.parse(run.stdout) as ExecCredential;
}

/** The presigned STS URL inside an EKS token. */
function presignedUrl(value: string): URL {
  expect(value).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/); // base64url, no padding
  return new URL(Buffer.from(value.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8'));
}

const V1 = 'client.authentication.k8s.io/v1';
const V1BETA1 = 'client.authentication.k8s.io/v1beta1';
const execInfo = (apiVersion: string) =>
  JSON.stringify({ apiVersion, kind: 'ExecCredential', spec: { interactive: false } });

describe('kubeship token', () => {
  it('prints a v1beta1 ExecCredential by default (as aws eks get-token does)', async () => {
    const before = Date.now();
    const credential = await token(['--cluster-name', 'prod-cluster', '--region', 'eu-west-1']);
    expect(credential).toEqual({
      kind: 'ExecCredential',
      apiVersion: V1BETA1,
      spec: {},
      status: { expirationTimestamp: expect.any(String), token: expect.any(String) },
    });
    // RFC 3339 in whole seconds, as client-go parses it.
    expect(credential.status.expirationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const expires = Date.parse(credential.status.expirationTimestamp);
    expect(expires).toBeLessThan(before + 15 * 60_000);
    expect(expires).toBeGreaterThan(before + 13 * 60_000);
  });

  it.each([
    [V1, V1],
    [V1BETA1, V1BETA1],
    ['client.authentication.k8s.io/v1alpha1', V1BETA1],
  ])('honours KUBERNETES_EXEC_INFO asking for %s', async (asked, answered) => {
    const credential = await token(['--cluster-name', 'c', '--region', 'us-east-1'], {
      KUBERNETES_EXEC_INFO: execInfo(asked),
    });
    expect(credential.apiVersion).toBe(answered);
    expect(credential.kind).toBe('ExecCredential');
  });

  it('ignores an unreadable KUBERNETES_EXEC_INFO', async () => {
    const credential = await token(['--cluster-name', 'c', '--region', 'us-east-1'], {
      KUBERNETES_EXEC_INFO: '{not json',
    });
    expect(credential.apiVersion).toBe(V1BETA1);
  });

  it('the token is a presigned STS GetCallerIdentity URL for the cluster and region', async () => {
    const before = Date.now();
    const credential = await token(['--cluster-name', 'prod-cluster', '--region', 'eu-west-1']);
    const url = presignedUrl(credential.status.token);
    expect(url.origin).toBe('https://sts.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    const query = url.searchParams;
    expect(query.get('Action')).toBe('GetCallerIdentity');
    expect(query.get('Version')).toBe('2011-06-15');
    expect(query.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(query.get('X-Amz-Credential')).toMatch(
      new RegExp(`^${ACCESS_KEY_ID}/\\d{8}/eu-west-1/sts/aws4_request$`),
    );
    expect(query.get('X-Amz-Expires')).toBe('60');
    expect(query.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id');
    expect(query.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(query.has('X-Amz-Security-Token')).toBe(false);
    // The expiry is X-Amz-Date + 15 minutes, told a minute early.
    const date = query.get('X-Amz-Date') ?? '';
    const signedAt = Date.parse(
      date.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'),
    );
    expect(signedAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(Date.parse(credential.status.expirationTimestamp)).toBe(signedAt + 14 * 60_000);
  });

  it('carries the session token of temporary credentials', async () => {
    vi.stubEnv('AWS_SESSION_TOKEN', 'FwoGZXIvYXdzEXAMPLESESSION');
    const credential = await token(['--cluster-name', 'c', '--region', 'us-east-1']);
    expect(presignedUrl(credential.status.token).searchParams.get('X-Amz-Security-Token')).toBe(
      'FwoGZXIvYXdzEXAMPLESESSION',
    );
  });

  it('takes the region from AWS_REGION', async () => {
    const credential = await token(['--cluster-name', 'c'], { AWS_REGION: 'ap-southeast-2' });
    expect(presignedUrl(credential.status.token).host).toBe('sts.ap-southeast-2.amazonaws.com');
  });

  it('takes cluster and region from the config environment when --cluster-name is not given', async () => {
    const cwd = writeFiles(tempDir(), {
      'kubeship.config.yaml': `templates: { files: [a.yaml], name: web }
environments:
  test: { cluster: { name: test-cluster, region: us-west-2 }, namespace: web }
  prod: { cluster: { name: prod-cluster, region: eu-central-1 }, namespace: web }
`,
      'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n',
    });
    const run = await runMain(['token', '--env', 'prod'], { cwd });
    expect(run.code).toBe(EXIT.ok);
    const url = presignedUrl((JSON.parse(run.stdout) as ExecCredential).status.token);
    expect(url.host).toBe('sts.eu-central-1.amazonaws.com');
    // x-k8s-aws-id is a signed header, so the cluster name is not in the URL; the signature differs per cluster.
    const other = await runMain(['token', '--env', 'test'], { cwd });
    expect(presignedUrl((JSON.parse(other.stdout) as ExecCredential).status.token).host).toBe(
      'sts.us-west-2.amazonaws.com',
    );
  });

  it('--cluster-name without any region: exit 2', async () => {
    const run = await runMain(['token', '--cluster-name', 'c'], { env: {} });
    expect(run.code).toBe(EXIT.badInput);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('--region (or AWS_REGION) is required with --cluster-name');
  });

  it('a bad region or cluster name: exit 2', async () => {
    const region = await runMain(['token', '--cluster-name', 'c', '--region', 'mars'], {});
    expect(region.code).toBe(EXIT.badInput);
    const cluster = await runMain(['token', '--cluster-name', 'bad name!', '--region', 'us-east-1'], {});
    expect(cluster.code).toBe(EXIT.badInput);
  });

  it('no AWS credentials at all: exit 3, no token printed', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', undefined);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', undefined);
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', undefined);
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', undefined);
    vi.stubEnv('AWS_WEB_IDENTITY_TOKEN_FILE', undefined);
    const run = await runMain(['token', '--cluster-name', 'c', '--region', 'us-east-1'], {});
    expect(run.code).toBe(EXIT.auth);
    expect(run.stdout).toBe('');
    expect(run.stderr).not.toContain('k8s-aws-v1.');
  }, 20_000);
});
