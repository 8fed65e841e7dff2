import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { ofThisRollout } from '../_rollout-history.ts';
import { timeOf } from '../_time.ts';
import {
  type CreateFailure,
  controlledBy,
  type DoomedPod,
  doomedSubject,
  type FailureRules,
  judgeCreateFailure,
  judgePod,
  type PodJudgeOptions,
  type RolloutCounts,
  summarizeVerdicts,
  type WaitingPod,
} from '../predicates.ts';
import type { Health, JudgeContext, KubeObject, NamespaceView } from './types.ts';

/**
 * The object as the client-node model of its kind. Rules receive plain JSON read from the API,
 * which has the models' shape (timestamps stay strings; every time is read through `timeOf`).
 */
export const asModel = <T>(object: KubeObject): T => object as unknown as T;

/** The pod failure rules with the object's apply time as the start of this rollout. */
export const failureRulesOf = (context: JudgeContext): FailureRules => ({
  ...context.rules,
  deployStartedAt: context.appliedAt,
});

/** A plain (non-array, non-null) object. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether the controller has seen the current spec (`status.observedGeneration` caught up). */
export function generationObserved(object: {
  metadata?: { generation?: number };
  status?: { observedGeneration?: number };
}): boolean {
  return (object.metadata?.generation ?? 0) <= (object.status?.observedGeneration ?? -1);
}

/** The progress report of an object whose controller has not caught up with its spec. */
export const awaitingController = (object: { metadata?: { generation?: number } }): Health =>
  progressing(`waiting for the controller to observe generation ${object.metadata?.generation ?? '?'}`);

/** Pods still running their course (not being deleted). */
export const live = (pod: V1Pod): boolean => !pod.metadata?.deletionTimestamp;

/** What the pods of a workload (and its controller) say: a failed verdict if any is doomed. */
export interface PodsVerdict {
  readonly doom?: Health;
  readonly waiting: readonly WaitingPod[];
  readonly recheckAt?: number;
}

/**
 * Judges the pods a rule is responsible for, with the controller's failure to create pods when
 * there is one; `doom` fails on the first doomed one and lists them all.
 */
export function judgePods(
  pods: readonly V1Pod[],
  context: JudgeContext,
  more: { failure?: CreateFailure | undefined; counts?: RolloutCounts; options?: PodJudgeOptions } = {},
): PodsVerdict {
  const rules = failureRulesOf(context);
  const { doomed, waiting, recheckAt } = summarizeVerdicts([
    ...(more.failure ? [judgeCreateFailure(more.failure, rules, context.now)] : []),
    ...pods.map((pod) => judgePod(pod, rules, context.now, more.options)),
  ]);
  const doom = failedFromDoom(doomed, more.counts);
  return { waiting, ...(doom ? { doom } : {}), ...(recheckAt === undefined ? {} : { recheckAt }) };
}

/** Progressing on what the pods wait for: `summary; waiting on <first pod> (reason)`. */
export const progressingOn = (
  summary: string,
  pods: Pick<PodsVerdict, 'waiting' | 'recheckAt'>,
  counts?: RolloutCounts,
): Health =>
  progressing(`${summary}${waitingNote(pods.waiting)}`, {
    waiting: pods.waiting,
    recheckAt: pods.recheckAt,
    ...(counts ? { counts } : {}),
  });

/** When an event was last seen (ms since the epoch; 0 when it carries no time). */
export function eventLastSeen(event: CoreV1Event): number {
  return (
    timeOf(event.series?.lastObservedTime) ??
    timeOf(event.lastTimestamp) ??
    timeOf(event.eventTime) ??
    timeOf(event.firstTimestamp) ??
    timeOf(event.metadata?.creationTimestamp) ??
    0
  );
}

/** When an event was first seen (ms since the epoch; 0 when it carries no time). */
export function eventFirstSeen(event: CoreV1Event): number {
  return (
    timeOf(event.firstTimestamp) ?? timeOf(event.eventTime) ?? timeOf(event.metadata?.creationTimestamp) ?? 0
  );
}

/**
 * Events about `object` with one of `reasons`, newest first, matched by uid (or by kind and name
 * when the event carries no uid). With `since` (the deploy's apply time), only events of this
 * rollout, last seen after it (see {@link ofThisRollout}).
 */
export function eventsAbout(
  object: KubeObject,
  events: readonly CoreV1Event[],
  reasons: readonly string[],
  since: number,
): CoreV1Event[] {
  const uid = typeof object.metadata.uid === 'string' ? object.metadata.uid : undefined;
  return events
    .filter((event) => {
      const about = event.involvedObject;
      const same = about.uid
        ? about.uid === uid
        : about.kind === object.kind && about.name === object.metadata.name;
      return (
        same &&
        reasons.includes(event.reason ?? '') &&
        (since === 0 || ofThisRollout(eventLastSeen(event), object, since))
      );
    })
    .sort((a, b) => eventLastSeen(b) - eventLastSeen(a));
}

/**
 * The live pods a workload controller owns, and the verdict on those of its current template
 * (`isCurrent`) together with its FailedCreate events of this rollout.
 */
export function judgeControllerPods(
  object: KubeObject,
  view: NamespaceView,
  context: JudgeContext,
  isCurrent: (pod: V1Pod) => boolean,
  counts: RolloutCounts,
): { pods: V1Pod[]; verdicts: PodsVerdict } {
  const pods = controlledBy(asModel<{ metadata?: { uid?: string } }>(object), view.pods()).filter(live);
  const failure = createFailureFromEvents(object, view.events(), pods, context.appliedAt);
  return { pods, verdicts: judgePods(pods.filter(isCurrent), context, { failure, counts }) };
}

/**
 * The controller's failure to create pods, from its newest FailedCreate event of this rollout,
 * unless a pod was created after it (the failure may have cleared up; a persisting one repeats).
 */
function createFailureFromEvents(
  object: KubeObject,
  events: readonly CoreV1Event[],
  ownedPods: readonly V1Pod[],
  appliedAt: number,
): CreateFailure | undefined {
  const lastCreated = Math.max(0, ...ownedPods.map((pod) => timeOf(pod.metadata?.creationTimestamp) ?? 0));
  const event = eventsAbout(object, events, ['FailedCreate'], appliedAt).find(
    (e) => eventLastSeen(e) > lastCreated,
  );
  if (!event) return undefined;
  return {
    object: `${object.kind}/${object.metadata.name}`,
    reason: 'FailedCreate',
    message: (event.message ?? 'the controller cannot create pods').trim(),
    since: eventFirstSeen(event),
  };
}

/** `; waiting on <first> (and N more)` for a progress summary; empty when nothing waits. */
export function waitingNote(waiting: readonly WaitingPod[]): string {
  const [first] = waiting;
  if (!first) return '';
  const more = waiting.length > 1 ? ` and ${waiting.length - 1} more` : '';
  return `; waiting on ${first.pod} (${first.reason})${more}`;
}

/** One line about a doomed pod (or controller): `pod web-1 container app: Reason: message`. */
export function describeDoom(doomed: DoomedPod): string {
  const container = doomed.container ? ` container ${doomed.container}` : '';
  return `${doomedSubject(doomed)}${container}: ${doomed.reason}: ${doomed.message}`;
}

/** A healthy verdict. */
export const healthy = (summary: string, counts?: RolloutCounts): Health => ({
  status: 'healthy',
  summary,
  ...(counts ? { counts } : {}),
});

/** A progressing verdict. */
export const progressing = (
  summary: string,
  more: { counts?: RolloutCounts; waiting?: readonly WaitingPod[]; recheckAt?: number | undefined } = {},
): Health => ({
  status: 'progressing',
  summary,
  waiting: more.waiting ?? [],
  ...(more.counts ? { counts: more.counts } : {}),
  ...(more.recheckAt === undefined ? {} : { recheckAt: more.recheckAt }),
});

/** A failed verdict. */
export const failed = (
  reason: string,
  summary: string,
  doomed: readonly DoomedPod[] = [],
  counts?: RolloutCounts,
): Health => ({ status: 'failed', reason, summary, doomed, ...(counts ? { counts } : {}) });

/** The failed verdict of doomed pods: the first one's reason, all of them listed. */
export function failedFromDoom(doomed: readonly DoomedPod[], counts?: RolloutCounts): Health | undefined {
  const [first] = doomed;
  if (!first) return undefined;
  const more = doomed.length > 1 ? ` (and ${doomed.length - 1} more)` : '';
  return failed(first.reason, `${describeDoom(first)}${more}`, doomed, counts);
}

/**
 * A verdict that turns failed when a grace period started at `since` runs out, and until then
 * is progressing with a recheck at its end.
 */
export function afterGrace(
  since: number,
  graceMs: number,
  now: number,
  verdicts: { failed: () => Health; progressing: (recheckAt: number) => Health },
): Health {
  const deadline = since + graceMs;
  return now >= deadline ? verdicts.failed() : verdicts.progressing(deadline);
}
