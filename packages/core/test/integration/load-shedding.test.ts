import * as k8s from '@kubernetes/client-node';
import { startSheddingProxy } from '@kubeship/testbed';
import { describe, expect, it } from 'vitest';
import { adminClients, testNamespace } from '../../../testbed/test/helpers.ts';
import { requestLimitOf } from '../../src/apply/_raw.ts';
import { readLive } from '../../src/apply/server.ts';
import { deployObjects } from '../../src/deploy/engine.ts';
import type { Manifest } from '../../src/deploy/types.ts';

const SIZE = 30;

/** `SIZE` Deployments of one replica, each reading its own ConfigMap. */
function release(namespace: string): Manifest[] {
  return Array.from({ length: SIZE }, (_, i): Manifest[] => [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `web-${i}`, namespace, labels: { app: `web-${i}` } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: `web-${i}` } },
        template: {
          metadata: { labels: { app: `web-${i}` } },
          spec: {
            containers: [
              {
                name: 'web',
                image: 'registry.local/web:1',
                envFrom: [{ configMapRef: { name: `settings-${i}` } }],
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `settings-${i}`, namespace },
      data: { INDEX: `${i}` },
    },
  ]).flat();
}

describe('a release of many objects while the API server sheds load (429 with Retry-After)', () => {
  it('is deployed and verified: each shed request waits its Retry-After and goes again', async () => {
    const { info, kc: admin } = await adminClients();
    const ns = await testNamespace(admin, 'shed');
    // the real apiserver behind a max-in-flight of 4: kubeship starts at 8 requests in flight
    const proxy = await startSheddingProxy(info, { maxInFlight: 4 });
    try {
      const kubeConfig = new k8s.KubeConfig();
      kubeConfig.loadFromString(proxy.kubeconfig);
      const result = await deployObjects({
        kubeConfig,
        app: 'web',
        objects: release(ns.name),
        timeoutMs: 100_000,
        lease: { holder: 'shed-test' },
      });
      expect(result.outcome).toBe('deployed');
      expect(result.objects).toHaveLength(2 * SIZE);
      expect(result.objects.every((o) => o.verdict === 'complete' || o.verdict === 'applied')).toBe(true);
      expect(proxy.shed).toBeGreaterThan(0);
      // kubeship's own requests were among them, and its limit saw them
      expect(requestLimitOf(kubeConfig).shedCount).toBeGreaterThan(0);
      const live = await admin.makeApiClient(k8s.AppsV1Api).listNamespacedDeployment({ namespace: ns.name });
      expect(live.items.filter((d) => d.status?.availableReplicas === 1)).toHaveLength(SIZE);
    } finally {
      await proxy.close();
      await ns.remove();
    }
  });

  it('gives up on a request the server never takes, with an error naming it and its sheds', async () => {
    const { info, kc: admin } = await adminClients();
    const ns = await testNamespace(admin, 'shed-all');
    const proxy = await startSheddingProxy(info, { maxInFlight: 0 });
    try {
      const kubeConfig = new k8s.KubeConfig();
      kubeConfig.loadFromString(proxy.kubeconfig);
      const reading = readLive(kubeConfig, release(ns.name).slice(0, 1));
      await expect(reading).rejects.toMatchObject({
        name: 'ApiThrottledError',
        code: 'CLUSTER_UNREACHABLE',
        details: { status: 429, sheds: 9, request: 'GET discovery of apps/v1' },
      });
      await expect(reading).rejects.toThrow(
        /shed GET discovery of apps\/v1 9 times \(HTTP 429 Too Many Requests\)/,
      );
      expect(proxy.passed).toBe(0);
    } finally {
      await proxy.close();
      await ns.remove();
    }
  });
});
