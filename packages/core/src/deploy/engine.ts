import type * as k8s from '@kubernetes/client-node';
import { type KubeObject, objectIdentity } from '@kubeship/manifests';
import { reviewReleaseAccess } from '../access/review.ts';
import type { AccessExplainer } from '../access/rights.ts';
import { objectId, type PlannedChange, planChanges } from '../apply/plan.ts';
import { applyAll, dryRunAll, readLive } from '../apply/server.ts';
import { unreachableCause } from '../auth/_kubernetes-errors.ts';
import { type Clock, systemClock } from '../clock.ts';
import { KubeshipError, type KubeshipErrorCode } from '../errors.ts';
import { type EvidenceBundle, type EvidenceOptions, saveEvidence } from '../evidence/save.ts';
import { type AlarmGateOptions, bakeWithAlarms, checkAlarmsBeforeDeploy } from '../gates/alarms.ts';
import { type Hook, type HookPhase, hookJob, runHook, splitHooks } from '../gates/hooks.ts';
import { type ReleaseStep, stepFailed } from '../gates/steps.ts';
import { endBlueGreen, greenDeployment, runBlueGreen } from '../progressive/blue-green.ts';
import { canaryDeployment, removeCanary, restoreTraffic, runCanarySteps } from '../progressive/canary.ts';
import { type CanaryStep, checkCanarySteps } from '../progressive/presets.ts';
import { appApplySetId, applySetParent, withMembership } from '../release/applyset.ts';
import { applyOwn, readHistory, readRecord, writeRecord } from '../release/history.ts';
import { deleteMembers, inventoryAfter, missingFrom } from '../release/prune.ts';
import { assertPruneSafe, assertReleaseHasObjects, WORKLOAD_KINDS } from '../release/prune-safety.ts';
import { lastDeployed, type ReleaseOutcome, type ReleaseRecord } from '../release/record.ts';
import type { DeployEventListener, DeployPhase } from '../report/events.ts';
import { collectEvidence, type Evidence } from '../rollout/diagnostics.ts';
import { revisionOf } from '../rollout/predicates.ts';
import { type RolloutVerdict, targetId, targetOf, trackRollouts, verdictReason } from '../rollout/tracker.ts';
import { handOverReplicas, hpaSafe } from './_hpa-safe.ts';
import { ensureNamespaces, removeNamespaces } from './_namespaces.ts';
import { type RestoreOutcome, restoreRelease } from './_restore.ts';
import { acquireDeployLease, type DeployLease } from './lease.ts';

/** A Kubernetes object as kubeship applies it. */
export type Manifest = KubeObject;

/** Options of {@link deployObjects}. */
export interface DeployObjectsOptions {
  readonly kubeConfig: k8s.KubeConfig;
  /** The app being deployed: names the deploy lease and the release history. */
  readonly app: string;
  /** The namespace of the app's lease and release records (default: the first namespaced object's). */
  readonly namespace?: string;
  /** Validated objects in apply order; namespaced ones carry their namespace. */
  readonly objects: readonly Manifest[];
  /** Recorded as `kubernetes.io/change-cause` on each workload and in the release record. */
  readonly changeCause?: string;
  /** Provenance kept in the release record: commit, build id, pipeline execution. */
  readonly labels?: Readonly<Record<string, string>>;
  /** The release revision this deploy restores (set by `rollbackRelease`). */
  readonly restoredFrom?: number;
  /** How long the rollout may take (default 10 minutes). */
  readonly timeoutMs?: number;
  /** How long verifying a rollback may take (default: `timeoutMs`). */
  readonly rollbackTimeoutMs?: number;
  /** Put the previous release back when this one fails (default true). */
  readonly rollback?: boolean;
  /** Delete objects the previous release had and this one has not, once it is healthy (default true). */
  readonly prune?: boolean;
  /**
   * Allow pruning every workload of the app, or more than half of its objects (default false:
   * such a release is refused with PRUNE_REFUSED before anything changes).
   */
  readonly allowMassPrune?: boolean;
  /** Release records kept per app (default 10). */
  readonly historyLimit?: number;
  /** Take over fields another field manager owns (default false). */
  readonly force?: boolean;
  /** The deploy lease: holder (build id) and how long to wait for another deploy (default 0). */
  readonly lease?: { readonly holder: string; readonly waitMs?: number; readonly durationSeconds?: number };
  readonly maxRestarts?: number;
  readonly unschedulableGraceMs?: number;
  readonly imagePullGraceMs?: number;
  /** How long an HPA may fail to read metrics or its target before it fails the release (default 60 s). */
  readonly metricsGraceMs?: number;
  readonly logLines?: number;
  /**
   * CloudWatch alarms that gate the release: checked before anything changes (one already in
   * ALARM refuses the deploy), then watched for `bakeMs` once the release is healthy.
   */
  readonly alarms?: AlarmGateOptions;
  /**
   * Ship one Deployment through canary steps instead of updating it in place: a `<name>-canary`
   * Deployment with the new template behind the same Service, sized to each step's share and
   * baked (with the alarm gate); then the stable one is updated and the canary removed. Any
   * failure removes the canary and leaves the stable Deployment untouched. A first release (no
   * stable Deployment yet) is deployed in full.
   */
  readonly canary?: {
    readonly steps: readonly CanaryStep[];
    /** The Deployment to canary (default: the one named like the app, else the only one). */
    readonly deployment?: string;
    /**
     * ALB weighted canary (AWS Load Balancer Controller): instead of sharing the Service, the
     * canary gets `<service>-canary`, and the Ingress forwards each step's percentage of the
     * Service's traffic to it (`alb.ingress.kubernetes.io/actions.<service>-weighted`); weights go
     * back to 100/0 before the canary is removed, promoted or not.
     */
    readonly alb?: { readonly ingress: string; readonly service: string };
  };
  /**
   * Ship one Deployment blue/green: the new template runs as `<name>-green` at the stable size
   * and is verified; the Service then selects only green pods while the stable ones (blue) keep
   * running for `keepMs` under the alarm gate, so a failure or SIGTERM switches traffic back at
   * once; then the stable Deployment is updated under no traffic, verified, the Service selects
   * it again and green is removed.
   */
  readonly blueGreen?: {
    readonly keepMs: number;
    /** The Service in front of the Deployment. */
    readonly service: string;
    readonly deployment?: string;
  };
  /**
   * The evidence bundle: written when the release fails, before it is rolled back (and, with
   * `always`, for a healthy release too) into a directory and/or S3; see `saveEvidence`.
   */
  readonly evidence?: EvidenceOptions;
  /** Says why rights the access review found missing are missing (a ClusterConnection's `explainAccess`). */
  readonly explainAccess?: AccessExplainer;
  /** `kubeship/<version>`, the ApplySet tooling annotation. */
  readonly tooling?: string;
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
  readonly onEvent?: DeployEventListener;
}

/** How one object of the release fared. */
export interface ObjectOutcome {
  readonly id: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** complete: verified healthy by its kind's rule; applied: nothing to verify; unverified: no rule could tell. */
  readonly verdict: RolloutVerdict['outcome'];
  readonly summary: string;
  readonly reason?: string;
}

/** How one workload (Deployment, StatefulSet, DaemonSet, Job, ...) fared. */
export interface DeploymentOutcome {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** The Deployment revision before and after (0 for other kinds). */
  readonly revisionBefore: number;
  readonly revisionAfter: number;
  readonly images: readonly string[];
  readonly verdict: RolloutVerdict['outcome'];
  readonly reason?: string;
  readonly summary?: string;
  readonly waiting?: readonly { readonly pod: string; readonly reason: string }[];
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
  /** The release revision this deploy recorded, and the one it replaced (0: none). */
  readonly revision: number;
  readonly previousRevision: number;
  readonly changes: ReadonlyArray<{
    readonly id: string;
    readonly action: PlannedChange['action'] | 'prune';
    readonly fields: readonly string[];
  }>;
  /** Every object of the release with its verdict (none when a pre-deploy hook stopped it before any change). */
  readonly objects: readonly ObjectOutcome[];
  /** The workloads, with evidence and rollback details. */
  readonly deployments: readonly DeploymentOutcome[];
  /** Objects deleted because the release no longer has them. */
  readonly pruned: readonly string[];
  /** API server warnings (Pod Security, deprecations) and kubeship's own (autoscaled replicas). */
  readonly warnings: readonly string[];
  readonly rollback?: RestoreOutcome;
  /**
   * Set when an error stopped the release after something was applied (the cluster unreachable,
   * RBAC refusing the watch or the rollback): the phase it stopped in and the error. The cluster
   * was changed and is not verified: the result is ROLLBACK_FAILED (a human must look), or
   * INTERRUPTED when the error was the deploy being cancelled.
   */
  readonly stopped?: {
    readonly phase: DeployPhase;
    readonly code: KubeshipErrorCode;
    readonly message: string;
  };
  /** How the release was shipped: `rolling` (every workload updated in place); always set by deployObjects. */
  readonly strategy?: 'rolling' | 'canary' | 'blue-green';
  /** The gates the release went through, in order (hooks, the alarm bake); always set by deployObjects. */
  readonly steps?: readonly ReleaseStep[];
  /** Where the evidence bundle went (with the `evidence` option, when one was written). */
  readonly evidenceBundle?: EvidenceBundle;
  readonly durationsMs: Readonly<Partial<Record<DeployPhase, number>>>;
  readonly startedAt: number;
  readonly finishedAt: number;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/** The state the phases of one deploy share. */
interface Context {
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
  /** The Deployment shipped through canary steps (set once a stable one is known to be live). */
  canary?: {
    readonly desired: KubeObject;
    readonly stableReplicas: number;
    readonly alb?: { readonly ingress: KubeObject; readonly service: KubeObject };
    /** Blue/green instead of canary steps: the Service to switch. */
    readonly blueGreen?: { readonly service: KubeObject; readonly keepMs: number };
  };
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
  evidenceBundle?: EvidenceBundle | undefined;
}

/**
 * Deploys a release (the whole set of objects) and proves it healthy, as named phases over one
 * context: validate, lock, plan, check the alarms, dry-run, run the pre-deploy hooks (a failure
 * stops here, nothing else changed), apply, verify, run the post-deploy hooks, bake with the
 * alarms, then either diagnose and roll back the whole release, or prune; then record and
 * release the lease. Problems found before anything changed are thrown as KubeshipError;
 * rollout outcomes are returned.
 */
export async function deployObjects(options: DeployObjectsOptions): Promise<DeployResult> {
  const ctx = validate(options);
  await phase(ctx, 'access', () => reviewReleaseAccess(ctx));
  await lock(ctx);
  try {
    await plan(ctx);
    await checkAlarms(ctx);
    await dryRun(ctx);
    await runHooks(ctx, 'pre-deploy');
    if (failed(ctx)) {
      await record(ctx);
      return await result(ctx);
    }
    await apply(ctx);
    await verify(ctx);
    if (!failed(ctx)) await canary(ctx);
    if (!failed(ctx)) await runHooks(ctx, 'post-deploy');
    if (!failed(ctx)) await bake(ctx);
    if (options.evidence?.always || failed(ctx))
      ctx.evidenceBundle = await phase(ctx, 'evidence', () => saveEvidence(ctx));
    if (failed(ctx)) {
      await diagnose(ctx);
      await rollBack(ctx);
    } else {
      await prune(ctx);
    }
    await record(ctx);
    return await result(ctx);
  } catch (error) {
    // the cluster was changed: the error ends the release as one a human must look at
    if (ctx.applied || ctx.hooksStarted.length > 0) return await stop(ctx, error);
    // Only a deploy that holds the lease removes the namespace it created: another may be using it.
    if (ctx.lease || !ctx.options.lease) ctx.namespacesToRemove = ctx.createdNamespaces;
    throw error;
  } finally {
    await release(ctx);
  }
}

/** What {@link checkObjects} found: a deploy of these objects would be allowed. */
export interface CheckResult {
  /** The changes a deploy would make (Secret values never shown). */
  readonly changes: DeployResult['changes'];
  /** The dry-run's warnings (Pod Security, deprecations) and kubeship's own. */
  readonly warnings: readonly string[];
  /** The release revision a deploy would record, and the one it would replace (0: none). */
  readonly revision: number;
  readonly previousRevision: number;
  /** How many distinct rights the access review asked about (0: the cluster refused the review). */
  readonly rightsReviewed: number;
  readonly durationsMs: Readonly<Partial<Record<DeployPhase, number>>>;
}

/**
 * Everything {@link deployObjects} does before it changes anything, changing nothing and taking
 * no lease: validation, the access review, the plan, the alarm gate's state and the server-side
 * dry-run of the whole set (hooks and canary objects included). Throws what the deploy would
 * throw (FORBIDDEN with every missing right, DRY_RUN_REJECTED, an alarm firing, ...).
 */
export async function checkObjects(options: DeployObjectsOptions): Promise<CheckResult> {
  const ctx = validate(options);
  const access = await phase(ctx, 'access', () => reviewReleaseAccess(ctx));
  await plan(ctx);
  await checkAlarms(ctx);
  await dryRun(ctx);
  return {
    changes: ctx.changes,
    warnings: ctx.warnings,
    revision: ctx.revision,
    previousRevision: ctx.previous?.revision ?? 0,
    rightsReviewed: access.asked,
    durationsMs: ctx.durations,
  };
}

async function phase<T>(ctx: Context, name: DeployPhase, work: () => Promise<T>): Promise<T> {
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

/** Pure checks and transforms: membership labels, change cause; refuses an empty release. */
function validate(options: DeployObjectsOptions): Context {
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
  const namespace =
    options.namespace ??
    options.objects.find((o) => o.kind === 'Deployment')?.metadata.namespace ??
    options.objects.find((o) => o.metadata.namespace)?.metadata.namespace ??
    'default';
  const applySetId = appApplySetId(options.app, namespace);
  const split = splitHooks(options.objects);
  if (options.canary && options.blueGreen)
    throw new KubeshipError('INVALID_INPUT', 'a release is shipped by canary or by blue/green, not both');
  if (options.canary) {
    checkCanarySteps(options.canary.steps);
    canaryTarget(split.objects, options);
  }
  if (options.blueGreen) {
    canaryTarget(split.objects, options);
    blueGreenService(split.objects, options.blueGreen);
  }
  if (split.objects.length === 0) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `the release of ${options.app} has only hooks: nothing to deploy`,
    );
  }
  const objects = withMembership(
    split.objects.map((object) => withChangeCause(object, options.changeCause)),
    applySetId,
  );
  return {
    options,
    kc: options.kubeConfig,
    clock,
    emit: options.onEvent ?? (() => {}),
    namespace,
    applySetId,
    startedAt: clock.now(),
    durations: {},
    warnings: [],
    objects,
    hooks: split.hooks,
    steps: [],
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

/**
 * Takes the deploy lease. A first deploy creates its namespace(s) first (the lease lives there),
 * and removes them again, waiting until they are gone, when the deploy stops before applying.
 */
async function lock(ctx: Context): Promise<void> {
  ctx.createdNamespaces = await ensureNamespaces(ctx.kc, ctx.objects);
  if (!ctx.options.lease) return;
  const lease = ctx.options.lease;
  ctx.lease = await phase(ctx, 'lock', () =>
    acquireDeployLease(ctx.kc, {
      namespace: ctx.namespace,
      app: ctx.options.app,
      holder: lease.holder,
      ...(lease.waitMs === undefined ? {} : { waitMs: lease.waitMs }),
      ...(lease.durationSeconds === undefined ? {} : { durationSeconds: lease.durationSeconds }),
      clock: ctx.clock,
      ...(ctx.options.signal ? { signal: ctx.options.signal } : {}),
      onWaiting: (wait) => ctx.emit({ type: 'lease-waiting', at: ctx.clock.now(), wait }),
    }),
  );
}

/** Reads the live objects, the history and live autoscalers; computes the change set and the prune set. */
async function plan(ctx: Context): Promise<void> {
  await phase(ctx, 'plan', async () => {
    const ref = { app: ctx.options.app, namespace: ctx.namespace };
    const history = await readHistory(ctx.kc, ref);
    ctx.revision = Math.max(0, ...history.map((r) => r.revision)) + 1;
    const previous = lastDeployed(history);
    ctx.previous = previous ? await readRecord(ctx.kc, ref, previous.revision) : undefined;
    const safe = await hpaSafe(ctx.kc, ctx.objects);
    ctx.objects = safe.objects;
    warn(ctx, safe.warnings);
    ctx.liveBefore = await readLive(ctx.kc, ctx.objects);
    ctx.toPrune = ctx.options.prune === false ? [] : missingFrom(ctx.previous?.objects ?? [], ctx.objects);
    assertPruneSafe({
      app: ctx.options.app,
      objects: ctx.objects,
      previous: ctx.previous?.objects ?? [],
      toPrune: ctx.toPrune,
      allowMassPrune: ctx.options.allowMassPrune ?? false,
    });
  });
  if (ctx.options.canary || ctx.options.blueGreen) {
    const desired = canaryTarget(ctx.objects, ctx.options);
    const stable = ctx.liveBefore.get(objectId(desired)) as k8s.V1Deployment | undefined;
    const alb = albTargets(ctx.objects, ctx.options);
    const bg = ctx.options.blueGreen;
    const blueGreen = bg ? { service: blueGreenService(ctx.objects, bg), keepMs: bg.keepMs } : undefined;
    if (stable)
      ctx.canary = {
        desired,
        stableReplicas: stable.spec?.replicas ?? 1,
        ...(alb ? { alb } : {}),
        ...(blueGreen ? { blueGreen } : {}),
      };
    else
      warn(ctx, [
        `${objectId(desired)}: first release, no stable version to compare a canary with: deployed in full`,
      ]);
  }
  const plan = planChanges(ctx.objects, ctx.liveBefore);
  ctx.changes = [
    ...plan.map((p) => ({ id: p.id, action: p.action, fields: p.changes.map((c) => c.path) })),
    ...ctx.toPrune.map((o) => ({ id: objectId(o), action: 'prune' as const, fields: [] })),
  ];
  ctx.emit({ type: 'plan', at: ctx.clock.now(), changes: ctx.changes });
}

/** Reads the gating alarms: a missing one, or one already in ALARM, refuses the deploy. */
async function checkAlarms(ctx: Context): Promise<void> {
  const gate = ctx.options.alarms;
  if (!gate) return;
  await phase(ctx, 'alarm-check', () => checkAlarmsBeforeDeploy(gate, ctx.options.signal));
}

/** Server-side dry-run of the whole set and its hooks: every rejection reported before anything changes. */
async function dryRun(ctx: Context): Promise<void> {
  const extra = [
    ...ctx.hooks.map((hook) => hookJob(hook, { app: ctx.options.app, revision: ctx.revision })),
    ...(ctx.canary
      ? [
          ctx.canary.blueGreen
            ? greenDeployment({ ...ctx.canary, service: ctx.canary.blueGreen.service })
            : canaryDeployment(ctx.canary.desired, 1),
        ]
      : []),
  ];
  const { warnings } = await phase(ctx, 'dry-run', () =>
    dryRunAll(ctx.kc, [...ctx.objects, ...extra], { force: ctx.options.force ?? false }),
  );
  warn(
    ctx,
    warnings.map((w) => `${w.object}: ${w.message}`),
  );
}

/** Hands autoscaled replica counts over, then server-side applies the set in order. */
async function apply(ctx: Context): Promise<void> {
  ctx.appliedAt = ctx.clock.now();
  ctx.applied = true;
  const applied = await phase(ctx, 'apply', async () => {
    await handOverReplicas(ctx.kc, ctx.objects, ctx.liveBefore);
    // a canaried Deployment keeps its stable template until the canary passed
    const now = ctx.objects.filter((o) => o !== ctx.canary?.desired);
    return applyAll(ctx.kc, now, { force: ctx.options.force ?? false });
  });
  warn(
    ctx,
    applied.warnings.map((w) => `${w.object}: ${w.message}`),
  );
}

/** Verifies every object of the release with the rule of its kind. */
async function verify(ctx: Context): Promise<void> {
  ctx.verdicts = await phase(ctx, 'rollout', () =>
    track(ctx, ctx.objects, ctx.appliedAt, ctx.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
  );
  for (const verdict of ctx.verdicts) {
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
        ...countsOf(verdict),
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
}

/**
 * Walks the canary steps; when every one passed, updates the stable Deployment and verifies it.
 * The canary is removed whatever happened (interrupted too), so traffic is back on stable pods.
 */
async function canary(ctx: Context): Promise<void> {
  const target = ctx.canary;
  if (!target) return;
  const timeoutMs = ctx.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  await phase(ctx, 'canary', async () => {
    try {
      const bg = target.blueGreen;
      const run = {
        desired: target.desired,
        stableReplicas: target.stableReplicas,
        ...(ctx.options.alarms ? { alarms: ctx.options.alarms } : {}),
        clock: ctx.clock,
        emit: ctx.emit,
        ...(ctx.options.signal ? { signal: ctx.options.signal } : {}),
        timeoutMs,
        track: (objects: readonly KubeObject[], since: number, ms: number) => track(ctx, objects, since, ms),
      };
      const steps = bg
        ? await runBlueGreen(ctx.kc, { ...run, service: bg.service, keepMs: bg.keepMs })
        : await runCanarySteps(ctx.kc, {
            ...run,
            steps: ctx.options.canary?.steps ?? [],
            ...(target.alb ? { alb: target.alb } : {}),
          });
      ctx.steps.push(...steps);
      if (steps.some(stepFailed)) return;
      const since = ctx.clock.now();
      await applyAll(ctx.kc, [target.desired], { force: ctx.options.force ?? false });
      const [promoted] = await track(ctx, [target.desired], since, timeoutMs);
      const id = targetId(targetOf(target.desired));
      if (promoted) ctx.verdicts = ctx.verdicts.map((v) => (targetId(v.target) === id ? promoted : v));
    } finally {
      if (target.alb) await restoreTraffic(ctx.kc, target.alb);
      if (target.blueGreen)
        await endBlueGreen(ctx.kc, { service: target.blueGreen.service, desired: target.desired });
      else await removeCanary(ctx.kc, target.desired);
    }
  });
}

/** Runs the hooks of one phase in order; the first that does not pass stops the rest. */
async function runHooks(ctx: Context, at: HookPhase): Promise<void> {
  const hooks = ctx.hooks.filter((hook) => hook.phase === at);
  if (hooks.length === 0) return;
  await phase(ctx, at, async () => {
    for (const hook of hooks) {
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
  });
}

/** Watches the gating alarms for the bake time once the release is healthy. */
async function bake(ctx: Context): Promise<void> {
  const gate = ctx.options.alarms;
  if (!gate || gate.bakeMs <= 0) return;
  const step = await phase(ctx, 'bake', () =>
    bakeWithAlarms(gate, {
      clock: ctx.clock,
      emit: ctx.emit,
      ...(ctx.options.signal ? { signal: ctx.options.signal } : {}),
    }),
  );
  ctx.steps.push(step);
}

/** Captures events, container states and log tails of every failed object, before any rollback. */
async function diagnose(ctx: Context): Promise<void> {
  await phase(ctx, 'diagnose', async () => {
    for (const verdict of failedVerdicts(ctx)) {
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
  });
}

/** Puts the whole previous release back (unless turned off or interrupted) and verifies it. */
async function rollBack(ctx: Context): Promise<void> {
  if (ctx.options.rollback === false || ctx.options.signal?.aborted) return;
  const reason = [
    ...failedVerdicts(ctx).map((v) => (v.outcome === 'failed' ? v.reason : v.outcome)),
    ...failedSteps(ctx).map((step) => `${step.name} ${step.reason ?? step.outcome}`),
  ].join(', ');
  ctx.restore = await phase(ctx, 'rollback', () =>
    restoreRelease(ctx.kc, {
      applied: ctx.objects,
      previous: ctx.previous,
      liveBefore: ctx.liveBefore,
      applySetId: ctx.applySetId,
      changeCause: `kubeship rollback after ${reason}`,
      clock: ctx.clock,
      emit: ctx.emit,
      track: (objects, since) =>
        track(
          ctx,
          objects,
          since,
          ctx.options.rollbackTimeoutMs ?? ctx.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        ),
    }),
  );
}

/** Deletes what the previous release had and this healthy one has not. */
async function prune(ctx: Context): Promise<void> {
  if (ctx.toPrune.length === 0) return;
  ctx.pruned = await phase(ctx, 'prune', () => deleteMembers(ctx.kc, ctx.toPrune, ctx.applySetId));
  for (const id of ctx.pruned) ctx.emit({ type: 'pruned', at: ctx.clock.now(), id });
}

/**
 * Writes the release record and the ApplySet parent (the current revision and its members). The
 * record keeps the release's inventory: what is in the cluster after it, the previous members it
 * did not prune included, so that a later deploy still prunes them and a rollback to this
 * revision keeps them.
 */
async function record(ctx: Context): Promise<void> {
  const outcome = summarise(ctx).outcome;
  const recordOutcome: ReleaseOutcome =
    outcome === 'deployed' ? 'deployed' : outcome === 'rolled-back' ? 'rolled-back' : 'failed';
  // only a release that ended deployed pruned anything
  const pruned = recordOutcome === 'deployed' ? ctx.toPrune : [];
  const inventory = inventoryAfter(ctx.previous?.objects ?? [], ctx.objects, pruned);
  const interrupted = ctx.options.signal?.aborted ?? false;
  await phase(ctx, 'record', async () => {
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
  });
}

/**
 * Ends a release that an error stopped after something was applied: no rollback is tried (the
 * error is usually the cluster not answering); the release is recorded as failed where the record
 * can still be written, and the result names what was applied and what failed.
 */
async function stop(ctx: Context, error: unknown): Promise<DeployResult> {
  // a client's `fetch failed` carries the CLUSTER_UNREACHABLE of the request underneath
  const typed = error instanceof KubeshipError ? error : unreachableCause(error);
  ctx.stopped = {
    phase: ctx.stoppedIn ?? 'rollout',
    code: typed?.code ?? 'API_ERROR',
    message: typed?.message ?? (error instanceof Error ? error.message : String(error)),
  };
  try {
    await record(ctx);
  } catch (failure) {
    ctx.recordError = failure instanceof Error ? failure.message : String(failure);
  }
  return result(ctx);
}

/**
 * Gives the deploy lease back, then removes the namespaces a deploy that stopped before applying
 * created (one phase). Once the cluster was changed, a failure to give the lease back is a
 * warning (the lease expires on its own), not an error that would hide the release's outcome.
 */
async function release(ctx: Context): Promise<void> {
  const { lease, namespacesToRemove = [] } = ctx;
  if (!lease && namespacesToRemove.length === 0) return;
  try {
    await phase(ctx, 'release', async () => {
      await lease?.release();
      await removeNamespaces(ctx.kc, namespacesToRemove);
    });
  } catch (error) {
    if (!lease || (!ctx.applied && ctx.hooksStarted.length === 0)) throw error;
    warn(ctx, [
      `the deploy lease ${lease.name} could not be released (${error instanceof Error ? error.message : String(error)}): it expires on its own`,
    ]);
  }
}

function track(ctx: Context, objects: readonly KubeObject[], since: number, timeoutMs: number) {
  return trackRollouts({
    kubeConfig: ctx.kc,
    targets: objects,
    startedAt: since,
    timeoutMs,
    clock: ctx.clock,
    ...(ctx.options.signal ? { signal: ctx.options.signal } : {}),
    ...(ctx.options.maxRestarts === undefined ? {} : { maxRestarts: ctx.options.maxRestarts }),
    ...(ctx.options.unschedulableGraceMs === undefined
      ? {}
      : { unschedulableGraceMs: ctx.options.unschedulableGraceMs }),
    ...(ctx.options.imagePullGraceMs === undefined ? {} : { imagePullGraceMs: ctx.options.imagePullGraceMs }),
    ...(ctx.options.metricsGraceMs === undefined ? {} : { metricsGraceMs: ctx.options.metricsGraceMs }),
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

function warn(ctx: Context, messages: readonly string[]): void {
  for (const message of messages) {
    if (ctx.warnings.includes(message)) continue;
    ctx.warnings.push(message);
    ctx.emit({ type: 'warning', at: ctx.clock.now(), message });
  }
}

const failedVerdicts = (ctx: Context) =>
  ctx.verdicts.filter(
    (v) => v.outcome === 'failed' || v.outcome === 'timeout' || v.outcome === 'interrupted',
  );

const failedSteps = (ctx: Context) => ctx.steps.filter(stepFailed);

/** Something stopped the release: an object's rule, or a gate. */
const failed = (ctx: Context) => failedVerdicts(ctx).length > 0 || failedSteps(ctx).length > 0;

const countsOf = (verdict: RolloutVerdict) =>
  'counts' in verdict && verdict.counts ? { counts: verdict.counts } : {};

async function result(ctx: Context): Promise<DeployResult> {
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
    ...summarise(ctx),
    revision: ctx.revision,
    previousRevision: ctx.previous?.revision ?? 0,
    changes: ctx.changes,
    objects,
    deployments,
    pruned: ctx.pruned,
    warnings: ctx.warnings,
    ...(ctx.restore ? { rollback: ctx.restore } : {}),
    ...(ctx.stopped ? { stopped: ctx.stopped } : {}),
    strategy: ctx.canary ? (ctx.canary.blueGreen ? 'blue-green' : 'canary') : 'rolling',
    steps: ctx.steps,
    ...(ctx.evidenceBundle ? { evidenceBundle: ctx.evidenceBundle } : {}),
    durationsMs: ctx.durations,
    startedAt: ctx.startedAt,
    finishedAt: ctx.clock.now(),
  };
}

/** Pure: the outcome, error code and one-line message of a deploy from its verdicts. */
function summarise(ctx: Context): Pick<DeployResult, 'outcome' | 'code' | 'message'> {
  // a SIGTERM stays an interruption (exit 4); any other error after a change needs a human
  if (ctx.stopped)
    return {
      outcome: 'failed',
      code: ctx.stopped.code === 'INTERRUPTED' ? 'INTERRUPTED' : 'ROLLBACK_FAILED',
      message: stoppedMessage(ctx, ctx.stopped),
    };
  const bad = failedVerdicts(ctx);
  const steps = failedSteps(ctx);
  if (bad.length === 0 && steps.length === 0)
    return { outcome: 'deployed', message: healthyMessage(ctx.verdicts, ctx.steps) };
  const names = [
    ...bad.map(
      (v) =>
        `${v.target.kind} ${v.target.name} (${v.outcome === 'failed' ? v.reason : v.outcome === 'timeout' ? 'timed out' : 'interrupted'})`,
    ),
    ...steps.map((step) => `${step.name} (${step.reason ?? step.outcome}: ${step.message})`),
  ].join(', ');
  if (!ctx.applied) {
    // a pre-deploy hook stopped the release: the previous one is still there, untouched
    if (ctx.options.signal?.aborted || steps.some((s) => s.outcome === 'interrupted'))
      return {
        outcome: 'failed',
        code: 'INTERRUPTED',
        message: `interrupted during ${names}; nothing else was changed`,
      };
    return {
      outcome: 'failed',
      code: steps.some((s) => s.outcome === 'timeout') ? 'ROLLOUT_TIMEOUT' : 'ROLLOUT_FAILED',
      message: `${names}; nothing else was changed`,
    };
  }
  if (
    ctx.options.signal?.aborted ||
    bad.some((v) => v.outcome === 'interrupted') ||
    steps.some((s) => s.outcome === 'interrupted')
  )
    return { outcome: 'failed', code: 'INTERRUPTED', message: `interrupted while waiting for ${names}` };
  if (ctx.options.rollback === false)
    return {
      outcome: 'failed',
      code: 'ROLLBACK_FAILED',
      message: `rollout failed: ${names}; rollback is turned off: a human must look`,
    };
  const timedOut = bad.some((v) => v.outcome === 'timeout') || steps.some((s) => s.outcome === 'timeout');
  if (ctx.restore?.healthy) {
    return {
      outcome: 'rolled-back',
      code: timedOut ? 'ROLLOUT_TIMEOUT' : 'ROLLOUT_FAILED',
      message: `rollout ${timedOut ? 'timed out' : 'failed'}: ${names}; ${ctx.restore.message}`,
    };
  }
  return {
    outcome: 'failed',
    code: 'ROLLBACK_FAILED',
    message: `rollout failed: ${names}; ${ctx.restore?.message ?? 'not rolled back'}: a human must look`,
  };
}

/** Pure: what was applied, what stopped the release, whether it is recorded. */
function stoppedMessage(ctx: Context, stopped: NonNullable<Context['stopped']>): string {
  const ids = ctx.objects.map(objectId);
  const listed = `${ids.slice(0, 10).join(', ')}${ids.length > 10 ? `, and ${ids.length - 10} more` : ''}`;
  const healthy = ctx.verdicts.length > 0 && failedVerdicts(ctx).length === 0;
  const applied = !ctx.applied
    ? `${ctx.hooksStarted.join(', ')} started (nothing else of the release was applied), then ${stopped.phase} stopped`
    : stopped.phase === 'apply'
      ? `applying the release (${listed}) stopped part way`
      : `the release was applied (${listed})${healthy ? ' and verified healthy' : ''}, then ${stopped.phase} stopped`;
  const recorded = ctx.recordError
    ? `the release record could not be written (${ctx.recordError})`
    : `release ${ctx.revision} is recorded as failed`;
  return `${applied}: ${stopped.code}: ${stopped.message}; ${recorded}; the cluster was changed: a human must look`;
}

/** Pure: which objects were verified, which were only applied, which no rule could judge. */
function healthyMessage(verdicts: readonly RolloutVerdict[], steps: readonly ReleaseStep[]): string {
  const of = (outcome: RolloutVerdict['outcome']) => verdicts.filter((v) => v.outcome === outcome);
  const verified = of('complete');
  const unverified = of('unverified');
  const applied = of('applied');
  const list = (vs: readonly RolloutVerdict[]) =>
    vs.map((v) => `${v.target.kind} ${v.target.name}`).join(', ');
  const parts = [
    verified.length > 0
      ? `verified healthy: ${list(verified)}`
      : 'nothing in this release has a health to verify',
    ...(applied.length > 0 ? [`${applied.length} applied (no runtime status)`] : []),
    ...(unverified.length > 0 ? [`NOT verified (no rule can tell): ${list(unverified)}`] : []),
    ...(steps.length > 0 ? [`passed ${steps.map((s) => s.name).join(', ')}`] : []),
  ];
  return `deployed; ${parts.join('; ')}`;
}

/** ALB mode: the release's Ingress and Service named by the canary options, checked. */
function albTargets(
  objects: readonly KubeObject[],
  options: DeployObjectsOptions,
): { ingress: KubeObject; service: KubeObject } | undefined {
  const alb = options.canary?.alb;
  if (!alb) return undefined;
  const ingress = objects.find((o) => o.kind === 'Ingress' && o.metadata.name === alb.ingress);
  const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === alb.service);
  const problem = (message: string) =>
    new KubeshipError('INVALID_INPUT', `canary.alb: ${message}`, { details: { parameter: 'canary.alb' } });
  if (!ingress) throw problem(`the Ingress ${alb.ingress} is not in the release`);
  if (!service) throw problem(`the Service ${alb.service} is not in the release`);
  if (!JSON.stringify(ingress.spec ?? {}).includes(`"name":"${alb.service}"`))
    throw problem(`the Ingress ${alb.ingress} sends no traffic to the Service ${alb.service}`);
  return { ingress, service };
}

/** Blue/green: the release's Service to switch. */
function blueGreenService(
  objects: readonly KubeObject[],
  blueGreen: NonNullable<DeployObjectsOptions['blueGreen']>,
): KubeObject {
  const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === blueGreen.service);
  if (!service) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `blueGreen.service: the Service ${blueGreen.service} is not in the release`,
      {
        details: { parameter: 'blueGreen.service' },
      },
    );
  }
  if (!(blueGreen.keepMs >= 0 && blueGreen.keepMs <= 6 * 3_600_000))
    throw new KubeshipError('INVALID_INPUT', 'blueGreen.keepMs must be 0 to 6 hours', {
      details: { parameter: 'blueGreen.keepMs' },
    });
  return service;
}

/** The Deployment a canary ships: named, else the one named like the app, else the only one. */
function canaryTarget(objects: readonly KubeObject[], options: DeployObjectsOptions): KubeObject {
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  const wanted = options.canary?.deployment ?? options.blueGreen?.deployment;
  const found = wanted
    ? deployments.find((d) => d.metadata.name === wanted)
    : (deployments.find((d) => d.metadata.name === options.app) ??
      (deployments.length === 1 ? deployments[0] : undefined));
  if (!found) {
    throw new KubeshipError(
      'INVALID_INPUT',
      wanted
        ? `the canary Deployment ${wanted} is not in the release`
        : `a canary needs one Deployment: name it (canary.deployment) among ${deployments.map((d) => d.metadata.name).join(', ') || 'none'}`,
      { details: { parameter: 'canary.deployment' } },
    );
  }
  return found;
}

function withChangeCause(object: Manifest, changeCause: string | undefined): Manifest {
  if (!changeCause || !WORKLOAD_KINDS.has(object.kind)) return object;
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: { ...object.metadata.annotations, 'kubernetes.io/change-cause': changeCause },
    },
  };
}

/** The container images of a workload's pod template (or a Pod's own spec). */
export function imagesOf(object: Manifest): string[] {
  type PodSpec = { containers?: Array<{ image?: string }>; initContainers?: Array<{ image?: string }> };
  const spec = object.spec as
    | (PodSpec & {
        template?: { spec?: PodSpec };
        jobTemplate?: { spec?: { template?: { spec?: PodSpec } } };
      })
    | undefined;
  const pod =
    object.kind === 'Pod' ? spec : (spec?.template?.spec ?? spec?.jobTemplate?.spec?.template?.spec);
  return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])].map((c) => c.image ?? '');
}
