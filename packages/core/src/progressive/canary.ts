import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '@kubeship/manifests';
import { kubeApi } from '../apply/_kube-api.ts';
import { applyAll } from '../apply/server.ts';
import type { Clock } from '../clock.ts';
import type { DeployEventListener } from '../events/deploy-events.ts';
import type { ReleaseStep } from '../events/steps.ts';
import { type AlarmGateOptions, bakeWithAlarms } from '../gates/alarms.ts';
import type { RolloutVerdict } from '../rollout/tracker.ts';
import { canaryService, weightedIngress } from './alb.ts';
import { type CanaryStep, canaryReplicas } from './presets.ts';

/** The pod label that tells canary pods from stable ones (the Service selects both). */
export const TRACK_LABEL = 'kubeship.dev/track';
/** ALB mode: the pod label naming the Deployment a canary pod stands in for. */
const CANARY_OF_LABEL = 'kubeship.dev/canary-of';

type DeploymentShape = {
  replicas?: number;
  selector?: { matchLabels?: Record<string, string> };
  template?: { metadata?: { labels?: Record<string, string> } };
};

/**
 * Pure: the `<name>-canary` Deployment: the new template, labelled `kubeship.dev/track: canary`
 * (its selector too, so it never adopts stable pods), with the stable pods' other labels, so the
 * stable Service sends it a share of the traffic proportional to its pods.
 */
export function canaryDeployment(
  desired: KubeObject,
  replicas: number,
  options: {
    readonly apartFrom?: Readonly<Record<string, string>>;
    /** `canary` (default), or `green` for blue/green: the name suffix and the track label's value. */
    readonly track?: string;
  } = {},
): KubeObject {
  const track = options.track ?? 'canary';
  const spec = (desired.spec ?? {}) as DeploymentShape;
  const template = spec.template ?? {};
  // ALB mode: the canary pods must stay out of the stable Service, which selects by these labels
  const apart = (labels: Record<string, string> | undefined) =>
    Object.fromEntries(
      Object.entries(labels ?? {}).filter(([key]) => !options.apartFrom || !(key in options.apartFrom)),
    );
  const own = {
    [TRACK_LABEL]: track,
    ...(options.apartFrom ? { [CANARY_OF_LABEL]: desired.metadata.name } : {}),
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: `${desired.metadata.name}-${track}`,
      ...(desired.metadata.namespace ? { namespace: desired.metadata.namespace } : {}),
      labels: { ...desired.metadata.labels, [TRACK_LABEL]: track },
      annotations: { 'kubeship.dev/canary-of': desired.metadata.name },
    },
    spec: {
      ...spec,
      replicas,
      selector: { matchLabels: { ...apart(spec.selector?.matchLabels), ...own } },
      template: {
        ...template,
        metadata: { ...template.metadata, labels: { ...apart(template.metadata?.labels), ...own } },
      },
    },
  };
}

/** What running a canary needs from the engine. */
export interface CanaryRun {
  /** The Deployment as this release wants it (what promotion applies). */
  readonly desired: KubeObject;
  /** The stable Deployment's replica count now. */
  readonly stableReplicas: number;
  readonly steps: readonly CanaryStep[];
  readonly alarms?: AlarmGateOptions;
  /** ALB weighted mode: the release's Ingress and the stable Service whose traffic is split. */
  readonly alb?: { readonly ingress: KubeObject; readonly service: KubeObject };
  readonly clock: Clock;
  readonly emit: DeployEventListener;
  readonly signal?: AbortSignal;
  readonly timeoutMs: number;
  readonly track: (
    objects: readonly KubeObject[],
    since: number,
    timeoutMs: number,
  ) => Promise<RolloutVerdict[]>;
}

/**
 * Walks the canary steps: sizes `<name>-canary` to the step's share, verifies it with the
 * Deployment rule, then bakes (watching the alarms when there are any). Stops at the first step
 * that does not pass. The caller promotes or removes the canary.
 */
export async function runCanarySteps(kc: k8s.KubeConfig, run: CanaryRun): Promise<ReleaseStep[]> {
  const done: ReleaseStep[] = [];
  for (const [index, step] of run.steps.entries()) {
    const replicas = canaryReplicas(run.stableReplicas, step.percent);
    const name = `canary step ${index + 1} (${step.percent}%)`;
    const startedAt = run.clock.now();
    run.emit({
      type: 'step-started',
      at: startedAt,
      kind: 'canary',
      name,
      detail: `${replicas} canary pod(s) beside ${run.stableReplicas} stable, then ${step.bakeMs / 1000}s bake`,
    });
    const canary = canaryPieces(run, replicas);
    await applyAll(kc, [canary.deployment, ...(canary.service ? [canary.service] : [])], { force: true });
    const [verdict] = await run.track([canary.deployment], startedAt, run.timeoutMs);
    // traffic moves only to a healthy canary
    if (verdict?.outcome === 'complete' && run.alb)
      await applyAll(kc, [weightedIngress(run.alb.ingress, run.alb.service.metadata.name, step.percent)], {
        force: true,
      });
    const base = { kind: 'canary' as const, name, startedAt };
    let result: ReleaseStep;
    if (verdict?.outcome !== 'complete') {
      const outcome =
        verdict?.outcome === 'timeout' || verdict?.outcome === 'interrupted' ? verdict.outcome : 'failed';
      result = {
        ...base,
        outcome,
        reason:
          verdict?.outcome === 'failed'
            ? verdict.reason
            : outcome === 'timeout'
              ? 'CanaryTimeout'
              : 'Interrupted',
        message: `${outcome === 'interrupted' ? 'interrupted while waiting for the canary' : 'the canary did not become healthy'}: ${verdict?.summary ?? 'no verdict'}`,
        finishedAt: run.clock.now(),
      };
    } else {
      const bake = await bakeStep(run, step, name);
      result = {
        ...base,
        ...bake,
        message: `${replicas} canary pod(s) healthy; ${bake.message}`,
        finishedAt: run.clock.now(),
      };
    }
    run.emit({ type: 'step-finished', at: result.finishedAt, step: result });
    done.push(result);
    if (result.outcome !== 'passed') break;
  }
  return done;
}

/** The canary Deployment, and in ALB mode its Service. */
function canaryPieces(run: CanaryRun, replicas: number): { deployment: KubeObject; service?: KubeObject } {
  if (!run.alb) return { deployment: canaryDeployment(run.desired, replicas) };
  const apartFrom = ((run.alb.service.spec ?? {}) as { selector?: Record<string, string> }).selector ?? {};
  const deployment = canaryDeployment(run.desired, replicas, { apartFrom });
  const selector = (deployment.spec as DeploymentShape).selector?.matchLabels ?? {};
  return { deployment, service: canaryService(run.alb.service, selector) };
}

/**
 * ALB mode, once the canary is done with (promoted or aborted): weights back to 100/0 first, so
 * no request goes to pods about to stop, then the release's own Ingress, then the canary Service.
 */
export async function restoreTraffic(kc: k8s.KubeConfig, alb: NonNullable<CanaryRun['alb']>): Promise<void> {
  await applyAll(kc, [weightedIngress(alb.ingress, alb.service.metadata.name, 0)], { force: true });
  await applyAll(kc, [alb.ingress], { force: true });
  const { core } = kubeApi(kc);
  await core
    .deleteNamespacedService({
      name: `${alb.service.metadata.name}-canary`,
      namespace: alb.service.metadata.namespace ?? 'default',
    })
    .catch((error: unknown) => {
      if (!(error instanceof k8s.ApiException && error.code === 404)) throw error;
    });
}

/** The bake of one step: the alarm gate when there is one, else a plain (interruptible) wait. */
export async function bakeStep(
  run: Pick<CanaryRun, 'alarms' | 'clock' | 'emit' | 'signal'>,
  step: Pick<CanaryStep, 'bakeMs'>,
  name: string,
): Promise<Pick<ReleaseStep, 'outcome' | 'reason' | 'message' | 'alarms'>> {
  if (run.alarms) {
    const baked = await bakeWithAlarms(
      { ...run.alarms, bakeMs: step.bakeMs },
      {
        clock: run.clock,
        // the step reports itself; the alarm readings are worth showing as they come
        emit: (event) => {
          if (event.type === 'alarm') run.emit(event);
        },
        name: `${name} bake`,
        ...(run.signal ? { signal: run.signal } : {}),
      },
    );
    return {
      outcome: baked.outcome,
      ...(baked.reason ? { reason: baked.reason } : {}),
      message: baked.message,
      ...(baked.alarms ? { alarms: baked.alarms } : {}),
    };
  }
  await new Promise<void>((resolve) => {
    if (run.signal?.aborted) return resolve();
    const cancel = run.clock.schedule(resolve, step.bakeMs);
    run.signal?.addEventListener(
      'abort',
      () => {
        cancel();
        resolve();
      },
      { once: true },
    );
  });
  return run.signal?.aborted
    ? { outcome: 'interrupted', reason: 'Interrupted', message: 'interrupted during the bake' }
    : { outcome: 'passed', message: `baked ${step.bakeMs / 1000}s` };
}

/** Deletes the canary Deployment and waits (bounded) until its pods are gone, so traffic is back on stable. */
export async function removeCanary(kc: k8s.KubeConfig, desired: KubeObject, track = 'canary'): Promise<void> {
  const { apps, core } = kubeApi(kc);
  const namespace = desired.metadata.namespace ?? 'default';
  const name = `${desired.metadata.name}-${track}`;
  await apps
    .deleteNamespacedDeployment({ name, namespace, propagationPolicy: 'Foreground' })
    .catch((error: unknown) => {
      if (!(error instanceof k8s.ApiException && error.code === 404)) throw error;
    });
  const labelSelector = `${TRACK_LABEL}=${track}`;
  // bounded: pods of a deleted Deployment go within their grace period (foreground deletion: the
  // Deployment is gone once its pods are)
  for (let i = 0; i < 600; i++) {
    const [deployment, pods] = await Promise.all([
      apps.readNamespacedDeployment({ name, namespace }).catch(() => undefined),
      core.listNamespacedPod({ namespace, labelSelector }),
    ]);
    const own = pods.items.filter((pod) => pod.metadata?.name?.startsWith(`${name}-`));
    if (!deployment && own.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
