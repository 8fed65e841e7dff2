import type * as k8s from '@kubernetes/client-node';
import { objectId, type PlannedChange, planChanges } from '../apply/plan.ts';
import { applyAll, deleteQuietly, dryRunAll, readLive } from '../apply/server.ts';
import { type Clock, systemClock } from '../clock.ts';
import type { KubeshipErrorCode } from '../errors.ts';
import type { DeployEventListener, DeployPhase } from '../report/events.ts';
import { collectEvidence, type Evidence } from '../rollout/diagnostics.ts';
import { revisionOf } from '../rollout/predicates.ts';
import { rollBack } from '../rollout/rollback.ts';
import { type RolloutTarget, type RolloutVerdict, trackRollouts } from '../rollout/tracker.ts';
import { acquireDeployLease } from './lease.ts';

/** A Kubernetes object as kubeship applies it. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly [field: string]: unknown;
  };
  readonly [field: string]: unknown;
}

/** Options of {@link deployObjects}. */
export interface DeployObjectsOptions {
  readonly kubeConfig: k8s.KubeConfig;
  /** The app being deployed: names the deploy lease. */
  readonly app: string;
  /** Validated objects in apply order; namespaced ones carry their namespace. */
  readonly objects: readonly Manifest[];
  /** Recorded as `kubernetes.io/change-cause` on each Deployment (commit, build). */
  readonly changeCause?: string;
  /** How long the rollout may take (default 10 minutes). */
  readonly timeoutMs?: number;
  /** How long verifying a rollback may take (default: `timeoutMs`). */
  readonly rollbackTimeoutMs?: number;
  /** Roll failed Deployments back to their previous revision (default true). */
  readonly rollback?: boolean;
  /** Take over fields another field manager owns (default false). */
  readonly force?: boolean;
  /** The deploy lease: holder (build id) and how long to wait for another deploy (default 0). */
  readonly lease?: { readonly holder: string; readonly waitMs?: number; readonly durationSeconds?: number };
  readonly maxRestarts?: number;
  readonly unschedulableGraceMs?: number;
  readonly logLines?: number;
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
  readonly onEvent?: DeployEventListener;
}

/** How one Deployment fared. */
export interface DeploymentOutcome {
  readonly namespace: string;
  readonly name: string;
  readonly revisionBefore: number;
  readonly revisionAfter: number;
  readonly images: readonly string[];
  readonly verdict: RolloutVerdict['outcome'];
  readonly reason?: string;
  readonly evidence?: Evidence;
  readonly rollback?: {
    readonly toRevision: number;
    readonly images: readonly string[];
    readonly healthy: boolean;
    readonly error?: string;
  };
}

/** The result of a deploy. `code` is set when it did not end deployed and healthy. */
export interface DeployResult {
  readonly outcome: 'deployed' | 'rolled-back' | 'failed';
  readonly code?: KubeshipErrorCode;
  readonly message: string;
  readonly changes: ReadonlyArray<{
    readonly id: string;
    readonly action: PlannedChange['action'];
    readonly fields: readonly string[];
  }>;
  readonly deployments: readonly DeploymentOutcome[];
  readonly durationsMs: Readonly<Partial<Record<DeployPhase, number>>>;
  readonly startedAt: number;
  readonly finishedAt: number;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/**
 * Applies a validated set of objects and proves the result healthy: lease, plan, server-side
 * dry-run of everything, server-side apply, watch-driven rollout tracking with early failure
 * detection, and on failure evidence plus an automatic, verified rollback. Problems found before
 * anything changed are thrown as KubeshipError; rollout outcomes are returned.
 */
export async function deployObjects(options: DeployObjectsOptions): Promise<DeployResult> {
  const clock = options.clock ?? systemClock;
  const emit = options.onEvent ?? (() => {});
  const kc = options.kubeConfig;
  const startedAt = clock.now();
  const durations: Partial<Record<DeployPhase, number>> = {};
  const phase = async <T>(name: DeployPhase, work: () => Promise<T>): Promise<T> => {
    const at = clock.now();
    emit({ type: 'phase-started', phase: name, at });
    try {
      return await work();
    } finally {
      durations[name] = clock.now() - at;
      emit({ type: 'phase-finished', phase: name, at: clock.now(), durationMs: durations[name] ?? 0 });
    }
  };

  const objects = options.objects.map((object) => withChangeCause(object, options.changeCause));
  const deployments = objects.filter((o) => o.kind === 'Deployment' && o.apiVersion === 'apps/v1');
  const namespaceOf = (o: Manifest) => o.metadata.namespace ?? 'default';
  // the lease lives beside the app: in its (first) Deployment's namespace
  const leaseNamespace =
    deployments[0]?.metadata.namespace ??
    objects.find((o) => o.metadata.namespace)?.metadata.namespace ??
    'default';

  // A first deploy creates its namespace before anything else: the lease and the dry-run live
  // there. If the deploy stops before applying, the namespace is removed again.
  const createdNamespaces = await createMissingNamespaces(kc, objects);
  let applying = false;
  const lease = await (options.lease
    ? phase('lock', () =>
        acquireDeployLease(kc, {
          namespace: leaseNamespace,
          app: options.app,
          holder: options.lease?.holder ?? 'kubeship',
          ...(options.lease?.waitMs === undefined ? {} : { waitMs: options.lease.waitMs }),
          ...(options.lease?.durationSeconds === undefined
            ? {}
            : { durationSeconds: options.lease.durationSeconds }),
          clock,
          ...(options.signal ? { signal: options.signal } : {}),
        }),
      )
    : Promise.resolve(undefined)
  ).catch(async (error: unknown) => {
    await deleteQuietly(kc, createdNamespaces);
    throw error;
  });
  try {
    const live = await phase('plan', () => readLive(kc, objects));
    const plan = planChanges(objects, live);
    const changes = plan.map((p) => ({ id: p.id, action: p.action, fields: p.changes.map((c) => c.path) }));
    emit({ type: 'plan', at: clock.now(), changes });

    await phase('dry-run', () => dryRunAll(kc, objects, { force: options.force ?? false }));
    const revisionsBefore = new Map(
      deployments.map((d) => [
        objectId(d),
        revisionOf((live.get(objectId(d)) ?? {}) as { metadata?: { annotations?: Record<string, string> } }),
      ]),
    );
    const appliedAt = clock.now();
    applying = true;
    const applied = await phase('apply', () => applyAll(kc, objects, { force: options.force ?? false }));

    const targets: RolloutTarget[] = deployments.map((d) => ({
      namespace: namespaceOf(d),
      name: d.metadata.name,
    }));
    const track = (since: number, list: RolloutTarget[], timeoutMs: number) =>
      trackRollouts({
        kubeConfig: kc,
        targets: list,
        startedAt: since,
        timeoutMs,
        clock,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.maxRestarts === undefined ? {} : { maxRestarts: options.maxRestarts }),
        ...(options.unschedulableGraceMs === undefined
          ? {}
          : { unschedulableGraceMs: options.unschedulableGraceMs }),
        onProgress: (p) => emit({ type: 'progress', at: clock.now(), ...p }),
      });
    const verdicts =
      targets.length > 0
        ? await phase('rollout', () => track(appliedAt, targets, options.timeoutMs ?? DEFAULT_TIMEOUT_MS))
        : [];
    for (const verdict of verdicts) {
      if (verdict.outcome === 'complete')
        emit({ type: 'rollout-complete', at: verdict.at, target: verdict.target, counts: verdict.counts });
      if (verdict.outcome === 'failed') {
        emit({
          type: 'rollout-failed',
          at: verdict.at,
          target: verdict.target,
          reason: verdict.reason,
          doomed: verdict.doomed,
        });
      }
      if (verdict.outcome === 'timeout' || verdict.outcome === 'interrupted') {
        emit({ type: 'rollout-timeout', at: verdict.at, target: verdict.target, waiting: verdict.waiting });
      }
    }

    const appliedById = new Map(applied.map((o) => [objectId(o as Manifest), o]));
    const outcomes: DeploymentOutcome[] = [];
    const failed = verdicts.filter((v) => v.outcome !== 'complete');
    const evidence = new Map<string, Evidence>();
    if (failed.length > 0) {
      await phase('diagnose', async () => {
        for (const verdict of failed) {
          const found = await collectEvidence(kc, {
            namespace: verdict.target.namespace,
            deployment: verdict.target.name,
            doomed: verdict.outcome === 'failed' ? verdict.doomed : [],
            since: appliedAt,
            ...(options.logLines === undefined ? {} : { logLines: options.logLines }),
          });
          evidence.set(key(verdict.target), found);
          emit({ type: 'evidence', at: clock.now(), target: verdict.target, evidence: found });
        }
      });
    }
    const rollbacks = new Map<string, NonNullable<DeploymentOutcome['rollback']>>();
    const interrupted = options.signal?.aborted ?? false;
    if (failed.length > 0 && (options.rollback ?? true) && !interrupted) {
      await phase('rollback', async () => {
        const rolled: RolloutTarget[] = [];
        for (const verdict of failed) {
          const id = `Deployment ${verdict.target.namespace}/${verdict.target.name}`;
          try {
            const target = await rollBack(kc, {
              ...verdict.target,
              applied: appliedById.get(id) as k8s.V1Deployment,
              changeCause: `kubeship rollback after ${verdict.outcome === 'failed' ? verdict.reason : verdict.outcome}`,
            });
            emit({
              type: 'rollback-started',
              at: clock.now(),
              target: verdict.target,
              toRevision: target.toRevision,
            });
            rollbacks.set(key(verdict.target), {
              toRevision: target.toRevision,
              images: target.images,
              healthy: false,
            });
            rolled.push(verdict.target);
          } catch (error) {
            rollbacks.set(key(verdict.target), {
              toRevision: 0,
              images: [],
              healthy: false,
              error: (error as Error).message,
            });
          }
        }
        if (rolled.length === 0) return;
        const results = await track(
          clock.now(),
          rolled,
          options.rollbackTimeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        );
        for (const result of results) {
          const healthy = result.outcome === 'complete';
          const entry = rollbacks.get(key(result.target));
          if (entry)
            rollbacks.set(key(result.target), {
              ...entry,
              healthy,
              ...(healthy ? {} : { error: `rollback ${result.outcome}` }),
            });
          emit({ type: 'rolled-back', at: clock.now(), target: result.target, healthy });
        }
      });
    }

    const revisionsAfter = await Promise.all(
      deployments.map(async (d) => {
        const [now] = [...(await readLive(kc, [d])).values()];
        return revisionOf((now ?? {}) as { metadata?: { annotations?: Record<string, string> } });
      }),
    );
    deployments.forEach((d, i) => {
      const target = { namespace: namespaceOf(d), name: d.metadata.name };
      const verdict = verdicts.find((v) => key(v.target) === key(target));
      const rollback = rollbacks.get(key(target));
      const ev = evidence.get(key(target));
      outcomes.push({
        ...target,
        revisionBefore: revisionsBefore.get(objectId(d)) ?? 0,
        revisionAfter: revisionsAfter[i] ?? 0,
        images: imagesOf(d),
        verdict: verdict?.outcome ?? 'complete',
        ...(verdict?.outcome === 'failed' ? { reason: verdict.reason } : {}),
        ...(ev ? { evidence: ev } : {}),
        ...(rollback ? { rollback } : {}),
      });
    });
    const summary = summarise(outcomes, options.rollback ?? true, interrupted);
    return {
      ...summary,
      changes,
      deployments: outcomes,
      durationsMs: durations,
      startedAt,
      finishedAt: clock.now(),
    };
  } catch (error) {
    if (!applying) await deleteQuietly(kc, createdNamespaces);
    throw error;
  } finally {
    if (lease) await phase('release', () => lease.release());
  }
}

/** Creates the set's Namespace objects that do not exist yet; returns the ones it created. */
async function createMissingNamespaces(
  kc: k8s.KubeConfig,
  objects: readonly Manifest[],
): Promise<Manifest[]> {
  const namespaces = objects.filter((o) => o.kind === 'Namespace');
  if (namespaces.length === 0) return [];
  const live = await readLive(kc, namespaces);
  const missing = namespaces.filter((ns) => !live.has(objectId(ns)));
  if (missing.length > 0) {
    await dryRunAll(kc, missing, { force: false });
    await applyAll(kc, missing, { force: false });
  }
  return missing;
}

function summarise(
  outcomes: readonly DeploymentOutcome[],
  rollbackEnabled: boolean,
  interrupted: boolean,
): Pick<DeployResult, 'outcome' | 'code' | 'message'> {
  const bad = outcomes.filter((o) => o.verdict !== 'complete');
  if (bad.length === 0)
    return {
      outcome: 'deployed',
      message: `deployed and verified healthy: ${outcomes.map((o) => o.name).join(', ') || 'no Deployment'}`,
    };
  const names = bad.map((o) => `${o.name} (${o.reason ?? o.verdict})`).join(', ');
  if (interrupted)
    return { outcome: 'failed', code: 'INTERRUPTED', message: `interrupted while waiting for ${names}` };
  const rolledBackHealthy = bad.every((o) => o.rollback?.healthy);
  if (rollbackEnabled && rolledBackHealthy) {
    const timedOut = bad.some((o) => o.verdict === 'timeout');
    return {
      outcome: 'rolled-back',
      code: timedOut ? 'ROLLOUT_TIMEOUT' : 'ROLLOUT_FAILED',
      message: `rollout ${timedOut ? 'timed out' : 'failed'}: ${names}; rolled back and the previous revision is healthy`,
    };
  }
  const why = !rollbackEnabled
    ? 'rollback is turned off'
    : bad.map((o) => `${o.name}: ${o.rollback?.error ?? 'rollback not healthy'}`).join('; ');
  return {
    outcome: 'failed',
    code: 'ROLLBACK_FAILED',
    message: `rollout failed: ${names}; ${why}: a human must look`,
  };
}

function withChangeCause(object: Manifest, changeCause: string | undefined): Manifest {
  if (!changeCause || object.kind !== 'Deployment') return object;
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: { ...object.metadata.annotations, 'kubernetes.io/change-cause': changeCause },
    },
  };
}

function imagesOf(deployment: Manifest): string[] {
  const spec = deployment.spec as
    | { template?: { spec?: { containers?: Array<{ image?: string }> } } }
    | undefined;
  return (spec?.template?.spec?.containers ?? []).map((c) => c.image ?? '');
}

const key = (target: RolloutTarget) => `${target.namespace}/${target.name}`;
