import type * as k8s from '@kubernetes/client-node';
import { imagesOf, type KubeObject, objectIdentity, withChangeCause } from '@kubeship/manifests';
import { kubeApi } from '../apply/_kube-api.ts';
import { objectId } from '../apply/plan.ts';
import { applyAll } from '../apply/server.ts';
import type { Clock } from '../clock.ts';
import type { DeployEventListener } from '../events/deploy-events.ts';
import { deleteMembers } from '../release/prune.ts';
import type { ReleaseRecord } from '../release/record.ts';
import { restorePlan } from '../release/restore.ts';
import { rollBack as rollBackDeployment } from '../rollout/rollback.ts';
import { type RolloutVerdict, targetId, targetOf } from '../rollout/tracker.ts';

/** How putting the previous release back went. */
export interface RestoreOutcome {
  /** Verified healthy (every restored object by its rule). */
  readonly healthy: boolean;
  readonly message: string;
  /** The release revision gone back to (0: the state before kubeship, or none). */
  readonly toRevision: number;
  /** The restored objects that kubeship tracked again, with their verdicts. */
  readonly objects: ReadonlyArray<{
    readonly id: string;
    readonly images: readonly string[];
    readonly healthy: boolean;
    readonly error?: string;
  }>;
  /** Objects the failed release created, deleted again. */
  readonly removed: readonly string[];
}

/**
 * Restores the state before a failed release: the previous record's objects applied again,
 * what the failed release created removed, adopted objects put back as they were; then every
 * restored object verified with the same rules. A first release has nothing to go back to: its
 * objects are left for inspection.
 */
export async function restoreRelease(
  kc: k8s.KubeConfig,
  options: {
    readonly applied: readonly KubeObject[];
    readonly previous: ReleaseRecord | undefined;
    readonly liveBefore: ReadonlyMap<string, k8s.KubernetesObject>;
    readonly applySetId: string;
    readonly changeCause: string;
    readonly clock: Clock;
    readonly emit: DeployEventListener;
    readonly track: (objects: readonly KubeObject[], since: number) => Promise<RolloutVerdict[]>;
  },
): Promise<RestoreOutcome> {
  const liveBefore = new Map(
    [...options.liveBefore.values()].map((o) => [objectIdentity(o as KubeObject), o as KubeObject]),
  );
  const plan = restorePlan({
    applied: options.applied,
    ...(options.previous ? { previous: options.previous.objects } : {}),
    liveBefore,
  });
  const toRevision = options.previous?.revision ?? 0;
  if (plan.apply.length === 0 && plan.legacyDeployments.length === 0) {
    return {
      healthy: false,
      toRevision,
      message:
        'this is the first release: there is nothing to go back to, its objects are left for inspection',
      objects: [],
      removed: [],
    };
  }
  const since = options.clock.now();
  options.emit({
    type: 'rollback-started',
    at: since,
    toRevision,
    objects: plan.apply.length + plan.legacyDeployments.length,
  });
  const restored = plan.apply.map((object) => withChangeCause(object, options.changeCause));
  const failures = new Map<string, string>();
  try {
    await applyAll(kc, restored, { force: true });
  } catch (error) {
    return {
      healthy: false,
      toRevision,
      message: `putting release ${toRevision} back failed: ${(error as Error).message}`,
      objects: [],
      removed: [],
    };
  }
  await Promise.all(
    restored
      .filter((o) => o.kind === 'StatefulSet')
      .map((o) => replaceBrokenPods(kc, o).catch(() => undefined)),
  );
  const legacy: KubeObject[] = [];
  // what a Deployment rolled back by its ReplicaSet history runs now (not the failed template)
  const rolledBackImages = new Map<string, readonly string[]>();
  for (const deployment of plan.legacyDeployments) {
    try {
      const target = await rollBackDeployment(kc, {
        namespace: deployment.metadata.namespace ?? 'default',
        name: deployment.metadata.name,
        applied: deployment as k8s.V1Deployment,
        changeCause: options.changeCause,
      });
      rolledBackImages.set(objectId(deployment), target.images);
      legacy.push(deployment);
    } catch (error) {
      failures.set(objectId(deployment), (error as Error).message);
    }
  }
  const removed = await deleteMembers(kc, plan.remove, options.applySetId).catch((error: unknown) => {
    failures.set('remove', (error as Error).message);
    return [];
  });
  const verdicts = await options.track([...restored, ...legacy], since);
  const byId = new Map(verdicts.map((v) => [targetId(v.target), v]));
  const objects = [...restored, ...legacy, ...plan.legacyDeployments.filter((d) => !legacy.includes(d))].map(
    (object) => {
      const verdict = byId.get(targetId(targetOf(object)));
      const error = failures.get(objectId(object));
      const healthy =
        !error &&
        verdict !== undefined &&
        verdict.outcome !== 'failed' &&
        verdict.outcome !== 'timeout' &&
        verdict.outcome !== 'interrupted';
      return {
        id: objectId(object),
        images: rolledBackImages.get(objectId(object)) ?? imagesOf(object),
        healthy,
        ...(error
          ? { error }
          : !healthy && verdict
            ? { error: `rollback ${verdict.outcome === 'failed' ? verdict.reason : verdict.outcome}` }
            : {}),
      };
    },
  );
  const healthy = failures.size === 0 && objects.every((o) => o.healthy);
  options.emit({ type: 'rolled-back', at: options.clock.now(), toRevision, healthy });
  const what = toRevision > 0 ? `release ${toRevision}` : 'the state before this release';
  return {
    healthy,
    toRevision,
    message: healthy
      ? `rolled back to ${what} and it is verified healthy`
      : `rolling back to ${what} did not end healthy: ${[...failures.values(), ...objects.filter((o) => !o.healthy).map((o) => `${o.id}: ${o.error ?? 'not healthy'}`)].join('; ')}`,
    objects,
    removed,
  };
}

/**
 * A StatefulSet does not replace a pod that never became Ready when its template is rolled back
 * (it waits for that pod first, kubernetes/kubernetes#67250): once the controller has seen the
 * restored template, the not-Ready pods of another revision are deleted so it recreates them.
 */
async function replaceBrokenPods(kc: k8s.KubeConfig, statefulSet: KubeObject): Promise<void> {
  const { apps, core } = kubeApi(kc);
  const namespace = statefulSet.metadata.namespace ?? 'default';
  const name = statefulSet.metadata.name;
  // bounded: the controller observes a new generation within moments
  let live = await apps.readNamespacedStatefulSet({ name, namespace });
  for (let i = 0; i < 50 && (live.status?.observedGeneration ?? 0) < (live.metadata?.generation ?? 0); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    live = await apps.readNamespacedStatefulSet({ name, namespace });
  }
  const revision = live.status?.updateRevision;
  const pods = await core.listNamespacedPod({ namespace });
  const broken = pods.items.filter(
    (pod) =>
      pod.metadata?.ownerReferences?.some((o) => o.uid === live.metadata?.uid) &&
      pod.metadata?.labels?.['controller-revision-hash'] !== revision &&
      !pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
  await Promise.all(
    broken.map((pod) => core.deleteNamespacedPod({ name: pod.metadata?.name ?? '', namespace })),
  );
}
