// The closing phases: prune, the release record, the lease given back, the result.
import type * as k8s from '@kubernetes/client-node';
import { imagesOf, WORKLOAD_KINDS } from '@kubeship/manifests';
import { objectId } from '../apply/plan.ts';
import { readLive } from '../apply/server.ts';
import { unreachableCause } from '../auth/_kubernetes-errors.ts';
import { KubeshipError } from '../errors.ts';
import { strategyOf } from '../progressive/strategy.ts';
import { applySetParent } from '../release/applyset.ts';
import { applyOwn, writeRecord } from '../release/history.ts';
import { deleteMembers, inventoryAfter } from '../release/prune.ts';
import type { ReleaseOutcome, ReleaseRecord } from '../release/record.ts';
import { revisionOf } from '../rollout/predicates.ts';
import { targetId, targetOf, verdictReason } from '../rollout/tracker.ts';
import { removeNamespaces } from './_namespaces.ts';
import { type DeployContext, warn } from './context.ts';
import { type DeployOutcome, deployOutcome } from './outcome.ts';
import type { DeploymentOutcome, DeployResult, ObjectOutcome } from './types.ts';

/** Deletes what the previous release had and this healthy one has not. */
export async function pruneLeftovers(ctx: DeployContext): Promise<void> {
  ctx.pruned = await deleteMembers(ctx.kc, ctx.toPrune, ctx.applySetId);
  for (const id of ctx.pruned) ctx.emit({ type: 'pruned', at: ctx.clock.now(), id });
}

/** The outcome of the deploy so far, from the context's plain facts. */
export const outcomeOf = (ctx: DeployContext): DeployOutcome =>
  deployOutcome({
    applied: ctx.applied,
    interrupted: ctx.options.signal?.aborted ?? false,
    rollback: ctx.options.rollback !== false,
    verdicts: ctx.verdicts,
    steps: ctx.steps,
    ...(ctx.restore ? { restore: ctx.restore } : {}),
    ...(ctx.stopped ? { stopped: ctx.stopped } : {}),
    objectIds: ctx.objects.map(objectId),
    hooksStarted: ctx.hooksStarted,
    revision: ctx.revision,
    ...(ctx.recordError === undefined ? {} : { recordError: ctx.recordError }),
  });

/**
 * Writes the release record and the ApplySet parent (the current revision and its members). The
 * record keeps the release's inventory: what is in the cluster after it, the previous members it
 * did not prune included, so that a later deploy still prunes them and a rollback to this
 * revision keeps them.
 */
export async function writeReleaseRecord(ctx: DeployContext): Promise<void> {
  const outcome = outcomeOf(ctx).outcome;
  const recordOutcome: ReleaseOutcome =
    outcome === 'deployed' ? 'deployed' : outcome === 'rolled-back' ? 'rolled-back' : 'failed';
  // only a release that ended deployed pruned anything
  const pruned = recordOutcome === 'deployed' ? ctx.toPrune : [];
  const inventory = inventoryAfter(ctx.previous?.objects ?? [], ctx.objects, pruned);
  const interrupted = ctx.options.signal?.aborted ?? false;
  const entry: ReleaseRecord = {
    app: ctx.options.app,
    namespace: ctx.namespace,
    revision: ctx.revision,
    outcome: recordOutcome,
    objects: inventory,
    images: [...new Set(inventory.flatMap(imagesOf))],
    ...(ctx.options.changeCause ? { changeCause: ctx.options.changeCause } : {}),
    ...(ctx.options.labels ? { labels: ctx.options.labels } : {}),
    ...(ctx.options.restoredFrom === undefined ? {} : { restoredFrom: ctx.options.restoredFrom }),
    startedAt: ctx.startedAt,
    finishedAt: ctx.clock.now(),
  };
  await writeRecord(ctx.kc, entry, ctx.options.historyLimit ?? 10);
  // a pre-deploy hook stopped it: the parent still names what is there
  if (!ctx.applied) return;
  // The parent names what is in the cluster now: this release, or the one it went back to.
  const current = recordOutcome === 'deployed' || interrupted || !ctx.previous ? entry : ctx.previous;
  const members = recordOutcome === 'rolled-back' && ctx.previous ? ctx.previous.objects : inventory;
  await applyOwn(
    ctx.kc,
    applySetParent({
      app: ctx.options.app,
      namespace: ctx.namespace,
      members,
      revision: current.revision,
      tooling: ctx.options.tooling ?? 'kubeship/v0',
    }),
  );
}

/**
 * Notes the error that stopped a release after something was applied (usually the cluster not
 * answering): the result names what was applied and what failed, and needs a human.
 */
export function stopWith(ctx: DeployContext, error: unknown): void {
  // a client's `fetch failed` carries the CLUSTER_UNREACHABLE of the request underneath
  const typed = error instanceof KubeshipError ? error : unreachableCause(error);
  ctx.stopped = {
    phase: ctx.stoppedIn ?? 'rollout',
    code: typed?.code ?? 'API_ERROR',
    message: typed?.message ?? (error instanceof Error ? error.message : String(error)),
  };
}

/** Keeps why the record of a stopped release could not be written, for its result. */
export const recordFailed =
  (ctx: DeployContext) =>
  (failure: unknown): void => {
    ctx.recordError = failure instanceof Error ? failure.message : String(failure);
  };

/** The `release` phase has work: a lease to give back, or namespaces to remove. */
export const releasePhaseNeeded = (ctx: DeployContext): boolean =>
  ctx.lease !== undefined || (ctx.namespacesToRemove ?? []).length > 0;

/**
 * Gives the deploy lease back, then removes the namespaces a deploy that stopped before applying
 * created (one phase). Once the cluster was changed, a failure to give the lease back is a
 * warning (the lease expires on its own), not an error that would hide the release's outcome.
 */
export async function giveBackLease(ctx: DeployContext): Promise<void> {
  const { lease, namespacesToRemove = [] } = ctx;
  try {
    await lease?.release();
    await removeNamespaces(ctx.kc, namespacesToRemove);
  } catch (error) {
    if (!lease || (!ctx.applied && ctx.hooksStarted.length === 0)) throw error;
    warn(ctx, [
      `the deploy lease ${lease.name} could not be released (${error instanceof Error ? error.message : String(error)}): it expires on its own`,
    ]);
  }
}

/** The result: the outcome, every object's verdict, the workloads with evidence and rollback details. */
export async function resultOf(ctx: DeployContext): Promise<DeployResult> {
  const byId = new Map(ctx.verdicts.map((v) => [targetId(v.target), v]));
  // a pre-deploy hook that stopped the release left every object as it was: none has a verdict
  const released = ctx.applied ? ctx.objects : [];
  const objects: ObjectOutcome[] = released.map((object) => {
    const verdict = byId.get(targetId(targetOf(object)));
    const reason = verdictReason(verdict);
    return {
      id: objectId(object),
      kind: object.kind,
      ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
      name: object.metadata.name,
      verdict: verdict?.outcome ?? 'applied',
      summary: verdict?.summary ?? '',
      ...(reason ? { reason } : {}),
    };
  });
  const workloads = released.filter((o) => WORKLOAD_KINDS.has(o.kind));
  const revisionsAfter = await readLive(
    ctx.kc,
    workloads.filter((o) => o.kind === 'Deployment'),
  ).catch(() => new Map<string, k8s.KubernetesObject>());
  const deployments: DeploymentOutcome[] = workloads.map((object) => {
    const id = objectId(object);
    const verdict = byId.get(targetId(targetOf(object)));
    const evidence = ctx.evidence.get(targetId(targetOf(object)));
    const restored = ctx.restore?.objects.find((o) => o.id === id);
    const reason = verdictReason(verdict);
    return {
      kind: object.kind,
      namespace: object.metadata.namespace ?? '',
      name: object.metadata.name,
      revisionBefore: revisionOf((ctx.liveBefore.get(id) ?? {}) as Parameters<typeof revisionOf>[0]),
      revisionAfter: revisionOf((revisionsAfter.get(id) ?? {}) as Parameters<typeof revisionOf>[0]),
      images: imagesOf(object),
      verdict: verdict?.outcome ?? 'applied',
      ...(verdict ? { summary: verdict.summary } : {}),
      ...(reason ? { reason } : {}),
      ...(verdict && 'waiting' in verdict ? { waiting: verdict.waiting } : {}),
      ...(evidence ? { evidence } : {}),
      ...(restored
        ? {
            rollback: {
              toRevision: ctx.previous?.revision ?? 0,
              images: restored.images,
              healthy: restored.healthy,
              ...(restored.error ? { error: restored.error } : {}),
            },
          }
        : {}),
    };
  });
  return {
    ...outcomeOf(ctx),
    revision: ctx.revision,
    previousRevision: ctx.previous?.revision ?? 0,
    changes: ctx.changes,
    objects,
    deployments,
    pruned: ctx.pruned,
    warnings: ctx.warnings,
    ...(ctx.restore ? { rollback: ctx.restore } : {}),
    ...(ctx.stopped ? { stopped: ctx.stopped } : {}),
    strategy: strategyOf(ctx.progressive),
    steps: ctx.steps,
    ...(ctx.evidenceBundle ? { evidenceBundle: ctx.evidenceBundle } : {}),
    durationsMs: ctx.durations,
    startedAt: ctx.startedAt,
    finishedAt: ctx.clock.now(),
  };
}
