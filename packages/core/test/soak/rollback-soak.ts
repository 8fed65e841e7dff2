// The rollback of a release refused by Pod Security, round after round on one cluster: each
// round deploys a healthy release 1, turns on the `restricted` Pod Security level, ships a
// release 2 that runs as root (its ReplicaSet cannot create a pod: FailedCreate), and expects
// kubeship to roll back to release 1 and verify it healthy (ROLLOUT_FAILED, exit 1). A
// ROLLBACK_FAILED while release 1 is healthy in the cluster a moment later is a false failure:
// the verdict counted the failure it was undoing. Not a test of the suite: run by
// scripts/soak-rollback.ts.
import { randomBytes } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '@kubeship/manifests';
import { deployObjects } from '../../src/deploy/engine.ts';

/** What one round ended with. */
export interface SoakRound {
  readonly round: number;
  /** The code of the refused release: ROLLOUT_FAILED is right. */
  readonly code: string;
  /** Release 1 healthy in the cluster after the round (all replicas updated and available). */
  readonly healthyAfter: boolean;
  readonly message: string;
  readonly ms: number;
}

const deployment = (namespace: string, image: string, root: boolean): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace },
  spec: {
    replicas: 2,
    progressDeadlineSeconds: 30,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [{ name: 'web', image, ...(root ? { securityContext: { runAsUser: 0 } } : {}) }],
      },
    },
  },
});

/** Runs `rounds` rounds, each in a namespace of its own (removed after), reporting each as it ends. */
export async function soakRollback(options: {
  readonly kubeconfig: string;
  readonly rounds: number;
  readonly onRound: (round: SoakRound) => void;
}): Promise<SoakRound[]> {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(options.kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const results: SoakRound[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const namespace = `soak-${round}-${randomBytes(3).toString('hex')}`;
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    try {
      const run = (objects: KubeObject[]) =>
        deployObjects({ kubeConfig: kc, app: 'web', namespace, objects, timeoutMs: 60_000 });
      const first = await run([deployment(namespace, 'registry.local/web:1', false)]);
      if (first.outcome !== 'deployed')
        throw new Error(`round ${round}: release 1 did not deploy: ${first.message}`);
      await core.patchNamespace(
        {
          name: namespace,
          body: {
            metadata: {
              labels: {
                'pod-security.kubernetes.io/enforce': 'restricted',
                'pod-security.kubernetes.io/enforce-version': 'latest',
              },
            },
          },
        },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      const started = Date.now();
      const refused = await run([deployment(namespace, 'registry.local/web:2', true)]);
      const ms = Date.now() - started;
      const live = await apps.readNamespacedDeployment({ name: 'web', namespace });
      const image = live.spec?.template.spec?.containers[0]?.image;
      const status = live.status;
      const healthyAfter =
        image === 'registry.local/web:1' &&
        (status?.observedGeneration ?? 0) >= (live.metadata?.generation ?? 1) &&
        status?.updatedReplicas === 2 &&
        status?.availableReplicas === 2;
      const result = { round, code: refused.code ?? 'none', healthyAfter, message: refused.message, ms };
      results.push(result);
      options.onRound(result);
    } finally {
      await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    }
  }
  return results;
}
