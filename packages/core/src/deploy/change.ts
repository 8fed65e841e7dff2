// The phases that change the cluster: hooks, apply, verify, the progressive strategy, the bake.
import { applyAll } from '../apply/server.ts';
import { stepFailed } from '../events/steps.ts';
import { bakeWithAlarms } from '../gates/alarms.ts';
import { type HookPhase, runHook } from '../gates/hooks.ts';
import { runStrategy } from '../progressive/strategy.ts';
import { type RolloutVerdict, targetId, targetOf } from '../rollout/tracker.ts';
import { handOverReplicas } from './_hpa-safe.ts';
import { DEFAULT_TIMEOUT_MS, type DeployContext, hooksAt, track, warn } from './context.ts';

/** Runs the hooks of one phase in order; the first that does not pass stops the rest. */
export async function runHooks(ctx: DeployContext, at: HookPhase): Promise<void> {
  for (const hook of hooksAt(ctx, at)) {
    // from here on its Job may be in the cluster: an error is no longer "nothing changed"
    ctx.hooksStarted.push(`${hook.phase} hook ${hook.name}`);
    const step = await runHook(ctx.kc, hook, {
      app: ctx.options.app,
      revision: ctx.revision,
      clock: ctx.clock,
      emit: ctx.emit,
      track: (objects, since, timeoutMs) => track(ctx, objects, since, timeoutMs),
      ...(ctx.options.logLines === undefined ? {} : { logLines: ctx.options.logLines }),
    });
    ctx.steps.push(step);
    if (stepFailed(step)) return;
  }
}

/** Hands autoscaled replica counts over, then server-side applies the set in order. */
export async function apply(ctx: DeployContext): Promise<void> {
  ctx.appliedAt = ctx.clock.now();
  ctx.applied = true;
  await handOverReplicas(ctx.kc, ctx.objects, ctx.liveBefore);
  // a progressively shipped Deployment keeps its stable template until its steps passed
  const now = ctx.objects.filter((o) => o !== ctx.progressive?.desired);
  const applied = await applyAll(ctx.kc, now, { force: ctx.options.force ?? false });
  warn(
    ctx,
    applied.warnings.map((w) => `${w.object}: ${w.message}`),
  );
}

/** Verifies every object of the release with the rule of its kind. */
export async function verify(ctx: DeployContext): Promise<void> {
  ctx.verdicts = await track(ctx, ctx.objects, ctx.appliedAt, ctx.options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  for (const verdict of ctx.verdicts) reportVerdict(ctx, verdict);
}

function reportVerdict(ctx: DeployContext, verdict: RolloutVerdict): void {
  const target = {
    namespace: verdict.target.namespace ?? '',
    name: verdict.target.name,
    kind: verdict.target.kind,
  };
  if (verdict.outcome === 'complete')
    ctx.emit({
      type: 'rollout-complete',
      at: verdict.at,
      target,
      summary: verdict.summary,
      ...('counts' in verdict && verdict.counts ? { counts: verdict.counts } : {}),
    });
  if (verdict.outcome === 'failed')
    ctx.emit({
      type: 'rollout-failed',
      at: verdict.at,
      target,
      reason: verdict.reason,
      summary: verdict.summary,
      doomed: verdict.doomed,
    });
  if (verdict.outcome === 'timeout' || verdict.outcome === 'interrupted')
    ctx.emit({
      type: 'rollout-timeout',
      at: verdict.at,
      target,
      outcome: verdict.outcome,
      summary: verdict.summary,
      waiting: verdict.waiting,
    });
  if (verdict.outcome === 'unverified')
    ctx.emit({ type: 'unverified', at: verdict.at, target, summary: verdict.summary });
}

/**
 * Ships the progressive Deployment (canary steps or blue/green); when every step passed, the
 * stable Deployment's verdict is the promoted one's.
 */
export async function shipProgressively(ctx: DeployContext): Promise<void> {
  const progressive = ctx.progressive;
  if (!progressive) return;
  const promoted = await runStrategy(ctx.kc, progressive, {
    ...(ctx.options.alarms ? { alarms: ctx.options.alarms } : {}),
    clock: ctx.clock,
    emit: ctx.emit,
    ...(ctx.options.signal ? { signal: ctx.options.signal } : {}),
    timeoutMs: ctx.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    force: ctx.options.force ?? false,
    track: (objects, since, ms) => track(ctx, objects, since, ms),
    onSteps: (steps) => ctx.steps.push(...steps),
  });
  if (!promoted) return;
  const id = targetId(targetOf(progressive.desired));
  ctx.verdicts = ctx.verdicts.map((v) => (targetId(v.target) === id ? promoted : v));
}

/** Watches the gating alarms for the bake time once the release is healthy. */
export async function bake(ctx: DeployContext): Promise<void> {
  const gate = ctx.options.alarms;
  if (!gate) return;
  const step = await bakeWithAlarms(gate, {
    clock: ctx.clock,
    emit: ctx.emit,
    ...(ctx.options.signal ? { signal: ctx.options.signal } : {}),
    firingBefore: ctx.alarmsFiringBefore,
  });
  ctx.steps.push(step);
}
