import type * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '@kubeship/manifests';
import { objectId } from '../apply/plan.ts';
import { type Clock, systemClock } from '../clock.ts';
import { type ClusterWatch, type CollectionRef, collectionKey, watchCollections } from './_cluster-watch.ts';
import {
  DEFAULT_IMAGE_PULL_GRACE_MS,
  type DoomedPod,
  type RolloutCounts,
  type WaitingPod,
} from './predicates.ts';
import { healthRuleFor } from './rules/index.ts';
import type { Health, HealthRule, JudgeRules, NamespaceView, RelatedCollection } from './rules/types.ts';

/** An object whose health is tracked after it was applied. */
export interface RolloutTarget {
  readonly apiVersion: string;
  readonly kind: string;
  /** Absent for cluster-scoped kinds. */
  readonly namespace?: string;
  readonly name: string;
}

/** A change in a tracked object's progress. */
export interface RolloutProgress {
  readonly target: RolloutTarget;
  /** What the object waits for, in words (`2/3 updated, 1/3 available`, `waiting for an address`). */
  readonly summary: string;
  readonly counts?: RolloutCounts;
  readonly waiting: readonly WaitingPod[];
}

/**
 * How one tracked object ended. `complete`: its rule verified it healthy. `applied`: a kind with
 * nothing to verify beyond existing (ConfigMap, RBAC, ...). `unverified`: no rule could tell (a
 * custom resource without status): never reported as healthy.
 */
export type RolloutVerdict =
  | {
      readonly target: RolloutTarget;
      readonly outcome: 'complete' | 'applied' | 'unverified';
      readonly summary: string;
      readonly counts?: RolloutCounts;
      readonly at: number;
    }
  | {
      readonly target: RolloutTarget;
      readonly outcome: 'failed';
      readonly reason: string;
      readonly summary: string;
      readonly doomed: readonly DoomedPod[];
      readonly counts?: RolloutCounts;
      readonly at: number;
    }
  | {
      readonly target: RolloutTarget;
      readonly outcome: 'timeout' | 'interrupted';
      readonly summary: string;
      readonly counts?: RolloutCounts;
      readonly waiting: readonly WaitingPod[];
      readonly at: number;
    };

/** Options of {@link trackRollouts}. */
export interface TrackOptions {
  readonly kubeConfig: k8s.KubeConfig;
  /** The objects as applied (their rule is chosen by kind; static kinds need no watch). */
  readonly targets: readonly KubeObject[];
  /** When the change that started these rollouts was applied (ms since epoch). */
  readonly startedAt: number;
  /** Give up on every object still going after this long (from `startedAt`). */
  readonly timeoutMs: number;
  /** A container restarted this often is doomed (default 3). */
  readonly maxRestarts?: number;
  /** A pod may be Unschedulable this long before it is doomed (default 60 s). */
  readonly unschedulableGraceMs?: number;
  /** A pull error that may be transient (throttling, timeouts) gets this long (default 30 s). */
  readonly imagePullGraceMs?: number;
  /** How long an HPA may fail to read metrics or its target (default 60 s). */
  readonly metricsGraceMs?: number;
  /** How long a custom resource may take to report a status before it counts as unverified (default 3 s). */
  readonly statusSettleMs?: number;
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
  /** Called with each target's progress as the watch sees it change. */
  readonly onProgress?: (progress: RolloutProgress) => void;
  /** Watch connection trouble being retried (e.g. the apiserver restarting). */
  readonly onWatchTrouble?: (error: unknown) => void;
}

/**
 * The reason of a verdict that did not end healthy: the rule's own for a failure, `RolloutTimeout`
 * or `Interrupted` when waiting ended first; undefined for the others.
 */
export function verdictReason(verdict: RolloutVerdict | undefined): string | undefined {
  if (verdict?.outcome === 'failed') return verdict.reason;
  if (verdict?.outcome === 'timeout') return 'RolloutTimeout';
  if (verdict?.outcome === 'interrupted') return 'Interrupted';
  return undefined;
}

/** `Deployment web/api`, the identity of a tracked object in messages and maps: its {@link objectId}. */
export const targetId = (target: RolloutTarget) =>
  objectId({
    apiVersion: target.apiVersion,
    kind: target.kind,
    metadata: { name: target.name, ...(target.namespace ? { namespace: target.namespace } : {}) },
  });

/** The tracked identity of a manifest. */
export const targetOf = (object: KubeObject): RolloutTarget => ({
  apiVersion: object.apiVersion,
  kind: object.kind,
  ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
  name: object.metadata.name,
});

const RELATED: Readonly<Record<RelatedCollection, { apiVersion: string; kind: string }>> = {
  pods: { apiVersion: 'v1', kind: 'Pod' },
  replicaSets: { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  events: { apiVersion: 'v1', kind: 'Event' },
  jobs: { apiVersion: 'batch/v1', kind: 'Job' },
  controllerRevisions: { apiVersion: 'apps/v1', kind: 'ControllerRevision' },
};
const STORAGE_CLASSES: CollectionRef = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass' };

interface Tracked {
  readonly target: RolloutTarget;
  readonly rule: HealthRule;
  readonly collection: CollectionRef;
}

/**
 * Tracks the health of a release's objects at once, each by the rule of its kind, driven by
 * watches (one per collection, shared): every object is judged on each change of itself or of the
 * collections its rule reads, and decided as soon as its rule says healthy or failed. Timers only
 * serve deadlines and grace periods.
 */
export async function trackRollouts(options: TrackOptions): Promise<RolloutVerdict[]> {
  const clock = options.clock ?? systemClock;
  const rules: JudgeRules = {
    deployStartedAt: options.startedAt,
    maxRestarts: options.maxRestarts ?? 3,
    unschedulableGraceMs: options.unschedulableGraceMs ?? 60_000,
    imagePullGraceMs: options.imagePullGraceMs ?? DEFAULT_IMAGE_PULL_GRACE_MS,
    ...(options.metricsGraceMs === undefined ? {} : { metricsGraceMs: options.metricsGraceMs }),
  };
  const settleMs = options.statusSettleMs ?? 3000;
  const all = options.targets.map((object) => ({
    object,
    target: targetOf(object),
    rule: healthRuleFor(object),
  }));
  const verdicts = new Map<string, RolloutVerdict>();
  for (const { target, rule } of all) {
    if (rule.staticKind) {
      verdicts.set(targetId(target), {
        target,
        outcome: 'applied',
        summary: 'applied (no runtime status to verify)',
        at: clock.now(),
      });
    }
  }
  const tracked: Tracked[] = all
    .filter(({ rule }) => !rule.staticKind)
    .map(({ target, rule }) => ({
      target,
      rule,
      collection: {
        apiVersion: target.apiVersion,
        kind: target.kind,
        ...(target.namespace ? { namespace: target.namespace } : {}),
      },
    }));
  const order = all.map(({ target }) => targetId(target));
  const ordered = () => order.map((id) => verdicts.get(id) as RolloutVerdict);
  if (tracked.length === 0) return ordered();

  const collections = tracked.flatMap((t) => [
    t.collection,
    ...t.rule.needs.map((need) => ({
      ...RELATED[need],
      ...(t.target.namespace ? { namespace: t.target.namespace } : {}),
    })),
    ...(t.target.kind === 'PersistentVolumeClaim' ? [STORAGE_CLASSES] : []),
  ]);
  const cleanups: Array<() => void> = [];
  let watch: ClusterWatch | undefined;
  try {
    watch = await watchCollections(options.kubeConfig, collections, clock);
    const live = watch;
    live.onTrouble((error) => options.onWatchTrouble?.(error));
    // Each watched list is copied out of its cache once per round of judging and shared by every
    // target that reads it: not once per target (a thousand-object release would copy its pods a
    // thousand times a round).
    let lists = new Map<string, readonly k8s.KubernetesObject[]>();
    const listOf = (collection: CollectionRef) => {
      const key = collectionKey(collection);
      let list = lists.get(key);
      if (!list) {
        list = live.list(collection);
        lists.set(key, list);
      }
      return list;
    };
    const viewOf = (namespace: string | undefined): NamespaceView => {
      const list = <T>(need: RelatedCollection) =>
        listOf({ ...RELATED[need], ...(namespace ? { namespace } : {}) }) as unknown as readonly T[];
      return {
        pods: () => list('pods'),
        replicaSets: () => list('replicaSets'),
        events: () => list('events'),
        jobs: () => list('jobs'),
        controllerRevisions: () => list('controllerRevisions'),
        storageClasses: () => listOf(STORAGE_CLASSES) as unknown as readonly k8s.V1StorageClass[],
      };
    };
    const deadline = options.startedAt + options.timeoutMs;

    return await new Promise<RolloutVerdict[]>((resolve) => {
      const lastProgress = new Map<string, { json: string; progress: RolloutProgress }>();
      const rechecks = new Map<string, () => void>();
      const decide = (verdict: RolloutVerdict) => {
        verdicts.set(targetId(verdict.target), verdict);
        if (verdicts.size === order.length) resolve(ordered());
      };
      const endAll = (outcome: 'timeout' | 'interrupted') => {
        for (const { target } of tracked) {
          if (verdicts.has(targetId(target))) continue;
          const last = lastProgress.get(targetId(target))?.progress;
          decide({
            target,
            outcome,
            summary: last?.summary ?? 'not observed yet',
            waiting: last?.waiting ?? [],
            ...(last?.counts ? { counts: last.counts } : {}),
            at: clock.now(),
          });
        }
      };
      /** Judges `entries` against one copy of the watched lists, dropped afterwards. */
      const judgeRound = (entries: readonly Tracked[]) => {
        lists = new Map();
        try {
          for (const entry of entries) evaluate(entry);
        } finally {
          lists = new Map();
        }
      };
      const evaluate = (entry: Tracked) => {
        const id = targetId(entry.target);
        if (verdicts.has(id)) return;
        const now = clock.now();
        const object = live.get(entry.collection, entry.target.name) as KubeObject | undefined;
        const health: Health = object
          ? entry.rule.judge(object, viewOf(entry.target.namespace), {
              rules,
              now,
              appliedAt: options.startedAt,
            })
          : { status: 'progressing', summary: 'not in the watch cache yet', waiting: [] };
        rechecks.get(id)?.();
        rechecks.delete(id);
        const counts = 'counts' in health && health.counts ? { counts: health.counts } : {};
        if (health.status === 'healthy') {
          decide({ target: entry.target, outcome: 'complete', summary: health.summary, ...counts, at: now });
          return;
        }
        if (health.status === 'failed') {
          decide({
            target: entry.target,
            outcome: 'failed',
            reason: health.reason,
            summary: health.summary,
            doomed: health.doomed,
            ...counts,
            at: now,
          });
          return;
        }
        if (health.status === 'unverified') {
          const settledAt = options.startedAt + settleMs;
          if (now >= settledAt) {
            decide({ target: entry.target, outcome: 'unverified', summary: health.summary, at: now });
          } else {
            rechecks.set(
              id,
              clock.schedule(() => judgeRound([entry]), settledAt - now),
            );
          }
          return;
        }
        const progress: RolloutProgress = {
          target: entry.target,
          summary: health.summary,
          ...counts,
          waiting: health.waiting,
        };
        const json = JSON.stringify([health.summary, health.waiting]);
        if (lastProgress.get(id)?.json !== json) {
          lastProgress.set(id, { json, progress });
          options.onProgress?.(progress);
        }
        if (health.recheckAt !== undefined) {
          rechecks.set(
            id,
            clock.schedule(() => judgeRound([entry]), health.recheckAt - now),
          );
        }
      };
      const evaluateAll = () => judgeRound(tracked);
      // A burst of watch events (a hundred Pods scheduled, their Events) is judged once per turn of
      // the event loop, not every target once per event.
      let queued: NodeJS.Immediate | undefined;
      const evaluateSoon = () => {
        queued ??= setImmediate(() => {
          queued = undefined;
          evaluateAll();
        });
      };

      cleanups.push(live.subscribe(evaluateSoon));
      cleanups.push(() => clearImmediate(queued));
      cleanups.push(clock.schedule(() => endAll('timeout'), deadline - clock.now()));
      cleanups.push(() => {
        for (const cancel of rechecks.values()) cancel();
      });
      if (options.signal) {
        const onAbort = () => endAll('interrupted');
        if (options.signal.aborted) onAbort();
        options.signal.addEventListener('abort', onAbort, { once: true });
        cleanups.push(() => options.signal?.removeEventListener('abort', onAbort));
      }
      evaluateAll();
    });
  } finally {
    for (const cleanup of cleanups) cleanup();
    await watch?.stop();
  }
}
