import type { V1Deployment, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';

/** The revision annotation the deployment controller stamps on a Deployment and its ReplicaSets. */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

/** Thresholds of the failure rules; all times in milliseconds since the epoch. */
export interface FailureRules {
  /** When this deploy changed the Deployment: conditions older than this belong to an earlier rollout. */
  readonly deployStartedAt: number;
  /** A container that restarted this many times is doomed even if it is running right now (default 3). */
  readonly maxRestarts: number;
  /** How long a pod may stay Unschedulable before it is doomed. */
  readonly unschedulableGraceMs: number;
}

/** Why a pod of the new ReplicaSet can never become ready without a new deploy. */
export interface DoomedPod {
  readonly pod: string;
  readonly container?: string;
  readonly reason: string;
  readonly message: string;
  readonly exitCode?: number;
  readonly restartCount?: number;
}

/** What a pod is waiting for, for progress reports. */
export interface WaitingPod {
  readonly pod: string;
  readonly reason: string;
}

/** Replica counts of a rollout, as reporters show them. */
export interface RolloutCounts {
  readonly desired: number;
  readonly updated: number;
  readonly ready: number;
  readonly available: number;
  /** All pods of the Deployment, old and new. */
  readonly total: number;
}

/** The state of one Deployment's rollout at one moment. */
export type RolloutState =
  | {
      readonly phase: 'progressing';
      readonly counts: RolloutCounts;
      readonly waiting: readonly WaitingPod[];
      readonly recheckAt?: number;
    }
  | { readonly phase: 'complete'; readonly counts: RolloutCounts }
  | {
      readonly phase: 'failed';
      readonly counts: RolloutCounts;
      readonly reason: string;
      readonly doomed: readonly DoomedPod[];
    };

const IMAGE_FAILURES = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);
const START_FAILURES = new Set([
  'ContainerCannotRun',
  'CreateContainerError',
  'RunContainerError',
  'StartError',
]);
const BENIGN_FAILED_PHASE_REASONS = new Set([
  'Evicted',
  'Preempting',
  'Shutdown',
  'NodeShutdown',
  'Terminated',
]);

/** The Deployment's current revision, from its annotation (0 when it has none yet). */
export function revisionOf(object: { metadata?: { annotations?: Record<string, string> } }): number {
  const value = Number(object.metadata?.annotations?.[REVISION_ANNOTATION]);
  return Number.isInteger(value) ? value : 0;
}

/** ReplicaSets owned by the Deployment (by owner uid). */
export function ownedReplicaSets(
  deployment: V1Deployment,
  replicaSets: readonly V1ReplicaSet[],
): V1ReplicaSet[] {
  const uid = deployment.metadata?.uid;
  return replicaSets.filter((rs) =>
    rs.metadata?.ownerReferences?.some((owner) => owner.controller && owner.uid === uid),
  );
}

/** The ReplicaSet of the Deployment's current revision, if the controller has made it. */
export function newReplicaSetOf(
  deployment: V1Deployment,
  replicaSets: readonly V1ReplicaSet[],
): V1ReplicaSet | undefined {
  const revision = revisionOf(deployment);
  if (revision === 0) return undefined;
  return ownedReplicaSets(deployment, replicaSets).find((rs) => revisionOf(rs) === revision);
}

/** Pods owned by the ReplicaSet (by owner uid). */
export function podsOf(replicaSet: V1ReplicaSet, pods: readonly V1Pod[]): V1Pod[] {
  const uid = replicaSet.metadata?.uid;
  return pods.filter((pod) =>
    pod.metadata?.ownerReferences?.some((owner) => owner.controller && owner.uid === uid),
  );
}

/**
 * Whether a pod of the new ReplicaSet is doomed, and otherwise what it waits for. `recheckAt`
 * says when the verdict may change without any new event (an unschedulable grace running out).
 */
export function judgePod(
  pod: V1Pod,
  rules: FailureRules,
  now: number,
): { doomed: DoomedPod } | { waiting?: WaitingPod; recheckAt?: number } {
  const name = pod.metadata?.name ?? '';
  if (pod.metadata?.deletionTimestamp) return {};
  const status = pod.status ?? {};
  if (status.phase === 'Failed' && !BENIGN_FAILED_PHASE_REASONS.has(status.reason ?? '')) {
    return {
      doomed: {
        pod: name,
        reason: status.reason || 'PodFailed',
        message: status.message || 'the pod failed',
      },
    };
  }
  for (const container of [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])]) {
    const waiting = container.state?.waiting;
    const terminated = container.state?.terminated ?? container.lastState?.terminated;
    const base = { pod: name, container: container.name, restartCount: container.restartCount };
    const exit = terminated?.exitCode === undefined ? {} : { exitCode: terminated.exitCode };
    if (waiting?.reason === 'CrashLoopBackOff') {
      return {
        doomed: {
          ...base,
          ...exit,
          reason: 'CrashLoopBackOff',
          message: describeCrash(terminated, waiting.message),
        },
      };
    }
    if (waiting?.reason && IMAGE_FAILURES.has(waiting.reason)) {
      return { doomed: { ...base, reason: waiting.reason, message: waiting.message ?? waiting.reason } };
    }
    if (
      waiting?.reason === 'CreateContainerConfigError' &&
      !/failed to sync .*cache/i.test(waiting.message ?? '')
    ) {
      return { doomed: { ...base, reason: waiting.reason, message: waiting.message ?? waiting.reason } };
    }
    const startFailure = [waiting?.reason, container.state?.terminated?.reason].find(
      (r) => r && START_FAILURES.has(r),
    );
    if (startFailure) {
      const message = waiting?.message ?? container.state?.terminated?.message ?? startFailure;
      return { doomed: { ...base, ...exit, reason: startFailure, message } };
    }
    if (container.restartCount >= rules.maxRestarts) {
      return {
        doomed: {
          ...base,
          ...exit,
          reason: 'RestartLimit',
          message: `restarted ${container.restartCount} times; ${describeCrash(terminated)}`,
        },
      };
    }
  }
  const scheduled = status.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    const since = Math.max(timeOf(scheduled.lastTransitionTime) ?? now, rules.deployStartedAt);
    const deadline = since + rules.unschedulableGraceMs;
    if (now >= deadline) {
      return {
        doomed: {
          pod: name,
          reason: 'Unschedulable',
          message: scheduled.message ?? 'no node can run the pod',
        },
      };
    }
    return {
      waiting: { pod: name, reason: `Unschedulable: ${scheduled.message ?? ''}`.trim() },
      recheckAt: deadline,
    };
  }
  const ready = status.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  if (ready) return {};
  const waitingContainer = status.containerStatuses?.find((c) => c.state?.waiting?.reason);
  const reason =
    waitingContainer?.state?.waiting?.reason ?? (status.phase === 'Pending' ? 'Pending' : 'not ready');
  return { waiting: { pod: name, reason } };
}

/**
 * The rollout state of a Deployment from its object, its ReplicaSets and its pods (all as last
 * seen in the watch cache). Complete needs the status to describe the current generation, every
 * replica updated and available, no old pod left, and the new ReplicaSet fully available.
 */
export function judgeRollout(
  deployment: V1Deployment,
  replicaSets: readonly V1ReplicaSet[],
  pods: readonly V1Pod[],
  rules: FailureRules,
  now: number,
): RolloutState {
  const status = deployment.status ?? {};
  const desired = deployment.spec?.replicas ?? 1;
  const owned = ownedReplicaSets(deployment, replicaSets);
  const ownedPods = owned.flatMap((rs) => podsOf(rs, pods)).filter((pod) => !pod.metadata?.deletionTimestamp);
  const counts: RolloutCounts = {
    desired,
    updated: status.updatedReplicas ?? 0,
    ready: status.readyReplicas ?? 0,
    available: status.availableReplicas ?? 0,
    total: status.replicas ?? 0,
  };
  const observed = (deployment.metadata?.generation ?? 0) <= (status.observedGeneration ?? -1);
  const newReplicaSet = observed ? newReplicaSetOf(deployment, replicaSets) : undefined;

  if (observed) {
    const deadline = status.conditions?.find((c) => c.type === 'Progressing');
    const deadlineAt = timeOf(deadline?.lastUpdateTime) ?? timeOf(deadline?.lastTransitionTime) ?? 0;
    if (deadline?.reason === 'ProgressDeadlineExceeded' && deadlineAt >= rules.deployStartedAt - 1000) {
      return { phase: 'failed', counts, reason: 'ProgressDeadlineExceeded', doomed: [] };
    }
  }
  const newPods = newReplicaSet ? podsOf(newReplicaSet, pods) : [];
  const verdicts = newPods.map((pod) => judgePod(pod, rules, now));
  const doomed = verdicts.flatMap((v) => ('doomed' in v ? [v.doomed] : []));
  if (doomed.length > 0) {
    return { phase: 'failed', counts, reason: doomed[0]?.reason ?? 'PodFailed', doomed };
  }

  const rsReady =
    newReplicaSet !== undefined &&
    (newReplicaSet.status?.availableReplicas ?? 0) >= (newReplicaSet.spec?.replicas ?? 0) &&
    (newReplicaSet.status?.replicas ?? 0) === (newReplicaSet.spec?.replicas ?? 0);
  const oldPodsLeft = ownedPods.some((pod) => !newPods.includes(pod));
  if (
    observed &&
    counts.updated >= desired &&
    counts.total <= counts.updated &&
    counts.available >= counts.updated &&
    rsReady &&
    !oldPodsLeft
  ) {
    return { phase: 'complete', counts };
  }
  const waiting = verdicts.flatMap((v) => ('waiting' in v && v.waiting ? [v.waiting] : []));
  const recheckAt = Math.min(
    ...verdicts.flatMap((v) => ('recheckAt' in v && v.recheckAt ? [v.recheckAt] : [])),
  );
  return { phase: 'progressing', counts, waiting, ...(Number.isFinite(recheckAt) ? { recheckAt } : {}) };
}

function describeCrash(
  terminated?: { exitCode?: number; reason?: string; message?: string },
  fallback?: string,
): string {
  if (!terminated) return fallback ?? 'the container keeps crashing';
  const parts = [`last exit code ${terminated.exitCode}`];
  if (terminated.reason) parts.push(`reason ${terminated.reason}`);
  if (terminated.message) parts.push(terminated.message.trim());
  return parts.join(', ');
}

function timeOf(value: Date | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const time = new Date(value).getTime();
  return Number.isNaN(time) ? undefined : time;
}
