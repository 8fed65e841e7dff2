// `kubeship check`: the phases of a deploy before any change, and nothing else.
import { reviewReleaseAccess } from '../access/review.ts';
import { checkAlarms, dryRun, planRelease, readCluster } from './before-change.ts';
import { createContext } from './context.ts';
import { phase } from './engine.ts';
import type { CheckResult, DeployObjectsOptions } from './types.ts';

/**
 * Everything `deployObjects` does before it changes anything, changing nothing and taking
 * no lease: validation, the access review, the plan, the alarm gate's state and the server-side
 * dry-run of the whole set. Throws what the deploy would throw (FORBIDDEN with every missing right,
 * DRY_RUN_REJECTED, an alarm firing, ...).
 */
export async function checkObjects(options: DeployObjectsOptions): Promise<CheckResult> {
  const ctx = createContext(options);
  const access = await phase(ctx, 'access', () => reviewReleaseAccess(ctx));
  await phase(ctx, 'plan', () => readCluster(ctx));
  planRelease(ctx);
  if (options.alarms) await phase(ctx, 'alarm-check', () => checkAlarms(ctx));
  await phase(ctx, 'dry-run', () => dryRun(ctx));
  const { changes, warnings, revision, previous, durations } = ctx;
  const previousRevision = previous?.revision ?? 0;
  return {
    changes,
    warnings,
    revision,
    previousRevision,
    rightsReviewed: access.asked,
    durationsMs: durations,
  };
}
