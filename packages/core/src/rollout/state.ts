import type * as k8s from '@kubernetes/client-node';
import { kubeApi } from '../apply/_kube-api.ts';
import { describeKubernetesError } from '../auth/index.ts';
import { judgeRollout, newReplicaSetOf, type RolloutState, revisionOf } from './predicates.ts';

/** A Deployment's current state, read once (for status and promotion). */
export interface DeploymentState {
  readonly namespace: string;
  readonly name: string;
  readonly revision: number;
  readonly images: readonly string[];
  /** Image IDs (with digests) the ready pods of the current ReplicaSet report. */
  readonly runningImageIds: readonly string[];
  readonly state: RolloutState;
}

/** Reads the Deployment, its ReplicaSets and pods once and judges its rollout. */
export async function readDeploymentState(
  kc: k8s.KubeConfig,
  namespace: string,
  name: string,
): Promise<DeploymentState> {
  const { apps, core } = kubeApi(kc);
  const [deployment, replicaSets, pods] = await Promise.all([
    apps.readNamespacedDeployment({ name, namespace }),
    apps.listNamespacedReplicaSet({ namespace }),
    core.listNamespacedPod({ namespace }),
  ]).catch((error: unknown) => {
    throw describeKubernetesError(error, { verb: 'get', resource: 'deployments', namespace, name });
  });
  const now = Date.now();
  const state = judgeRollout(
    deployment,
    replicaSets.items,
    pods.items,
    { deployStartedAt: 0, maxRestarts: 3, unschedulableGraceMs: 60_000 },
    now,
  );
  const current = newReplicaSetOf(deployment, replicaSets.items);
  const ready = pods.items.filter(
    (pod) =>
      pod.metadata?.ownerReferences?.some((o) => o.uid === current?.metadata?.uid) &&
      pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
  return {
    namespace,
    name,
    revision: revisionOf(deployment),
    images: (deployment.spec?.template.spec?.containers ?? []).map((c) => c.image ?? ''),
    runningImageIds: [
      ...new Set(ready.flatMap((pod) => (pod.status?.containerStatuses ?? []).map((c) => c.imageID))),
    ].filter((id) => id !== ''),
    state,
  };
}
