import type * as k8s from '@kubernetes/client-node';
import { type Clock, systemClock } from '../clock.ts';
import { type NamespaceWatch, watchNamespace } from './_namespace-watch.ts';
import { type DoomedPod, judgeRollout, type RolloutCounts, type WaitingPod } from './predicates.ts';

/** A Deployment whose rollout is tracked. */
export interface RolloutTarget {
  readonly namespace: string;
  readonly name: string;
}

/** A change in a tracked rollout's progress. */
export interface RolloutProgress {
  readonly target: RolloutTarget;
  readonly counts: RolloutCounts;
  readonly waiting: readonly WaitingPod[];
}

/** How one tracked rollout ended. */
export type RolloutVerdict =
  | {
      readonly target: RolloutTarget;
      readonly outcome: 'complete';
      readonly counts: RolloutCounts;
      readonly at: number;
    }
  | {
      readonly target: RolloutTarget;
      readonly outcome: 'failed';
      readonly reason: string;
      readonly doomed: readonly DoomedPod[];
      readonly counts: RolloutCounts;
      readonly at: number;
    }
  | {
      readonly target: RolloutTarget;
      readonly outcome: 'timeout' | 'interrupted';
      readonly counts?: RolloutCounts;
      readonly waiting: readonly WaitingPod[];
      readonly at: number;
    };

/** Options of {@link trackRollouts}. */
export interface TrackOptions {
  readonly kubeConfig: k8s.KubeConfig;
  readonly targets: readonly RolloutTarget[];
  /** When the change that started these rollouts was applied (ms since epoch). */
  readonly startedAt: number;
  /** Give up on every rollout still going after this long (from `startedAt`). */
  readonly timeoutMs: number;
  /** Give up on one Deployment after this long (default: `timeoutMs`). */
  readonly deploymentTimeoutMs?: number;
  /** A container restarted this often is doomed (default 3). */
  readonly maxRestarts?: number;
  /** A pod may be Unschedulable this long before it is doomed (default 60 s). */
  readonly unschedulableGraceMs?: number;
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RolloutProgress) => void;
  /** Watch connection trouble being retried (e.g. the apiserver restarting). */
  readonly onWatchTrouble?: (namespace: string, error: unknown) => void;
}

const key = (target: RolloutTarget) => `${target.namespace}/${target.name}`;

/**
 * Tracks the rollouts of several Deployments at once, driven by watches (one set per namespace):
 * each is judged on every change of its Deployment, ReplicaSets or Pods, and decided as soon as it
 * completes or a pod of its new ReplicaSet is doomed. Timers only serve deadlines.
 */
export async function trackRollouts(options: TrackOptions): Promise<RolloutVerdict[]> {
  const clock = options.clock ?? systemClock;
  const rules = {
    deployStartedAt: options.startedAt,
    maxRestarts: options.maxRestarts ?? 3,
    unschedulableGraceMs: options.unschedulableGraceMs ?? 60_000,
  };
  const deadline =
    options.startedAt + Math.min(options.timeoutMs, options.deploymentTimeoutMs ?? options.timeoutMs);
  const namespaces = [...new Set(options.targets.map((t) => t.namespace))];
  const watches = new Map<string, NamespaceWatch>();
  const cleanups: Array<() => void> = [];
  try {
    for (const namespace of namespaces) {
      const watch = await watchNamespace(options.kubeConfig, namespace, clock);
      watches.set(namespace, watch);
      watch.onTrouble((error) => options.onWatchTrouble?.(namespace, error));
    }
    return await new Promise<RolloutVerdict[]>((resolve) => {
      const verdicts = new Map<string, RolloutVerdict>();
      const lastProgress = new Map<string, { json: string; progress: RolloutProgress }>();
      const rechecks = new Map<string, () => void>();

      const decide = (verdict: RolloutVerdict) => {
        verdicts.set(key(verdict.target), verdict);
        if (verdicts.size === options.targets.length) {
          resolve(options.targets.map((target) => verdicts.get(key(target)) as RolloutVerdict));
        }
      };
      const endAll = (outcome: 'timeout' | 'interrupted') => {
        for (const target of options.targets) {
          if (verdicts.has(key(target))) continue;
          const last = lastProgress.get(key(target))?.progress;
          decide({
            target,
            outcome,
            waiting: last?.waiting ?? [],
            ...(last ? { counts: last.counts } : {}),
            at: clock.now(),
          });
        }
      };
      const evaluate = (target: RolloutTarget) => {
        if (verdicts.has(key(target))) return;
        const watch = watches.get(target.namespace) as NamespaceWatch;
        const deployment = watch.deployment(target.name);
        if (!deployment) return;
        const now = clock.now();
        const state = judgeRollout(deployment, watch.replicaSets(), watch.pods(), rules, now);
        if (state.phase === 'complete') {
          decide({ target, outcome: 'complete', counts: state.counts, at: now });
          return;
        }
        if (state.phase === 'failed') {
          decide({
            target,
            outcome: 'failed',
            reason: state.reason,
            doomed: state.doomed,
            counts: state.counts,
            at: now,
          });
          return;
        }
        const progress = { target, counts: state.counts, waiting: state.waiting };
        const json = JSON.stringify([state.counts, state.waiting]);
        if (lastProgress.get(key(target))?.json !== json) {
          lastProgress.set(key(target), { json, progress });
          options.onProgress?.(progress);
        }
        rechecks.get(key(target))?.();
        if (state.recheckAt !== undefined) {
          rechecks.set(
            key(target),
            clock.schedule(() => evaluate(target), state.recheckAt - now),
          );
        }
      };

      for (const [namespace, watch] of watches) {
        const targets = options.targets.filter((t) => t.namespace === namespace);
        cleanups.push(watch.subscribe(() => targets.forEach(evaluate)));
      }
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
      options.targets.forEach(evaluate);
    });
  } finally {
    for (const cleanup of cleanups) cleanup();
    await Promise.all([...watches.values()].map((watch) => watch.stop()));
  }
}
