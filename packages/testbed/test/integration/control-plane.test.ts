import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { IMAGE_MARKERS } from '../../src/index.ts';
import { adminClients, testNamespace, watchUntil } from '../helpers.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

function deployment(name: string, image: string, replicas = 3): k8s.V1Deployment {
  const labels = { app: name };
  return {
    metadata: { name, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: { metadata: { labels }, spec: { containers: [{ name: 'web', image }] } },
    },
  };
}

const rolledOut = (replicas: number) => (deployments: k8s.V1Deployment[]) =>
  deployments.some(
    (d) =>
      (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
      d.status?.updatedReplicas === replicas &&
      d.status?.replicas === replicas &&
      d.status?.availableReplicas === replicas,
  );

describe('the testbed control plane', () => {
  it('runs a Deployment through the real controllers and KWOK, and completes a rolling update', async () => {
    const { kc, apps } = await adminClients();
    const ns = await testNamespace(kc, 'rolling');
    cleanups.push(ns.remove);

    await apps.createNamespacedDeployment({
      namespace: ns.name,
      body: deployment('web', 'registry.local/web:v1'),
    });
    await watchUntil(kc, `/apis/apps/v1/namespaces/${ns.name}/deployments`, rolledOut(3));

    await apps.patchNamespacedDeployment(
      {
        name: 'web',
        namespace: ns.name,
        body: {
          spec: { template: { spec: { containers: [{ name: 'web', image: 'registry.local/web:v2' }] } } },
        },
      },
      // strategic merge keeps the container list keyed by name
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
    );
    const [done] = await watchUntil<k8s.V1Deployment>(
      kc,
      `/apis/apps/v1/namespaces/${ns.name}/deployments`,
      (ds) => rolledOut(3)(ds) && ds[0]?.metadata?.generation === 2,
    );
    expect(done?.status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe(
      'NewReplicaSetAvailable',
    );

    const replicaSets = await apps.listNamespacedReplicaSet({ namespace: ns.name });
    const byImage = Object.fromEntries(
      replicaSets.items.map((rs) => [rs.spec?.template?.spec?.containers[0]?.image, rs.spec?.replicas]),
    );
    expect(byImage).toEqual({ 'registry.local/web:v1': 0, 'registry.local/web:v2': 3 });
  });

  it('puts crashloop-marked pods into CrashLoopBackOff with restarts and an exit code', async () => {
    const { kc, apps } = await adminClients();
    const ns = await testNamespace(kc, 'crash');
    cleanups.push(ns.remove);
    await apps.createNamespacedDeployment({
      namespace: ns.name,
      body: deployment('crashy', `registry.local/web:v3-${IMAGE_MARKERS.crashLoop}`, 1),
    });
    const [pod] = await watchUntil<k8s.V1Pod>(kc, `/api/v1/namespaces/${ns.name}/pods`, (pods) =>
      pods.some((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff'),
    );
    const status = pod?.status?.containerStatuses?.[0];
    expect(status?.restartCount).toBe(1);
    expect(status?.lastState?.terminated?.exitCode).toBe(1);
    expect(status?.ready).toBe(false);
  });

  it('puts imagepullbackoff-marked pods into ImagePullBackOff', async () => {
    const { kc, apps } = await adminClients();
    const ns = await testNamespace(kc, 'pull');
    cleanups.push(ns.remove);
    await apps.createNamespacedDeployment({
      namespace: ns.name,
      body: deployment('nopull', `registry.local/web:${IMAGE_MARKERS.imagePullBackOff}`, 1),
    });
    const [pod] = await watchUntil<k8s.V1Pod>(kc, `/api/v1/namespaces/${ns.name}/pods`, (pods) =>
      pods.some((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff'),
    );
    expect(pod?.status?.phase).toBe('Pending');
  });

  it('leaves unschedulable-marked pods Pending with the scheduler saying why', async () => {
    const { kc, apps } = await adminClients();
    const ns = await testNamespace(kc, 'nosched');
    cleanups.push(ns.remove);
    await apps.createNamespacedDeployment({
      namespace: ns.name,
      body: deployment('stuck', `registry.local/web:${IMAGE_MARKERS.unschedulable}`, 1),
    });
    const [pod] = await watchUntil<k8s.V1Pod>(kc, `/api/v1/namespaces/${ns.name}/pods`, (pods) =>
      pods.some((p) =>
        p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable'),
      ),
    );
    expect(pod?.spec?.nodeName).toBeUndefined();
    expect(pod?.status?.conditions?.find((c) => c.type === 'PodScheduled')?.message).toMatch(
      /0\/3 nodes are available/,
    );
  });
});
