// The state the phases of one deploy share, how it starts, and the helpers every phase uses.
import type * as k8s from '@kubernetes/client-node';
import { type KubeObject, objectIdentity } from '@kubeship/manifests';
import { objectId } from '../apply/plan.ts';
import { type Clock, systemClock } from '../clock.ts';
import { KubeshipError } from '../errors.ts';
import type { DeployEventListener, DeployPhase } from '../events/deploy-events.ts';
import { type ReleaseStep, stepFailed } from '../events/steps.ts';
import type { EvidenceBundle } from '../evidence/save.ts';
import type { Hook } from '../gates/hooks.ts';
import { checkStrategy, type Progressive } from '../progressive/strategy.ts';
import { assertReleaseHasObjects } from '../release/prune-safety.ts';
import type { ReleaseRecord } from '../release/record.ts';
import type { Evidence } from '../rollout/diagnostics.ts';
import { type RolloutVerdict, trackRollouts } from '../rollout/tracker.ts';
import type { RestoreOutcome } from './_restore.ts';
import type { DeployLease } from './lease.ts';
import { failedVerdicts } from './outcome.ts';
import { releaseObjects } from './release-objects.ts';
import type { DeployObjectsOptions, DeployResult } from './types.ts';

/** How long a rollout may take unless the caller says otherwise. */
export const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/** The state the phases of one deploy share. */
export interface DeployContext {
  readonly options: DeployObjectsOptions;
  readonly kc: k8s.KubeConfig;
  readonly clock: Clock;
  readonly emit: DeployEventListener;
  readonly namespace: string;
  readonly applySetId: string;
  readonly startedAt: number;
  readonly durations: Partial<Record<DeployPhase, number>>;
  readonly warnings: string[];
  objects: KubeObject[];
  /** Hook Jobs: run at their phase, never members of the release. */
  readonly hooks: readonly Hook[];
  steps: ReleaseStep[];
  /** The gating alarms in ALARM before anything changed. */
  alarmsFiringBefore: string[];
  /** The Deployment shipped by canary or blue/green (set once a stable one is known to be live). */
  progressive?: Progressive;
  createdNamespaces: KubeObject[];
  /** The namespaces this deploy created, to remove with the lease when it stopped before applying. */
  namespacesToRemove?: readonly KubeObject[];
  lease?: DeployLease;
  liveBefore: Map<string, k8s.KubernetesObject>;
  previous: ReleaseRecord | undefined;
  revision: number;
  changes: DeployResult['changes'];
  toPrune: KubeObject[];
  applied: boolean;
  appliedAt: number;
  verdicts: RolloutVerdict[];
  evidence: Map<string, Evidence>;
  restore?: RestoreOutcome;
  pruned: string[];
  /** The hooks whose Job was (or may have been) applied, by name. */
  hooksStarted: string[];
  /** The phase an error escaped from, and, once something was applied, that error. */
  stoppedIn?: DeployPhase;
  stopped?: NonNullable<DeployResult['stopped']>;
  /** Why the record of a stopped release could not be written. */
  recordError?: string;
  /** Where the evidence bundle went, when one was written. */
  evidenceBundle?: EvidenceBundle | undefined;
}

/**
 * Pure checks and the context they start: refuses an empty release, an object listed twice, a
 * release of hooks only and a strategy whose targets are not in it; stamps membership and change cause.
 */
export function createContext(options: DeployObjectsOptions): DeployContext {
  const clock = options.clock ?? systemClock;
  assertReleaseHasObjects(options.objects, options.app);
  const ids = new Set<string>();
  for (const object of options.objects) {
    const id = objectIdentity(object);
    if (ids.has(id)) {
      throw new KubeshipError('INVALID_INPUT', `${objectId(object)} appears twice in the release`, {
        details: { object: objectId(object) },
      });
    }
    ids.add(id);
  }
  const release = releaseObjects(options);
  checkStrategy(release.objects, options);
  if (release.objects.length === 0) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `the release of ${options.app} has only hooks: nothing to deploy`,
    );
  }
  return {
    options,
    kc: options.kubeConfig,
    clock,
    emit: options.onEvent ?? (() => {}),
    namespace: release.namespace,
    applySetId: release.applySetId,
    startedAt: clock.now(),
    durations: {},
    warnings: [],
    objects: release.objects,
    hooks: release.hooks,
    steps: [],
    alarmsFiringBefore: [],
    createdNamespaces: [],
    liveBefore: new Map(),
    previous: undefined,
    revision: 0,
    changes: [],
    toPrune: [],
    applied: false,
    appliedAt: 0,
    verdicts: [],
    evidence: new Map(),
    pruned: [],
    hooksStarted: [],
  };
}

/** Verifies objects with the rule of their kind, reporting progress as events. */
export function track(ctx: DeployContext, objects: readonly KubeObject[], since: number, timeoutMs: number) {
  const { options } = ctx;
  return trackRollouts({
    kubeConfig: ctx.kc,
    targets: objects,
    startedAt: since,
    timeoutMs,
    clock: ctx.clock,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.maxRestarts === undefined ? {} : { maxRestarts: options.maxRestarts }),
    ...(options.unschedulableGraceMs === undefined
      ? {}
      : { unschedulableGraceMs: options.unschedulableGraceMs }),
    ...(options.imagePullGraceMs === undefined ? {} : { imagePullGraceMs: options.imagePullGraceMs }),
    ...(options.metricsGraceMs === undefined ? {} : { metricsGraceMs: options.metricsGraceMs }),
    onProgress: (p) =>
      ctx.emit({
        type: 'progress',
        at: ctx.clock.now(),
        target: { namespace: p.target.namespace ?? '', name: p.target.name, kind: p.target.kind },
        summary: p.summary,
        ...(p.counts ? { counts: p.counts } : {}),
        waiting: p.waiting,
      }),
  });
}

/** Adds warnings not yet given, each also as an event. */
export function warn(ctx: DeployContext, messages: readonly string[]): void {
  for (const message of messages) {
    if (ctx.warnings.includes(message)) continue;
    ctx.warnings.push(message);
    ctx.emit({ type: 'warning', at: ctx.clock.now(), message });
  }
}

/** Something stopped the release: an object's rule, or a gate. */
export const releaseFailed = (ctx: DeployContext) =>
  failedVerdicts(ctx.verdicts).length > 0 || ctx.steps.some(stepFailed);

/** The hooks that run at one phase, in order. */
export const hooksAt = (ctx: DeployContext, at: Hook['phase']) =>
  ctx.hooks.filter((hook) => hook.phase === at);
