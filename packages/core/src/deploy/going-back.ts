// The phases that go back after a failure: capture the evidence, put the previous release back.

import { stepFailed } from '../events/steps.ts';
import { collectEvidence } from '../rollout/diagnostics.ts';
import { targetId } from '../rollout/tracker.ts';
import { restoreRelease } from './_restore.ts';
import { DEFAULT_TIMEOUT_MS, type DeployContext, track } from './context.ts';
import { failedVerdicts } from './outcome.ts';

/** Captures events, container states and log tails of every failed object, before any rollback. */
export async function diagnose(ctx: DeployContext): Promise<void> {
  for (const verdict of failedVerdicts(ctx.verdicts)) {
    if (!verdict.target.namespace) continue;
    const found = await collectEvidence(ctx.kc, {
      namespace: verdict.target.namespace,
      kind: verdict.target.kind,
      name: verdict.target.name,
      doomed: verdict.outcome === 'failed' ? verdict.doomed : [],
      since: ctx.appliedAt,
      ...(ctx.options.logLines === undefined ? {} : { logLines: ctx.options.logLines }),
    });
    ctx.evidence.set(targetId(verdict.target), found);
    const target = {
      namespace: verdict.target.namespace,
      name: verdict.target.name,
      kind: verdict.target.kind,
    };
    ctx.emit({ type: 'evidence', at: ctx.clock.now(), target, evidence: found });
  }
}

/** A failed release is rolled back unless rollback is turned off or the deploy was cancelled. */
export const rollbackWanted = (ctx: DeployContext): boolean =>
  ctx.options.rollback !== false && !ctx.options.signal?.aborted;

/** Puts the whole previous release back and verifies it. */
export async function restorePrevious(ctx: DeployContext): Promise<void> {
  const reason = [
    ...failedVerdicts(ctx.verdicts).map((v) => (v.outcome === 'failed' ? v.reason : v.outcome)),
    ...ctx.steps.filter(stepFailed).map((step) => `${step.name} ${step.reason ?? step.outcome}`),
  ].join(', ');
  const timeoutMs = ctx.options.rollbackTimeoutMs ?? ctx.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  ctx.restore = await restoreRelease(ctx.kc, {
    applied: ctx.objects,
    previous: ctx.previous,
    liveBefore: ctx.liveBefore,
    applySetId: ctx.applySetId,
    changeCause: `kubeship rollback after ${reason}`,
    clock: ctx.clock,
    emit: ctx.emit,
    track: (objects, since) => track(ctx, objects, since, timeoutMs),
  });
}
