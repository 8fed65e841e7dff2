import type { V1Deployment } from '@kubernetes/client-node';
import { judgeRollout } from '../predicates.ts';
import {
  asModel,
  failed,
  failedFromDoom,
  failureRulesOf,
  generationObserved,
  healthy,
  progressingOn,
} from './_common.ts';
import type { HealthRule } from './types.ts';

/**
 * Deployments: {@link judgeRollout} (every replica updated and available, no old pod left; doomed
 * pods of the new ReplicaSet, a ReplicaFailure of this rollout and ProgressDeadlineExceeded fail
 * it), with the controller's own words in the summary.
 */
export const deploymentRule: HealthRule = {
  name: 'Deployment',
  needs: ['replicaSets', 'pods'],
  judge(object, view, context) {
    const deployment = asModel<V1Deployment>(object);
    const state = judgeRollout(
      deployment,
      view.replicaSets(),
      view.pods(),
      failureRulesOf(context),
      context.now,
    );
    const { counts } = state;
    const replicas = `${counts.updated}/${counts.desired} updated, ${counts.ready} ready, ${counts.available} available`;
    if (state.phase === 'complete') return healthy(`rollout complete: ${replicas}`, counts);
    if (state.phase === 'failed') {
      const progress = deployment.status?.conditions?.find((c) => c.type === 'Progressing');
      return (
        failedFromDoom(state.doomed, counts) ??
        failed(state.reason, `${state.reason}: ${progress?.message ?? 'the rollout stopped'}`, [], counts)
      );
    }
    const observing = generationObserved(deployment)
      ? ''
      : `waiting for the controller to observe generation ${deployment.metadata?.generation}; `;
    return progressingOn(`${observing}${replicas}`, state, counts);
  },
};
