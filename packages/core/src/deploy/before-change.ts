// The phases before any change: lock, plan, the alarm check, the dry-run.
import { objectId, planChanges } from '../apply/plan.ts';
import { dryRunAll, readLive } from '../apply/server.ts';
import { checkAlarmsBeforeDeploy, firingAlarms } from '../gates/alarms.ts';
import { hookJob } from '../gates/hooks.ts';
import { planStrategy, strategyObjects } from '../progressive/strategy.ts';
import { readHistory, readRecord } from '../release/history.ts';
import { missingFrom } from '../release/prune.ts';
import { assertPruneSafe } from '../release/prune-safety.ts';
import { lastDeployed } from '../release/record.ts';
import { hpaSafe } from './_hpa-safe.ts';
import { ensureNamespaces } from './_namespaces.ts';
import { type DeployContext, warn } from './context.ts';
import { acquireDeployLease } from './lease.ts';
import { nextRevision } from './release-objects.ts';

/**
 * A first deploy creates its namespace(s) first, the release's own and those of
 * `createNamespaces`: the lease lives there.
 */
export async function createNamespaces(ctx: DeployContext): Promise<void> {
  const declared = new Set(ctx.objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
  const asked = (ctx.options.createNamespaces ?? [])
    .filter((name) => !declared.has(name))
    .map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  ctx.createdNamespaces = await ensureNamespaces(ctx.kc, [...ctx.objects, ...asked]);
}

/** Takes the deploy lease, waiting for another deploy of the app as long as allowed. */
export async function lock(ctx: DeployContext): Promise<void> {
  const lease = ctx.options.lease;
  if (!lease) return;
  ctx.lease = await acquireDeployLease(ctx.kc, {
    namespace: ctx.namespace,
    app: ctx.options.app,
    holder: lease.holder,
    ...(lease.waitMs === undefined ? {} : { waitMs: lease.waitMs }),
    ...(lease.durationSeconds === undefined ? {} : { durationSeconds: lease.durationSeconds }),
    clock: ctx.clock,
    ...(ctx.options.signal ? { signal: ctx.options.signal } : {}),
    onWaiting: (wait) => ctx.emit({ type: 'lease-waiting', at: ctx.clock.now(), wait }),
  });
}

/** Reads the history, the live objects and autoscalers: the revision, the previous release, the prune set. */
export async function readCluster(ctx: DeployContext): Promise<void> {
  const ref = { app: ctx.options.app, namespace: ctx.namespace };
  // independent reads, side by side: the autoscalers change no object's identity, which is all
  // that reading the live objects needs
  const [history, safe, liveBefore] = await Promise.all([
    readHistory(ctx.kc, ref).then(async (summaries) => {
      const previous = lastDeployed(summaries);
      return {
        revision: nextRevision(summaries),
        previous: previous ? await readRecord(ctx.kc, ref, previous.revision) : undefined,
      };
    }),
    hpaSafe(ctx.kc, ctx.objects),
    readLive(ctx.kc, ctx.objects),
  ]);
  ctx.revision = history.revision;
  ctx.previous = history.previous;
  ctx.objects = safe.objects;
  warn(ctx, safe.warnings);
  ctx.liveBefore = liveBefore;
  ctx.toPrune = ctx.options.prune === false ? [] : missingFrom(ctx.previous?.objects ?? [], ctx.objects);
  assertPruneSafe({
    app: ctx.options.app,
    objects: ctx.objects,
    previous: ctx.previous?.objects ?? [],
    toPrune: ctx.toPrune,
    allowMassPrune: ctx.options.allowMassPrune ?? false,
  });
}

/** Pure: the strategy's plan and the change set, reported as the `plan` event. */
export function planRelease(ctx: DeployContext): void {
  const strategy = planStrategy(ctx.objects, ctx.liveBefore, ctx.options);
  if (strategy.progressive) ctx.progressive = strategy.progressive;
  if (strategy.warning) warn(ctx, [strategy.warning]);
  ctx.changes = [
    ...planChanges(ctx.objects, ctx.liveBefore).map((p) => ({
      id: p.id,
      action: p.action,
      fields: p.changes.map((c) => c.path),
    })),
    ...ctx.toPrune.map((o) => ({ id: objectId(o), action: 'prune' as const, fields: [] })),
  ];
  ctx.emit({ type: 'plan', at: ctx.clock.now(), changes: ctx.changes });
}

/** Reads the gating alarms: a missing one, or one already in ALARM, refuses the deploy. */
export async function checkAlarms(ctx: DeployContext): Promise<void> {
  const gate = ctx.options.alarms;
  if (!gate) return;
  const alarms = await checkAlarmsBeforeDeploy(gate, ctx.options.signal);
  ctx.alarmsFiringBefore = firingAlarms(alarms, gate.insufficientData).map((alarm) => alarm.name);
}

/** Server-side dry-run of the whole set, its hook runs and strategy objects: every rejection before any change. */
export async function dryRun(ctx: DeployContext): Promise<void> {
  const extra = [
    ...ctx.hooks.map((hook) => hookJob(hook, { app: ctx.options.app, revision: ctx.revision })),
    ...strategyObjects(ctx.progressive),
  ];
  const { warnings } = await dryRunAll(ctx.kc, [...ctx.objects, ...extra], {
    force: ctx.options.force ?? false,
  });
  warn(
    ctx,
    warnings.map((w) => `${w.object}: ${w.message}`),
  );
}
