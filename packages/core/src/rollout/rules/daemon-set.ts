import { isDeepStrictEqual } from 'node:util';
import type { V1ControllerRevision, V1DaemonSet, V1Pod } from '@kubernetes/client-node';
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

const GENERATION_LABEL = 'pod-template-generation';
const HASH_LABEL = 'controller-revision-hash';

/**
 * DaemonSets: every node that should run the daemon runs an updated, available pod and no pod of
 * an older template is left (RollingUpdate; with `maxSurge` the old pod lingers until the new one
 * is available, with `maxUnavailable` nodes go without one for a while: both only pace the
 * rollout). OnDelete: available pods on every node suffice. A pod is updated when the controller
 * says so: its `controller-revision-hash` is the hash of the current ControllerRevision (the one
 * holding the DaemonSet's template), or its `pod-template-generation` is `metadata.generation`
 * (a rollback makes an old revision current again, and its pods keep their old generation).
 * Updated pods are judged for doom; a FailedCreate event of this rollout fails it. No node to
 * run it (`desiredNumberScheduled` 0) is healthy, and said so.
 */
export const daemonSetRule: HealthRule = {
  name: 'DaemonSet',
  needs: ['pods', 'events', 'controllerRevisions'],
  judge(object, view, context) {
    const set = asModel<V1DaemonSet>(object);
    const status = set.status;
    if (!status || !generationObserved(set)) return awaitingController(set);
    const desired = status.desiredNumberScheduled;
    const counts: RolloutCounts = {
      desired,
      updated: status.updatedNumberScheduled ?? 0,
      ready: status.numberReady,
      available: status.numberAvailable ?? 0,
      total: status.currentNumberScheduled + status.numberMisscheduled,
    };

    const hash = currentRevisionHash(set, view.controllerRevisions());
    const isNew = (pod: V1Pod) =>
      (hash !== undefined && pod.metadata?.labels?.[HASH_LABEL] === hash) ||
      pod.metadata?.labels?.[GENERATION_LABEL] === String(set.metadata?.generation);
    const { pods, verdicts } = judgeControllerPods(object, view, context, isNew, counts);
    if (verdicts.doom) return verdicts.doom;

    if (desired === 0) {
      return healthy(
        'no node runs it: desiredNumberScheduled is 0 (no node matches its nodeSelector, affinity and tolerations)',
        counts,
      );
    }
    const onDelete = set.spec?.updateStrategy?.type === 'OnDelete';
    const oldPods = pods.filter((pod) => !isNew(pod)).length;
    const available = counts.available >= desired && (status.numberUnavailable ?? 0) === 0;
    if (available && onDelete) {
      const note = oldPods > 0 ? `; ${oldPods} pod(s) keep the old template until deleted` : '';
      return healthy(
        `${desired}/${desired} nodes available; updateStrategy OnDelete: pods are not rolled${note}`,
        counts,
      );
    }
    if (available && counts.updated >= desired && counts.ready >= desired && oldPods === 0) {
      return healthy(`${desired}/${desired} nodes run the updated pod, all available`, counts);
    }
    const rolling = set.spec?.updateStrategy?.rollingUpdate;
    const pace = onDelete
      ? 'OnDelete: pods are not rolled'
      : `maxUnavailable ${rolling?.maxUnavailable ?? 1}, maxSurge ${rolling?.maxSurge ?? 0}`;
    const old = oldPods > 0 ? `, ${oldPods} old pod(s) left` : '';
    return progressingOn(
      `${counts.updated}/${desired} nodes updated, ${counts.available} available (${pace})${old}`,
      verdicts,
      counts,
    );
  },
};

/**
 * The `controller-revision-hash` of the DaemonSet's current ControllerRevision, as its controller
 * finds it: the owned revision whose data holds the DaemonSet's template, else the newest one.
 */
function currentRevisionHash(
  set: V1DaemonSet,
  revisions: readonly V1ControllerRevision[],
): string | undefined {
  const uid = set.metadata?.uid;
  const owned = revisions.filter((r) =>
    r.metadata?.ownerReferences?.some((o) => o.controller && o.uid === uid),
  );
  const templateOf = (revision: V1ControllerRevision) => {
    const data = revision.data as { spec?: { template?: Record<string, unknown> } } | undefined;
    const { $patch: _, ...template } = data?.spec?.template ?? {};
    return template;
  };
  const current =
    owned.find((r) => isDeepStrictEqual(templateOf(r), set.spec?.template)) ??
    owned.reduce<V1ControllerRevision | undefined>(
      (a, b) => (a && a.revision >= b.revision ? a : b),
      undefined,
    );
  return current?.metadata?.labels?.[HASH_LABEL];
}
