// The pre-flight access review on the testbed, with principals whose rights come from RBAC the way
// an EKS access entry maps a role to Kubernetes groups: a role missing rights learns all of them
// in one refusal before anything changes; a role granted exactly the reviewed rights deploys,
// prunes and rolls back.
import { randomBytes } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '@kubeship/manifests';
import { IMAGE_MARKERS, testbedAdmin } from '@kubeship/testbed';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminClients, testNamespace } from '../../../testbed/test/helpers.ts';
import { type AccessRight, rightKey } from '../../src/access/rights.ts';
import { connectToEks } from '../../src/auth/index.ts';
import { deployObjects } from '../../src/deploy/engine.ts';
import { isKubeshipError, type KubeshipError } from '../../src/errors.ts';

const info = inject('testbed');
const cleanups: Array<() => Promise<void>> = [];
let clients: Awaited<ReturnType<typeof adminClients>>;
let savedEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  clients = await adminClients();
  savedEnv = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: info.aws.endpointUrl,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
});

afterAll(async () => {
  process.env = savedEnv;
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup().catch(() => {})));
});

async function namespace(prefix: string): Promise<string> {
  const ns = await testNamespace(clients.kc, prefix);
  cleanups.push(ns.remove);
  return ns.name;
}

/** A build role with an access entry mapping it to its own Kubernetes group, and a connection as it. */
async function buildRole(prefix: string): Promise<{ kc: k8s.KubeConfig; group: string }> {
  const role = `${prefix}-${randomBytes(3).toString('hex')}`;
  const credentials = {
    accessKeyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64url'),
    arn: `arn:aws:sts::${info.accountId}:assumed-role/${role}/build-1`,
  };
  const admin = testbedAdmin(info);
  await admin.registerCredentials(credentials);
  await admin.putAccessEntry(`arn:aws:iam::${info.accountId}:role/${role}`, {
    username: `${role}:{{SessionName}}`,
    groups: [`${role}-group`],
  });
  const connection = await connectToEks({
    clusterName: info.clusterName,
    region: info.region,
    credentials: async () => ({
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
    }),
  });
  return { kc: connection.kubeConfig, group: `${role}-group` };
}

/** Grants `group` exactly `rights`: a Role per namespace, a ClusterRole for cluster-scoped ones. */
async function grant(group: string, rights: readonly AccessRight[]): Promise<void> {
  const rulesOf = (of: readonly AccessRight[]) => {
    const byResource = new Map<string, { group: string; resource: string; verbs: string[] }>();
    for (const r of of) {
      const resource = `${r.resource}${r.subresource ? `/${r.subresource}` : ''}`;
      const rule = byResource.get(`${r.group} ${resource}`) ?? { group: r.group, resource, verbs: [] };
      rule.verbs.push(r.verb);
      byResource.set(`${r.group} ${resource}`, rule);
    }
    return [...byResource.values()].map((rule) => ({
      apiGroups: [rule.group],
      resources: [rule.resource],
      verbs: rule.verbs,
    }));
  };
  const subjects = [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }];
  const namespaces = [...new Set(rights.flatMap((r) => (r.namespace ? [r.namespace] : [])))];
  for (const ns of namespaces) {
    const name = `${group}-deployer`;
    await clients.rbac.createNamespacedRole({
      namespace: ns,
      body: { metadata: { name }, rules: rulesOf(rights.filter((r) => r.namespace === ns)) },
    });
    await clients.rbac.createNamespacedRoleBinding({
      namespace: ns,
      body: {
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects,
      },
    });
  }
  const clusterWide = rights.filter((r) => !r.namespace);
  if (clusterWide.length > 0)
    throw new Error(`this release should need no cluster-wide right: ${clusterWide.map(rightKey)}`);
}

function release(ns: string, image: string, extra: readonly KubeObject[] = []): KubeObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-settings', namespace: ns },
      data: { MODE: image },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'web-secret', namespace: ns },
      type: 'Opaque',
      data: { TOKEN: Buffer.from('access-review-test').toString('base64') },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: ns },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image, ports: [{ containerPort: 8080 }] }] },
        },
      },
    },
    ...extra,
  ];
}

const deploy = (kc: k8s.KubeConfig, ns: string, objects: readonly KubeObject[]) =>
  deployObjects({
    kubeConfig: kc,
    app: 'web',
    namespace: ns,
    objects,
    lease: { holder: 'access-test' },
    timeoutMs: 60_000,
    maxRestarts: 1,
  });

async function refusal(run: () => Promise<unknown>): Promise<KubeshipError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (isKubeshipError(error)) return error;
  throw new Error(`expected a KubeshipError, got ${String(error)}`);
}

const missingOf = (error: KubeshipError) => (error.details.missing as AccessRight[]).map(rightKey).sort();

/** The resourceVersion of everything in a namespace a deploy could touch. */
async function snapshot(ns: string): Promise<Record<string, string>> {
  const kc = clients.kc;
  const lists = await Promise.all([
    clients.core.listNamespacedConfigMap({ namespace: ns }),
    clients.core.listNamespacedSecret({ namespace: ns }),
    clients.core.listNamespacedService({ namespace: ns }),
    clients.apps.listNamespacedDeployment({ namespace: ns }),
    clients.apps.listNamespacedReplicaSet({ namespace: ns }),
    kc.makeApiClient(k8s.CoordinationV1Api).listNamespacedLease({ namespace: ns }),
  ]);
  const kinds = ['ConfigMap', 'Secret', 'Service', 'Deployment', 'ReplicaSet', 'Lease'];
  return Object.fromEntries(
    lists.flatMap((list, i) =>
      (list.items as k8s.KubernetesObject[]).map((o) => [
        `${kinds[i]}/${o.metadata?.name}`,
        o.metadata?.resourceVersion ?? '',
      ]),
    ),
  );
}

/**
 * The namespaces of this file's tests and the cluster's own: what a refused deploy must leave as
 * they were (the other test files create and delete theirs on the shared testbed meanwhile).
 */
const namespaceNames = async () =>
  (await clients.core.listNamespace()).items
    .map((n) => n.metadata?.name ?? '')
    .filter((name) => name.startsWith('access-') || name === 'default' || name.startsWith('kube-'))
    .sort();

describe('the pre-flight access review (RBAC-limited build roles, testbed)', () => {
  it('a role missing three different rights learns all three in one refusal, before anything changes', async () => {
    const ns = await namespace('access-three');
    expect((await deploy(clients.kc, ns, release(ns, 'registry.local/web:1'))).outcome).toBe('deployed');
    const role = await buildRole('deployer-three');
    const everything = (await refusal(() => deploy(role.kc, ns, release(ns, 'registry.local/web:2')))).details
      .missing as AccessRight[];
    const withheld = [
      `delete secrets in ${ns}`,
      `watch replicasets.apps in ${ns}`,
      `update leases.coordination.k8s.io in ${ns}`,
    ];
    expect(everything.map(rightKey)).toEqual(expect.arrayContaining(withheld));
    await grant(
      role.group,
      everything.filter((r) => !withheld.includes(rightKey(r))),
    );
    const [before, namespacesBefore] = await Promise.all([snapshot(ns), namespaceNames()]);

    const refused = await refusal(() => deploy(role.kc, ns, release(ns, 'registry.local/web:2')));

    expect(refused.code).toBe('FORBIDDEN');
    expect(missingOf(refused)).toEqual([...withheld].sort());
    expect(refused.message).toMatch(
      /not allowed 3 of the \d+ rights this deploy can need; nothing was changed/,
    );
    expect(refused.message).toMatch(/^VERB +RESOURCE +API GROUP +NAMESPACE +NEEDED FOR$/m);
    expect(refused.message).toMatch(
      new RegExp(`^delete +secrets +"" +${ns} +prune, rollback; release records$`, 'm'),
    );
    expect(refused.message).toMatch(
      new RegExp(`^update +leases +coordination\\.k8s\\.io +${ns} +deploy lease$`, 'm'),
    );
    expect(await snapshot(ns)).toEqual(before);
    expect(await namespaceNames()).toEqual(namespacesBefore);
  }, 120_000);

  it('a role granted exactly the reviewed rights deploys, prunes and rolls back', async () => {
    const ns = await namespace('access-exact');
    const role = await buildRole('deployer-exact');
    const extra: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-dropped-later', namespace: ns },
      data: { A: '1' },
    };
    const refused = await refusal(() => deploy(role.kc, ns, release(ns, 'registry.local/web:1', [extra])));
    expect(refused.code).toBe('FORBIDDEN');
    await grant(role.group, refused.details.missing as AccessRight[]);

    const first = await deploy(role.kc, ns, release(ns, 'registry.local/web:1', [extra]));
    expect(first.outcome, first.message).toBe('deployed');
    const second = await deploy(role.kc, ns, release(ns, 'registry.local/web:2'));
    expect(second.outcome, second.message).toBe('deployed');
    expect(second.pruned).toEqual([`ConfigMap ${ns}/web-dropped-later`]);
    const third = await deploy(role.kc, ns, release(ns, `registry.local/web:3-${IMAGE_MARKERS.crashLoop}`));
    expect(third.outcome, third.message).toBe('rolled-back');
    expect(third.rollback?.healthy).toBe(true);
    expect(third.durationsMs.access).toBeGreaterThanOrEqual(0);
  }, 180_000);
});
