import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import * as k8s from '@kubernetes/client-node';
// awscli v1 from the testbed's virtualenv: the independent reference for token bytes.
import { awscliToken, CLUSTER_ADMIN_GROUP, testbedAdmin } from '@kubeship/testbed';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  type ClusterConnection,
  connectToEks,
  connectWithKubeconfig,
  describeKubernetesError,
  mintEksToken,
  TOKEN_LIFETIME_MS,
} from '../../src/auth/index.ts';
import { isKubeshipError, type KubeshipError } from '../../src/errors.ts';

const info = inject('testbed');
const admin = testbedAdmin(info);

// Every secret a test handles; none may show up in an error message or a printed connection.
const secrets = new Set<string>([info.aws.credentials.secretAccessKey]);
// Access entries use random role names and are left in place: testbedAdmin().deleteAccessEntry
// sends its DELETE body without a Content-Length, so the webhook answers 400.
const cleanups: Array<() => Promise<void> | void> = [];
let savedEnv: NodeJS.ProcessEnv;

beforeEach(() => {
  savedEnv = { ...process.env };
  // A CodeBuild-like environment: credentials in env vars, AWS endpoints from AWS_ENDPOINT_URL.
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('AWS_') || key.startsWith('CODEBUILD_')) delete process.env[key];
  }
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: info.aws.endpointUrl,
    AWS_ACCESS_KEY_ID: info.aws.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: info.aws.credentials.secretAccessKey,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
});

afterEach(async () => {
  process.env = savedEnv;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function adminKubeConfig(): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(info.adminKubeconfig);
  return kc;
}

async function namespace(prefix: string): Promise<string> {
  const core = adminKubeConfig().makeApiClient(k8s.CoreV1Api);
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await core.createNamespace({ body: { metadata: { name } } });
  cleanups.push(async () => void (await core.deleteNamespace({ name })));
  return name;
}

async function whoAmI(connection: ClusterConnection): Promise<k8s.V1UserInfo> {
  const review = await connection.kubeConfig.makeApiClient(k8s.AuthenticationV1Api).createSelfSubjectReview({
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
  });
  return review.status?.userInfo ?? {};
}

/** The bearer token client-node would send next (what every API client, Watch and Log ask for). */
async function nextToken(connection: ClusterConnection): Promise<string> {
  const context = new k8s.RequestContext(`${connection.server}/version`, k8s.HttpMethod.GET);
  await connection.kubeConfig.applySecurityAuthentication(context);
  const header = context.getHeaders().Authorization ?? '';
  expect(header).toMatch(/^Bearer k8s-aws-v1\./);
  const token = header.slice('Bearer '.length);
  secrets.add(token);
  return token;
}

/** Watches ConfigMaps in `ns` until `name` is seen; resolves with its event type. */
async function watchFor(connection: ClusterConnection, ns: string, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let controller: AbortController | undefined;
    const timer = setTimeout(() => reject(new Error(`no watch event for ${name}`)), 20_000);
    new k8s.Watch(connection.kubeConfig)
      .watch(
        `/api/v1/namespaces/${ns}/configmaps`,
        {},
        (type: string, object: k8s.V1ConfigMap) => {
          if (object.metadata?.name !== name) return;
          clearTimeout(timer);
          controller?.abort();
          resolve(type);
        },
        (error: unknown) => {
          if (error && !(error instanceof Error && error.name === 'AbortError')) {
            clearTimeout(timer);
            reject(describeKubernetesError(error, { verb: 'watch', resource: 'configmaps', namespace: ns }));
          }
        },
      )
      .then((c) => {
        controller = c;
      }, reject);
  });
}

/** The apiserver's HTTP status for GET /api with a bearer token (no client-node involved). */
function statusWithToken(token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${info.endpoint}/api`,
      { ca: info.caPem, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function caught(promise: Promise<unknown>): Promise<KubeshipError> {
  try {
    await promise;
  } catch (error) {
    if (isKubeshipError(error)) return error;
    throw error;
  }
  throw new Error('expected a KubeshipError');
}

function expectNoSecrets(...printed: unknown[]): void {
  for (const item of printed) {
    const text =
      item instanceof Error
        ? `${item.message}\n${inspect(item, { depth: Infinity })}`
        : inspect(item, { depth: Infinity });
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toContain('k8s-aws-v1.');
  }
}

/** A local stand-in for one AWS endpoint that forwards to moto and records what passed through. */
async function recordingProxy(): Promise<{
  url: string;
  exchanges: Array<{ request: string; response: string }>;
}> {
  const exchanges: Array<{ request: string; response: string }> = [];
  const read = async (stream: IncomingMessage | Response) => {
    if (stream instanceof Response) return Buffer.from(await stream.arrayBuffer());
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  const server: Server = createServer(async (req, res) => {
    const body = await read(req);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([key]) => !['host', 'connection', 'content-length'].includes(key)),
    ) as Record<string, string>;
    const upstream = await fetch(`${info.aws.endpointUrl}${req.url}`, {
      method: req.method ?? 'POST',
      headers,
      ...(body.length ? { body } : {}),
    });
    const response = await read(upstream);
    exchanges.push({ request: body.toString(), response: response.toString() });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/xml' });
    res.end(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, exchanges };
}

function xmlField(xml: string, field: string): string {
  const match = new RegExp(`<${field}>([^<]*)</${field}>`).exec(xml);
  if (!match?.[1]) throw new Error(`no <${field}> in ${xml.slice(0, 200)}`);
  return match[1];
}

describe('connectToEks on the testbed', () => {
  it('finds endpoint and CA with DescribeCluster and authenticates with a minted token', async () => {
    const connection = await connectToEks({ clusterName: info.clusterName, region: info.region });
    expect(connection.server).toBe(info.endpoint);
    expect(connection.description).toMatch(
      new RegExp(`^EKS cluster ${info.clusterName} \\(${info.region}\\) as arn:aws:(sts|iam)::`),
    );
    const user = await whoAmI(connection);
    expect(user.username).toBe('kubeship-testbed-admin');
    expect(user.groups).toContain(CLUSTER_ADMIN_GROUP);
    expect(user.extra?.arn).toEqual([info.aws.principalArn]);

    await nextToken(connection);
    expectNoSecrets(connection, connection.kubeConfig, JSON.stringify(connection), `${connection}`);
    expect(connection.kubeConfig.exportConfig()).not.toContain('k8s-aws-v1.');
  });

  it('uses container credentials the way CodeBuild provides them', async () => {
    const role = `codebuild-${randomBytes(3).toString('hex')}`;
    const session = `AWSCodeBuild-${randomUUID()}`;
    const credentials = {
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64url'),
      sessionToken: randomBytes(48).toString('base64'),
      arn: `arn:aws:sts::${info.accountId}:assumed-role/${role}/${session}`,
    };
    secrets.add(credentials.secretAccessKey).add(credentials.sessionToken);
    let served = 0;
    const server = createServer((_req, res) => {
      served += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          AccessKeyId: credentials.accessKeyId,
          SecretAccessKey: credentials.secretAccessKey,
          Token: credentials.sessionToken,
          Expiration: new Date(Date.now() + 3_600_000).toISOString(),
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/credentials/x`;
    await admin.registerCredentials(credentials);
    await admin.putAccessEntry(`arn:aws:iam::${info.accountId}:role/${role}`, {
      username: `${role}:{{SessionName}}`,
      groups: [CLUSTER_ADMIN_GROUP],
    });

    const connection = await connectToEks({ clusterName: info.clusterName, region: info.region });
    expect(served).toBeGreaterThan(0);
    expect((await whoAmI(connection)).username).toBe(`${role}:${session}`);
    await nextToken(connection);
    expectNoSecrets(connection, connection.kubeConfig);
  });

  it('assumes a role named after the build, and RBAC of its namespace-scoped group applies', async () => {
    const [own, other] = await Promise.all([namespace('auth-own'), namespace('auth-other')]);
    const role = `deployer-${randomBytes(3).toString('hex')}`;
    const roleArn = `arn:aws:iam::${info.accountId}:role/${role}`;
    const sts = await recordingProxy();
    process.env.AWS_ENDPOINT_URL_STS = sts.url;
    process.env.CODEBUILD_BUILD_ID = 'web-deploy:9f0c2a4e-1b2d-4c3e-8f9a-0b1c2d3e4f5a';

    const connection = await connectToEks({ clusterName: info.clusterName, region: info.region, roleArn });

    const assume = sts.exchanges.find((exchange) => exchange.request.includes('Action=AssumeRole'));
    if (!assume) throw new Error(`no AssumeRole call went to STS: ${JSON.stringify(sts.exchanges)}`);
    const request = new URLSearchParams(assume.request);
    expect(request.get('RoleArn')).toBe(roleArn);
    const sessionName = 'kubeship-web-deploy-9f0c2a4e-1b2d-4c3e-8f9a-0b1c2d3e4f5a';
    expect(request.get('RoleSessionName')).toBe(sessionName);
    const assumedArn = xmlField(assume.response, 'Arn');
    expect(assumedArn).toBe(`arn:aws:sts::${info.accountId}:assumed-role/${role}/${sessionName}`);
    expect(connection.principal).toBe(assumedArn);
    expect(connection.description).toBe(`EKS cluster ${info.clusterName} (${info.region}) as ${assumedArn}`);

    const credentials = {
      accessKeyId: xmlField(assume.response, 'AccessKeyId'),
      secretAccessKey: xmlField(assume.response, 'SecretAccessKey'),
      sessionToken: xmlField(assume.response, 'SessionToken'),
      arn: assumedArn,
    };
    secrets.add(credentials.secretAccessKey).add(credentials.sessionToken);
    await admin.registerCredentials(credentials);
    await admin.putAccessEntry(roleArn, { username: `${role}:{{SessionName}}`, groups: [`${role}-group`] });
    await adminKubeConfig()
      .makeApiClient(k8s.RbacAuthorizationV1Api)
      .createNamespacedRoleBinding({
        namespace: own,
        body: {
          metadata: { name: 'deployers' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
          subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: `${role}-group` }],
        },
      });

    const core = connection.kubeConfig.makeApiClient(k8s.CoreV1Api);
    expect((await core.listNamespacedPod({ namespace: own })).items).toEqual([]);
    const denied = describeKubernetesError(
      await core.listNamespacedPod({ namespace: other }).then(
        () => undefined,
        (error: unknown) => error,
      ),
      { verb: 'list', resource: 'pods', namespace: other, principal: connection.principal },
    );
    expect(denied.code).toBe('FORBIDDEN');
    expect(denied.message).toContain(`list pods in namespace "${other}"`);
    expect(denied.message).toContain(
      `pods is forbidden: User "${role}:${sessionName}" cannot list resource "pods" in API group "" in the namespace "${other}"`,
    );
    expect(denied.details).toMatchObject({ verb: 'list', resource: 'pods', namespace: other, status: 403 });
    await nextToken(connection);
    expectNoSecrets(denied, connection, connection.kubeConfig);
  });

  it('says UNAUTHORIZED, naming the principal, when the cluster does not know the credentials', async () => {
    process.env.AWS_ACCESS_KEY_ID = `AKIA${randomBytes(8).toString('hex').toUpperCase()}`;
    process.env.AWS_SECRET_ACCESS_KEY = randomBytes(30).toString('base64url');
    secrets.add(process.env.AWS_SECRET_ACCESS_KEY);
    const connection = await connectToEks({ clusterName: info.clusterName, region: info.region });
    const error = describeKubernetesError(
      await whoAmI(connection).then(
        () => undefined,
        (e: unknown) => e,
      ),
      {
        verb: 'create',
        resource: 'selfsubjectreviews.authentication.k8s.io',
        principal: connection.principal,
      },
    );
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toContain(`the cluster refused the credentials of ${connection.principal}`);
    await nextToken(connection);
    expectNoSecrets(error);
  });

  it('gives CLUSTER_NOT_FOUND for an unknown cluster and AWS_CREDENTIALS without credentials', async () => {
    const notFound = await caught(connectToEks({ clusterName: 'no-such-cluster', region: info.region }));
    expect(notFound.code).toBe('CLUSTER_NOT_FOUND');
    expect(notFound.message).toContain('no-such-cluster');

    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    const noCredentials = await caught(connectToEks({ clusterName: info.clusterName, region: info.region }));
    expect(noCredentials.code).toBe('AWS_CREDENTIALS');
    expectNoSecrets(notFound, noCredentials);
  });

  it('re-mints the token across the 15-minute boundary for API calls and new watches', async () => {
    const ns = await namespace('auth-refresh');
    await adminKubeConfig()
      .makeApiClient(k8s.RbacAuthorizationV1Api)
      .createNamespacedRoleBinding({
        namespace: ns,
        body: {
          metadata: { name: 'admin' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
          subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: CLUSTER_ADMIN_GROUP }],
        },
      });
    // The injected clock starts so that the first token is 4 s short of the webhook's (real-clock) expiry.
    let offset = -(TOKEN_LIFETIME_MS - 4_000);
    const connection = await connectToEks({
      clusterName: info.clusterName,
      region: info.region,
      now: () => Date.now() + offset,
    });
    const core = connection.kubeConfig.makeApiClient(k8s.CoreV1Api);
    const first = await nextToken(connection);
    expect((await whoAmI(connection)).username).toBe('kubeship-testbed-admin');
    const usedAt = Date.now();

    offset += TOKEN_LIFETIME_MS; // 15 minutes pass on the injected clock
    // Let the first token die for real and leave the apiserver's 10 s token cache.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, usedAt + 11_000 - Date.now())));
    // Without refresh the test would fail here: the first token is refused now.
    expect(await statusWithToken(first)).toBe(401);

    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'after-boundary' } } });
    expect(
      (await core.listNamespacedConfigMap({ namespace: ns })).items.map((c) => c.metadata?.name),
    ).toContain('after-boundary');
    expect(await watchFor(connection, ns, 'after-boundary')).toBe('ADDED');
    const second = await nextToken(connection);
    expect(second === first).toBe(false); // (booleans: a failing assertion must not print tokens)
    expect((await nextToken(connection)) === second).toBe(true); // reused until the next boundary
  });
});

describe('mintEksToken against awscli v1', () => {
  it('mints the same bytes as `aws eks get-token` for fresh random credentials', async () => {
    const at = new Date(Math.floor(Date.now() / 1000) * 1000);
    const session = {
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      // '/', '+' and '=' must be percent-encoded exactly as botocore does.
      sessionToken: `IQoJb3JpZ2luX2Vj/${randomBytes(60).toString('base64')}+x==`,
    };
    const user = {
      accessKeyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: 'k/+=',
    };
    for (const [credentials, region] of [
      [session, 'ap-southeast-2'],
      [user, 'us-east-1'],
    ] as const) {
      const ours = await mintEksToken({
        clusterName: 'golden_cluster-1',
        region,
        credentials,
        now: () => at.getTime(),
      });
      const reference = awscliToken('golden_cluster-1', region, credentials, at);
      expect(ours.token.reveal() === reference).toBe(true);
    }
  });
});

describe('connectWithKubeconfig', () => {
  it('connects through an explicit context of a kubeconfig file and lists the contexts of an unknown one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeship-auth-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'config');
    writeFileSync(path, info.adminKubeconfig, { mode: 0o600 });
    const context = adminKubeConfig().getCurrentContext();

    const connection = await connectWithKubeconfig({ kubeconfig: path, context });
    expect(connection.server).toBe(info.endpoint);
    expect(connection.description).toContain(context);
    const namespaces = await connection.kubeConfig.makeApiClient(k8s.CoreV1Api).listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name)).toContain('default');
    const key = adminKubeConfig().getCurrentUser()?.keyData ?? '';
    expect(key).not.toBe('');
    expect(inspect(connection, { depth: Infinity })).not.toContain(key);
    expect(JSON.stringify(connection)).not.toContain(key);

    process.env.KUBECONFIG = path;
    expect((await connectWithKubeconfig({ context })).server).toBe(info.endpoint);

    const unknown = await caught(connectWithKubeconfig({ kubeconfig: path, context: 'prod' }));
    expect(unknown.code).toBe('INVALID_INPUT');
    expect(unknown.message).toContain('"prod"');
    expect(unknown.message).toContain(`available contexts: "${context}"`);
    const missing = await caught(connectWithKubeconfig({ kubeconfig: join(dir, 'nope'), context }));
    expect(missing.code).toBe('INVALID_INPUT');
  });
});
