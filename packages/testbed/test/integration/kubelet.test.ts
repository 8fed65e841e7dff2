import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import {
  crashAfter,
  IMAGE_MARKERS,
  MARKER_LAST_LOG_LINES,
  METRICS_ANNOTATION_PREFIX,
} from '../../src/index.ts';
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

/** `kubectl get pods`-like words for the first container's state: `Error 1 restarts=0`. */
function stateOf(pod: k8s.V1Pod): string {
  const c = pod.status?.containerStatuses?.[0];
  if (!c) return 'none';
  const what =
    c.state?.waiting?.reason ?? c.state?.terminated?.reason ?? (c.state?.running ? 'running' : '?');
  const code = c.state?.terminated ? ` ${c.state.terminated.exitCode}` : '';
  return `${what}${code} restarts=${c.restartCount}`;
}

describe('the testbed kubelet', () => {
  it('runs a container that crashes 3 s after start through the real sequence, with the kubelet events and each instance log', async () => {
    const { kc, core, ns } = await namespace('crash3');
    const image = `registry.local/${crashAfter(3)}:1`;
    await core.createNamespacedPod({
      namespace: ns,
      body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'app', image }] } },
    });
    const seen: string[] = [];
    const [pod] = await watchUntil<k8s.V1Pod>(
      kc,
      `/api/v1/namespaces/${ns}/pods`,
      ([p]) => {
        const state = p ? stateOf(p) : 'none';
        if (seen.at(-1) !== state) seen.push(state);
        return state === 'CrashLoopBackOff restarts=1';
      },
      { timeoutMs: 30_000 },
    );
    // the watch may start after the first status (the pod waiting for its container) was written
    const start = seen.indexOf('running restarts=0');
    expect(seen.slice(0, start).every((s) => s === 'none' || s === 'ContainerCreating restarts=0')).toBe(
      true,
    );
    expect(seen.slice(start)).toEqual([
      'running restarts=0',
      'Error 1 restarts=0',
      'running restarts=1',
      'Error 1 restarts=1',
      'CrashLoopBackOff restarts=1',
    ]);
    const status = pod?.status?.containerStatuses?.[0];
    expect(status?.state?.waiting?.message).toBe(
      `back-off 10s restarting failed container=app pod=p_${ns}(${pod?.metadata?.uid})`,
    );
    const last = status?.lastState?.terminated;
    expect(last).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(Date.parse(String(last?.finishedAt)) - Date.parse(String(last?.startedAt))).toBe(3000);

    const [events] = await Promise.all([
      watchUntil<k8s.CoreV1Event>(kc, `/api/v1/namespaces/${ns}/events`, (list) =>
        list.some((e) => e.reason === 'BackOff'),
      ),
    ]);
    const kubelet = (events ?? [])
      .filter((e) => e.source?.component === 'kubelet')
      .map((e) => `${e.type} ${e.reason} x${e.count}: ${e.message}`)
      .sort();
    expect(kubelet).toEqual(
      [
        `Normal Pulling x1: Pulling image "${image}"`,
        `Normal Pulled x1: Successfully pulled image "${image}" in 500ms (500ms including waiting). Image size: 12582912 bytes.`,
        `Normal Pulled x1: Container image "${image}" already present on machine`,
        'Normal Created x2: Created container: app',
        'Normal Started x2: Started container app',
        `Warning BackOff x1: Back-off restarting failed container app in pod p_${ns}(${pod?.metadata?.uid})`,
      ].sort(),
    );
    expect(
      (events ?? []).every(
        (e) => e.involvedObject.fieldPath === 'spec.containers{app}' || e.source?.component !== 'kubelet',
      ),
    ).toBe(true);

    const log = (previous: boolean) =>
      core.readNamespacedPodLog({ name: 'p', namespace: ns, container: 'app', previous });
    const [current, before] = await Promise.all([log(false), log(true)]);
    expect(current.split('\n')[0]).toBe(`starting ${image} (restart 1)`);
    expect(before.split('\n')[0]).toBe(`starting ${image}`);
    expect(before.trimEnd().split('\n').at(-1)).toBe(MARKER_LAST_LOG_LINES.crashloop);
  });

  it('kills a container whose liveness probe fails: Unhealthy, Killing, exit 137, restart', async () => {
    const { kc, core, ns } = await namespace('liveness');
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: 'p' },
        spec: {
          containers: [
            {
              name: 'app',
              image: `registry.local/${IMAGE_MARKERS.livenessFail}:1`,
              livenessProbe: {
                httpGet: { path: '/healthz', port: 8080 },
                periodSeconds: 1,
                failureThreshold: 2,
              },
            },
          ],
        },
      },
    });
    const [pod] = await watchUntil<k8s.V1Pod>(
      kc,
      `/api/v1/namespaces/${ns}/pods`,
      ([p]) => (p?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1,
      { timeoutMs: 30_000 },
    );
    expect(pod?.status?.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({
      exitCode: 137,
      reason: 'Error',
    });
    const events = await watchUntil<k8s.CoreV1Event>(kc, `/api/v1/namespaces/${ns}/events`, (list) =>
      list.some((e) => e.reason === 'Killing'),
    );
    expect(events.find((e) => e.reason === 'Killing')?.message).toBe(
      'Container app failed liveness probe, will be restarted',
    );
    expect(events.find((e) => e.reason === 'Unhealthy')?.message).toBe(
      'Liveness probe failed: HTTP probe failed with statuscode: 500',
    );
  });

  it('serves the metrics API, and an HPA turns ScalingActive and scales on the figures the pods report', async () => {
    const { kc, apps, ns } = await namespace('metrics');
    const labels = { app: 'web' };
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            // 90m of a 100m request: 90 % against a 50 % target
            metadata: { labels, annotations: { [`${METRICS_ANNOTATION_PREFIX}cpu`]: '90m' } },
            spec: {
              containers: [
                { name: 'web', image: 'registry.local/web:1', resources: { requests: { cpu: '100m' } } },
              ],
            },
          },
        },
      },
    });
    await watchUntil<k8s.V1Deployment>(
      kc,
      `/apis/apps/v1/namespaces/${ns}/deployments`,
      ([d]) => d?.status?.readyReplicas === 1,
    );
    const metrics = (await kc.makeApiClient(k8s.CustomObjectsApi).listNamespacedCustomObject({
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      namespace: ns,
      plural: 'pods',
    })) as {
      items: Array<{ containers: Array<{ name: string; usage: Record<string, string> }> }>;
    };
    expect(metrics.items[0]?.containers).toEqual([{ name: 'web', usage: { cpu: '90m', memory: '16Mi' } }]);

    await kc.makeApiClient(k8s.AutoscalingV2Api).createNamespacedHorizontalPodAutoscaler({
      namespace: ns,
      body: {
        metadata: { name: 'web' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
          minReplicas: 1,
          maxReplicas: 3,
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
      ([h]) => (h?.status?.desiredReplicas ?? 0) > 1,
      { timeoutMs: 45_000 },
    );
    expect(hpa?.status?.conditions?.find((c) => c.type === 'ScalingActive')).toMatchObject({
      status: 'True',
      reason: 'ValidMetricFound',
    });
    expect(hpa?.status?.currentMetrics?.[0]?.resource?.current?.averageUtilization).toBe(90);
    expect(hpa?.status?.desiredReplicas).toBe(2);
  });
});
