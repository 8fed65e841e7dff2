// The deploy engine: the list of phases. Each phase lives in the file of what it does to the
// cluster: before-change.ts (nothing yet), change.ts, going-back.ts, closing.ts.
import { reviewReleaseAccess } from '../access/review.ts';
import type { DeployPhase } from '../events/deploy-events.ts';
import { saveEvidence } from '../evidence/save.ts';
import { checkAlarms, createNamespaces, dryRun, lock, planRelease, readCluster } from './before-change.ts';
import { apply, bake, runHooks, shipProgressively, verify } from './change.ts';
import {
  giveBackLease,
  pruneLeftovers,
  recordFailed,
  releasePhaseNeeded,
  resultOf,
  stopWith,
  writeReleaseRecord,
} from './closing.ts';
import { createContext, type DeployContext, hooksAt, releaseFailed } from './context.ts';
import { diagnose, restorePrevious, rollbackWanted } from './going-back.ts';
import type { DeployObjectsOptions, DeployResult } from './types.ts';

/**
 * Deploys a release (the whole set of objects) and proves it healthy, as named phases over one
 * context: validate, lock, plan, check the alarms, dry-run, run the pre-deploy hooks (a failure
 * stops here, nothing else changed), apply, verify, run the post-deploy hooks, bake with the
 * alarms, then either diagnose and roll back the whole release, or prune; then record and
 * give the lease back. Problems found before anything changed are thrown as KubeshipError;
 * rollout outcomes are returned.
 */
export async function deployObjects(options: DeployObjectsOptions): Promise<DeployResult> {
  const ctx = createContext(options);
  await phase(ctx, 'access', () => reviewReleaseAccess(ctx));
  await createNamespaces(ctx);
  if (options.lease) await phase(ctx, 'lock', () => lock(ctx));
  try {
    await phase(ctx, 'plan', () => readCluster(ctx));
    planRelease(ctx);
    if (options.alarms) await phase(ctx, 'alarm-check', () => checkAlarms(ctx));
    await phase(ctx, 'dry-run', () => dryRun(ctx));
    if (hooksAt(ctx, 'pre-deploy').length > 0)
      await phase(ctx, 'pre-deploy', () => runHooks(ctx, 'pre-deploy'));
    if (!releaseFailed(ctx)) {
      await phase(ctx, 'apply', () => apply(ctx));
      await phase(ctx, 'rollout', () => verify(ctx));
      if (ctx.progressive && !releaseFailed(ctx)) await phase(ctx, 'canary', () => shipProgressively(ctx));
      if (hooksAt(ctx, 'post-deploy').length > 0 && !releaseFailed(ctx))
        await phase(ctx, 'post-deploy', () => runHooks(ctx, 'post-deploy'));
      if ((options.alarms?.bakeMs ?? 0) > 0 && !releaseFailed(ctx)) await phase(ctx, 'bake', () => bake(ctx));
      if (options.evidence?.always || releaseFailed(ctx))
        ctx.evidenceBundle = await phase(ctx, 'evidence', () => saveEvidence(ctx));
      if (releaseFailed(ctx)) {
        await phase(ctx, 'diagnose', () => diagnose(ctx));
        if (rollbackWanted(ctx)) await phase(ctx, 'rollback', () => restorePrevious(ctx));
      } else if (ctx.toPrune.length > 0) await phase(ctx, 'prune', () => pruneLeftovers(ctx));
    }
    await phase(ctx, 'record', () => writeReleaseRecord(ctx));
    return await resultOf(ctx);
  } catch (error) {
    // the cluster was changed: the error ends the release as one a human must look at, recorded
    // as failed where the record can still be written; no rollback is tried
    if (ctx.applied || ctx.hooksStarted.length > 0) {
      stopWith(ctx, error);
      await phase(ctx, 'record', () => writeReleaseRecord(ctx)).catch(recordFailed(ctx));
      return await resultOf(ctx);
    }
    // Only a deploy that holds the lease removes the namespace it created: another may be using it.
    if (ctx.lease || !options.lease) ctx.namespacesToRemove = ctx.createdNamespaces;
    throw error;
  } finally {
    if (releasePhaseNeeded(ctx)) await phase(ctx, 'release', () => giveBackLease(ctx));
  }
}

/** Runs one phase: its start and finish as events, its time added to the durations, where an error escaped. */
export async function phase<T>(ctx: DeployContext, name: DeployPhase, work: () => Promise<T>): Promise<T> {
  const at = ctx.clock.now();
  ctx.emit({ type: 'phase-started', phase: name, at });
  try {
    return await work();
  } catch (error) {
    ctx.stoppedIn ??= name;
    throw error;
  } finally {
    ctx.durations[name] = (ctx.durations[name] ?? 0) + ctx.clock.now() - at;
    ctx.emit({
      type: 'phase-finished',
      phase: name,
      at: ctx.clock.now(),
      durationMs: ctx.durations[name] ?? 0,
    });
  }
}
