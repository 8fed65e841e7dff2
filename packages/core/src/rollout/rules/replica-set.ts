import type { V1ReplicaSet } from '@kubernetes/client-node';
import { podsOf, type RolloutCounts, replicaFailureIn } from '../predicates.ts';
import {
  asModel,
  awaitingController,
  failureRulesOf,
  generationObserved,
  healthy,
  judgePods,
  live,
  progressingOn,
} from './_common.ts';
import type { HealthRule } from './types.ts';

/**
 * ReplicaSets applied on their own (those of a Deployment are judged through it): every replica
 * ready and available; doomed pods or a ReplicaFailure of this rollout fail it.
 */
export const replicaSetRule: HealthRule = {
  name: 'ReplicaSet',
  needs: ['pods'],
  judge(object, view, context) {
    const set = asModel<V1ReplicaSet>(object);
    if (!set.status || !generationObserved(set)) return awaitingController(set);
    const desired = set.spec?.replicas ?? 1;
    const counts: RolloutCounts = {
      desired,
      updated: set.status.replicas,
      ready: set.status.readyReplicas ?? 0,
      available: set.status.availableReplicas ?? 0,
      total: set.status.replicas,
    };
    const failure = replicaFailureIn(
      `ReplicaSet/${object.metadata.name}`,
      set.status.conditions,
      failureRulesOf(context),
    );
    const verdicts = judgePods(podsOf(set, view.pods()).filter(live), context, { failure, counts });
    if (verdicts.doom) return verdicts.doom;
    const replicas = `${counts.ready}/${desired} ready, ${counts.available} available`;
    if (counts.total === desired && counts.available >= desired) return healthy(replicas, counts);
    return progressingOn(replicas, verdicts, counts);
  },
};
