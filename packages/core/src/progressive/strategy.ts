// A progressive strategy end to end, as the deploy engine meets it: the options a caller gives,
// the checks of its targets before anything changes, the plan once the live state is known, the
// extra objects to dry-run, and the run (steps, promotion, cleanup).
import type * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '@kubeship/manifests';
import { objectId } from '../apply/plan.ts';
import { applyAll } from '../apply/server.ts';
import type { Clock } from '../clock.ts';
import { KubeshipError } from '../errors.ts';
import type { DeployEventListener } from '../events/deploy-events.ts';
import { type ReleaseStep, stepFailed } from '../events/steps.ts';
import type { AlarmGateOptions } from '../gates/alarms.ts';
import type { RolloutVerdict } from '../rollout/tracker.ts';
import { endBlueGreen, greenDeployment, runBlueGreen } from './blue-green.ts';
import { canaryDeployment, removeCanary, restoreTraffic, runCanarySteps } from './canary.ts';
import { type CanaryStep, checkCanarySteps } from './presets.ts';

/**
 * Ship one Deployment through canary steps instead of updating it in place: a `<name>-canary`
 * Deployment with the new template behind the same Service, sized to each step's share and
 * baked (with the alarm gate); then the stable one is updated and the canary removed. Any
 * failure removes the canary and leaves the stable Deployment untouched. A first release (no
 * stable Deployment yet) is deployed in full.
 */
export interface CanaryOptions {
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
}

/**
 * Ship one Deployment blue/green: the new template runs as `<name>-green` at the stable size
 * and is verified; the Service then selects only green pods while the stable ones (blue) keep
 * running for `keepMs` under the alarm gate, so a failure or SIGTERM switches traffic back at
 * once; then the stable Deployment is updated under no traffic, verified, the Service selects
 * it again and green is removed.
 */
export interface BlueGreenOptions {
  readonly keepMs: number;
  /** The Service in front of the Deployment. */
  readonly service: string;
  readonly deployment?: string;
}

/** What a deploy asks for: the app (the default target's name) and at most one strategy. */
export interface StrategyOptions {
  readonly app: string;
  readonly canary?: CanaryOptions;
  readonly blueGreen?: BlueGreenOptions;
}

/** How a release is shipped: every workload updated in place, or one Deployment progressively. */
export type Strategy = 'rolling' | 'canary' | 'blue-green';

/** The Deployment shipped progressively, once a stable one is known to be live. */
export type Progressive =
  | {
      readonly strategy: 'canary';
      readonly desired: KubeObject;
      readonly stableReplicas: number;
      readonly steps: readonly CanaryStep[];
      readonly alb?: { readonly ingress: KubeObject; readonly service: KubeObject };
    }
  | {
      readonly strategy: 'blue-green';
      readonly desired: KubeObject;
      readonly stableReplicas: number;
      /** The Service to switch. */
      readonly service: KubeObject;
      readonly keepMs: number;
    };

/** Pure: every option problem of the strategy, thrown before anything changes. */
export function checkStrategy(objects: readonly KubeObject[], options: StrategyOptions): void {
  if (options.canary && options.blueGreen)
    throw new KubeshipError('INVALID_INPUT', 'a release is shipped by canary or by blue/green, not both');
  if (options.canary) {
    checkCanarySteps(options.canary.steps);
    progressiveTarget(objects, options);
  }
  if (options.blueGreen) {
    progressiveTarget(objects, options);
    blueGreenService(objects, options.blueGreen);
  }
}

/**
 * Pure: the progressive plan once the live objects are known; a first release (no live stable
 * Deployment) is deployed in full, with a warning saying so.
 */
export function planStrategy(
  objects: readonly KubeObject[],
  liveBefore: ReadonlyMap<string, k8s.KubernetesObject>,
  options: StrategyOptions,
): { readonly progressive?: Progressive; readonly warning?: string } {
  if (!options.canary && !options.blueGreen) return {};
  const desired = progressiveTarget(objects, options);
  const alb = albTargets(objects, options.canary?.alb);
  const stable = liveBefore.get(objectId(desired)) as k8s.V1Deployment | undefined;
  if (!stable)
    return {
      warning: `${objectId(desired)}: first release, no stable version to compare a canary with: deployed in full`,
    };
  const stableReplicas = stable.spec?.replicas ?? 1;
  if (options.blueGreen)
    return {
      progressive: {
        strategy: 'blue-green',
        desired,
        stableReplicas,
        service: blueGreenService(objects, options.blueGreen),
        keepMs: options.blueGreen.keepMs,
      },
    };
  return {
    progressive: {
      strategy: 'canary',
      desired,
      stableReplicas,
      steps: options.canary?.steps ?? [],
      ...(alb ? { alb } : {}),
    },
  };
}

/** Pure: the objects a progressive run creates, for the server-side dry-run. */
export const strategyObjects = (progressive: Progressive | undefined): KubeObject[] =>
  !progressive
    ? []
    : progressive.strategy === 'blue-green'
      ? [greenDeployment(progressive)]
      : [canaryDeployment(progressive.desired, 1)];

/** What running a strategy needs from the engine. */
export interface StrategyRun {
  readonly alarms?: AlarmGateOptions;
  readonly clock: Clock;
  readonly emit: DeployEventListener;
  readonly signal?: AbortSignal;
  readonly timeoutMs: number;
  readonly force: boolean;
  readonly track: (
    objects: readonly KubeObject[],
    since: number,
    timeoutMs: number,
  ) => Promise<RolloutVerdict[]>;
  /** Told the steps as soon as they ran, before the promotion (which may still fail). */
  readonly onSteps: (steps: readonly ReleaseStep[]) => void;
}

/**
 * Walks the strategy's steps; when every one passed, updates the stable Deployment and verifies
 * it, returning its verdict. The canary (or green) is removed whatever happened, interrupted too, so traffic
 * is back on stable pods.
 */
export async function runStrategy(
  kc: k8s.KubeConfig,
  progressive: Progressive,
  run: StrategyRun,
): Promise<RolloutVerdict | undefined> {
  const { force, onSteps, ...shared } = run;
  const common = { ...shared, desired: progressive.desired, stableReplicas: progressive.stableReplicas };
  try {
    const steps =
      progressive.strategy === 'blue-green'
        ? await runBlueGreen(kc, { ...common, service: progressive.service, keepMs: progressive.keepMs })
        : await runCanarySteps(kc, {
            ...common,
            steps: progressive.steps,
            ...(progressive.alb ? { alb: progressive.alb } : {}),
          });
    onSteps(steps);
    if (steps.some(stepFailed)) return undefined;
    const since = run.clock.now();
    await applyAll(kc, [progressive.desired], { force });
    const [promoted] = await run.track([progressive.desired], since, run.timeoutMs);
    return promoted;
  } finally {
    if (progressive.strategy === 'blue-green')
      await endBlueGreen(kc, { service: progressive.service, desired: progressive.desired });
    else {
      if (progressive.alb) await restoreTraffic(kc, progressive.alb);
      await removeCanary(kc, progressive.desired);
    }
  }
}

/** ALB mode: the release's Ingress and Service named by the canary options, checked. */
function albTargets(
  objects: readonly KubeObject[],
  alb: CanaryOptions['alb'],
): { ingress: KubeObject; service: KubeObject } | undefined {
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
function blueGreenService(objects: readonly KubeObject[], blueGreen: BlueGreenOptions): KubeObject {
  const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === blueGreen.service);
  if (!service) {
    throw new KubeshipError(
      'INVALID_INPUT',
      `blueGreen.service: the Service ${blueGreen.service} is not in the release`,
      { details: { parameter: 'blueGreen.service' } },
    );
  }
  if (!(blueGreen.keepMs >= 0 && blueGreen.keepMs <= 6 * 3_600_000))
    throw new KubeshipError('INVALID_INPUT', 'blueGreen.keepMs must be 0 to 6 hours', {
      details: { parameter: 'blueGreen.keepMs' },
    });
  return service;
}

/** The Deployment a strategy ships: named, else the one named like the app, else the only one. */
function progressiveTarget(objects: readonly KubeObject[], options: StrategyOptions): KubeObject {
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

/** Pure: how a release was shipped. */
export const strategyOf = (progressive: Progressive | undefined): Strategy =>
  progressive?.strategy ?? 'rolling';
