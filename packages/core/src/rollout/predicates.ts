import type {
  V1ContainerStatus,
  V1Deployment,
  V1Pod,
  V1ReplicaSet,
  V1ReplicaSetCondition,
} from '@kubernetes/client-node';
import { isDefiniteCreateFailure, isDefinitePullFailure } from './_failure-kinds.ts';
import { ofThisRollout } from './_rollout-history.ts';
import { earliest, timeOf } from './_time.ts';

/** The revision annotation the deployment controller stamps on a Deployment and its ReplicaSets. */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

/** Thresholds of the failure rules; all times in milliseconds since the epoch. */
export interface FailureRules {
  /** When this deploy changed the Deployment: conditions older than this belong to an earlier rollout. */
  readonly deployStartedAt: number;
  /** A container that restarted this many times is doomed even if it is running right now (default 3). */
  readonly maxRestarts: number;
  /**
   * How long a pod may stay Unschedulable, or a controller fail to create pods for a reason that
   * may clear up (a full quota, a webhook that could not be called), before it is doomed.
   */
  readonly unschedulableGraceMs: number;
  /**
   * How long a transient image pull failure (timeout, 429, connection reset, 5xx) may last
   * before the pod is doomed (default `DEFAULT_IMAGE_PULL_GRACE_MS`). Definite ones
   * (not found, unauthorized, invalid name) doom the pod at once.
   */
  readonly imagePullGraceMs?: number;
}

/**
 * The default of {@link FailureRules.imagePullGraceMs}, for a deploy and for `kubeship status`
 * alike: long enough for the kubelet's first pull retries (back-off 10 s, 20 s).
 */
export const DEFAULT_IMAGE_PULL_GRACE_MS = 30_000;

/** Why a pod of the new ReplicaSet can never become ready without a new deploy. */
export interface DoomedPod {
  /**
   * The pod's name; `Kind/name` of its controller (e.g. `ReplicaSet/web-7c9d8`) when the failure
   * is that the controller cannot create the pods at all.
   */
  readonly pod: string;
  readonly container?: string;
  readonly reason: string;
  readonly message: string;
  readonly exitCode?: number;
  readonly restartCount?: number;
}

/** Pure: how a doomed pod (or controller) is named in a line: `pod web-1`, or `ReplicaSet/web-7c9d8`. */
export const doomedSubject = (doomed: Pick<DoomedPod, 'pod'>): string =>
  doomed.pod.includes('/') ? doomed.pod : `pod ${doomed.pod}`;

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

/** The objects among `items` that `owner` controls (by the uid of a controller owner reference). */
export function controlledBy<
  T extends { metadata?: { ownerReferences?: ReadonlyArray<{ uid: string; controller?: boolean }> } },
>(owner: { metadata?: { uid?: string } }, items: readonly T[]): T[] {
  const uid = owner.metadata?.uid;
  if (uid === undefined) return [];
  return items.filter((item) =>
    item.metadata?.ownerReferences?.some((ref) => ref.controller && ref.uid === uid),
  );
}

/** ReplicaSets owned by the Deployment (by owner uid). */
export function ownedReplicaSets(
  deployment: V1Deployment,
  replicaSets: readonly V1ReplicaSet[],
): V1ReplicaSet[] {
  return controlledBy(deployment, replicaSets);
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
  return controlledBy(replicaSet, pods);
}

/** Options of {@link judgePod}. */
export interface PodJudgeOptions {
  /**
   * The pod belongs to a Job, which retries failures: a Failed pod or a crash-looping container
   * is an attempt, not doom by itself (restarts still count against `maxRestarts`).
   */
  readonly retriedByJob?: boolean;
}

/** What {@link judgePod} found. */
export type PodVerdict = { doomed: DoomedPod } | { waiting?: WaitingPod; recheckAt?: number };

/**
 * Whether a pod of the new ReplicaSet is doomed, and otherwise what it waits for. `recheckAt`
 * says when the verdict may change without any new event (an unschedulable grace or a transient
 * image pull grace running out).
 */
export function judgePod(
  pod: V1Pod,
  rules: FailureRules,
  now: number,
  options: PodJudgeOptions = {},
): PodVerdict {
  const name = pod.metadata?.name ?? '';
  if (pod.metadata?.deletionTimestamp) return {};
  const status = pod.status ?? {};
  if (
    !options.retriedByJob &&
    status.phase === 'Failed' &&
    !BENIGN_FAILED_PHASE_REASONS.has(status.reason ?? '')
  ) {
    return {
      doomed: {
        pod: name,
        reason: status.reason || 'PodFailed',
        message: status.message || 'the pod failed',
      },
    };
  }
  const pullSince = Math.max(
    rules.deployStartedAt,
    timeOf(status.startTime) ??
      timeOf(status.conditions?.find((c) => c.type === 'PodScheduled')?.lastTransitionTime) ??
      rules.deployStartedAt,
  );
  let recheckAt: number | undefined;
  let pulling: WaitingPod | undefined;
  for (const container of [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])]) {
    const verdict = judgeContainer(name, container, pullSince, rules, now, options);
    if (verdict === undefined) continue;
    if ('doomed' in verdict) return verdict;
    recheckAt = earliest(recheckAt, verdict.recheckAt);
    pulling ??= verdict.waiting;
  }
  const later = recheckAt === undefined ? {} : { recheckAt };
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
  if (ready) return later;
  if (pulling) return { waiting: pulling, ...later };
  const waitingContainer = status.containerStatuses?.find((c) => c.state?.waiting?.reason);
  const reason =
    waitingContainer?.state?.waiting?.reason ?? (status.phase === 'Pending' ? 'Pending' : 'not ready');
  return { waiting: { pod: name, reason }, ...later };
}

function judgeContainer(
  pod: string,
  container: V1ContainerStatus,
  pullSince: number,
  rules: FailureRules,
  now: number,
  options: PodJudgeOptions,
): { doomed: DoomedPod } | { waiting: WaitingPod; recheckAt: number } | undefined {
  const waiting = container.state?.waiting;
  const terminated = container.state?.terminated ?? container.lastState?.terminated;
  const base = { pod, container: container.name, restartCount: container.restartCount };
  const exit = terminated?.exitCode === undefined ? {} : { exitCode: terminated.exitCode };
  if (waiting?.reason === 'CrashLoopBackOff' && !options.retriedByJob) {
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
    const message = waiting.message ?? waiting.reason;
    const deadline = pullSince + (rules.imagePullGraceMs ?? DEFAULT_IMAGE_PULL_GRACE_MS);
    if (isDefinitePullFailure(waiting.reason, message)) {
      return { doomed: { ...base, reason: waiting.reason, message } };
    }
    if (now >= deadline) {
      const seconds = Math.round((now - pullSince) / 1000);
      return {
        doomed: { ...base, reason: waiting.reason, message: `still failing after ${seconds} s: ${message}` },
      };
    }
    return { waiting: { pod, reason: `${waiting.reason}: ${message}` }, recheckAt: deadline };
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
  return undefined;
}

/** A controller's failure to create pods (FailedCreate), read from a condition or an event. */
export interface CreateFailure {
  /** `Kind/name` of the controller that reported it. */
  readonly object: string;
  readonly reason: string;
  readonly message: string;
  /** Since when the controller has been failing (ms since the epoch). */
  readonly since: number;
}

/**
 * Whether a controller's failure to create pods dooms the rollout: at once when no retry can fix
 * it (Pod Security, LimitRange, a webhook that denied the request), after `unschedulableGraceMs`
 * when it may clear up (a full quota, a webhook that timed out).
 */
export function judgeCreateFailure(
  failure: CreateFailure,
  rules: FailureRules,
  now: number,
): { doomed: DoomedPod } | { waiting: WaitingPod; recheckAt: number } {
  const doomed = { pod: failure.object, reason: failure.reason, message: failure.message };
  if (isDefiniteCreateFailure(failure.message)) return { doomed };
  const deadline = Math.max(failure.since, rules.deployStartedAt) + rules.unschedulableGraceMs;
  if (now >= deadline) return { doomed };
  return {
    waiting: { pod: failure.object, reason: `${failure.reason}: ${failure.message}` },
    recheckAt: deadline,
  };
}

/**
 * The ReplicaFailure condition of this rollout (set since `deployStartedAt`, less a second of
 * clock skew) among the conditions of `object` (`Kind/name`): its controller cannot create pods.
 */
export function replicaFailureIn(
  object: string,
  conditions: readonly V1ReplicaSetCondition[] | undefined,
  rules: FailureRules,
): CreateFailure | undefined {
  const condition = conditions?.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
  const since = timeOf(condition?.lastTransitionTime) ?? rules.deployStartedAt;
  if (!condition || since < rules.deployStartedAt - 1000) return undefined;
  return {
    object,
    reason: condition.reason || 'FailedCreate',
    message: condition.message ?? 'the controller cannot create pods',
    since,
  };
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
    if (
      deadline?.reason === 'ProgressDeadlineExceeded' &&
      ofThisRollout(deadlineAt, deployment, rules.deployStartedAt)
    ) {
      return { phase: 'failed', counts, reason: 'ProgressDeadlineExceeded', doomed: [] };
    }
  }
  // Only the new ReplicaSet's own condition, once its status describes its current spec: the
  // Deployment's ReplicaFailure is a copy of any of its ReplicaSets' (the controller copies an old
  // one's too), so after a rollback it still shows the failure being undone.
  const replicaFailure =
    newReplicaSet && generationObservedBy(newReplicaSet)
      ? replicaFailureIn(
          `ReplicaSet/${newReplicaSet.metadata?.name}`,
          newReplicaSet.status?.conditions,
          rules,
        )
      : undefined;
  const newPods = newReplicaSet ? podsOf(newReplicaSet, pods) : [];
  const verdicts = [
    ...(replicaFailure ? [judgeCreateFailure(replicaFailure, rules, now)] : []),
    ...newPods.map((pod) => judgePod(pod, rules, now)),
  ];
  const { doomed } = summarizeVerdicts(verdicts);
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
  const { waiting, recheckAt } = summarizeVerdicts(verdicts);
  return { phase: 'progressing', counts, waiting, ...(recheckAt === undefined ? {} : { recheckAt }) };
}

const generationObservedBy = (set: V1ReplicaSet) =>
  (set.metadata?.generation ?? 0) <= (set.status?.observedGeneration ?? -1);

/** Pod (and controller) verdicts gathered: every doomed pod, every waiting one, the earliest recheck. */
export function summarizeVerdicts(verdicts: readonly PodVerdict[]): {
  doomed: DoomedPod[];
  waiting: WaitingPod[];
  recheckAt?: number;
} {
  const doomed = verdicts.flatMap((v) => ('doomed' in v ? [v.doomed] : []));
  const waiting = verdicts.flatMap((v) => ('waiting' in v && v.waiting ? [v.waiting] : []));
  const recheckAt = verdicts.reduce<number | undefined>(
    (at, v) => earliest(at, 'recheckAt' in v ? v.recheckAt : undefined),
    undefined,
  );
  return { doomed, waiting, ...(recheckAt === undefined ? {} : { recheckAt }) };
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
