import type * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '@kubeship/manifests';
import { applyAll } from '../apply/server.ts';
import type { ReleaseStep } from '../events/steps.ts';
import { bakeStep, type CanaryRun, canaryDeployment, removeCanary } from './canary.ts';

/** What blue/green needs from the engine: the canary's settings, the Service to switch, the keep time. */
export interface BlueGreenRun
  extends Pick<
    CanaryRun,
    'desired' | 'stableReplicas' | 'alarms' | 'clock' | 'emit' | 'signal' | 'timeoutMs' | 'track'
  > {
  /** The release's Service in front of the Deployment. */
  readonly service: KubeObject;
  /** How long traffic stays on green, with blue (the stable pods) still running, before promotion. */
  readonly keepMs: number;
}

const selectorOf = (object: KubeObject, path: 'service' | 'deployment') =>
  (path === 'service'
    ? ((object.spec ?? {}) as { selector?: Record<string, string> }).selector
    : ((object.spec ?? {}) as { selector?: { matchLabels?: Record<string, string> } }).selector
        ?.matchLabels) ?? {};

/** Pure: the `<name>-green` Deployment at full size, its pods outside the Service's selector. */
export function greenDeployment(
  run: Pick<BlueGreenRun, 'desired' | 'stableReplicas' | 'service'>,
): KubeObject {
  return canaryDeployment(run.desired, run.stableReplicas, {
    apartFrom: selectorOf(run.service, 'service'),
    track: 'green',
  });
}

/** Pure: the Service with its selector switched to `selector`. */
export function switchedService(service: KubeObject, selector: Readonly<Record<string, string>>): KubeObject {
  return { ...service, spec: { ...(service.spec ?? {}), selector: { ...selector } } };
}

/**
 * Blue/green: the new template runs as `<name>-green` at the stable size and is verified; then the
 * Service selects only green pods, and blue (the stable pods) keeps running for `keepMs` while the
 * alarm gate watches, so any failure switches traffic back at once. The caller then promotes
 * (updates the stable Deployment under no traffic) and calls {@link endBlueGreen}.
 */
export async function runBlueGreen(kc: k8s.KubeConfig, run: BlueGreenRun): Promise<ReleaseStep[]> {
  const steps: ReleaseStep[] = [];
  const green = greenDeployment(run);
  const step = async (
    name: string,
    detail: string,
    work: () => Promise<Omit<ReleaseStep, 'kind' | 'name' | 'startedAt' | 'finishedAt'>>,
  ) => {
    const startedAt = run.clock.now();
    run.emit({ type: 'step-started', at: startedAt, kind: 'blue-green', name, detail });
    const done: ReleaseStep = {
      kind: 'blue-green',
      name,
      startedAt,
      ...(await work()),
      finishedAt: run.clock.now(),
    };
    run.emit({ type: 'step-finished', at: done.finishedAt, step: done });
    steps.push(done);
    return done.outcome === 'passed';
  };
  const verified = await step(
    'green at full size',
    `${run.stableReplicas} pod(s) of ${green.metadata.name}`,
    async () => {
      const since = run.clock.now();
      await applyAll(kc, [green], { force: true });
      const [verdict] = await run.track([green], since, run.timeoutMs);
      if (verdict?.outcome === 'complete') return { outcome: 'passed', message: verdict.summary };
      const outcome =
        verdict?.outcome === 'timeout' || verdict?.outcome === 'interrupted' ? verdict.outcome : 'failed';
      return {
        outcome,
        reason:
          verdict?.outcome === 'failed'
            ? verdict.reason
            : outcome === 'timeout'
              ? 'GreenTimeout'
              : 'Interrupted',
        message: `green did not become healthy: ${verdict?.summary ?? 'no verdict'}`,
      };
    },
  );
  if (!verified) return steps;
  await step(
    'traffic on green',
    `Service ${run.service.metadata.name} selects green only; blue kept ${run.keepMs / 1000}s`,
    async () => {
      await applyAll(kc, [switchedService(run.service, selectorOf(green, 'deployment'))], { force: true });
      const bake = await bakeStep(run, { bakeMs: run.keepMs }, 'traffic on green');
      return bake.outcome === 'passed'
        ? { ...bake, message: `blue kept ${run.keepMs / 1000}s; ${bake.message}` }
        : bake;
    },
  );
  return steps;
}

/**
 * Whatever happened: the release's own Service again (its selector: the stable pods, blue or the
 * promoted ones), then green removed.
 */
export async function endBlueGreen(
  kc: k8s.KubeConfig,
  run: Pick<BlueGreenRun, 'service' | 'desired'>,
): Promise<void> {
  await applyAll(kc, [run.service], { force: true });
  await removeCanary(kc, run.desired, 'green');
}
