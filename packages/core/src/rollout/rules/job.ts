import type { V1Job, V1JobCondition, V1Pod } from '@kubernetes/client-node';
import { timeOf } from '../_time.ts';
import type { DoomedPod } from '../predicates.ts';
import { asModel, describeDoom, failed, healthy, judgePods, live, progressingOn } from './_common.ts';
import type { HealthRule } from './types.ts';

const CONTROLLER_UID_LABELS = ['batch.kubernetes.io/controller-uid', 'controller-uid'];
const DEFAULT_BACKOFF_LIMIT = 6;

/**
 * Jobs: Complete (or SuccessCriteriaMet) is healthy, Failed (or FailureTarget) failed with the
 * controller's reason; a suspended Job is healthy ("suspended"). Before the controller decides,
 * pods that can never run (image not found, missing config, unschedulable past the grace, a
 * container restarted `maxRestarts` times) fail it at once, and so do more failed attempts than
 * `spec.backoffLimit` (failed pods, and container restarts under restartPolicy OnFailure),
 * without waiting out the controller's backoff. A failed attempt alone is no doom: the Job retries.
 */
export const jobRule: HealthRule = {
  name: 'Job',
  needs: ['pods'],
  judge(object, view, context) {
    const job = asModel<V1Job>(object);
    const status = job.status ?? {};
    const conditions = status.conditions ?? [];
    const failure = isTrue(conditions, 'Failed') ?? isTrue(conditions, 'FailureTarget');
    if (failure) {
      const reason = failure.reason || 'JobFailed';
      return failed(reason, `${reason}: ${failure.message ?? 'the Job failed'}`);
    }
    const pods = podsOfJob(job, view.pods());
    const success = isTrue(conditions, 'Complete') ?? isTrue(conditions, 'SuccessCriteriaMet');
    if (success) {
      const when = status.completionTime ? ` at ${new Date(status.completionTime).toISOString()}` : '';
      return healthy(`completed${when}: ${succeededCount(job, pods)} pod(s) succeeded`);
    }
    if (job.spec?.suspend) return healthy('suspended: the Job runs no pods until it is resumed');

    const running = pods.filter(
      (pod) => live(pod) && !['Succeeded', 'Failed'].includes(pod.status?.phase ?? ''),
    );
    const verdicts = judgePods(running, context, { options: { retriedByJob: true } });
    if (verdicts.doom) return verdicts.doom;

    const limit = job.spec?.backoffLimit ?? DEFAULT_BACKOFF_LIMIT;
    const attempts = failedAttempts(job, pods);
    // A pod failure policy or per-index limits change what counts; the controller decides those.
    const countsAttempts = !job.spec?.podFailurePolicy && job.spec?.backoffLimitPerIndex === undefined;
    if (countsAttempts && attempts.count > limit) {
      const last = attempts.last ? `; last: ${describeDoom(attempts.last)}` : '';
      return failed(
        'BackoffLimitExceeded',
        `${attempts.count} failed attempt(s) exceed backoffLimit ${limit}${last}`,
        attempts.last ? [attempts.last] : [],
      );
    }
    const of =
      job.spec?.completions === undefined || job.spec.completions === null ? '' : `/${job.spec.completions}`;
    return progressingOn(
      `${succeededCount(job, pods)}${of} succeeded, ${status.active ?? 0} active, ${attempts.count} failed (backoffLimit ${limit})`,
      verdicts,
    );
  },
};

/**
 * Pods that succeeded: the controller counts one in `status.succeeded` only once it removed the
 * pod's finalizer, and keeps it in `uncountedTerminatedPods` until then (often when the Job is
 * already Complete); the pods seen Succeeded count too.
 */
function succeededCount(job: V1Job, pods: readonly V1Pod[]): number {
  const counted =
    (job.status?.succeeded ?? 0) + (job.status?.uncountedTerminatedPods?.succeeded?.length ?? 0);
  return Math.max(counted, pods.filter((pod) => pod.status?.phase === 'Succeeded').length);
}

function isTrue(conditions: readonly V1JobCondition[], type: string): V1JobCondition | undefined {
  return conditions.find((c) => c.type === type && c.status === 'True');
}

/** The Job's pods: by its controller-uid label, or by a controller owner reference. */
function podsOfJob(job: V1Job, pods: readonly V1Pod[]): V1Pod[] {
  const uid = job.metadata?.uid;
  if (uid === undefined) return [];
  return pods.filter(
    (pod) =>
      CONTROLLER_UID_LABELS.some((label) => pod.metadata?.labels?.[label] === uid) ||
      pod.metadata?.ownerReferences?.some((owner) => owner.controller && owner.uid === uid),
  );
}

/**
 * Failed attempts as the controller counts them against backoffLimit: failed pods (at least
 * `status.failed`, which remembers deleted ones) plus, under restartPolicy OnFailure, container
 * restarts. `last` describes the most recent failure.
 */
function failedAttempts(job: V1Job, pods: readonly V1Pod[]): { count: number; last?: DoomedPod } {
  const failedPods = pods.filter((pod) => pod.status?.phase === 'Failed');
  const onFailure = job.spec?.template.spec?.restartPolicy === 'OnFailure';
  const containers = pods.flatMap((pod) =>
    [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].map(
      (container) => ({ pod, container }),
    ),
  );
  const restarts = onFailure ? containers.reduce((sum, { container }) => sum + container.restartCount, 0) : 0;
  const count = Math.max(job.status?.failed ?? 0, failedPods.length) + restarts;
  const exits = containers
    .map(({ pod, container }) => ({
      pod,
      container,
      exit: container.state?.terminated ?? container.lastState?.terminated,
    }))
    .filter(({ exit }) => exit !== undefined && exit.exitCode !== 0)
    .sort((a, b) => finishedAt(b.exit) - finishedAt(a.exit));
  const [latest] = exits;
  if (!latest?.exit) return { count };
  const { exit } = latest;
  const reason = exit.reason || 'Error';
  return {
    count,
    last: {
      pod: latest.pod.metadata?.name ?? '',
      container: latest.container.name,
      reason,
      message: `exit code ${exit.exitCode}${exit.message ? `: ${exit.message.trim()}` : ''}`,
      exitCode: exit.exitCode,
      restartCount: latest.container.restartCount,
    },
  };
}

function finishedAt(exit: { finishedAt?: Date | string } | undefined): number {
  return timeOf(exit?.finishedAt) ?? 0;
}
