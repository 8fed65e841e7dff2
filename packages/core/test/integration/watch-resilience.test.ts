import * as k8s from '@kubernetes/client-node';
import { IMAGE_MARKERS, startTestbed } from '@kubeship/testbed';
import { describe, expect, it } from 'vitest';
import { deployObjects } from '../../src/deploy/engine.ts';
import type { Manifest } from '../../src/deploy/types.ts';
import type { DeployEvent } from '../../src/events/deploy-events.ts';

const deployment = (image: string): Manifest => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
  },
});

describe('rollout tracking when the watch is cut', () => {
  it('reaches the right verdict across an apiserver restart mid-rollout', async () => {
    // its own testbed: restarting the shared apiserver would disturb other test files
    const testbed = await startTestbed({ nodes: 1, slowReadyDelayMs: 3000 });
    try {
      const kubeConfig = new k8s.KubeConfig();
      kubeConfig.loadFromString(testbed.adminKubeconfig);
      const run = (image: string, onEvent?: (e: DeployEvent) => void) =>
        deployObjects({
          kubeConfig,
          app: 'web',
          objects: [deployment(image)],
          timeoutMs: 90_000,
          ...(onEvent ? { onEvent } : {}),
        });
      expect((await run('registry.local/web:1')).outcome).toBe('deployed');

      let restarted: Promise<void> | undefined;
      const result = await run(`registry.local/web:2-${IMAGE_MARKERS.slowReady}`, (event) => {
        if (event.type === 'progress' && !restarted) restarted = testbed.restartApiServer(1000);
      });
      await restarted;
      expect(restarted).toBeDefined();
      expect(result).toMatchObject({
        outcome: 'deployed',
        deployments: [{ verdict: 'complete', images: [`registry.local/web:2-${IMAGE_MARKERS.slowReady}`] }],
      });
      const live = await kubeConfig
        .makeApiClient(k8s.AppsV1Api)
        .readNamespacedDeployment({ name: 'web', namespace: 'default' });
      expect(live.status?.updatedReplicas).toBe(2);
      expect(live.status?.availableReplicas).toBe(2);
    } finally {
      await testbed.stop();
    }
  });
});
