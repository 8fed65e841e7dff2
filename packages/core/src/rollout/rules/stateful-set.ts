import type { V1Pod, V1StatefulSet, V1StatefulSetStatus } from '@kubernetes/client-node';
import type { RolloutCounts } from '../predicates.ts';
import {
  asModel,
  awaitingController,
  generationObserved,
  healthy,
  judgeControllerPods,
  progressingOn,
} from './_common.ts';
import type { HealthRule } from './types.ts';

const REVISION_LABEL = 'controller-revision-hash';
const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

/**
 * StatefulSets. RollingUpdate: every pod whose index is at least `partition` runs
 * `status.updateRevision` and all replicas are ready and available (with no partition the
 * controller also moves `currentRevision` to it). OnDelete: the controller does not roll pods,
 * so ready and available replicas suffice. Pods of the update revision are judged for doom, and
 * a FailedCreate event of this rollout (quota, Pod Security, webhooks) fails it.
 */
export const statefulSetRule: HealthRule = {
  name: 'StatefulSet',
  needs: ['pods', 'events'],
  judge(object, view, context) {
    const set = asModel<V1StatefulSet>(object);
    const status: Partial<V1StatefulSetStatus> = set.status ?? {};
    const desired = set.spec?.replicas ?? 1;
    const counts: RolloutCounts = {
      desired,
      updated: status.updatedReplicas ?? 0,
      ready: status.readyReplicas ?? 0,
      available: status.availableReplicas ?? status.readyReplicas ?? 0,
      total: status.replicas ?? 0,
    };
    if (!generationObserved(set)) return awaitingController(set);

    const revision = status.updateRevision ?? '';
    const onDelete = set.spec?.updateStrategy?.type === 'OnDelete';
    const partition = onDelete
      ? desired
      : Math.max(0, set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0);
    const isNew = (pod: V1Pod) => pod.metadata?.labels?.[REVISION_LABEL] === revision;

    const { pods, verdicts } = judgeControllerPods(object, view, context, isNew, counts);
    const stale = pods.filter((pod) => !isNew(pod) && indexOf(pod, set) >= partition);
    if (verdicts.doom) return verdicts.doom;

    const toUpdate = Math.max(0, desired - partition);
    const allReady = counts.total === desired && counts.ready >= desired && counts.available >= desired;
    const rolled =
      stale.length === 0 &&
      counts.updated >= toUpdate &&
      (onDelete || partition > 0 || status.currentRevision === revision);
    if (allReady && rolled) return healthy(doneSummary(set, pods, partition, onDelete), counts);

    const progress = onDelete
      ? `${counts.ready}/${desired} ready (OnDelete: pods are not rolled)`
      : `${counts.ready}/${desired} ready, ${Math.min(counts.updated, toUpdate)}/${toUpdate} on revision ${revision}`;
    return progressingOn(progress, verdicts, counts);
  },
};

function doneSummary(
  set: V1StatefulSet,
  pods: readonly V1Pod[],
  partition: number,
  onDelete: boolean,
): string {
  const desired = set.spec?.replicas ?? 1;
  const revision = set.status?.updateRevision ?? '';
  const behind = pods.filter((pod) => pod.metadata?.labels?.[REVISION_LABEL] !== revision).length;
  if (onDelete) {
    const note = behind > 0 ? `; ${behind} pod(s) keep their old revision until deleted` : '';
    return `${desired}/${desired} ready; updateStrategy OnDelete: the controller does not roll pods${note}`;
  }
  if (partition > 0 && behind > 0) {
    return `${desired}/${desired} ready; partitioned rollout done: pods from index ${partition} on revision ${revision}, ${behind} below the partition stay on ${set.status?.currentRevision ?? 'their revision'}`;
  }
  return `${desired}/${desired} ready, all on revision ${revision}`;
}

/** The pod's index in the set (its ordinal less `spec.ordinals.start`); -1 when unknown. */
function indexOf(pod: V1Pod, set: V1StatefulSet): number {
  const label = pod.metadata?.labels?.[POD_INDEX_LABEL];
  const suffix = pod.metadata?.name?.slice((set.metadata?.name ?? '').length + 1);
  const ordinal = label ?? suffix ?? '';
  return /^\d+$/.test(ordinal) ? Number(ordinal) - (set.spec?.ordinals?.start ?? 0) : -1;
}
