import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { IMAGE_MARKERS } from '../../src/index.ts';
import { namespacedClients, watchUntil } from '../helpers.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function namespace(prefix: string) {
  const clients = await namespacedClients(prefix);
  cleanups.push(clients.remove);
  return clients;
}

const podSpec = (image: string, restartPolicy?: string): k8s.V1PodSpec => ({
  containers: [{ name: 'main', image }],
  ...(restartPolicy ? { restartPolicy } : {}),
});

describe('the testbed runs every workload controller', () => {
  it('a StatefulSet gets ordered pods and a rolling update to its new revision', async () => {
    const { kc, apps, ns } = await namespace('sts');
    const labels = { app: 'db' };
    const body = (image: string): k8s.V1StatefulSet => ({
      metadata: { name: 'db' },
      spec: {
        serviceName: 'db',
        replicas: 2,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: podSpec(image) },
      },
    });
    await apps.createNamespacedStatefulSet({ namespace: ns, body: body('registry.local/db:v1') });
    const path = `/apis/apps/v1/namespaces/${ns}/statefulsets`;
    await watchUntil<k8s.V1StatefulSet>(kc, path, ([s]) => s?.status?.readyReplicas === 2);
    await apps.replaceNamespacedStatefulSet({
      name: 'db',
      namespace: ns,
      body: body('registry.local/db:v2'),
    });
    const [done] = await watchUntil<k8s.V1StatefulSet>(
      kc,
      path,
      ([s]) =>
        (s?.status?.observedGeneration ?? 0) >= 2 &&
        s?.status?.updatedReplicas === 2 &&
        s?.status?.readyReplicas === 2 &&
        s.status.currentRevision === s.status.updateRevision,
    );
    expect(done?.status?.updateRevision).toMatch(/^db-/);
    const pods = await watchUntil<k8s.V1Pod>(kc, `/api/v1/namespaces/${ns}/pods`, (p) => p.length === 2);
    expect(pods.map((p) => p.metadata?.name).sort()).toEqual(['db-0', 'db-1']);
    expect(pods.every((p) => p.spec?.containers[0]?.image === 'registry.local/db:v2')).toBe(true);
  });

  it('a DaemonSet gets one pod per node and reports them available', async () => {
    const { kc, apps, core, ns } = await namespace('ds');
    const labels = { app: 'agent' };
    await apps.createNamespacedDaemonSet({
      namespace: ns,
      body: {
        metadata: { name: 'agent' },
        spec: {
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: podSpec('registry.local/agent:v1') },
        },
      },
    });
    const nodes = (await core.listNode({ labelSelector: 'type=kwok' })).items.length;
    const [ds] = await watchUntil<k8s.V1DaemonSet>(
      kc,
      `/apis/apps/v1/namespaces/${ns}/daemonsets`,
      ([d]) => d?.status?.desiredNumberScheduled === nodes && d.status.numberAvailable === nodes,
    );
    expect(ds?.status?.updatedNumberScheduled).toBe(nodes);
  });

  it('a Job whose pod exits 0 completes; one whose pod exits 1 fails at its backoff limit', async () => {
    const { kc, batch, ns } = await namespace('job');
    const job = (name: string, image: string): k8s.V1Job => ({
      metadata: { name },
      spec: { backoffLimit: 0, template: { spec: podSpec(image, 'Never') } },
    });
    await batch.createNamespacedJob({
      namespace: ns,
      body: job('ok', `registry.local/${IMAGE_MARKERS.exit0}:1`),
    });
    await batch.createNamespacedJob({
      namespace: ns,
      body: job('bad', `registry.local/${IMAGE_MARKERS.exit1}:1`),
    });
    const condition = (j: k8s.V1Job | undefined, type: string) =>
      j?.status?.conditions?.find((c) => c.type === type && c.status === 'True');
    const jobs = await watchUntil<k8s.V1Job>(kc, `/apis/batch/v1/namespaces/${ns}/jobs`, (list) => {
      const byName = new Map(list.map((j) => [j.metadata?.name, j]));
      return Boolean(condition(byName.get('ok'), 'Complete') && condition(byName.get('bad'), 'Failed'));
    });
    const bad = jobs.find((j) => j.metadata?.name === 'bad');
    expect(condition(bad, 'Failed')?.reason).toBe('BackoffLimitExceeded');
    const pods = await watchUntil<k8s.V1Pod>(kc, `/api/v1/namespaces/${ns}/pods`, (p) => p.length === 2);
    const phaseOf = (job: string) =>
      pods.find((p) => p.metadata?.labels?.['job-name'] === job)?.status?.phase;
    expect([phaseOf('ok'), phaseOf('bad')]).toEqual(['Succeeded', 'Failed']);
    const failed = pods.find((p) => p.metadata?.labels?.['job-name'] === 'bad');
    expect(failed?.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 1,
      reason: 'Error',
    });
  });

  it('a CronJob creates a Job on its schedule, and the TTL controller removes the finished Job', async () => {
    const { kc, batch, ns } = await namespace('cron');
    await batch.createNamespacedCronJob({
      namespace: ns,
      body: {
        metadata: { name: 'tick' },
        spec: {
          schedule: '* * * * *',
          jobTemplate: {
            spec: {
              ttlSecondsAfterFinished: 0,
              template: { spec: podSpec(`registry.local/${IMAGE_MARKERS.exit0}:1`, 'Never') },
            },
          },
        },
      },
    });
    // the first minute boundary can be up to 60 s away: the CronJob controller's own clock decides
    const [cron] = await watchUntil<k8s.V1CronJob>(
      kc,
      `/apis/batch/v1/namespaces/${ns}/cronjobs`,
      ([c]) => Boolean(c?.status?.lastSuccessfulTime),
      { timeoutMs: 100_000 },
    );
    expect(cron?.status?.lastScheduleTime).toBeDefined();
    // the TTL controller may have removed the Job already: watch from the list, so its deletion counts
    const jobs = await batch.listNamespacedJob({ namespace: ns });
    if (jobs.items.length > 0) {
      await watchUntil<k8s.V1Job>(kc, `/apis/batch/v1/namespaces/${ns}/jobs`, (seen) => seen.length === 0, {
        timeoutMs: 30_000,
        resourceVersion: jobs.metadata?.resourceVersion ?? '',
      });
    }
  }, 150_000);

  it('an HPA gets status from its controller, and a ResourceQuota its usage', async () => {
    const { kc, apps, core, ns } = await namespace('hpa');
    // the quota first: a quota whose usage is still being computed does not count pods created meanwhile
    await core.createNamespacedResourceQuota({
      namespace: ns,
      body: { metadata: { name: 'q' }, spec: { hard: { pods: '10' } } },
    });
    await watchUntil<k8s.V1ResourceQuota>(
      kc,
      `/api/v1/namespaces/${ns}/resourcequotas`,
      ([q]) => q?.status?.used?.pods === '0',
    );
    const labels = { app: 'web' };
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: podSpec('registry.local/web:v1') },
        },
      },
    });
    await kc.makeApiClient(k8s.AutoscalingV2Api).createNamespacedHorizontalPodAutoscaler({
      namespace: ns,
      body: {
        metadata: { name: 'web' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
          minReplicas: 2,
          maxReplicas: 4,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
            },
          ],
        },
      },
    });
    const [hpa] = await watchUntil<k8s.V2HorizontalPodAutoscaler>(
      kc,
      `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`,
      ([h]) => (h?.status?.conditions ?? []).some((c) => c.type === 'AbleToScale'),
      { timeoutMs: 30_000 },
    );
    expect(hpa?.status?.conditions?.find((c) => c.type === 'AbleToScale')?.status).toBe('True');
    // below minReplicas, the controller scales up even without metrics
    await watchUntil<k8s.V1Deployment>(
      kc,
      `/apis/apps/v1/namespaces/${ns}/deployments`,
      ([d]) => d?.spec?.replicas === 2,
      {
        timeoutMs: 30_000,
      },
    );
    const [quota] = await watchUntil<k8s.V1ResourceQuota>(
      kc,
      `/api/v1/namespaces/${ns}/resourcequotas`,
      ([q]) => q?.status?.used?.pods === '2',
      { timeoutMs: 30_000 },
    );
    expect(quota?.status?.hard?.pods).toBe('10');
  });

  it('a PersistentVolumeClaim is bound to a matching PersistentVolume by the binder', async () => {
    const { kc, core, ns } = await namespace('pvc');
    const pv = `pv-${ns}`;
    await core.createPersistentVolume({
      body: {
        metadata: { name: pv },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteOnce'],
          storageClassName: 'manual',
          hostPath: { path: `/tmp/${pv}` },
        },
      },
    });
    cleanups.push(async () => void (await core.deletePersistentVolume({ name: pv })));
    await core.createNamespacedPersistentVolumeClaim({
      namespace: ns,
      body: {
        metadata: { name: 'data' },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: 'manual',
          resources: { requests: { storage: '1Gi' } },
        },
      },
    });
    const [claim] = await watchUntil<k8s.V1PersistentVolumeClaim>(
      kc,
      `/api/v1/namespaces/${ns}/persistentvolumeclaims`,
      ([c]) => c?.status?.phase === 'Bound',
      { timeoutMs: 30_000 },
    );
    expect(claim?.spec?.volumeName).toBe(pv);
  });
});
