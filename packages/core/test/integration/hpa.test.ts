import type { KubeObject } from '@kubeship/manifests';
import { METRICS_ANNOTATION_PREFIX } from '@kubeship/testbed';
import { afterEach, describe, expect, it } from 'vitest';
import { adminClients, testNamespace } from '../../../testbed/test/helpers.ts';
import { type DeployEvent, type DeployObjectsOptions, deployObjects } from '../../src/index.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function setup(prefix: string) {
  const clients = await adminClients();
  const ns = await testNamespace(clients.kc, prefix);
  cleanups.push(ns.remove);
  const events: DeployEvent[] = [];
  const run = (objects: KubeObject[], options: Partial<DeployObjectsOptions> = {}) =>
    deployObjects({
      kubeConfig: clients.kc,
      app: 'podinfo',
      namespace: ns.name,
      objects,
      timeoutMs: 60_000,
      onEvent: (event) => events.push(event),
      ...options,
    });
  return { namespace: ns.name, run, events };
}

const labels = { app: 'podinfo' };
/** podinfo's shape: a Deployment with CPU requests and an HPA on CPU utilization (or on `metric`). */
function podinfo(namespace: string, metric: object): KubeObject[] {
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'podinfo', namespace },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels, annotations: { [`${METRICS_ANNOTATION_PREFIX}cpu`]: '10m' } },
          spec: {
            containers: [
              {
                name: 'podinfod',
                image: 'registry.local/podinfo:6.7.1',
                resources: { requests: { cpu: '100m' } },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'podinfo', namespace },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
        minReplicas: 2,
        maxReplicas: 4,
        metrics: [metric],
      },
    },
  ];
}

describe('HPAs on the testbed', () => {
  it('deploys a podinfo-style release with an HPA healthy: the metrics API answers, ScalingActive', async () => {
    const t = await setup('hpa-ok');
    const result = await t.run(
      podinfo(t.namespace, {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 99 } },
      }),
    );
    expect(result.outcome).toBe('deployed');
    expect(result.objects.find((o) => o.kind === 'HorizontalPodAutoscaler')).toMatchObject({
      verdict: 'complete',
      summary: expect.stringMatching(/^scaling active/),
    });
  });

  it('reports an HPA whose metrics API the cluster does not serve as not verified, and deploys the release', async () => {
    const t = await setup('hpa-noapi');
    // the testbed serves metrics.k8s.io only: a Pods metric needs custom.metrics.k8s.io
    const result = await t.run(
      podinfo(t.namespace, {
        type: 'Pods',
        pods: {
          metric: { name: 'requests_per_second' },
          target: { type: 'AverageValue', averageValue: '10' },
        },
      }),
    );
    expect(result.outcome).toBe('deployed');
    expect(result.objects.find((o) => o.kind === 'HorizontalPodAutoscaler')).toMatchObject({
      verdict: 'unverified',
      summary: expect.stringMatching(/^the cluster serves no custom metrics API/),
    });
    expect(t.events.some((e) => e.type === 'unverified' && e.target.kind === 'HorizontalPodAutoscaler')).toBe(
      true,
    );
  });
});
