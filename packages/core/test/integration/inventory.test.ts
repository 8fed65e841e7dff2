import { createServer } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '@kubeship/manifests';
import { describe, expect, it, type TestContext } from 'vitest';
import { adminClients, testNamespace } from '../../../testbed/test/helpers.ts';
import { boundKubernetesRequests } from '../../src/auth/_kubernetes-requests.ts';
import { deployObjects } from '../../src/deploy/engine.ts';
import { rollbackRelease } from '../../src/deploy/rollback-release.ts';
import type { DeployObjectsOptions } from '../../src/deploy/types.ts';
import { APPLYSET, applySetParentName } from '../../src/release/applyset.ts';
import { readHistory, readRecord } from '../../src/release/history.ts';
import { config, ingress } from './_objects.ts';

async function setup(prefix: string, onTestFinished: TestContext['onTestFinished']) {
  const clients = await adminClients();
  const ns = await testNamespace(clients.kc, prefix);
  onTestFinished(ns.remove);
  const run = (objects: KubeObject[], options: Partial<DeployObjectsOptions> = {}) =>
    deployObjects({
      kubeConfig: clients.kc,
      app: 'shop',
      namespace: ns.name,
      objects,
      timeoutMs: 60_000,
      lease: { holder: 'test' },
      ...options,
    });
  const networking = clients.kc.makeApiClient(k8s.NetworkingV1Api);
  const exists = (read: () => Promise<unknown>) =>
    read().then(
      () => true,
      (error: unknown) => {
        if ((error as { code?: number }).code === 404) return false;
        throw error;
      },
    );
  return {
    ...clients,
    namespace: ns.name,
    run,
    hasIngress: () => exists(() => networking.readNamespacedIngress({ name: 'web', namespace: ns.name })),
    hasService: () => exists(() => clients.core.readNamespacedService({ name: 'web', namespace: ns.name })),
  };
}

const labels = { app: 'shop' };
const deployment = (namespace: string, image: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace },
  spec: {
    selector: { matchLabels: labels },
    template: { metadata: { labels }, spec: { containers: [{ name: 'main', image }] } },
  },
});
const service = (namespace: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace },
  spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] },
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.concurrent('the release inventory is what is in the cluster after a release', () => {
  it('a set-image release (Deployments and config only) keeps the Service and Ingress: rolling back to it prunes neither', async ({
    onTestFinished,
  }) => {
    const t = await setup('inv-setimage', onTestFinished);
    const full = (image: string) => [
      config(t.namespace, 'hello'),
      deployment(t.namespace, image),
      service(t.namespace),
      ingress(t.namespace),
    ];
    expect((await t.run(full('registry.local/web:1'))).outcome).toBe('deployed');
    // what `kubeship set-image` ships: the Deployment and its config, nothing pruned
    const setImage = await t.run(
      [config(t.namespace, 'hello'), deployment(t.namespace, 'registry.local/web:2')],
      {
        prune: false,
      },
    );
    expect(setImage).toMatchObject({ outcome: 'deployed', revision: 2 });
    const recorded = await readRecord(t.kc, { app: 'shop', namespace: t.namespace }, 2);
    expect(recorded?.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ConfigMap/shop-config',
      'Deployment/web',
      'Service/web',
      'Ingress/web',
    ]);
    expect((await t.run(full('registry.local/web:3'))).outcome).toBe('deployed');
    const back = await rollbackRelease({
      kubeConfig: t.kc,
      app: 'shop',
      namespace: t.namespace,
      toRevision: 2,
      timeoutMs: 60_000,
      lease: { holder: 'test' },
    });
    expect(back).toMatchObject({ outcome: 'deployed', pruned: [] });
    expect(back.changes.filter((c) => c.action === 'prune')).toEqual([]);
    expect(await t.hasService()).toBe(true);
    expect(await t.hasIngress()).toBe(true);
    const web = await t.apps.readNamespacedDeployment({ name: 'web', namespace: t.namespace });
    expect(web.spec?.template.spec?.containers[0]?.image).toBe('registry.local/web:2');
  });

  it('--no-prune keeps an object as a member: the ApplySet parent still names its kind, and the next deploy prunes it', async ({
    onTestFinished,
  }) => {
    const t = await setup('inv-noprune', onTestFinished);
    await t.run([deployment(t.namespace, 'registry.local/web:1'), ingress(t.namespace)]);
    const kept = await t.run([deployment(t.namespace, 'registry.local/web:2')], { prune: false });
    expect(kept).toMatchObject({ outcome: 'deployed', pruned: [] });
    expect(await t.hasIngress()).toBe(true);
    const parent = await t.core.readNamespacedConfigMap({
      name: applySetParentName('shop'),
      namespace: t.namespace,
    });
    expect(parent.metadata?.annotations?.[APPLYSET.groupKinds]).toBe(
      'Deployment.apps,Ingress.networking.k8s.io',
    );
    const pruned = await t.run([deployment(t.namespace, 'registry.local/web:3')]);
    expect(pruned).toMatchObject({ outcome: 'deployed', pruned: [`Ingress ${t.namespace}/web`] });
    expect(await t.hasIngress()).toBe(false);
  });

  it('a cluster that stops answering after the apply ends the release as a human must look (ROLLBACK_FAILED), recorded as failed, lease released', async ({
    onTestFinished,
  }) => {
    const t = await setup('inv-unreachable', onTestFinished);
    expect((await t.run([deployment(t.namespace, 'registry.local/web:1')])).outcome).toBe('deployed');
    // a KubeConfig of its own, bounded like every connection kubeship makes, whose server moves
    // to a closed port once the release is applied and back when the record is written
    const kc = new k8s.KubeConfig();
    kc.loadFromString(t.info.adminKubeconfig);
    await boundKubernetesRequests(kc, { requestTimeoutMs: 10_000 });
    const cluster = kc.getCurrentCluster() as { server: string };
    const server = cluster.server;
    const closed = `https://127.0.0.1:${await closedPort()}`;
    const result = await t.run([deployment(t.namespace, 'registry.local/web:2'), service(t.namespace)], {
      kubeConfig: kc,
      onEvent: (event) => {
        if (event.type === 'phase-finished' && event.phase === 'apply') cluster.server = closed;
        if (event.type === 'phase-started' && event.phase === 'record') cluster.server = server;
      },
    });
    expect(result).toMatchObject({
      outcome: 'failed',
      code: 'ROLLBACK_FAILED',
      revision: 2,
      stopped: { phase: 'rollout', code: 'CLUSTER_UNREACHABLE' },
    });
    expect(result.message).toContain(
      `the release was applied (Deployment ${t.namespace}/web, Service ${t.namespace}/web), then rollout stopped: CLUSTER_UNREACHABLE`,
    );
    expect(result.message).toMatch(
      /release 2 is recorded as failed; the cluster was changed: a human must look/,
    );
    expect(
      (await readHistory(t.kc, { app: 'shop', namespace: t.namespace })).map((r) => [r.revision, r.outcome]),
    ).toEqual([
      [1, 'deployed'],
      [2, 'failed'],
    ]);
    const leases = await t.kc
      .makeApiClient(k8s.CoordinationV1Api)
      .listNamespacedLease({ namespace: t.namespace });
    expect(leases.items).toEqual([]);
  });

  it('a cluster that stops answering once a pre-deploy hook started: exit 5 too (its Job may have run), nothing else applied', async ({
    onTestFinished,
  }) => {
    const t = await setup('inv-hook', onTestFinished);
    const kc = new k8s.KubeConfig();
    kc.loadFromString(t.info.adminKubeconfig);
    await boundKubernetesRequests(kc, { requestTimeoutMs: 10_000 });
    const cluster = kc.getCurrentCluster() as { server: string };
    const server = cluster.server;
    const closed = `https://127.0.0.1:${await closedPort()}`;
    const migrate: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: 'migrate',
        namespace: t.namespace,
        annotations: { 'kubeship.dev/hook': 'pre-deploy' },
      },
      spec: {
        backoffLimit: 0,
        template: {
          spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'registry.local/m:1' }] },
        },
      },
    };
    const result = await t.run([deployment(t.namespace, 'registry.local/web:1'), migrate], {
      kubeConfig: kc,
      onEvent: (event) => {
        if (event.type === 'step-started') cluster.server = closed;
        if (event.type === 'phase-started' && event.phase === 'record') cluster.server = server;
      },
    });
    expect(result).toMatchObject({
      outcome: 'failed',
      code: 'ROLLBACK_FAILED',
      stopped: { phase: 'pre-deploy', code: 'CLUSTER_UNREACHABLE' },
      objects: [],
    });
    expect(result.message).toMatch(
      /^pre-deploy hook migrate started \(nothing else of the release was applied\), then pre-deploy stopped: CLUSTER_UNREACHABLE/,
    );
    await expect(
      t.apps.readNamespacedDeployment({ name: 'web', namespace: t.namespace }),
    ).rejects.toMatchObject({
      code: 404,
    });
  });

  it('when the record cannot be written either, the result says so', async ({ onTestFinished }) => {
    const t = await setup('inv-norecord', onTestFinished);
    const kc = new k8s.KubeConfig();
    kc.loadFromString(t.info.adminKubeconfig);
    await boundKubernetesRequests(kc, { requestTimeoutMs: 10_000 });
    const cluster = kc.getCurrentCluster() as { server: string };
    const closed = `https://127.0.0.1:${await closedPort()}`;
    const result = await t.run([deployment(t.namespace, 'registry.local/web:1')], {
      kubeConfig: kc,
      onEvent: (event) => {
        if (event.type === 'phase-finished' && event.phase === 'apply') cluster.server = closed;
      },
    });
    expect(result).toMatchObject({ outcome: 'failed', code: 'ROLLBACK_FAILED' });
    expect(result.message).toMatch(/the release record could not be written \(.*127\.0\.0\.1/);
    expect(result.message).toMatch(/a human must look$/);
  });
});
